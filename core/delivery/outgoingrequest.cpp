#include "outgoingrequest.h"

namespace Hookscope {

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
                                                       const QUrl &target, bool keepHost,
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
    // The captured target keeps its exact percent-encoding; the base's path is its prefix.
    QByteArray base = target.toEncoded(QUrl::RemoveQuery | QUrl::RemoveFragment);
    while (base.endsWith('/'))
        base.chop(1);
    request.url = QUrl::fromEncoded(base + capture.target);
    // Headers the Connection header names are hop-by-hop too (RFC 9110 §7.6.1).
    QList<QByteArray> connectionOptions;
    for (const QByteArray &option : headerValue(capture.headers, "Connection").split(','))
        connectionOptions.append(option.trimmed().toLower());
    for (const HeaderField &header : capture.headers) {
        if (isHopByHop(header.name) || connectionOptions.contains(header.name.toLower())
            || header.name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            continue; // the length is the sender's to state, for the bytes it sends
        if (!keepHost && header.name.compare("Host", Qt::CaseInsensitive) == 0)
            continue;
        request.headers.append(header);
    }
    request.body = capture.body;
    return request;
}

} // namespace Hookscope
