#include "sender.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkReply>
#include <QTimer>
#include <QNetworkRequest>
#include <QSslError>

namespace Hookscope {

Sender::Sender(QObject *parent)
    : QObject(parent)
{
    // Redirects are the target's answer, shown as such, never followed behind the user's back.
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    connect(&m_network, &QNetworkAccessManager::finished, this, &Sender::finished);
}

QNetworkAccessManager &Sender::network(bool acceptSelfSigned)
{
    if (!acceptSelfSigned)
        return m_network;
    if (!m_lenientNetwork) {
        m_lenientNetwork = std::make_unique<QNetworkAccessManager>();
        m_lenientNetwork->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
        connect(m_lenientNetwork.get(), &QNetworkAccessManager::finished, this, &Sender::finished);
    }
    return *m_lenientNetwork;
}

void Sender::send(const OutgoingRequest &request, const SendOptions &options,
                  std::function<void(const DeliveryResult &)> done)
{
    if (const QString problem = requestHeadProblem(request.method, request.headers);
        !problem.isEmpty()) {
        // Refused before a byte goes out; reported from the event loop, as any outcome is.
        DeliveryResult refused;
        refused.startedAtUs = QDateTime::currentMSecsSinceEpoch() * 1000;
        refused.error = problem;
        QTimer::singleShot(0, this, [refused, done = std::move(done)] { done(refused); });
        return;
    }
    if (request.url.scheme() == QLatin1String("http")) {
        m_http.send(request, options.timeoutMs, std::move(done));
        return;
    }
    QNetworkRequest networkRequest(request.url);
    networkRequest.setTransferTimeout(options.timeoutMs);
    // Same-named headers are joined as RFC 9110 allows: QNetworkRequest keeps one per name.
    for (const HeaderField &header : request.headers) {
        const QByteArray existing = networkRequest.rawHeader(header.name);
        networkRequest.setRawHeader(
            header.name, existing.isNull() ? header.value : existing + ", " + header.value);
    }
    Pending pending{QElapsedTimer(), QDateTime::currentMSecsSinceEpoch() * 1000, options.timeoutMs,
                    !networkRequest.hasRawHeader("Accept-Encoding"), std::move(done)};
    pending.timer.start();
    QNetworkReply *reply = network(options.acceptSelfSigned)
                               .sendCustomRequest(networkRequest, request.method, request.body);
    if (options.acceptSelfSigned) {
        connect(reply, &QNetworkReply::sslErrors, reply,
                [reply](const QList<QSslError> &errors) { reply->ignoreSslErrors(errors); });
    }
    m_pending.insert(reply, std::move(pending));
}

void Sender::finished(QNetworkReply *reply)
{
    reply->deleteLater();
    const auto found = m_pending.find(reply);
    if (found == m_pending.end())
        return;
    const Pending pending = std::move(found.value());
    m_pending.erase(found);
    DeliveryResult result;
    result.startedAtUs = pending.startedAtUs;
    result.durationUs = pending.timer.nsecsElapsed() / 1000;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->attribute(QNetworkRequest::Http2WasUsedAttribute).toBool())
        result.version = "HTTP/2";
    result.reason
        = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().toUtf8();
    for (const auto &[name, value] : reply->rawHeaderPairs()) {
        // The body is given decoded then: saying it is still encoded would be wrong to whoever
        // reads it, and to a provider a proxy relays it to.
        if (pending.networkDecodes && name.compare("Content-Encoding", Qt::CaseInsensitive) == 0
            && QByteArrayList{"gzip", "x-gzip", "deflate", "br"}.contains(
                value.trimmed().toLower()))
            continue;
        result.headers.append({name, value});
    }
    result.body = reply->readAll();
    if (reply->error() == QNetworkReply::OperationCanceledError) {
        result.timedOut = true;
        result.error = QStringLiteral("No answer within %1 s").arg(pending.timeoutMs / 1000.0);
    } else if (result.status == 0 && reply->error() != QNetworkReply::NoError) {
        result.error = reply->errorString();
    }
    pending.done(result);
}

} // namespace Hookscope
