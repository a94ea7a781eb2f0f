#include "sender.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslError>

#include <memory>

namespace Hookscope {

Sender::Sender(QObject *parent)
    : QObject(parent)
{
    // Redirects are the target's answer, shown as such, never followed behind the user's back.
    m_network.setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
}

void Sender::send(const OutgoingRequest &request, const SendOptions &options,
                  std::function<void(const DeliveryResult &)> done)
{
    QNetworkRequest networkRequest(request.url);
    networkRequest.setTransferTimeout(options.timeoutMs);
    // Same-named headers are joined as RFC 9110 allows: QNetworkRequest keeps one per name.
    for (const HeaderField &header : request.headers) {
        const QByteArray existing = networkRequest.rawHeader(header.name);
        networkRequest.setRawHeader(
            header.name, existing.isNull() ? header.value : existing + ", " + header.value);
    }
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    const qint64 startedAtUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    QNetworkReply *reply
        = m_network.sendCustomRequest(networkRequest, request.method, request.body);
    if (options.acceptSelfSigned) {
        connect(reply, &QNetworkReply::sslErrors, reply,
                [reply](const QList<QSslError> &errors) { reply->ignoreSslErrors(errors); });
    }
    connect(reply, &QNetworkReply::finished, this, [reply, timer, startedAtUs, done, options] {
        reply->deleteLater();
        DeliveryResult result;
        result.startedAtUs = startedAtUs;
        result.durationUs = timer->nsecsElapsed() / 1000;
        result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        result.reason
            = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().toUtf8();
        for (const auto &[name, value] : reply->rawHeaderPairs())
            result.headers.append({name, value});
        result.body = reply->readAll();
        if (reply->error() == QNetworkReply::OperationCanceledError) {
            result.timedOut = true;
            result.error = QStringLiteral("No answer within %1 s").arg(options.timeoutMs / 1000.0);
        } else if (result.status == 0 && reply->error() != QNetworkReply::NoError) {
            result.error = reply->errorString();
        }
        done(result);
    });
}

} // namespace Hookscope
