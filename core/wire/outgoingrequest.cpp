#include "outgoingrequest.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QUuid>

#include <algorithm>

namespace Hookscope {

namespace {

// `text` with each {{name}} replaced by valueOf(name), or left as written where it gives none.
template<typename ValueOf>
QByteArray withPlaceholders(const QByteArray &text, ValueOf valueOf)
{
    QByteArray out;
    qsizetype at = 0;
    for (qsizetype open = text.indexOf("{{"); open >= 0; open = text.indexOf("{{", at)) {
        const qsizetype close = text.indexOf("}}", open + 2);
        if (close < 0)
            break;
        out += QByteArrayView(text).sliced(at, open - at);
        if (const std::optional<QByteArray> value
            = valueOf(QByteArrayView(text).sliced(open + 2, close - open - 2).trimmed()))
            out += *value;
        else
            out += QByteArrayView(text).sliced(open, close + 2 - open);
        at = close + 2;
    }
    return out + QByteArrayView(text).sliced(at);
}

QByteArray expand(const QByteArray &text, const QHash<QString, QString> &variables,
                  QStringList *missing)
{
    return withPlaceholders(text, [&](QByteArrayView name) -> std::optional<QByteArray> {
        const QString key = QString::fromUtf8(name);
        if (const auto value = variables.constFind(key); value != variables.cend())
            return value->toUtf8();
        if (!missing->contains(key))
            missing->append(key);
        return std::nullopt;
    });
}

QByteArray randomFrom(QByteArrayView alphabet, int length)
{
    QByteArray text(length, Qt::Uninitialized);
    for (char &c : text)
        c = alphabet[QRandomGenerator::global()->bounded(int(alphabet.size()))];
    return text;
}

std::optional<QByteArray> dynamicValue(QByteArrayView name, qint64 nowMs)
{
    if (name == "$guid" || name == "$randomUUID")
        return QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
    if (name == "$timestamp")
        return QByteArray::number(nowMs / 1000);
    if (name == "$isoTimestamp")
        return QDateTime::fromMSecsSinceEpoch(nowMs, Qt::UTC)
            .toString(Qt::ISODateWithMs)
            .toLatin1();
    if (name == "$randomInt")
        return QByteArray::number(QRandomGenerator::global()->bounded(1001));
    if (name == "$randomId")
        return randomFrom("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", 24);
    if (name == "$randomHex")
        return randomFrom("0123456789abcdef", 32);
    return std::nullopt;
}

} // namespace

QByteArray OutgoingRequest::withDynamicValues(const QByteArray &text, qint64 nowMs)
{
    if (!text.contains("{{"))
        return text;
    return withPlaceholders(text,
                            [nowMs](QByteArrayView name) { return dynamicValue(name, nowMs); });
}

OutgoingRequest OutgoingRequest::withVariables(const QHash<QString, QString> &variables,
                                               QStringList *missing) const
{
    OutgoingRequest expanded = *this;
    for (HeaderField &header : expanded.headers)
        header.value = expand(header.value, variables, missing);
    expanded.body = expand(body, variables, missing);
    return expanded;
}

QString OutgoingRequest::expandVariables(const QString &text,
                                         const QHash<QString, QString> &variables,
                                         QStringList *missing)
{
    return QString::fromUtf8(expand(text.toUtf8(), variables, missing));
}

QByteArray headerLines(const HeaderList &headers, QByteArrayView lineEnd)
{
    QByteArray lines;
    for (const HeaderField &header : headers)
        lines += header.name + ": " + header.value + lineEnd;
    return lines;
}

HeaderList parseHeaderLines(QByteArrayView text)
{
    HeaderList headers;
    for (const QByteArray &line : text.toByteArray().split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return headers;
}

QByteArray DeliveryResult::head(QByteArrayView lineEnd) const
{
    if (status == 0)
        return {};
    return version + ' ' + QByteArray::number(status) + ' ' + reason + lineEnd
           + headerLines(headers, lineEnd);
}

void DeliveryResult::readHead(QByteArrayView head)
{
    const qsizetype statusLineEnd = head.indexOf('\n');
    const QByteArrayView statusLine = head.first(statusLineEnd < 0 ? head.size() : statusLineEnd);
    // VERSION SP STATUS SP REASON
    const qsizetype statusStart = statusLine.indexOf(' ');
    const QByteArrayView written = statusLine.first(std::max<qsizetype>(statusStart, 0));
    version = written.startsWith("HTTP/") ? written.toByteArray() : QByteArray("HTTP/1.1");
    const qsizetype reasonStart = statusStart < 0 ? -1 : statusLine.indexOf(' ', statusStart + 1);
    reason = reasonStart < 0 ? QByteArray()
                             : statusLine.sliced(reasonStart + 1).trimmed().toByteArray();
    headers = statusLineEnd < 0 ? HeaderList() : parseHeaderLines(head.sliced(statusLineEnd + 1));
}

int TargetOptions::flags() const
{
    return (fixedUrl ? 1 : 0) | (keepHost ? 2 : 0) | (acceptSelfSigned ? 4 : 0) | (resign ? 8 : 0);
}

TargetOptions TargetOptions::fromFlags(int flags)
{
    return {(flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0};
}

bool OutgoingRequest::isHopByHop(QByteArrayView name)
{
    static const char *const hopByHop[] = {"connection",
                                           "keep-alive",
                                           "proxy-connection",
                                           "proxy-authenticate",
                                           "proxy-authorization",
                                           "te",
                                           "trailer",
                                           "transfer-encoding",
                                           "upgrade"};
    for (const char *header : hopByHop) {
        if (name.compare(QByteArrayView(header), Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QString OutgoingRequest::targetProblem(const QUrl &url)
{
    if (!url.isValid())
        return QStringLiteral("\"%1\" is not a valid URL: %2")
            .arg(url.toString(), url.errorString());
    if (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        return QStringLiteral("\"%1\" is not an http:// or https:// URL").arg(url.toString());
    if (url.host().isEmpty())
        return QStringLiteral("\"%1\" has no host").arg(url.toString());
    return {};
}

std::optional<OutgoingRequest> OutgoingRequest::replay(const CapturedRequest &capture,
                                                       const QUrl &target, TargetOptions options,
                                                       QString *error)
{
    if (const QString problem = targetProblem(target); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    if (capture.method.isEmpty() || !capture.target.startsWith('/')) {
        *error = QStringLiteral("Capture #%1 has no complete request line to replay (%2)")
                     .arg(capture.id)
                     .arg(capture.parseError.isEmpty() ? QStringLiteral("not origin-form")
                                                       : capture.parseError);
        return std::nullopt;
    }
    OutgoingRequest request;
    request.method = capture.method;
    if (options.fixedUrl) {
        request.url = target;
    } else {
        // The captured target keeps its exact percent-encoding; the base's path is its prefix.
        QByteArray base = target.toEncoded(QUrl::RemoveQuery | QUrl::RemoveFragment);
        while (base.endsWith('/'))
            base.chop(1);
        request.url = QUrl::fromEncoded(base + capture.target);
    }
    // Headers the Connection header names are hop-by-hop too (RFC 9110 §7.6.1).
    QList<QByteArray> connectionOptions;
    for (const QByteArray &option : headerValue(capture.headers, "Connection").split(','))
        connectionOptions.append(option.trimmed().toLower());
    for (const HeaderField &header : capture.headers) {
        if (isHopByHop(header.name) || connectionOptions.contains(header.name.toLower())
            || header.name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            continue; // the length is the sender's to state, for the bytes it sends
        if (!options.keepHost && header.name.compare("Host", Qt::CaseInsensitive) == 0)
            continue;
        request.headers.append(header);
    }
    request.body = capture.body;
    return request;
}

} // namespace Hookscope
