#include "httpclient.h"

#include "wire/clock.h"

#include <QTcpSocket>
#include <QTimer>

#include <http_parser.h>

namespace Hookscope {

// One keep-alive connection: one request at a time, its answer read with http_parser.
class HttpClientConnection final : public QObject
{
public:
    HttpClientConnection(HttpClient &client, const QString &key, const QString &host, quint16 port)
        : m_client(client)
        , m_key(key)
    {
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connect(&m_socket, &QTcpSocket::connected, this, [this] { m_socket.write(m_job.bytes); });
        connect(&m_socket, &QTcpSocket::readyRead, this, &HttpClientConnection::read);
        connect(&m_socket, &QTcpSocket::errorOccurred, this,
                [this](QAbstractSocket::SocketError error) {
                    if (error == QAbstractSocket::RemoteHostClosedError)
                        closedByTarget();
                    else
                        fail(m_socket.errorString());
                });
        connect(&m_socket, &QTcpSocket::disconnected, this, &HttpClientConnection::closedByTarget);
        m_timer.setSingleShot(true);
        m_timer.setTimerType(Qt::PreciseTimer); // "no answer within 0.3 s" means 0.3 s
        connect(&m_timer, &QTimer::timeout, this, [this] {
            DeliveryResult result = resultSoFar();
            result.timedOut = true;
            result.error = QStringLiteral("No answer within %1 s").arg(m_job.timeoutMs / 1000.0);
            m_busy = false;
            m_socket.abort();
            m_client.connectionClosed(this);
            m_job.done(result);
        });
        m_host = host;
        m_port = port;
    }

    ~HttpClientConnection() override
    {
        m_socket.disconnect(this); // its closing is no news to a client that is going away
        m_socket.abort();
    }

    const QString &key() const { return m_key; }
    // Whether a failure may be a kept-alive connection the server had closed meanwhile.
    bool mayBeStale() const { return m_used > 1 && m_received == 0; }

    void start(HttpClient::Job job)
    {
        m_job = std::move(job);
        m_busy = true;
        ++m_used;
        m_received = 0;
        m_status = 0;
        m_reason.clear();
        m_headers.clear();
        m_body.clear();
        m_headerDone = true;
        http_parser_init(&m_parser, HTTP_RESPONSE);
        m_parser.data = this;
        m_timer.start(m_job.timeoutMs);
        if (m_socket.state() == QAbstractSocket::ConnectedState)
            m_socket.write(m_job.bytes);
        else
            m_socket.connectToHost(m_host, m_port);
    }

private:
    static HttpClientConnection *self(http_parser *parser)
    {
        return static_cast<HttpClientConnection *>(parser->data);
    }
    static const http_parser_settings &settings()
    {
        static const http_parser_settings instance = [] {
            http_parser_settings s{};
            s.on_status = [](http_parser *parser, const char *at, size_t length) {
                self(parser)->m_reason.append(at, qsizetype(length));
                return 0;
            };
            s.on_header_field = [](http_parser *parser, const char *at, size_t length) {
                HttpClientConnection *connection = self(parser);
                if (connection->m_headerDone)
                    connection->m_headers.append(HeaderField());
                connection->m_headers.last().name.append(at, qsizetype(length));
                connection->m_headerDone = false;
                return 0;
            };
            s.on_header_value = [](http_parser *parser, const char *at, size_t length) {
                HttpClientConnection *connection = self(parser);
                connection->m_headers.last().value.append(at, qsizetype(length));
                connection->m_headerDone = true;
                return 0;
            };
            s.on_headers_complete = [](http_parser *parser) {
                HttpClientConnection *connection = self(parser);
                connection->m_status = int(parser->status_code);
                return connection->m_job.head ? 1 : 0; // no body follows an answer to HEAD
            };
            s.on_body = [](http_parser *parser, const char *at, size_t length) {
                self(parser)->m_body.append(at, qsizetype(length));
                return 0;
            };
            s.on_message_complete = [](http_parser *parser) {
                self(parser)->m_complete = true;
                http_parser_pause(parser, 1);
                return 0;
            };
            return s;
        }();
        return instance;
    }

    DeliveryResult resultSoFar() const
    {
        DeliveryResult result;
        result.startedAtUs = m_job.startedAtUs;
        result.durationUs = Clock::monotonicMicroseconds() - m_job.startedMonotonicUs;
        return result;
    }

    // The target closed: the end of an answer that runs to it, a kept-alive connection ending,
    // or a failure.
    void closedByTarget()
    {
        if (!m_busy) {
            m_socket.disconnect(this);
            m_client.connectionClosed(this);
            return;
        }
        read();
        if (!m_busy)
            return;
        m_complete = false;
        http_parser_execute(&m_parser, &settings(), nullptr, 0); // end of input
        if (m_complete)
            deliver();
        else
            fail(QStringLiteral("The target closed the connection before answering"));
    }

