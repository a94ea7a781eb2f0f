#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/storeconnection.h"
#include "store/capturewriter.h"
#include "delivery/forwarder.h"
#include "receiver/receiverhost.h"
#include "wire/requestparser.h"
#include "signing/signaturesettings.h"
#include "zlibcompress.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSslKey>
#include <QSslServer>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;
using namespace Qt::StringLiterals;

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

    QTcpServer &server() { return m_server; }

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

// The Stripe secret "whsec_test_secret" bound to paths under `pathPrefix`.
SignatureSettings stripeSigning(const QByteArray &pathPrefix)
{
    SignatureSettings signing;
    SignatureBinding stripe;
    stripe.pathPrefix = pathPrefix;
    stripe.secretName = QStringLiteral("stripe");
    signing.bindings = {stripe};
    signing.secrets.insert(QStringLiteral("stripe"), "whsec_test_secret");
    return signing;
}

qint64 scalar(const QString &path, const QString &sql)
{
    StoreConnection connection(path);
    if (!connection.open(nullptr))
        return -1;
    QSqlQuery query(connection.database());
    return query.exec(sql) && query.next() ? query.value(0).toLongLong() : -1;
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
    void aTargetDownGetsItsBacklogInOrderOnceItAnswers();
    void aTargetAnswering500IsNotDown();
    void deliveriesAreGivenUpAfterTheSetTime();
    void failedDeliveriesCanBeRetriedTogether();
    void aSendUnderWayAtAStopIsRepeatedAndSaysSo();
    void routesChooseTargetsByPath();
    void routesDeliverAsProvidersDo();
    void staleRoutesSignAsIfLongAgo();
    void concurrencyCapsSendsInFlightToTheTarget();
    void targetOptionsTravelWithEachDelivery();
    void selfSignedTargetsNeedTheirSwitch();
    void proxyRoutesAnswerWithTheTargetsAnswer();
    void resignedDeliveriesVerifyAtTheTarget();
    void proxiedRequestsCanBeSignedAgain();

private:
    // Stores `count` captures with deliveries queued to `targets`.
    void capture(const QStringList &targets, int count = 1);

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

void TestForwarder::capture(const QStringList &targets, int count)
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
    for (int i = 0; i < count; ++i) {
        CapturedRequest request = signedWebhook();
        request.receivedAtUs = QDateTime::currentMSecsSinceEpoch() * 1000; // as the receiver does
        writer.append(request, 1);
    }
    QTRY_COMPARE(scalar(m_path, QStringLiteral("SELECT count(*) FROM captures")), count);
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
        // One id for the delivery, the same at every attempt, for the target to deduplicate.
        QCOMPARE(headerValue(copy.headers, "Hookscope-Delivery-Id"),
                 headerValue(target.received.first().headers, "Hookscope-Delivery-Id"));
    }
    QVERIFY(
        headerValue(target.received.first().headers, "Hookscope-Delivery-Id").startsWith("hsd_"));
    // Recorded beside the capture.
    QTRY_COMPARE(scalar(m_path, QStringLiteral("SELECT count(*) FROM delivery_attempts")), 3);
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT state FROM deliveries")), 1);
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT attempts FROM deliveries")), 3);
    // Nothing stopped meanwhile: no attempt may repeat another.
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT sum(may_repeat) FROM delivery_attempts")), 0);
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
    // Full jitter can draw retries a few ms apart, and a busy machine may poll late: enough
    // attempts that the delivery is still pending when this run ends.
    options.retry.maxAttempts = 1000;
    {
        Forwarder first(m_path, options);
        QSignalSpy attempts(&first, &Forwarder::attempted);
        QVERIFY(first.start(nullptr));
        QTRY_VERIFY(!attempts.isEmpty());
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

// Restarting the app under development takes longer than a few retries: while it is down, only
// the oldest delivery is tried (at most the backoff cap apart), the others wait without an
// attempt each, and the moment it answers they go out in the order they arrived.
void TestForwarder::aTargetDownGetsItsBacklogInOrderOnceItAnswers()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 port = probe.serverPort();
    probe.close();
    const QString url = QStringLiteral("http://127.0.0.1:%1/app").arg(port);
    capture({url}, 5);
    ForwardOptions options;
    options.retry.baseDelayMs = 50;
    options.retry.maxDelayMs = 200;
    options.maxInFlight = 1; // so the order of sending is the order of arrival at the target
    Forwarder forwarder(m_path, options);
    QSignalSpy attempts(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_VERIFY_WITH_TIMEOUT(attempts.size() >= 6, 10'000);
    // One delivery probes the target; the other four have not been tried since it went down.
    QSet<qint64> tried;
    for (const QList<QVariant> &signal : std::as_const(attempts))
        tried.insert(signal.at(0).value<DeliveryAttempt>().deliveryId);
    QCOMPARE(tried, QSet<qint64>{1});
    QCOMPARE(forwarder.backlog().value(url), 5);
    QTRY_COMPARE(scalar(m_path, QStringLiteral("SELECT count(*) FROM deliveries WHERE "
                                               "next_attempt_us = 9223372036854775807")),
                 5);

    ScriptedTarget target({answer(200)});
    QTcpServer &server = target.server();
    server.close();
    QVERIFY(server.listen(QHostAddress::LocalHost, port));
    QTRY_COMPARE_WITH_TIMEOUT(target.received.size(), 5, 10'000);
    // Within one capped delay of coming back, all of it, oldest first.
    QList<QByteArray> order;
    for (const CapturedRequest &request : std::as_const(target.received))
        order.append(headerValue(request.headers, "Hookscope-Delivery-Id").split('_').last());
    QCOMPARE(order, (QList<QByteArray>{"1", "2", "3", "4", "5"}));
    QTRY_VERIFY(forwarder.backlog().isEmpty());
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT count(*) FROM deliveries WHERE state = 1")), 5);
    // The probes came at most the cap apart (with room for a busy machine).
    const qint64 probes = scalar(m_path, QStringLiteral("SELECT count(*) FROM delivery_attempts "
                                                        "WHERE delivery_id = 1 AND status = 0"));
    QVERIFY(probes >= 6);
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT max(gap) FROM (SELECT started_us - lag("
                                           "started_us) OVER (ORDER BY id) AS gap FROM "
                                           "delivery_attempts WHERE delivery_id = 1 AND "
                                           "status = 0)"))
                 < (200 + 250) * 1000,
             true);
}

// A 500 is the app failing on one payload, not the app being down: the next delivery is not
// held back behind it.
void TestForwarder::aTargetAnswering500IsNotDown()
{
    ScriptedTarget target({answer(500), answer(200)});
    capture({target.url()}, 2);
    ForwardOptions options;
    options.retry.baseDelayMs = 5'000; // a retry of the first would come long after the test
    options.maxInFlight = 1;
    Forwarder forwarder(m_path, options);
    QSignalSpy attempts(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE_WITH_TIMEOUT(attempts.size(), 2, 3'000);
    QCOMPARE(attempts.at(0).at(0).value<DeliveryAttempt>().state, DeliveryAttempt::State::Pending);
    QCOMPARE(attempts.at(1).at(0).value<DeliveryAttempt>().state,
             DeliveryAttempt::State::Delivered);
}

void TestForwarder::deliveriesAreGivenUpAfterTheSetTime()
{
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const QString url = QStringLiteral("http://127.0.0.1:%1/app").arg(probe.serverPort());
    probe.close();
    capture({url}, 3);
    ForwardOptions options;
    options.retry.baseDelayMs = 50;
    options.retry.maxDelayMs = 100;
    options.retry.giveUpAfterMs = 600;
    options.maxInFlight = 1; // the first is tried; the others only ever wait for the target
    Forwarder forwarder(m_path, options);
    QSignalSpy gaveUp(&forwarder, &Forwarder::gaveUp);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE_WITH_TIMEOUT(
        scalar(m_path, QStringLiteral("SELECT count(*) FROM deliveries WHERE state = 2")), 3,
        10'000);
    QVERIFY(forwarder.backlog().isEmpty());
    // Each says why, whether it was tried or only waited.
    DeliveryLog log(m_path);
    QVERIFY(log.open(nullptr));
    for (qint64 capture = 1; capture <= 3; ++capture) {
        const DeliveryRecord record = log.forCapture(capture).first();
        QVERIFY2(!record.lastError.isEmpty(), qPrintable(QString::number(capture)));
        QCOMPARE(record.state, DeliveryAttempt::State::Failed);
    }
    QVERIFY(log.forCapture(3).first().lastError.startsWith(
        QStringLiteral("gave up after 0.6 s of failures: the target did not answer")));
    // Those given up while they waited are reported, for the list to show.
    QVERIFY(!gaveUp.isEmpty());
    QCOMPARE(gaveUp.last().at(0).value<DeliveryAttempt>().state, DeliveryAttempt::State::Failed);
}

void TestForwarder::failedDeliveriesCanBeRetriedTogether()
{
    ScriptedTarget target({answer(400), answer(400), answer(200)});
    ScriptedTarget other({answer(400)});
    capture({target.url(), other.url()}, 2);
    Forwarder forwarder(m_path, ForwardOptions());
    QSignalSpy attempts(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE(attempts.size(), 4);
    QTRY_COMPARE(scalar(m_path, QStringLiteral("SELECT count(*) FROM deliveries WHERE state = 2")),
                 4);
    // Those of one target: the other's stay failed.
    forwarder.retryFailed(target.url());
    QTRY_COMPARE(attempts.size(), 6);
    QCOMPARE(target.received.size(), 4);
    QCOMPARE(other.received.size(), 2);
    QTRY_COMPARE(scalar(m_path, QStringLiteral("SELECT count(*) FROM deliveries WHERE state = 1")),
                 2);
    // Those of a selection of captures, whatever their target.
    forwarder.retryFailed(QList<qint64>{2});
    QTRY_COMPARE(attempts.size(), 7);
    QCOMPARE(other.received.size(), 3);
    QCOMPARE(target.received.size(), 4);
}

// Hookscope stops while a target has a delivery but has not answered yet: the next run sends
// it again (at least once), and that attempt says it may repeat one the target already got.
void TestForwarder::aSendUnderWayAtAStopIsRepeatedAndSaysSo()
{
    QTcpServer silent; // takes the request, never answers
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    const quint16 port = silent.serverPort();
    QList<QByteArray> received;
    QList<QTcpSocket *> held;
    const auto take = [&](QTcpServer &server, bool answers) {
        connect(&server, &QTcpServer::newConnection, this, [&server, &received, &held, answers] {
            QTcpSocket *socket = server.nextPendingConnection();
            held.append(socket);
            connect(socket, &QTcpSocket::readyRead, socket, [socket, &received, answers] {
                received.append(socket->readAll());
                if (answers)
                    socket->write(answer(200));
            });
        });
    };
    take(silent, false);
    capture({QStringLiteral("http://127.0.0.1:%1/app").arg(port)});
    {
        Forwarder first(m_path, ForwardOptions());
        QVERIFY(first.start(nullptr));
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10'000);
        // Marked before it went out.
        QCOMPARE(scalar(m_path, QStringLiteral("SELECT sending FROM deliveries")), 1);
    } // stops with the send under way, as a killed one would
    silent.close();
    const QByteArray firstId = headerValue(RequestParser::parseStored(received.first()).headers,
                                           "Hookscope-Delivery-Id");

    QTcpServer answering;
    QVERIFY(answering.listen(QHostAddress::LocalHost, port));
    take(answering, true);
    Forwarder second(m_path, ForwardOptions());
    QSignalSpy attempts(&second, &Forwarder::attempted);
    QVERIFY(second.start(nullptr));
    QTRY_COMPARE_WITH_TIMEOUT(attempts.size(), 1, 10'000);
    const DeliveryAttempt repeated = attempts.at(0).at(0).value<DeliveryAttempt>();
    QVERIFY(repeated.mayRepeat);
    QCOMPARE(repeated.state, DeliveryAttempt::State::Delivered);
    // The same id both times, for the target to tell.
    QCOMPARE(
        headerValue(RequestParser::parseStored(received.last()).headers, "Hookscope-Delivery-Id"),
        firstId);
    QCOMPARE(scalar(m_path, QStringLiteral("SELECT sending FROM deliveries")), 0);
    DeliveryLog log(m_path);
    QVERIFY(log.open(nullptr));
    QCOMPARE(log.forCapture(1).first().mayRepeat, QList<bool>{true});
    qDeleteAll(held);
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
    QVERIFY(!route->proxy && !route->options.fixedUrl && !route->options.keepHost);

    const QString full
        = QStringLiteral("/a=http://a.test/x fixed-url proxy keep-host accept-self-signed resign");
    const std::optional<ForwardRoute> withOptions = ForwardRoute::parse(full, &error);
    QVERIFY(withOptions);
    QCOMPARE(withOptions->target, QStringLiteral("http://a.test/x"));
    QVERIFY(withOptions->proxy && withOptions->options.fixedUrl && withOptions->options.keepHost
            && withOptions->options.acceptSelfSigned && withOptions->options.resign);
    QCOMPARE(withOptions->spec(), full);
    QVERIFY(!ForwardRoute::parse(QStringLiteral("http://a.test/ proxi"), &error));
    QCOMPARE(error, QStringLiteral("\"http://a.test/ proxi\": unknown option \"proxi\"; the "
                                   "options after the URL are fixed-url, proxy, keep-host, "
                                   "accept-self-signed, resign, duplicates=N, shuffle=MS, "
                                   "delay=MS[-MS], stale=S, concurrency=N and seed=N"));

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

void TestForwarder::routesDeliverAsProvidersDo()
{
    QString error;
    const QString written
        = QStringLiteral("http://a.test/ resign duplicates=3 shuffle=500 delay=100-200 seed=9");
    const std::optional<ForwardRoute> route = ForwardRoute::parse(written, &error);
    QVERIFY2(route, qPrintable(error));
    QCOMPARE(route->chaos.duplicates, 3);
    QCOMPARE(route->chaos.shuffleWindow, 500);
    QCOMPARE(route->spec(), written);
    // A stale signature is made afresh, as if long ago: stale= re-signs.
    const std::optional<ForwardRoute> stale
        = ForwardRoute::parse(u"http://a.test/ stale=60 concurrency=2"_s, &error);
    QVERIFY2(stale, qPrintable(error));
    QVERIFY(stale->options.resign);
    QCOMPARE(stale->chaos.staleSeconds, 60);
    QCOMPARE(stale->chaos.concurrency, 2);
    QCOMPARE(stale->spec(), u"http://a.test/ resign stale=60 concurrency=2"_s);
    for (const auto &[spec, message] :
         {std::pair(u"http://a.test/ proxy duplicates=2"_s,
                    u"\"http://a.test/ proxy duplicates=2\": a proxy route answers the provider "
                    "with one send; duplicates=, shuffle=, delay=, stale= and concurrency= are "
                    "for routes that are not proxies"_s),
          std::pair(u"http://a.test/ concurrency=0"_s,
                    u"\"http://a.test/ concurrency=0\": concurrency=0: sends in flight at "
                    "once, 1 to 256"_s),
          std::pair(u"http://a.test/ duplicates=x"_s,
                    u"\"http://a.test/ duplicates=x\": duplicates=x: how many times each is sent, "
                    "1 to 100"_s)}) {
        QVERIFY(!ForwardRoute::parse(spec, &error));
        QCOMPARE(error, message);
    }

    // Three captures, each queued three times, each copy held 100 to 700 ms.
    capture({QStringLiteral("http://a.test duplicates=3 shuffle=500 delay=100-200 seed=9")}, 3);
    DeliveryLog log(m_path);
    QVERIFY(log.open(nullptr));
    CaptureStore store(m_path);
    QVERIFY(store.open());
    QList<qint64> holds;
    for (qint64 id = 1; id <= 3; ++id) {
        const QList<DeliveryRecord> copies = log.forCapture(id);
        QCOMPARE(copies.size(), 3);
        const qint64 received = store.capture(id)->receivedAtUs;
        for (const DeliveryRecord &copy : copies) {
            const qint64 holdMs = (copy.nextAttemptUs - received) / 1000;
            QVERIFY2(holdMs >= 100 && holdMs <= 700, qPrintable(QString::number(holdMs)));
            holds.append(holdMs);
        }
    }
    // Drawn from the seed: not all alike.
    QVERIFY(std::adjacent_find(holds.cbegin(), holds.cend(), std::not_equal_to<>())
            != holds.cend());
}

void TestForwarder::staleRoutesSignAsIfLongAgo()
{
    ScriptedTarget target({answer(200)});
    capture({target.url() + QStringLiteral(" stale=600 duplicates=2")});
    const SignatureSettings signing = stripeSigning("/webhooks/stripe");
    Forwarder forwarder(m_path, ForwardOptions());
    forwarder.setSignatureSettings(signing);
    QSignalSpy attempted(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE(attempted.size(), 2);
    QTRY_COMPARE(target.received.size(), 2);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    SignatureScheme scheme;
    scheme.kind = SignatureScheme::Kind::Stripe;
    for (const CapturedRequest &sent : std::as_const(target.received)) {
        // Signed ten minutes ago, with the right secret over the same bytes: only the age is
        // wrong, so a handler with Stripe's five-minute tolerance refuses it for that alone.
        const QByteArray header = headerValue(sent.headers, "Stripe-Signature");
        const qint64 signedAt = header.mid(2, header.indexOf(',') - 2).toLongLong();
        QVERIFY2(std::abs(now - 600 - signedAt) <= 5, header.constData());
        const SignedRequest request = SignedRequest::fromCapture(sent);
        QCOMPARE(Signatures::verify(scheme, "whsec_test_secret", request, now).outcome,
                 SignatureVerdict::Outcome::Expired);
        QCOMPARE(Signatures::verify(scheme, "whsec_test_secret", request, signedAt).outcome,
                 SignatureVerdict::Outcome::Valid);
    }
}

void TestForwarder::concurrencyCapsSendsInFlightToTheTarget()
{
    // A target that answers only when told: what it holds is in flight.
    QTcpServer app;
    QVERIFY(app.listen(QHostAddress::LocalHost));
    QList<QTcpSocket *> held;
    QList<int> answeredBeforeArrival;
    int answered = 0;
    connect(&app, &QTcpServer::newConnection, &app, [&] {
        while (QTcpSocket *socket = app.nextPendingConnection()) {
            auto parser = std::make_shared<RequestParser>();
            connect(socket, &QTcpSocket::readyRead, socket, [&, socket, parser] {
                parser->feed(socket->readAll());
                if (parser->state() != RequestParser::State::Complete)
                    return;
                parser->takeRequest();
                held.append(socket);
                answeredBeforeArrival.append(answered);
            });
        }
    });
    const auto releaseHeld = [&] {
        for (QTcpSocket *socket : std::exchange(held, {}))
            socket->write(answer(200));
        answered = int(answeredBeforeArrival.size());
    };
    const QString url = QStringLiteral("http://127.0.0.1:%1/app").arg(app.serverPort());

    capture({url + QStringLiteral(" concurrency=2")}, 6);
    {
        Forwarder forwarder(m_path, ForwardOptions());
        QSignalSpy attempted(&forwarder, &Forwarder::attempted);
        QVERIFY(forwarder.start(nullptr));
        for (int pair = 0; pair < 3; ++pair) {
            QTRY_COMPARE(held.size(), 2);
            releaseHeld();
        }
        QTRY_COMPARE(attempted.size(), 6);
    }
    // Each pair went out only once the pair before it was answered.
    QCOMPARE(answeredBeforeArrival, (QList<int>{0, 0, 2, 2, 4, 4}));

    // Without the cap, all six are in flight at once.
    answeredBeforeArrival.clear();
    answered = 0;
    m_path = m_dir.filePath(QStringLiteral("uncapped.sqlite"));
    {
        CaptureStore store(m_path);
        QVERIFY(store.open());
    }
    capture({url}, 6);
    Forwarder forwarder(m_path, ForwardOptions());
    QSignalSpy attempted(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE(held.size(), 6);
    releaseHeld();
    QTRY_COMPARE(attempted.size(), 6);
}

void TestForwarder::targetOptionsTravelWithEachDelivery()
{
    ScriptedTarget target({answer(200)});
    capture({target.url() + QStringLiteral("/exact?v=2 fixed-url keep-host")});
    Forwarder forwarder(m_path, ForwardOptions());
    QSignalSpy attempted(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QVERIFY(attempted.wait());
    QCOMPARE(target.received.size(), 1);
    // The fixed URL as written: the captured /webhooks/stripe?x=1 is not appended.
    QCOMPARE(target.received[0].target, QByteArray("/app/exact?v=2"));
    QCOMPARE(headerValue(target.received[0].headers, "Host"), QByteArray("example.com"));
    DeliveryLog log(m_path);
    QVERIFY(log.open(nullptr));
    const DeliveryRecord record = log.forCapture(1).value(0);
    QVERIFY(record.options.fixedUrl && record.options.keepHost && !record.proxied);
    QCOMPARE(record.state, DeliveryAttempt::State::Delivered);
}

void TestForwarder::selfSignedTargetsNeedTheirSwitch()
{
    // A real TLS target with a certificate no authority signed.
    QProcess openssl;
    const QString key = m_dir.filePath(QStringLiteral("key.pem"));
    const QString certificate = m_dir.filePath(QStringLiteral("cert.pem"));
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                   QStringLiteral("/CN=127.0.0.1"), QStringLiteral("-keyout"), key,
                   QStringLiteral("-out"), certificate});
    QVERIFY2(openssl.waitForFinished() && openssl.exitCode() == 0,
             openssl.readAllStandardError().constData());
    QFile keyFile(key);
    QFile certificateFile(certificate);
    QVERIFY(keyFile.open(QIODevice::ReadOnly) && certificateFile.open(QIODevice::ReadOnly));
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setPrivateKey(QSslKey(&keyFile, QSsl::Ec));
    tls.setLocalCertificate(QSslCertificate(&certificateFile));
    QSslServer server;
    server.setSslConfiguration(tls);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    connect(&server, &QTcpServer::pendingConnectionAvailable, this, [&server] {
        while (QTcpSocket *socket = server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, socket, [socket] {
                if (socket->readAll().contains("\r\n\r\n"))
                    socket->write(answer(200));
            });
        }
    });
    const QString url = QStringLiteral("https://127.0.0.1:%1").arg(server.serverPort());
    capture({url, url + QStringLiteral("/trusted accept-self-signed")});
    ForwardOptions options;
    options.retry.maxAttempts = 1;
    Forwarder forwarder(m_path, options);
    QSignalSpy attempted(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE_WITH_TIMEOUT(attempted.size(), 2, 15'000);
    QHash<QString, DeliveryAttempt> byTarget;
    for (const QList<QVariant> &signal : std::as_const(attempted)) {
        const auto attempt = signal.at(0).value<DeliveryAttempt>();
        byTarget.insert(attempt.target, attempt);
    }
    // Without the switch the TLS error is the outcome, and says what it is.
    QCOMPARE(byTarget.value(url).result.status, 0);
    QVERIFY2(byTarget.value(url).result.error.contains(QStringLiteral("certificate"),
                                                       Qt::CaseInsensitive),
             qPrintable(byTarget.value(url).result.error));
    QCOMPARE(byTarget.value(url + QStringLiteral("/trusted")).result.status, 200);
}

void TestForwarder::proxyRoutesAnswerWithTheTargetsAnswer()
{
    ScriptedTarget target({"HTTP/1.1 201 Made It\r\nX-App: yes\r\nConnection: keep-alive\r\n"
                           "Content-Length: 9\r\n\r\n{\"ok\":1}\n"});
    QTcpServer closed; // a port nobody listens on any more
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 downPort = closed.serverPort();
    closed.close();
    QList<ForwardRoute> routes;
    for (const QString &spec :
         {QStringLiteral("/proxied=%1 proxy").arg(target.url()),
          QStringLiteral("/down=http://127.0.0.1:%1/in proxy fixed-url").arg(downPort)}) {
        QString error;
        const std::optional<ForwardRoute> route = ForwardRoute::parse(spec, &error);
        QVERIFY2(route, qPrintable(error));
        routes.append(*route);
    }
    CaptureWriter writer(m_path);
    QVERIFY(writer.start(nullptr));
    writer.setForwardRoutes(routes); // proxy routes queue nothing: they are answered inline
    ReceiverOptions options;
    options.port = 0;
    ReceiverHost receiver(writer, options);
    receiver.setProxyRoutes(routes);
    QVERIFY(receiver.listen(nullptr));

    // Pipelined: a proxied request, an ordinary one, one whose target is down. The answers
    // keep the order although the second is ready first.
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, receiver.port());
    QVERIFY(client.waitForConnected());
    client.write("POST /proxied/hook?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}"
                 "GET /plain HTTP/1.1\r\nHost: x\r\n\r\n"
                 "POST /down/hook HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += client.readAll()).count("HTTP/1.1 ") == 3, 15'000);
    const qsizetype relayed = received.indexOf("HTTP/1.1 201 Made It\r\n");
    const qsizetype plain = received.indexOf("HTTP/1.1 200 OK\r\n");
    const qsizetype badGateway = received.indexOf("HTTP/1.1 502 Bad Gateway\r\n");
    QVERIFY2(relayed == 0 && plain > relayed && badGateway > plain, received.constData());
    const QByteArray firstAnswer = received.left(plain);
    QVERIFY(firstAnswer.contains("X-App: yes\r\n"));
    QVERIFY(firstAnswer.endsWith("\r\n\r\n{\"ok\":1}\n"));
    QVERIFY(!firstAnswer.contains("Connection:")); // the target's, not passed on
    QVERIFY(received.mid(badGateway)
                .contains(QStringLiteral(
                              "Hookscope could not relay this request to http://127.0.0.1:%1/in: ")
                              .arg(downPort)
                              .toUtf8()));
    QCOMPARE(target.received.size(), 1);
    QCOMPARE(target.received[0].target, QByteArray("/app/proxied/hook?a=1"));
    QCOMPARE(target.received[0].body, QByteArray("{}"));

    // The target gets the provider's headers exactly (nothing added, so no Accept-Encoding the
    // provider did not send), and the provider gets the target's answer as sent.
    const QByteArray json = R"({"compressed":true})";
    ScriptedTarget gzipTarget({"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: "
                               + QByteArray::number(Testing::zlibCompress(json, 31).size())
                               + "\r\n\r\n" + Testing::zlibCompress(json, 31)});
    QString error;
    routes.append(
        *ForwardRoute::parse(QStringLiteral("/gz=%1 proxy").arg(gzipTarget.url()), &error));
    receiver.setProxyRoutes(routes);
    client.write("POST /gz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                 "POST /gz HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n"
                 "Content-Length: 0\r\n\r\n");
    received.clear();
    QTRY_VERIFY_WITH_TIMEOUT((received += client.readAll()).count("HTTP/1.1 ") == 2
                                 && received.endsWith(Testing::zlibCompress(json, 31)),
                             15'000);
    const QByteArray firstGzip = received.left(received.lastIndexOf("HTTP/1.1 "));
    QVERIFY(firstGzip.endsWith(QByteArray("\r\n\r\n" + Testing::zlibCompress(json, 31))));
    QCOMPARE(received.count("Content-Encoding: gzip\r\n"), 2);
    QCOMPARE(gzipTarget.received.size(), 2);
    QVERIFY(headerValue(gzipTarget.received[0].headers, "Accept-Encoding").isNull());
    QCOMPARE(headerValue(gzipTarget.received[1].headers, "Accept-Encoding"), QByteArray("gzip"));

    // A real client gets the relayed answer too.
    QProcess curl;
    QSignalSpy curlDone(&curl, &QProcess::finished);
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-s"), QStringLiteral("-i"), QStringLiteral("--data-binary"),
                QStringLiteral("{\"id\":2}"),
                QStringLiteral("http://127.0.0.1:%1/proxied/again").arg(receiver.port())});
    QVERIFY(curlDone.wait(15'000));
    const QByteArray curlOut = curl.readAllStandardOutput();
    QVERIFY2(curlOut.startsWith("HTTP/1.1 201 Made It") && curlOut.endsWith("{\"ok\":1}\n"),
             curlOut.constData());
    receiver.close();
    writer.stop();

    // Each proxied capture keeps what it was answered and its one delivery, done.
    CaptureStore store(m_path);
    QVERIFY(store.open());
    QCOMPARE(store.capture(1)->responseStatus, 201);
    QVERIFY(store.capture(1)->responseHead.startsWith("HTTP/1.1 201 Made It\r\n"));
    QCOMPARE(store.capture(2)->responseStatus, 200);
    QCOMPARE(store.capture(3)->responseStatus, 502);
    DeliveryLog log(m_path);
    QVERIFY(log.open(nullptr));
    const DeliveryRecord first = log.forCapture(1).value(0);
    QVERIFY(first.proxied);
    QCOMPARE(first.state, DeliveryAttempt::State::Delivered);
    QCOMPARE(first.results.size(), 1);
    QCOMPARE(first.results[0].status, 201);
    QCOMPARE(first.results[0].body, QByteArray("{\"ok\":1}\n"));
    QVERIFY(log.forCapture(2).isEmpty());
    const DeliveryRecord down = log.forCapture(3).value(0);
    QCOMPARE(down.state, DeliveryAttempt::State::Failed);
    QVERIFY(down.options.fixedUrl);
    QVERIFY2(down.results.value(0).error.contains(QStringLiteral("refused")),
             qPrintable(down.results.value(0).error));
    QCOMPARE(log.backlog().size(), 0); // nothing left to send later
    const QList<CaptureSummary> summaries = store.find(CaptureQuery(), 0, 10); // newest first
    QCOMPARE(summaries.size(), 6);
    QCOMPARE(summaries.last().delivery, CaptureSummary::Delivery::Delivered);
    QCOMPARE(summaries.last().deliveryStatus, 201);
}

void TestForwarder::resignedDeliveriesVerifyAtTheTarget()
{
    ScriptedTarget target({answer(200)});
    // The capture carries a Stripe-Signature made at t=1700000000 (signedWebhook).
    capture({target.url() + QStringLiteral(" resign"),
             QStringLiteral("/webhooks=%1/fixed fixed-url resign").arg(target.url())});
    const SignatureSettings signing = stripeSigning("/webhooks/stripe");
    ForwardOptions options;
    Forwarder forwarder(m_path, options);
    forwarder.setSignatureSettings(signing);
    QSignalSpy attempted(&forwarder, &Forwarder::attempted);
    QVERIFY(forwarder.start(nullptr));
    QTRY_COMPARE(attempted.size(), 2);
    QTRY_COMPARE(target.received.size(), 2);
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    for (const CapturedRequest &sent : std::as_const(target.received)) {
        QCOMPARE(sent.body, signedWebhook().body); // the same bytes, signed anew
        const QByteArray header = headerValue(sent.headers, "Stripe-Signature");
        QVERIFY2(!header.startsWith("t=1700000000,"), header.constData());
        SignatureScheme scheme;
        scheme.kind = SignatureScheme::Kind::Stripe;
        const SignatureVerdict verdict = Signatures::verify(scheme, "whsec_test_secret",
                                                            SignedRequest::fromCapture(sent), now);
        QVERIFY2(verdict.outcome == SignatureVerdict::Outcome::Valid, qPrintable(verdict.reason));
    }

    // Nothing bound for the path: the delivery fails at once, saying why, and is not retried.
    QTemporaryDir other;
    m_path = other.filePath(QStringLiteral("unbound.sqlite"));
    {
        CaptureStore store(m_path);
        QVERIFY(store.open());
    }
    capture({target.url() + QStringLiteral(" resign")});
    Forwarder unbound(m_path, options);
    QSignalSpy failed(&unbound, &Forwarder::attempted);
    QVERIFY(unbound.start(nullptr));
    QVERIFY(failed.wait());
    const auto attempt = failed.at(0).at(0).value<DeliveryAttempt>();
    QCOMPARE(attempt.state, DeliveryAttempt::State::Failed);
    QCOMPARE(attempt.result.error,
             QStringLiteral("Cannot re-sign: no secret is bound to /webhooks/stripe"));
    QCOMPARE(target.received.size(), 2);
}

void TestForwarder::proxiedRequestsCanBeSignedAgain()
{
    ScriptedTarget target({answer(200)});
    QString error;
    const QList<ForwardRoute> routes{
        *ForwardRoute::parse(QStringLiteral("/webhooks=%1 proxy resign").arg(target.url()), &error),
        *ForwardRoute::parse(QStringLiteral("/unbound=%1 proxy resign").arg(target.url()), &error)};
    CaptureWriter writer(m_path);
    QVERIFY(writer.start(nullptr));
    ReceiverOptions options;
    options.port = 0;
    ReceiverHost receiver(writer, options);
    receiver.setProxyRoutes(routes);
    const SignatureSettings signing = stripeSigning("/webhooks");
    receiver.setSignatureSettings(signing);
    QVERIFY(receiver.listen(nullptr));

    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, receiver.port());
    QVERIFY(client.waitForConnected());
    const CapturedRequest webhook = signedWebhook(); // signed at t=1700000000
    client.write(webhook.raw);
    client.write("POST /unbound HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    QByteArray received;
    QTRY_VERIFY_WITH_TIMEOUT((received += client.readAll()).count("HTTP/1.1 ") == 2, 15'000);
    QVERIFY2(received.startsWith("HTTP/1.1 200 "), received.constData());
    QVERIFY(received.contains("HTTP/1.1 502 Bad Gateway\r\n"));
    QVERIFY(received.contains("Cannot re-sign: no secret is bound to /unbound"));
    QCOMPARE(target.received.size(), 1);
    SignatureScheme scheme;
    scheme.kind = SignatureScheme::Kind::Stripe;
    const SignatureVerdict verdict = Signatures::verify(
        scheme, "whsec_test_secret", SignedRequest::fromCapture(target.received[0]),
        QDateTime::currentSecsSinceEpoch());
    QVERIFY2(verdict.outcome == SignatureVerdict::Outcome::Valid, qPrintable(verdict.reason));
    receiver.close();
    writer.stop();
}

QTEST_GUILESS_MAIN(TestForwarder)
#include "tst_forwarder.moc"
