#include "capture/capturestore.h"
#include "capture/capturewriter.h"
#include "delivery/forwarder.h"
#include "http/requestparser.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;

namespace {

// A target on loopback that answers each request with the next scripted response (the last
// one repeats) and keeps what it received, parsed by our own parser.
class ScriptedTarget final : public QObject
{
public:
    explicit ScriptedTarget(QList<QByteArray> responses)
        : m_responses(std::move(responses))
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                auto parser = std::make_shared<RequestParser>();
                auto buffer = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket, parser, buffer] {
                    *buffer += socket->readAll();
                    for (;;) {
                        buffer->remove(0, parser->feed(*buffer));
                        if (parser->state() != RequestParser::State::Complete)
                            break;
                        received.append(parser->takeRequest());
                        receivedAt.append(m_clock.elapsed());
                        socket->write(
                            m_responses.at(std::min(received.size(), m_responses.size()) - 1));
                    }
                });
            }
        });
        m_clock.start();
    }
    QString url() const
    {
        return QStringLiteral("http://127.0.0.1:%1/app").arg(m_server.serverPort());
    }

    QList<CapturedRequest> received;
    QList<qint64> receivedAt; // ms

private:
    QTcpServer m_server;
    QList<QByteArray> m_responses;
    QElapsedTimer m_clock;
};

QByteArray answer(int status, const QByteArray &extraHeaders = {})
{
    return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Length: 2\r\n" + extraHeaders
           + "\r\nok";
}

CapturedRequest signedWebhook()
{
    const QByteArray body = R"({"id":"evt_1","type":"invoice.paid"})";
    return RequestParser::parseStored("POST /webhooks/stripe?x=1 HTTP/1.1\r\nHost: "
                                      "example.com\r\nContent-Type: application/json\r\n"
                                      "Stripe-Signature: t=1700000000,v1=abc\r\nContent-Length: "
                                      + QByteArray::number(body.size()) + "\r\n\r\n" + body);
}

qint64 scalar(const QString &path, const QString &sql)
{
    QSqlDatabase database = CaptureStore::openConnection(path, QStringLiteral("peek"), nullptr);
    qint64 value = -1;
    {
        QSqlQuery query(database);
        if (query.exec(sql) && query.next())
            value = query.value(0).toLongLong();
    }
    database.close();
    database = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("peek"));
    return value;
}

} // namespace

class TestForwarder final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void retriesWithBackoffUntilTheTargetRecovers();
    void honoursRetryAfter();
    void finalAnswersAreNotRetried();
    void pendingDeliveriesResumeAfterARestart();
    void routesChooseTargetsByPath();

private:
    // Stores one capture with deliveries queued to `targets`.
    void capture(const QStringList &targets);

    QTemporaryDir m_dir;
    QString m_path;
};

void TestForwarder::init()
{
    m_path = m_dir.filePath(
        QStringLiteral("%1.sqlite").arg(QLatin1String(QTest::currentTestFunction())));
    CaptureStore store(m_path);
    QVERIFY(store.open());
}

void TestForwarder::capture(const QStringList &targets)
{
    CaptureWriter writer(m_path);
    QVERIFY(writer.start(nullptr));
    QList<ForwardRoute> routes;
    for (const QString &spec : targets) {
        QString error;
        const std::optional<ForwardRoute> route = ForwardRoute::parse(spec, &error);
        QVERIFY2(route, qPrintable(error));
        routes.append(*route);
    }
    writer.setForwardRoutes(routes);
    QSignalSpy committed(&writer, &CaptureWriter::committed);
    writer.append(signedWebhook(), 1);
    QVERIFY(committed.wait());
}