    void read()
    {
        const QByteArray bytes = m_socket.readAll();
        if (!m_busy)
            return; // nothing asked: unsolicited bytes end this connection's reuse
        m_received += bytes.size();
        m_complete = false;
        if (bytes.isEmpty())
            return;
        http_parser_execute(&m_parser, &settings(), bytes.constData(), size_t(bytes.size()));
        if (!m_complete && HTTP_PARSER_ERRNO(&m_parser) != HPE_OK
            && HTTP_PARSER_ERRNO(&m_parser) != HPE_PAUSED) {
            fail(QStringLiteral("The target's answer is not valid HTTP: %1")
                     .arg(QString::fromLatin1(
                         http_errno_description(HTTP_PARSER_ERRNO(&m_parser)))));
            return;
        }
        if (m_complete)
            deliver();
    }

    void deliver()
    {
        m_timer.stop();
        m_busy = false;
        DeliveryResult result = resultSoFar();
        result.status = m_status;
        result.version = "HTTP/" + QByteArray::number(m_parser.http_major) + '.'
                         + QByteArray::number(m_parser.http_minor);
        result.reason = m_reason;
        result.headers = m_headers;
        result.body = m_body;
        const bool keepAlive = http_should_keep_alive(&m_parser) != 0;
        const auto done = std::move(m_job.done);
        if (keepAlive)
            m_client.connectionIdle(this);
        else {
            m_socket.disconnect(this);
            m_socket.abort();
            m_client.connectionClosed(this);
        }
        done(result);
    }

    void fail(const QString &error)
    {
        if (!m_busy)
            return;
        m_timer.stop();
        m_busy = false;
        DeliveryResult result = resultSoFar();
        result.error = error;
        m_socket.disconnect(this);
        m_socket.abort();
        m_client.retryOrFail(this, std::move(m_job), result);
    }

    HttpClient &m_client;
    QString m_key;
    QString m_host;
    quint16 m_port = 0;
    QTcpSocket m_socket;
    QTimer m_timer;
    HttpClient::Job m_job;
    http_parser m_parser{};
    bool m_busy = false;
    bool m_complete = false;
    bool m_headerDone = true;
    int m_used = 0;
    qint64 m_received = 0;
    int m_status = 0;
    QByteArray m_reason;
    HeaderList m_headers;
    QByteArray m_body;
};

HttpClient::HttpClient(QObject *parent)
    : QObject(parent)
{}

HttpClient::~HttpClient() = default; // connections are children

QByteArray HttpClient::serialize(const OutgoingRequest &request)
{
    QByteArray target
        = request.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (target.isEmpty())
        target = "/";
    QByteArray bytes = request.method + ' ' + target + " HTTP/1.1\r\n";
    if (headerValue(request.headers, "Host").isNull()) {
        const int port = request.url.port(80);
        bytes += "Host: " + request.url.host(QUrl::FullyEncoded).toUtf8()
                 + (port == 80 ? QByteArray() : ':' + QByteArray::number(port)) + "\r\n";
    }
    bytes += headerLines(request.headers, "\r\n");
    if (headerValue(request.headers, "Content-Length").isNull()
        && (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT"
            || request.method == "PATCH"))
        bytes += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    return bytes + "\r\n" + request.body;
}

void HttpClient::send(const OutgoingRequest &request, int timeoutMs,
                      std::function<void(const DeliveryResult &)> done)
{
    const QString host = request.url.host();
    const quint16 port = quint16(request.url.port(80));
    const QString key = host + QLatin1Char(':') + QString::number(port);
    Host &entry = m_hosts[key];
    entry.name = host;
    entry.port = port;
    Job job;
    job.bytes = serialize(request);
    job.head = request.method == "HEAD";
    job.timeoutMs = timeoutMs;
    job.startedAtUs = Clock::wallMicroseconds();
    job.startedMonotonicUs = Clock::monotonicMicroseconds();
    job.done = std::move(done);
    entry.waiting.push_back(std::move(job));
    dispatch(key);
}

void HttpClient::dispatch(const QString &key)
{
    Host &host = m_hosts[key];
    while (!host.waiting.empty()) {
        HttpClientConnection *connection = nullptr;
        if (!host.idle.isEmpty()) {
            connection = host.idle.takeLast();
        } else if (host.open < MaxConnectionsPerHost) {
            connection = new HttpClientConnection(*this, key, host.name, host.port);
            connection->setParent(this);
            ++host.open;
        } else {
            return; // the next connection to finish takes the next request
        }
        Job job = std::move(host.waiting.front());
        host.waiting.pop_front();
        connection->start(std::move(job));
    }
}

void HttpClient::connectionIdle(HttpClientConnection *connection)
{
    m_hosts[connection->key()].idle.append(connection);
    dispatch(connection->key());
}

void HttpClient::connectionClosed(HttpClientConnection *connection)
{
    Host &host = m_hosts[connection->key()];
    host.idle.removeAll(connection);
    --host.open;
    const QString key = connection->key();
    connection->deleteLater();
    dispatch(key);
}

void HttpClient::retryOrFail(HttpClientConnection *connection, Job job,
                             const DeliveryResult &result)
{
    // A kept-alive connection the server had closed meanwhile fails before any answer: the
    // request goes again, once, on a new connection.
    const bool stale = connection->mayBeStale() && !job.retried;
    const QString key = connection->key();
    connectionClosed(connection);
    if (stale) {
        job.retried = true;
        m_hosts[key].waiting.push_front(std::move(job));
        dispatch(key);
        return;
    }
    job.done(result);
}

} // namespace Hookscope
