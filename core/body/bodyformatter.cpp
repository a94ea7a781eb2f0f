#include "bodyformatter.h"

#include <QUrlQuery>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

namespace Hookscope {
namespace {

constexpr qsizetype BinarySniffBytes = 8192;

bool contains(QByteArrayView contentType, QByteArrayView part)
{
    return contentType.toByteArray().toLower().contains(part);
}

QString indentXml(const QByteArray &xml, QString *error)
{
    QXmlStreamReader reader(xml);
    QString out;
    QXmlStreamWriter writer(&out);
    writer.setAutoFormatting(true);
    writer.setAutoFormattingIndent(2);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isWhitespace())
            continue;
        if (reader.isStartDocument() && reader.documentVersion().isEmpty())
            continue; // the writer would invent an <?xml?> declaration the body did not have
        writer.writeCurrentToken(reader);
    }
    if (reader.hasError()) {
        *error = QStringLiteral("XML error at line %1, column %2: %3")
                     .arg(reader.lineNumber())
                     .arg(reader.columnNumber())
                     .arg(reader.errorString());
        return {};
    }
    // Auto-formatting starts with a line break when no declaration was written.
    if (out.startsWith(QLatin1Char('\n')))
        out.remove(0, 1);
    return out;
}

QString formFields(const QByteArray &body)
{
    QString out;
    // Forms encode spaces as '+', which QUrlQuery leaves alone.
    QByteArray percentEncoded = body;
    percentEncoded.replace('+', "%20");
    const QUrlQuery query(QString::fromUtf8(percentEncoded));
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded))
        out += name + QStringLiteral(" = ") + value + QLatin1Char('\n');
    return out;
}

} // namespace

bool BodyFormatter::looksBinary(const QByteArray &body)
{
    QByteArray head = body.left(BinarySniffBytes);
    if (head.contains('\0'))
        return true;
    if (body.size() > head.size()) {
        // Do not count a multi-byte character cut at the sniff boundary as an error.
        qsizetype end = head.size() - 1;
        while (end > head.size() - 4 && (uchar(head.at(end)) & 0xC0) == 0x80)
            --end;
        head.truncate(end);
    }
    // Invalid UTF-8 does not survive a round trip (it becomes replacement characters).
    return QString::fromUtf8(head).toUtf8() != head;
}

QString BodyFormatter::indentJson(const QByteArray &json, QString *error)
{
    QByteArray out;
    out.reserve(json.size() + json.size() / 2);
    int depth = 0;
    QByteArray openers;
    bool inString = false;
    bool escaped = false;
    bool sawValue = false;
    const auto newline = [&] {
        out += '\n';
        out.append(depth * 2, ' ');
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json.at(i);
        if (inString) {
            out += c;
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            else if (c == '\n') {
                *error = QStringLiteral("JSON error at byte %1: line break inside a string").arg(i);
                return {};
            }
            continue;
        }
        switch (c) {
        case ' ':
        case '\t':
        case '\r':
        case '\n': break;
        case '"':
            inString = true;
            sawValue = true;
            out += c;
            break;
        case '{':
        case '[': {
            sawValue = true;
            out += c;
            openers += c;
            ++depth;
            // Keep empty containers on one line.
            qsizetype next = i + 1;
            while (next < json.size() && QByteArrayView(" \t\r\n").contains(json.at(next)))
                ++next;
            if (next < json.size() && json.at(next) == (c == '{' ? '}' : ']')) {
                out += json.at(next);
                openers.chop(1);
                --depth;
                i = next;
            } else {
                newline();
            }
            break;
        }
        case '}':
        case ']':
            if (openers.isEmpty() || openers.back() != (c == '}' ? '{' : '[')) {
                *error = QStringLiteral("JSON error at byte %1: unexpected '%2'")
                             .arg(i)
                             .arg(QLatin1Char(c));
                return {};
            }
            openers.chop(1);
            --depth;
            newline();
            out += c;
            break;
        case ',':
            out += c;
            newline();
            break;
        case ':': out += ": "; break;
        default:
            // Numbers, true, false, null: copied exactly as sent.
            if (!(QChar::isLetterOrNumber(uchar(c)) || c == '-' || c == '+' || c == '.')) {
                *error = QStringLiteral("JSON error at byte %1: unexpected '%2'")
                             .arg(i)
                             .arg(QLatin1Char(c));
                return {};
            }
            sawValue = true;
            out += c;
        }
    }
    if (inString || !openers.isEmpty() || !sawValue) {
        *error = QStringLiteral("JSON error at byte %1: the document ends early").arg(json.size());
        return {};
    }
    return QString::fromUtf8(out);
}

FormattedBody BodyFormatter::format(const QByteArray &body, QByteArrayView contentType)
{
    FormattedBody result;
    if (body.isEmpty())
        return result;
    result.parts = BodyParts::split(body, contentType, &result.partsError);
    if (looksBinary(body)) {
        result.kind = FormattedBody::Kind::Binary;
        return result;
    }
    const QByteArray trimmedStart = body.left(64).trimmed();
    const bool jsonType = contains(contentType, "json");
    const bool jsonShape = trimmedStart.startsWith('{') || trimmedStart.startsWith('[');
    if (jsonType || (contentType.isEmpty() && jsonShape)) {
        result.text = indentJson(body, &result.error);
        if (result.error.isEmpty()) {
            result.kind = FormattedBody::Kind::Json;
            return result;
        }
    } else if (contains(contentType, "xml") || trimmedStart.startsWith("<?xml")) {
        result.text = indentXml(body, &result.error);
        if (result.error.isEmpty()) {
            result.kind = FormattedBody::Kind::Xml;
            return result;
        }
    } else if (contains(contentType, "application/x-www-form-urlencoded")) {
        result.kind = FormattedBody::Kind::Form;
        result.text = formFields(body);
        return result;
    }
    result.kind = FormattedBody::Kind::Text;
    result.text = QString::fromUtf8(body);
    return result;
}

} // namespace Hookscope
