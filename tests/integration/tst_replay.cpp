#include "listenprocess.h"
#include "zlibcompress.h"

#include "store/capturestore.h"
#include "wire/outgoingrequest.h"
#include "store/sendhistory.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;
using namespace Hookscope::Testing;

namespace {

std::optional<CapturedRequest> onlyCapture(const QString &storePath)
{
    CaptureStore store(storePath);
    if (!store.open() || store.count() != 1)
        return std::nullopt;
    return store.capture(store.summaries(0, 1).constFirst().id);
}

} // namespace

class TestReplay final : public QObject
{
    Q_OBJECT
private slots:
    void replaySendsTheSameBytesToAnotherTarget();
    void sendPrintsTheAnswer();
    void badTargetsAndCapturesAreRefused();
    void hopByHopHeadersAreDropped();
    void variablesAndSendHistory();
    void deliveredAsProvidersDoTheSameSeedTheSameRun();
    void staleSignaturesAreOnlyOld();
    void concurrencyKeepsThatManyInFlight();
};

void TestReplay::replaySendsTheSameBytesToAnotherTarget()
{
    QTemporaryDir dir;
    const QString first = dir.filePath(QStringLiteral("first.sqlite"));
    const QString second = dir.filePath(QStringLiteral("second.sqlite"));
    // A gzip-encoded, signed body: replay must send the encoded bytes untouched.
    const QByteArray body = zlibCompress(R"({"id":"evt_1","type":"invoice.paid"})", 15 + 16);
    QFile bodyFile(dir.filePath(QStringLiteral("body.gz")));
    QVERIFY(bodyFile.open(QIODevice::WriteOnly));
    bodyFile.write(body);
    bodyFile.close();
    {
        ListenProcess origin(first);
        const CliResult sent = runCli(
            {QStringLiteral("send"), QStringLiteral("-H"),
             QStringLiteral("Content-Type: application/json"), QStringLiteral("-H"),
             QStringLiteral("Content-Encoding: gzip"), QStringLiteral("-H"),
             QStringLiteral("Stripe-Signature: t=1700000000,v1=5257a869e7ecebeda32affa62cdca3fa51"),
             QStringLiteral("-H"), QStringLiteral("X-Repeated: one"), QStringLiteral("-H"),
             QStringLiteral("User-Agent: Stripe/1.0"), QStringLiteral("--data-binary"),
             QLatin1Char('@') + bodyFile.fileName(),
             origin.url(QStringLiteral("/webhooks/stripe?attempt=1&x=%20y"))});
        QCOMPARE(sent.exitCode, 0);
        QVERIFY2(sent.out.startsWith("HTTP/1.1 200 OK\r\n"), sent.out.constData());
        QVERIFY(sent.out.endsWith("\r\n\r\nOK\n"));
    }
    const std::optional<CapturedRequest> original = onlyCapture(first);
    QVERIFY(original);
    QCOMPARE(original->body, body);

    ListenProcess target(second);
    const CliResult replayed
        = runCli({QStringLiteral("replay"), QString::number(original->id), QStringLiteral("--to"),
                  target.url(QStringLiteral("/base/")), QStringLiteral("--store"), first});
    QCOMPARE(replayed.exitCode, 0);
    QTRY_COMPARE(target.captureIds().size(), 1);
    const std::optional<CapturedRequest> copy = onlyCapture(second);
    QVERIFY(copy);
    QCOMPARE(copy->method, QByteArray("POST"));
    QCOMPARE(copy->target, QByteArray("/base/webhooks/stripe?attempt=1&x=%20y"));
    QCOMPARE(copy->body, body); // byte for byte, still gzip
    QCOMPARE(copy->decodedBody(), original->decodedBody());
    // The captured headers, in their order, and nothing added but Host and Content-Length.
    QList<QByteArray> sentNames;
    for (const HeaderField &header : copy->headers)
        sentNames.append(header.name);
    const QList<QByteArray> expected{"Content-Type", "Content-Encoding", "Stripe-Signature",
                                     "X-Repeated", "User-Agent"};
    for (qsizetype i = 1; i < expected.size(); ++i)
        QVERIFY(sentNames.indexOf(expected[i - 1]) < sentNames.indexOf(expected[i]));
    for (const QByteArray &name : expected)
        QCOMPARE(headerValue(copy->headers, name), headerValue(original->headers, name));
    QCOMPARE(copy->headers.size(), original->headers.size());
    QVERIFY(headerValue(copy->headers, "Accept-Language").isNull());
    // Host names the new target unless asked to keep it.
    QCOMPARE(headerValue(copy->headers, "Host"),
             QStringLiteral("127.0.0.1:%1").arg(target.port()).toUtf8());
}

