#include "bodyparts.h"

namespace Hookscope {
namespace {

// The value of `parameter` in a header value such as `form-data; name="a"; filename="b.txt"`.
QByteArray headerParameter(QByteArrayView value, QByteArrayView parameter)
{
    for (QByteArrayView piece : value.toByteArray().split(';')) {
        piece = piece.trimmed();
        const qsizetype equals = piece.indexOf('=');
        if (equals < 0 || piece.first(equals).trimmed().compare(parameter, Qt::CaseInsensitive))
            continue;
        QByteArrayView found = piece.sliced(equals + 1).trimmed();
        if (found.size() >= 2 && found.startsWith('"') && found.endsWith('"'))
            found = found.sliced(1, found.size() - 2);
        return found.toByteArray();
    }
    return {};
}

QByteArray decodeFormComponent(QByteArray text)
{
    text.replace('+', ' ');
    return QByteArray::fromPercentEncoding(text);
}

} // namespace

QByteArray BodyParts::boundary(QByteArrayView contentType)
{
    return headerParameter(contentType, "boundary");
}

namespace {

// The last path element of a name the sender chose, without control characters or leading
// dots, as a browser saves a download.
QString safeFileName(const QString &given)
{
    const qsizetype lastSeparator
        = std::max(given.lastIndexOf(QLatin1Char('/')), given.lastIndexOf(QLatin1Char('\\')));
    QString safe;
    for (const QChar c : QStringView(given).sliced(lastSeparator + 1)) {
        if (c.category() != QChar::Other_Control)
            safe += c;
    }
    safe = safe.trimmed();
    while (safe.startsWith(QLatin1Char('.')))
        safe = safe.mid(1).trimmed();
    return safe;
}

} // namespace

QString BodyPart::suggestedFileName() const
{
    const QString fromFile = safeFileName(fileName);
    if (!fromFile.isEmpty())
        return fromFile;
    const QString fromField = safeFileName(name);
    return (fromField.isEmpty() ? QStringLiteral("part") : fromField) + QStringLiteral(".bin");
}

QList<BodyPart> BodyParts::split(const QByteArray &body, QByteArrayView contentType, QString *error)
{
    const QByteArray type = contentType.toByteArray().toLower();
    if (type.startsWith("application/x-www-form-urlencoded"))
        return formFields(body);
    if (type.startsWith("multipart/")) {
        const QByteArray delimiter = boundary(contentType);
        if (delimiter.isEmpty()) {
            *error = QStringLiteral("The multipart Content-Type has no boundary parameter");
            return {};
        }
        return multipart(body, delimiter, error);
    }
    return {};
}

QList<BodyPart> BodyParts::formFields(const QByteArray &body)
{
    QList<BodyPart> fields;
    for (const QByteArray &pair : body.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        BodyPart field;
        field.name = QString::fromUtf8(decodeFormComponent(equals < 0 ? pair : pair.left(equals)));
        field.data = equals < 0 ? QByteArray() : decodeFormComponent(pair.mid(equals + 1));
        fields.append(field);
    }
    return fields;
}

QList<BodyPart> BodyParts::multipart(const QByteArray &body, const QByteArray &boundary,
                                     QString *error)
{
    // RFC 2046 §5.1.1: parts are separated by CRLF "--" boundary; the first delimiter may start
    // the body; "--" after the last one closes it. Bare LF line ends are accepted too.
    const QByteArray delimiter = "--" + boundary;
    const QByteArray delimiterLine = '\n' + delimiter; // preceded by CRLF or LF
    QList<BodyPart> parts;
    qsizetype position = body.startsWith(delimiter) ? 0 : body.indexOf(delimiterLine);
    if (position < 0) {
        *error = QStringLiteral("No \"--%1\" delimiter found in the body")
                     .arg(QString::fromUtf8(boundary));
        return parts;
    }
    if (position > 0)
        ++position; // past the LF that belongs to the delimiter
    for (;;) {
        qsizetype afterDelimiter = position + delimiter.size();
        if (body.mid(afterDelimiter, 2) == "--")
            return parts; // closing delimiter
        const qsizetype lineEnd = body.indexOf('\n', afterDelimiter);
        if (lineEnd < 0)
            break;
        const qsizetype headStart = lineEnd + 1;
        qsizetype headEnd = body.indexOf("\r\n\r\n", headStart - 2);
        qsizetype dataStart = headEnd + 4;
        if (const qsizetype bare = body.indexOf("\n\n", headStart - 1);
            bare >= 0 && (headEnd < 0 || bare < headEnd)) {
            headEnd = bare;
            dataStart = bare + 2;
        }
        if (headEnd < 0 || headEnd < headStart - 2) {
            *error = QStringLiteral("Multipart part %1 at byte %2 has no end of headers")
                         .arg(parts.size() + 1)
                         .arg(headStart);
            return parts;
        }
        const qsizetype next = body.indexOf(delimiterLine, dataStart - 1);
        if (next < 0) {
            *error = QStringLiteral("Multipart part %1 at byte %2 is not closed by a delimiter "
                                    "(the body may be cut short)")
                         .arg(parts.size() + 1)
                         .arg(headStart);
            return parts;
        }
        const qsizetype dataEnd = next > 0 && body.at(next - 1) == '\r' ? next - 1 : next;
        BodyPart part;
        part.head = body.mid(headStart, std::max<qsizetype>(0, headEnd - headStart));
        part.data = body.mid(dataStart, std::max<qsizetype>(0, dataEnd - dataStart));
        for (const QByteArray &line : part.head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon < 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            const QByteArray value = line.mid(colon + 1).trimmed();
            if (name == "content-disposition") {
                part.name = QString::fromUtf8(headerParameter(value, "name"));
                part.fileName = QString::fromUtf8(headerParameter(value, "filename"));
            } else if (name == "content-type") {
                part.contentType = value;
            }
        }
        parts.append(part);
        position = next + 1;
    }
    *error
        = QStringLiteral("Multipart body ends inside a delimiter line at byte %1").arg(body.size());
    return parts;
}

} // namespace Hookscope
