#include "captureorigin.h"

#include <QUrl>

namespace Hookscope {
namespace {

// An address as a header writes it, or empty when it is not one (a header's value is the
// sender's to choose).
QString addressIn(QByteArrayView text)
{
    const QByteArray trimmed = text.trimmed().toByteArray();
    const QHostAddress address(QString::fromLatin1(trimmed));
    return address.isNull() ? QString() : address.toString();
}

// A host name as a header writes it (with its port), or empty when it is not one.
QString hostIn(const QByteArray &text)
{
    const QUrl url(QStringLiteral("https://") + QString::fromLatin1(text.trimmed()));
    return url.isValid() && !url.host().isEmpty() && url.path().isEmpty()
                   && url.userInfo().isEmpty()
               ? url.authority()
               : QString();
}

bool isNgrokHost(const QString &host)
{
    for (const char *domain :
         {".ngrok-free.app", ".ngrok-free.dev", ".ngrok.app", ".ngrok.dev", ".ngrok.io"}) {
        if (host.endsWith(QLatin1String(domain)))
            return true;
    }
    return false;
}

} // namespace

CaptureOrigin CaptureOrigin::of(const CapturedRequest &request)
{
    CaptureOrigin origin;
    const QByteArray forwardedFor = headerValue(request.headers, "X-Forwarded-For");
    // Proxies append the address they saw: the last one is the nearest, and the only one the
    // last proxy vouches for.
    const QString lastForwarded
        = forwardedFor.isNull() ? QString() : addressIn(forwardedFor.split(',').constLast());
    if (!request.relay.isEmpty()) {
        origin.via = QStringLiteral("smee");
        origin.publicUrl = request.relay;
        origin.client = lastForwarded;
        return origin;
    }
    if (const QByteArray testEvent = headerValue(request.headers, TestEventHeader);
        !testEvent.isNull()) {
        origin.via = QStringLiteral("test event");
        return origin;
    }
    if (!request.remoteAddress.isLoopback())
        return origin;
    const QString target = QString::fromLatin1(request.target);
    if (const QByteArray connecting = headerValue(request.headers, "CF-Connecting-IP");
        !connecting.isNull()) {
        origin.via = QStringLiteral("cloudflared");
        origin.client = addressIn(connecting);
        if (const QString host = hostIn(headerValue(request.headers, "Host")); !host.isEmpty())
            origin.publicUrl = QStringLiteral("https://") + host + target;
        return origin;
    }
    if (forwardedFor.isNull()) {
        // `stripe listen` forwards with Stripe's own User-Agent and no forwarding headers.
        if (headerValue(request.headers, "User-Agent").startsWith("Stripe/"))
            origin.via = QStringLiteral("stripe listen");
        return origin;
    }
    QString host = hostIn(headerValue(request.headers, "X-Forwarded-Host"));
    if (host.isEmpty())
        host = hostIn(headerValue(request.headers, "Host"));
    origin.via = isNgrokHost(host) ? QStringLiteral("ngrok") : QStringLiteral("proxy");
    origin.client = lastForwarded;
    const QByteArray proto = headerValue(request.headers, "X-Forwarded-Proto").trimmed();
    if (!host.isEmpty())
        origin.publicUrl
            = (proto == "http" ? QStringLiteral("http://") : QStringLiteral("https://")) + host
              + target;
    return origin;
}

QString CaptureOrigin::label() const
{
    if (via.isEmpty() || client.isEmpty())
        return via;
    return via + QStringLiteral(" \u00b7 ") + client;
}

} // namespace Hookscope