void TestForwarder::retriesWithBackoffUntilTheTargetRecovers()
{
    ScriptedTarget target({answer(503), answer(502), answer(200)});
    capture({target.url()});
    ForwardOptions options;
    options.retry.baseDelayMs = 200;
    Forwarder forwarder(m_path, options);
    forwarder.setRandomSeed(7);
    QSignalSpy attempts(&forwarder, &Forwarder::attempted);
    QString error;
    QVERIFY2(forwarder.start(&error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(attempts.size(), 3, 10'000);
    const auto attempt = [&](int i) {
        return attempts.at(i).at(0).value<DeliveryAttempt>();
    };
    QCOMPARE(attempt(0).state, DeliveryAttempt::State::Pending);
    QCOMPARE(attempt(0).result.status, 503);
    QCOMPARE(attempt(1).state, DeliveryAttempt::State::Pending);
    QCOMPARE(attempt(2).state, DeliveryAttempt::State::Delivered);
    QCOMPARE(attempt(2).attempt, 3);
    // Full jitter: each wait lies between 0 and the doubled ceiling (200 ms, then 400 ms),
    // with room for scheduling.
    QVERIFY(target.receivedAt[1] - target.receivedAt[0] <= 200 + 150);
    QVERIFY(target.receivedAt[2] - target.receivedAt[1] <= 400 + 150);

    // Each copy is the captured request: same method, path under the target, same body bytes
    // and signature header; Host names the target.
    const CapturedRequest original = signedWebhook();
    for (const CapturedRequest &copy : std::as_const(target.received)) {
        QCOMPARE(copy.method, original.method);
        QCOMPARE(copy.target, QByteArray("/app/webhooks/stripe?x=1"));
        QCOMPARE(copy.body, original.body);
        QCOMPARE(headerValue(copy.headers, "Stripe-Signature"),
                 headerValue(original.headers, "Stripe-Signature"));
        QVERIFY(headerValue(copy.headers, "Host").startsWith("127.0.0.1:"));
    }
    // Recorded beside the capture.
    QTRY_COMPARE(scalar(m_path, QStringLiteral("SELECT count(*) FROM delivery_attempts")), 3);
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT state FROM deliveries")), 1);
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT attempts FROM deliveries")), 3);
    QVERIFY(forwarder.backlog().isEmpty());
}

void TestForwarder::honoursRetryAfter()
{
    ScriptedTarget target({answer(429, "Retry-After: 1\r\n"), answer(200)});
    capture({target.url()});
    ForwardOptions options;
    options.retry.baseDelayMs = 10; // backoff alone would retry almost at once
    Forwarder forwarder(m_path, options);
    QSignalSpy attempts(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE_WITH_TIMEOUT(attempts.size(), 2, 10'000);
    QCOMPARE(attempts.at(1).at(0).value<DeliveryAttempt>().state,
             DeliveryAttempt::State::Delivered);
    QVERIFY2(target.receivedAt[1] - target.receivedAt[0] >= 950,
             qPrintable(QString::number(target.receivedAt[1] - target.receivedAt[0])));
}

void TestForwarder::finalAnswersAreNotRetried()
{
    ScriptedTarget target({answer(400), answer(200)});
    capture({target.url()});
    ForwardOptions options;
    options.retry.baseDelayMs = 10;
    Forwarder forwarder(m_path, options);
    QSignalSpy attempts(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE(attempts.size(), 1);
    QCOMPARE(attempts.at(0).at(0).value<DeliveryAttempt>().state, DeliveryAttempt::State::Failed);
    QTRY_COMPARE(scalar(m_path, QStringLiteral("SELECT state FROM deliveries")), 2);
    QTest::qWait(200); // nothing else may come
    QCOMPARE(target.received.size(), 1);
}

void TestForwarder::pendingDeliveriesResumeAfterARestart()
{
    // A target that is down: the first run's attempt fails and the delivery stays queued.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    const QString url = QStringLiteral("http://127.0.0.1:%1/app").arg(port);
    capture({url});
    ForwardOptions options;
    options.retry.baseDelayMs = 300;
    {
        Forwarder first(m_path, options);
        QSignalSpy attempts(&first, &Forwarder::attempted);
        QVERIFY(first.start(nullptr));
        QTRY_COMPARE(attempts.size(), 1);
        QVERIFY(!attempts.at(0).at(0).value<DeliveryAttempt>().result.error.isEmpty());
        QCOMPARE(first.backlog().value(url), 1);
    } // the app closes with the delivery pending
    // The failed attempts were recorded, with no answer and the connection error. (Usually one;
    // full jitter can make the first retry come before the run ends.)
    const qint64 firstRun
        = scalar(m_path, QStringLiteral("SELECT count(*) FROM delivery_attempts"));
    QVERIFY(firstRun >= 1);
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT count(*) FROM delivery_attempts "
                                           "WHERE status = 0 AND error IS NOT NULL")),
             firstRun);

    // The target comes up on that port; a new run sends what the last one left.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, port));
    QList<QByteArray> received;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = server.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, &received] {
            received.append(socket->readAll());
            socket->write(answer(200));
        });
    });
    Forwarder second(m_path, options);
    QSignalSpy attempts(&second, &Forwarder::attempted);
    QVERIFY(second.start(nullptr));
    QTRY_COMPARE_WITH_TIMEOUT(attempts.size(), 1, 10'000);
    QCOMPARE(attempts.at(0).at(0).value<DeliveryAttempt>().attempt, firstRun + 1);
    QCOMPARE(attempts.at(0).at(0).value<DeliveryAttempt>().state,
             DeliveryAttempt::State::Delivered);
    QVERIFY(received.join().contains(signedWebhook().body));
    QTRY_VERIFY(second.backlog().isEmpty());

    // What the Deliveries tab reads: both attempts, in order, with the answer's headers.
    DeliveryLog log(m_path);
    QVERIFY(log.open(nullptr));
    const QList<DeliveryRecord> records = log.forCapture(1);
    QCOMPARE(records.size(), 1);
    QCOMPARE(records[0].target, url);
    QCOMPARE(records[0].state, DeliveryAttempt::State::Delivered);
    QCOMPARE(records[0].results.size(), firstRun + 1);
    QCOMPARE(records[0].results.first().status, 0);
    QCOMPARE(records[0].results.last().status, 200);
    QCOMPARE(headerValue(records[0].results.last().headers, "Content-Length"), QByteArray("2"));
    QCOMPARE(records[0].results.last().body, QByteArray("ok"));
}