void TestReplay::sendPrintsTheAnswer()
{
    QTemporaryDir dir;
    ListenProcess target(dir.filePath(QStringLiteral("t.sqlite")),
                         {QStringLiteral("--status"), QStringLiteral("429"),
                          QStringLiteral("--response-header"), QStringLiteral("Retry-After: 7"),
                          QStringLiteral("--response-body"), QStringLiteral("slow down")});
    const CliResult result = runCli({QStringLiteral("send"), QStringLiteral("-X"),
                                     QStringLiteral("PUT"), target.url(QStringLiteral("/x"))});
    QCOMPARE(result.exitCode, 1); // an answer, but not a 2xx
    // As curl -i prints it: the protocol version, CRLF line ends.
    QVERIFY2(result.out.startsWith("HTTP/1.1 429 "), result.out.constData());
    QVERIFY(result.out.contains("\r\nRetry-After: 7\r\n"));
    QVERIFY(result.out.endsWith("\r\n\r\nslow down"));
    QTRY_COMPARE(target.captureIds().size(), 1);

    const CliResult refused
        = runCli({QStringLiteral("send"), QStringLiteral("http://127.0.0.1:1/")});
    QCOMPARE(refused.exitCode, 1);
    QVERIFY(refused.err.contains("Connection refused"));
}

void TestReplay::badTargetsAndCapturesAreRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    {
        ListenProcess origin(path);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, origin.port());
        QVERIFY(socket.waitForConnected());
        socket.write("NOT A REQUEST\r\n\r\n");
        QTRY_COMPARE(origin.captureIds().size(), 1);
    }
    const CliResult malformed
        = runCli({QStringLiteral("replay"), QStringLiteral("1"), QStringLiteral("--to"),
                  QStringLiteral("http://127.0.0.1:9/"), QStringLiteral("--store"), path});
    QCOMPARE(malformed.exitCode, 2);
    QVERIFY2(malformed.err.contains("Capture #1 has no complete request line to replay"),
             malformed.err.constData());
    const CliResult badUrl
        = runCli({QStringLiteral("replay"), QStringLiteral("1"), QStringLiteral("--to"),
                  QStringLiteral("ftp://example.com/"), QStringLiteral("--store"), path});
    QCOMPARE(badUrl.exitCode, 2);
    QVERIFY(badUrl.err.contains("is not an http:// or https:// URL"));
    const CliResult missing
        = runCli({QStringLiteral("replay"), QStringLiteral("99"), QStringLiteral("--to"),
                  QStringLiteral("http://127.0.0.1:9/"), QStringLiteral("--store"), path});
    QCOMPARE(missing.exitCode, 2);
    QVERIFY(missing.err.contains("no capture with ID 99"));
}

void TestReplay::hopByHopHeadersAreDropped()
{
    CapturedRequest capture;
    capture.method = "POST";
    capture.target = "/hook";
    capture.headers = {{"Host", "example.com"},
                       {"Connection", "keep-alive, X-Secret"},
                       {"Transfer-Encoding", "chunked"},
                       {"Content-Length", "2"},
                       {"X-Kept", "yes"},
                       {"X-Secret", "for the next hop only"},
                       {"keep-alive", "timeout=5"}};
    capture.body = "{}";
    QString error;
    std::optional<OutgoingRequest> request = OutgoingRequest::replay(
        capture, QUrl(QStringLiteral("http://localhost:3000")), {}, &error);
    QVERIFY(request);
    QCOMPARE(request->url, QUrl(QStringLiteral("http://localhost:3000/hook")));
    QCOMPARE(request->headers, (HeaderList{{"X-Kept", "yes"}}));
    TargetOptions keepHost;
    keepHost.keepHost = true;
    request = OutgoingRequest::replay(capture, QUrl(QStringLiteral("http://localhost:3000")),
                                      keepHost, &error);
    QCOMPARE(request->headers, (HeaderList{{"Host", "example.com"}, {"X-Kept", "yes"}}));

    // A fixed URL is the whole target: neither the captured path nor its query is added.
    capture.target = "/hook?attempt=2";
    TargetOptions fixedUrl;
    fixedUrl.fixedUrl = true;
    request = OutgoingRequest::replay(
        capture, QUrl(QStringLiteral("http://localhost:3000/webhooks/stripe?v=1")), fixedUrl,
        &error);
    QCOMPARE(request->url, QUrl(QStringLiteral("http://localhost:3000/webhooks/stripe?v=1")));
    request = OutgoingRequest::replay(capture, QUrl(QStringLiteral("http://localhost:3000/app/")),
                                      {}, &error);
    QCOMPARE(request->url, QUrl(QStringLiteral("http://localhost:3000/app/hook?attempt=2")));
}

