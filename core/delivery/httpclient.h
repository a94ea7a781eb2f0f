#pragma once

#include "wire/outgoingrequest.h"

#include <QHash>
#include <QObject>

#include <deque>
#include <functional>
#include <memory>

namespace Hookscope {

class HttpClientConnection;

// Sends plain-HTTP/1.1 requests over a pool of keep-alive connections per host, writing the
// request exactly as given (its headers in order and case, nothing added but Host and
// Content-Length when missing) and reading the answer with http_parser. Far cheaper per request
// than QNetworkAccessManager, which matters when forwarding thousands a second; HTTPS goes
// through the Sender's QNetworkAccessManager. Lives and answers on the thread that made it.
class HttpClient final : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxConnectionsPerHost = 32;

    explicit HttpClient(QObject *parent = nullptr);
    ~HttpClient() override;

    void send(const OutgoingRequest &request, int timeoutMs,
              std::function<void(const DeliveryResult &)> done);

    // The bytes send() writes for `request`.
    static QByteArray serialize(const OutgoingRequest &request);

private:
    friend class HttpClientConnection;
    struct Job
    {
        QByteArray bytes;
        bool head = false;
        int timeoutMs = 0;
        qint64 startedAtUs = 0;
        qint64 startedMonotonicUs = 0;
        bool retried = false; // once, on a fresh connection, if a kept one was stale
        std::function<void(const DeliveryResult &)> done;
    };
    struct Host
    {
        QString name;
        quint16 port = 0;
        std::deque<Job> waiting;
        QList<HttpClientConnection *> idle;
        int open = 0;
    };
    void dispatch(const QString &key);
    void connectionIdle(HttpClientConnection *connection);
    void connectionClosed(HttpClientConnection *connection);
    void retryOrFail(HttpClientConnection *connection, Job job, const DeliveryResult &result);

    QHash<QString, Host> m_hosts; // by "host:port"
};

} // namespace Hookscope
