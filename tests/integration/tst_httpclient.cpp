#include "delivery/httpclient.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace Hookscope;

namespace {

// A loopback server that answers each request (ended by a blank line, bodies ignored) with the
// next scripted bytes, counting connections; an empty script entry means "never answer".
class Server final : public QObject
{
public:
    explicit Server(QList<QByteArray> answers, bool closeAfterAnswer = false)
        : m_answers(std::move(answers))
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this, closeAfterAnswer] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++connections;
                sockets.append(socket);
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket, closeAfterAnswer] {
                    received += socket->readAll();
                    while (received.count("\r\n\r\n") > answered) {
                        const QByteArray answer = m_answers.value(answered++);
                        if (answer.isEmpty())
                            continue;
                        socket->write(answer);
                        if (closeAfterAnswer)
                            socket->disconnectFromHost();
                    }
                });
            }
        });
    }
    QUrl url(const QString &path = QStringLiteral("/hook")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }

    int connections = 0;
    qsizetype answered = 0;
    QByteArray received;
    QList<QTcpSocket *> sockets;

private:
    QTcpServer m_server;
    QList<QByteArray> m_answers;
};

OutgoingRequest post(const QUrl &url, const QByteArray &body = "{}")
{
    OutgoingRequest request;
    request.method = "POST";
    request.url = url;
    request.headers = {{"Content-Type", "application/json"}, {"X-Case", "Kept"}};
    request.body = body;
    return request;
}

// Sends and waits for the one answer.
DeliveryResult sendAndWait(HttpClient &client, const OutgoingRequest &request, int timeoutMs = 5000)
{
    std::optional<DeliveryResult> answer;
    client.send(request, timeoutMs, [&answer](const DeliveryResult &result) { answer = result; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 15'000))
        return {};
    return *answer;
}

} // namespace

class TestHttpClient final : public QObject
{
    Q_OBJECT
private slots:
    void writesTheRequestExactly();
    void readsChunkedAnswersAndKeepsTheConnection();
    void retriesOnceWhenAKeptConnectionWasClosed();
    void headAnswersHaveNoBody();
    void timeoutsAndRefusalsAreReported();
};

void TestHttpClient::writesTheRequestExactly()
{
    Server server({"HTTP/1.1 204 No Content\r\n\r\n"});
    HttpClient client;
    const DeliveryResult result
        = sendAndWait(client, post(server.url(QStringLiteral("/in?a=%20b"))));
    QCOMPARE(result.status, 204);
    QCOMPARE(server.received, QByteArray("POST /in?a=%20b HTTP/1.1\r\nHost: 127.0.0.1:"
                                         + QByteArray::number(server.url().port())
                                         + "\r\nContent-Type: application/json\r\nX-Case: Kept\r\n"
                                           "Content-Length: 2\r\n\r\n{}"));
}

void TestHttpClient::readsChunkedAnswersAndKeepsTheConnection()
{
    Server server({"HTTP/1.1 201 Made It\r\nTransfer-Encoding: chunked\r\nX-B: 1\r\nX-A: 2\r\n\r\n"
                   "4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n",
                   "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"});
    HttpClient client;
    const DeliveryResult first = sendAndWait(client, post(server.url()));
    QCOMPARE(first.status, 201);
    QCOMPARE(first.reason, QByteArray("Made It"));
    QCOMPARE(first.body, QByteArray("abcdefg"));
    QCOMPARE(first.headers.at(1).name, QByteArray("X-B")); // in the order sent
    QVERIFY(first.error.isEmpty());
    const DeliveryResult second = sendAndWait(client, post(server.url()));
    QCOMPARE(second.body, QByteArray("ok"));
    QCOMPARE(server.connections, 1); // kept alive
}

void TestHttpClient::retriesOnceWhenAKeptConnectionWasClosed()
{
    Server server({"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1",
                   "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2"});
    HttpClient client;
    QCOMPARE(sendAndWait(client, post(server.url())).body, QByteArray("1"));
    // The server drops the idle connection without saying so; the next request still arrives.
    server.sockets.first()->abort();
    const DeliveryResult second = sendAndWait(client, post(server.url()));
    QVERIFY2(second.error.isEmpty(), qPrintable(second.error));
    QCOMPARE(second.body, QByteArray("2"));
    QCOMPARE(server.connections, 2);
}

void TestHttpClient::headAnswersHaveNoBody()
{
    Server server({"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n",
                   "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end"},
                  true);
    HttpClient client;
    OutgoingRequest head = post(server.url(), {});
    head.method = "HEAD";
    const DeliveryResult result = sendAndWait(client, head);
    QCOMPARE(result.status, 200);
    QVERIFY(result.body.isEmpty());
    QVERIFY(!server.received.contains("Content-Length")); // no body, no length
    // An answer that ends with the connection is read to that end.
    QCOMPARE(sendAndWait(client, post(server.url())).body, QByteArray("until the end"));
}

void TestHttpClient::timeoutsAndRefusalsAreReported()
{
    Server silent({QByteArray()});
    HttpClient client;
    const DeliveryResult late = sendAndWait(client, post(silent.url()), 300);
    QVERIFY(late.timedOut);
    QCOMPARE(late.status, 0);
    QCOMPARE(late.error, QStringLiteral("No answer within 0.3 s"));
    QVERIFY(late.durationUs >= 300'000);

    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    const DeliveryResult refused
        = sendAndWait(client, post(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port))));
    QCOMPARE(refused.status, 0);
    QVERIFY2(refused.error.contains(QStringLiteral("refused")), qPrintable(refused.error));
}

QTEST_GUILESS_MAIN(TestHttpClient)
#include "tst_httpclient.moc"
