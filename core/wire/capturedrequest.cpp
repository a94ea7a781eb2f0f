#include "capturedrequest.h"

#include <QRegularExpression>

#include "body/contentdecoder.h"

namespace Hookscope {

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const HeaderField &header : headers) {
        if (header.name.compare(name, Qt::CaseInsensitive) == 0)
            return header.value;
    }
    return {};
}

bool isHttpToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool alphanumeric
            = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alphanumeric && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

namespace {

QString shown(QByteArrayView text)
{
    QString readable;
    for (const char c : text.first(std::min<qsizetype>(text.size(), 60))) {
        const auto byte = uchar(c);
        readable += byte >= 0x20 && byte < 0x7f
                        ? QString(QLatin1Char(c))
                        : QStringLiteral("\\x%1").arg(byte, 2, 16, QLatin1Char('0'));
    }
    return readable + (text.size() > 60 ? QStringLiteral("…") : QString());
}

} // namespace

QString methodProblem(QByteArrayView method)
{
    if (isHttpToken(method))
        return {};
    return QStringLiteral("The method \"%1\" is not an HTTP method: use letters, digits and "
                          "!#$%&'*+-.^_`|~ only (RFC 9110)")
        .arg(shown(method));
}

QString headerProblem(QByteArrayView name, QByteArrayView value)
{
    if (!isHttpToken(name))
        return QStringLiteral("The header name \"%1\" is not a valid name: use letters, digits "
                              "and !#$%&'*+-.^_`|~ only, no spaces or colons (RFC 9110)")
            .arg(shown(name));
    for (const char c : value) {
        if (c == '\r' || c == '\n' || c == '\0')
            return QStringLiteral("The value of the header \"%1\" holds a %2, which would end "
                                  "the header on the wire: remove it")
                .arg(QString::fromLatin1(name), c == '\0'   ? QStringLiteral("NUL byte")
                                                : c == '\r' ? QStringLiteral("carriage return (CR)")
                                                            : QStringLiteral("line feed (LF)"));
    }
    return {};
}

QString requestHeadProblem(QByteArrayView method, const HeaderList &headers)
{
    QString problem = methodProblem(method);
    for (qsizetype i = 0; i < headers.size() && problem.isEmpty(); ++i)
        problem = headerProblem(headers[i].name, headers[i].value);
    return problem;
}

QByteArray CapturedRequest::path() const
{
    const qsizetype question = target.indexOf('?');
    return question < 0 ? target : target.left(question);
}

QByteArray CapturedRequest::query() const
{
    const qsizetype question = target.indexOf('?');
    return question < 0 ? QByteArray() : target.mid(question + 1);
}

qsizetype CapturedRequest::parseErrorOffset() const
{
    static const QRegularExpression atByte(QStringLiteral("^Malformed request at byte (\\d+):"));
    const QRegularExpressionMatch match = atByte.match(parseError);
    if (!match.hasMatch())
        return -1;
    const qsizetype offset = match.captured(1).toLongLong();
    return offset < raw.size() ? offset : raw.size() - 1;
}

std::optional<QByteArray> CapturedRequest::decodedBodyUpTo(qsizetype limit) const
{
    const DecodeResult result
        = ContentDecoder::decode(body, headerValue(headers, "Content-Encoding"), limit);
    if (result.ok)
        return result.data.size() <= limit ? std::optional(result.data) : std::nullopt;
    // Not decodable, or longer than `limit` decoded: the bytes as they came, as decodedBody().
    return body.size() <= limit ? std::optional(body) : std::nullopt;
}

QByteArray CapturedRequest::decodedBody() const
{
    const DecodeResult result
        = ContentDecoder::decode(body, headerValue(headers, "Content-Encoding"));
    return result.ok ? result.data : body;
}

} // namespace Hookscope