void TestReplay::variablesAndSendHistory()
{
    QStringList missing;
    const QHash<QString, QString> variables{
        {QStringLiteral("host"), QStringLiteral("localhost:3000")},
        {QStringLiteral("event"), QStringLiteral("invoice.paid")}};
    QCOMPARE(OutgoingRequest::expandVariables(QStringLiteral("http://{{host}}/hooks/{{ event }}"),
                                              variables, &missing),
             QStringLiteral("http://localhost:3000/hooks/invoice.paid"));
    OutgoingRequest request;
    request.method = "POST";
    request.headers = {{"X-Event", "{{event}}"}, {"X-Unknown", "{{nope}}"}};
    request.body = R"({"type":"{{event}}","open":"{{"})";
    const OutgoingRequest expanded = request.withVariables(variables, &missing);
    QCOMPARE(expanded.headers[0].value, QByteArray("invoice.paid"));
    QCOMPARE(expanded.headers[1].value, QByteArray("{{nope}}")); // left as written, and listed
    QCOMPARE(expanded.body, QByteArray(R"({"type":"invoice.paid","open":"{{"})"));
    QCOMPARE(missing, QStringList{QStringLiteral("nope")});

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("h.sqlite"));
    {
        CaptureStore store(path);
        QVERIFY(store.open());
    }
    OutgoingRequest sent = expanded;
    sent.url = QUrl(QStringLiteral("http://localhost:3000/hooks"));
    DeliveryResult result;
    result.startedAtUs = 1'700'000'000'000'000;
    result.status = 202;
    result.reason = "Accepted";
    result.headers = {{"Content-Type", "text/plain"}};
    result.body = "queued";
    result.durationUs = 1234;
    {
        SendHistory history(path);
        QVERIFY(history.open(nullptr));
        QVERIFY(history.add(sent, result) > 0);
        QVERIFY(history.add(sent, DeliveryResult{}) > 0);
    }
    SendHistory reopened(path); // survives a restart
    QVERIFY(reopened.open(nullptr));
    const QList<SentRequest> recent = reopened.recent(10);
    QCOMPARE(recent.size(), 2);
    const SentRequest &first = recent.last(); // newest first
    QCOMPARE(first.request.method, QByteArray("POST"));
    QCOMPARE(first.request.url, sent.url);
    QCOMPARE(first.request.headers, sent.headers);
    QCOMPARE(first.request.body, sent.body);
    QCOMPARE(first.result.status, 202);
    QCOMPARE(first.result.reason, QByteArray("Accepted"));
    QCOMPARE(first.result.headers, result.headers);
    QCOMPARE(first.result.body, QByteArray("queued"));
    QCOMPARE(first.result.durationUs, 1234);
}

namespace {

// Three captures of three providers' test events in a store of their own; their IDs.
void threeCaptures(const QString &store, const QProcessEnvironment &environment, QList<qint64> *ids)
{
    ListenProcess origin(store);
    for (const char *event : {"stripe invoice.paid", "github push", "shopify orders/create"}) {
        const QStringList words = QString::fromLatin1(event).split(QLatin1Char(' '));
        runCli({QStringLiteral("trigger"), words[0], words[1], QStringLiteral("--to"),
                origin.url(QLatin1Char('/') + words[0]), QStringLiteral("--secret-env"),
                QStringLiteral("TEST_SECRET")},
               {}, environment);
    }
    QTRY_COMPARE_WITH_TIMEOUT(origin.captureIds().size(), 3, 10'000);
    *ids = origin.captureIds();
}

QProcessEnvironment withTestSecret()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TEST_SECRET"), QStringLiteral("whsec_test_secret"));
    return environment;
}

// The report's lines without their times: what was sent, in which order, answered how.
QByteArrayList withoutTimes(const QByteArray &report)
{
    static const QRegularExpression times(QStringLiteral("  at +\\d+ ms|  [\\d.]+ ms$"));
    QByteArrayList lines;
    for (const QByteArray &line : report.split('\n'))
        lines.append(QString::fromUtf8(line).remove(times).toUtf8());
    return lines;
}

} // namespace

void TestReplay::deliveredAsProvidersDoTheSameSeedTheSameRun()
{
    QTemporaryDir dir;
    const QString captures = dir.filePath(QStringLiteral("captures.sqlite"));
    QList<qint64> ids;
    threeCaptures(captures, withTestSecret(), &ids);
    QCOMPARE(ids.size(), 3);
    QStringList arguments{QStringLiteral("replay")};
    for (const qint64 id : ids)
        arguments << QString::number(id);
    arguments << QStringLiteral("--store") << captures << QStringLiteral("--duplicates")
              << QStringLiteral("2") << QStringLiteral("--shuffle") << QStringLiteral("--delay")
              << QStringLiteral("0-20") << QStringLiteral("--seed") << QStringLiteral("7");

    // Two processes, one seed: the same sends in the same order, arriving in that order.
    QList<QByteArrayList> reports;
    QList<QList<QByteArray>> arrivals;
    for (const char *name : {"first.sqlite", "second.sqlite"}) {
        const QString store = dir.filePath(QString::fromLatin1(name));
        ListenProcess handler(store);
        const CliResult run
            = runCli(arguments + QStringList{QStringLiteral("--to"), handler.url(QString())});
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(
            run.out.startsWith("seed 7: run again with --seed 7 for the same order and delays\n"),
            run.out.constData());
        QVERIFY2(run.out.endsWith("6 sent: 6 answered 2xx, 0 not\n"), run.out.constData());
        QVERIFY(
            run.out.contains(QByteArray("#" + QByteArray::number(ids[0]) + " invoice.paid (evt_")));
        QVERIFY(run.out.contains("): sent 2 time(s), answered 200, 200\n"));
        reports.append(
            withoutTimes(QByteArray(run.out).replace(handler.url(QString()).toUtf8(), "TARGET")));
        QTRY_COMPARE_WITH_TIMEOUT(handler.captureIds().size(), 6, 10'000);
        CaptureStore received(store);
        QVERIFY(received.open());
        QList<QByteArray> paths;
        for (const qint64 id : handler.captureIds())
            paths.append(received.capture(id)->target);
        arrivals.append(paths);
    }
    QCOMPARE(reports[0], reports[1]);
    QCOMPARE(arrivals[0], arrivals[1]);
    QCOMPARE(arrivals[0].count("/stripe"), 2);
    QVERIFY(arrivals[0]
            != QList<QByteArray>({"/stripe", "/stripe", "/github", "/github", "/shop",
                                  "/shop"})); // seed 7 does reorder them

    // Another seed, another order; a wrong option, nothing sent.
    ListenProcess handler(dir.filePath(QStringLiteral("third.sqlite")));
    arguments.replace(arguments.indexOf(QStringLiteral("7")), QStringLiteral("8"));
    const CliResult other
        = runCli(arguments + QStringList{QStringLiteral("--to"), handler.url(QString())});
    QVERIFY(withoutTimes(other.out).mid(1) != reports[0].mid(1));
    const CliResult wrong
        = runCli({QStringLiteral("replay"), QString::number(ids[0]), QStringLiteral("--store"),
                  captures, QStringLiteral("--to"), handler.url(QString()),
                  QStringLiteral("--duplicates"), QStringLiteral("0")});
    QCOMPARE(wrong.exitCode, 2);
    QCOMPARE(wrong.err,
             QByteArray("hookscope-cli: --duplicates=0: how many times each is sent, 1 to 100\n"));
}

void TestReplay::staleSignaturesAreOnlyOld()
{
    QTemporaryDir dir;
    const QString captures = dir.filePath(QStringLiteral("captures.sqlite"));
    QList<qint64> ids;
    threeCaptures(captures, withTestSecret(), &ids);
    QCOMPARE(ids.size(), 3);
    const QString store = dir.filePath(QStringLiteral("handler.sqlite"));
    ListenProcess handler(store);
    const CliResult run = runCli(
        {QStringLiteral("replay"), QString::number(ids[0]), QStringLiteral("--store"), captures,
         QStringLiteral("--to"), handler.url(QString()), QStringLiteral("--stale"),
         QStringLiteral("900"), QStringLiteral("--secret-env"), QStringLiteral("TEST_SECRET")},
        {}, withTestSecret());
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QTRY_COMPARE_WITH_TIMEOUT(handler.captureIds().size(), 1, 10'000);
    // Signed right, fifteen minutes ago: the handler's clock says expired, not invalid.
    const CliResult verified
        = runCli({QStringLiteral("verify"), QString::number(handler.captureIds()[0]),
                  QStringLiteral("--store"), store, QStringLiteral("--secret-env"),
                  QStringLiteral("TEST_SECRET")},
                 {}, withTestSecret());
    QCOMPARE(verified.exitCode, 1);
    QVERIFY2(verified.out.startsWith("expired: "), verified.out.constData());
    QVERIFY2(verified.out.contains("skew:     -9"), verified.out.constData());
    // No secret, no stale signature: said, nothing sent.
    const CliResult noSecret
        = runCli({QStringLiteral("replay"), QString::number(ids[0]), QStringLiteral("--store"),
                  captures, QStringLiteral("--to"), handler.url(QString()),
                  QStringLiteral("--stale"), QStringLiteral("900")});
    QCOMPARE(noSecret.exitCode, 2);
    QCOMPARE(handler.captureIds().size(), 1);
}

void TestReplay::concurrencyKeepsThatManyInFlight()
{
    QTemporaryDir dir;
    const QString captures = dir.filePath(QStringLiteral("captures.sqlite"));
    QList<qint64> ids;
    threeCaptures(captures, withTestSecret(), &ids);
    QCOMPARE(ids.size(), 3);
    // A handler that takes 300 ms over each answer.
    const QString rules = dir.filePath(QStringLiteral("slow.json"));
    QFile file(rules);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"format": "hookscope-rules", "version": 1, "rules": [{"name": "slow",
        "match": {"path": "/*"}, "respond": {"status": 200, "delay": 300}}]})");
    file.close();
    // When each of the three arrived, with `concurrency` in flight at once.
    QHash<QString, QList<qint64>> arrivals;
    for (const QString &concurrency : {QStringLiteral("3"), QStringLiteral("1")}) {
        const QString store = dir.filePath(concurrency + QStringLiteral(".sqlite"));
        ListenProcess handler(store, {QStringLiteral("--rules"), rules});
        QStringList arguments{QStringLiteral("replay")};
        for (const qint64 id : ids)
            arguments << QString::number(id);
        QCOMPARE(runCli(arguments
                        + QStringList{QStringLiteral("--store"), captures, QStringLiteral("--to"),
                                      handler.url(QString()), QStringLiteral("--concurrency"),
                                      concurrency})
                     .exitCode,
                 0);
        QTRY_COMPARE_WITH_TIMEOUT(handler.captureIds().size(), 3, 10'000);
        CaptureStore received(store);
        QVERIFY(received.open());
        for (const qint64 id : handler.captureIds())
            arrivals[concurrency].append(received.capture(id)->receivedAtUs);
    }
    // Three at once arrive together; one at a time, each after the answer before it.
    const QList<qint64> together = arrivals.value(QStringLiteral("3"));
    QVERIFY2(together.last() - together.first() < 250'000,
             qPrintable(QString::number(together.last() - together.first())));
    const QList<qint64> oneByOne = arrivals.value(QStringLiteral("1"));
    QVERIFY(oneByOne[1] - oneByOne[0] >= 300'000);
    QVERIFY(oneByOne[2] - oneByOne[1] >= 300'000);
}

QTEST_GUILESS_MAIN(TestReplay)
#include "tst_replay.moc"