void TestForwarder::routesChooseTargetsByPath()
{
    QString error;
    QVERIFY(!ForwardRoute::parse(QStringLiteral("/stripe"), &error));
    QCOMPARE(error, QStringLiteral("\"/stripe\": a path prefix needs its target after '=', as "
                                   "in /stripe=http://localhost:3000"));
    QVERIFY(!ForwardRoute::parse(QStringLiteral("/stripe=ftp://x/"), &error));
    QVERIFY(error.contains(QStringLiteral("is not an http:// or https:// URL")));
    const std::optional<ForwardRoute> route
        = ForwardRoute::parse(QStringLiteral(" /webhooks = http://a.test/in?k=v "), &error);
    QVERIFY(route);
    QCOMPARE(route->pathPrefix, QByteArray("/webhooks"));
    QCOMPARE(route->target, QStringLiteral("http://a.test/in?k=v"));

    // The capture's path is /webhooks/stripe: the /github route does not take it.
    capture({QStringLiteral("/webhooks/stripe=http://stripe.test"),
             QStringLiteral("/github=http://github.test"), QStringLiteral("http://all.test")});
    DeliveryLog log(m_path);
    QVERIFY(log.open(nullptr));
    QStringList targets;
    for (const DeliveryRecord &delivery : log.forCapture(1))
        targets.append(delivery.target);
    QCOMPARE(targets, (QStringList{QStringLiteral("http://stripe.test"),
                                   QStringLiteral("http://all.test")}));
}

QTEST_GUILESS_MAIN(TestForwarder)
#include "tst_forwarder.moc"
