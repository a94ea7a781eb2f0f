#pragma once

#include "httpclient.h"
#include "wire/outgoingrequest.h"

#include <QElapsedTimer>
#include <QHash>
#include <QNetworkAccessManager>

#include <functional>
#include <memory>

namespace Hookscope {

struct SendOptions
{
    int timeoutMs = 10'000;
    bool acceptSelfSigned = false; // per target, the user's explicit choice
};

// Sends requests and reports each outcome once: plain HTTP through HttpClient (exactly the
// headers given, cheap enough for thousands a second), HTTPS through QNetworkAccessManager
// (TLS and HTTP/2 come with it). Lives and answers on the thread that created it.
class Sender final : public QObject
{
    Q_OBJECT
public:
    explicit Sender(QObject *parent = nullptr);

    void send(const OutgoingRequest &request, const SendOptions &options,
              std::function<void(const DeliveryResult &)> done);

private:
    struct Pending
    {
        QElapsedTimer timer;
        qint64 startedAtUs;
        int timeoutMs;
        bool networkDecodes; // Qt asked for a compressed answer itself, and so decodes it
        std::function<void(const DeliveryResult &)> done;
    };
    void finished(QNetworkReply *reply);
    QNetworkAccessManager &network(bool acceptSelfSigned);

    HttpClient m_http;
    QNetworkAccessManager m_network;
    // Requests that accept a self-signed certificate get connections of their own: a connection
    // whose certificate was waved through must never carry another target's request.
    std::unique_ptr<QNetworkAccessManager> m_lenientNetwork;
    QHash<QNetworkReply *, Pending> m_pending; // one connection for all replies: connect() is
                                               // costly at thousands of requests a second
};

} // namespace Hookscope
