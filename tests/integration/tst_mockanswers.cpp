// Mock rules as clients see them: `hookscope-cli listen --rules FILE` over real sockets, with curl
// and a Qt client.
#include "listenprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope::Testing;

class TestMockAnswers final : public QObject
{
    Q_OBJECT
private slots:
    void rulesAnswerInOrderWithTemplates();
    void delaysHold();
    void faultsAsTheClientSeesThem();
    void sequencesAndSeededFailuresRepeat();
    void proxyRulesRelayTheTargetsAnswer();
    void badRulesFilesAreRefused();

private:
    QString writeRules(const QByteArray &rules, quint32 seed = 1);
    QTemporaryDir m_dir;
    int m_files = 0;
};

namespace {

struct CurlResult
{
    int exitCode = -1;
    QByteArray out; // the body, then "\n<status> <seconds>" from -w
    int status = 0;
    double seconds = 0;
    QByteArray body;
};

CurlResult curl(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral("curl"),
                  QStringList{QStringLiteral("-sS"), QStringLiteral("-w"),
                              QStringLiteral("\n%{http_code} %{time_total}")}
                      + arguments);
    process.waitForFinished(60'000);
    CurlResult result;
    result.exitCode = process.exitCode();
    result.out = process.readAllStandardOutput();
    const qsizetype split = result.out.lastIndexOf('\n');
    const QList<QByteArray> figures = result.out.mid(split + 1).split(' ');
    result.status = figures.value(0).toInt();
    result.seconds = figures.value(1).toDouble();
    result.body = result.out.left(split);
    return result;
}

} // namespace

QString TestMockAnswers::writeRules(const QByteArray &rules, quint32 seed)
{
    const QString path = m_dir.filePath(QStringLiteral("rules-%1.json").arg(++m_files));
    QFile file(path);
    if (file.open(QIODevice::WriteOnly))
        file.write(R"({"format": "hookscope-rules", "version": 1, "seed": )"
                   + QByteArray::number(seed) + R"(, "rules": )" + rules + "}");
    return path;
}

void TestMockAnswers::rulesAnswerInOrderWithTemplates()
{
    const QString rules = writeRules(R"([
        {"name": "paid", "match": {"method": "POST", "path": "/stripe/*",
                                  "json": [{"path": "$.type", "equals": "invoice.paid"}]},
         "respond": {"status": 201, "headers": {"Content-Type": "application/json",
                                                 "X-Event": "{{request.header.X-Event}}"},
                     "body": "{\"received\":\"{{request.json.data.id}}\",\"q\":\"{{request.query.k}}\"}"}},
        {"name": "other stripe", "match": {"path": "/stripe/*"}, "respond": {"status": 202}}])");
    ListenProcess listener(m_dir.filePath(QStringLiteral("a.sqlite")),
                           {QStringLiteral("--rules"), rules});
    CurlResult paid = curl({QStringLiteral("-H"), QStringLiteral("X-Event: evt"),
                            QStringLiteral("--data-binary"),
                            QStringLiteral(R"({"type":"invoice.paid","data":{"id":"in_7"}})"),
                            listener.url(QStringLiteral("/stripe/hook?k=v%201"))});
    QCOMPARE(paid.exitCode, 0);
    QCOMPARE(paid.status, 201);
    QCOMPARE(paid.body, QByteArray(R"({"received":"in_7","q":"v 1"})"));
    CurlResult other = curl({QStringLiteral("--data-binary"), QStringLiteral(R"({"type":"x"})"),
                             listener.url(QStringLiteral("/stripe/hook"))});
    QCOMPARE(other.status, 202);
    CurlResult none = curl({listener.url(QStringLiteral("/elsewhere"))});
    QCOMPARE(none.status, 200); // no rule: the default answer
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 3, 10'000);

    // Each capture says which rule answered it.
    const CliResult listed = runCli({QStringLiteral("list"), QStringLiteral("--store"),
                                     m_dir.filePath(QStringLiteral("a.sqlite"))});
    const QList<QByteArray> lines = listed.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY2(!lines[0].contains("rule:"), lines[0].constData());
    QVERIFY2(lines[1].contains("  rule:other stripe  #"), lines[1].constData());
    QVERIFY2(lines[2].contains("  201  ") && lines[2].contains("  rule:paid  #"),
             lines[2].constData());
}

void TestMockAnswers::delaysHold()
{
    const QString rules = writeRules(R"([
        {"name": "slow", "match": {"path": "/slow"}, "respond": {"delay": 400}},
        {"name": "random", "respond": {"delay": {"min": 100, "max": 200}}}])");
    ListenProcess listener(m_dir.filePath(QStringLiteral("d.sqlite")),
                           {QStringLiteral("--rules"), rules});
    const CurlResult slow = curl({listener.url(QStringLiteral("/slow"))});
    QCOMPARE(slow.status, 200);
    // Never early; late by at most what a loaded 2-core machine adds.
    QVERIFY2(slow.seconds >= 0.4 && slow.seconds < 1.9,
             QByteArray::number(slow.seconds).constData());
    for (int call = 0; call < 3; ++call) {
        const CurlResult random = curl({listener.url(QStringLiteral("/r"))});
        QVERIFY2(random.seconds >= 0.1 && random.seconds < 1.7,
                 QByteArray::number(random.seconds).constData());
    }
}

void TestMockAnswers::faultsAsTheClientSeesThem()
{
    const QString rules = writeRules(R"([
        {"name": "close", "match": {"path": "/close"}, "respond": {"fault": "close"}},
        {"name": "reset", "match": {"path": "/reset"}, "respond": {"fault": "reset"}},
        {"name": "hang", "match": {"path": "/hang"}, "respond": {"fault": "no-answer"}},
        {"name": "trickle", "match": {"path": "/trickle"},
         "respond": {"fault": "trickle", "bytesPerSecond": 20, "body": "0123456789012345678901234567890123456789"}}])");
    const QString store = m_dir.filePath(QStringLiteral("f.sqlite"));
    ListenProcess listener(store, {QStringLiteral("--rules"), rules});

    // curl's own words for each: an empty reply (52), a reset (56), a timeout (28).
    QCOMPARE(curl({listener.url(QStringLiteral("/close"))}).exitCode, 52);
    QCOMPARE(curl({listener.url(QStringLiteral("/reset"))}).exitCode, 56);
    QCOMPARE(curl({QStringLiteral("--max-time"), QStringLiteral("1"),
                   listener.url(QStringLiteral("/hang"))})
                 .exitCode,
             28);
    // 40 bytes at 20 a second: about two seconds, all of it.
    const CurlResult slow = curl({listener.url(QStringLiteral("/trickle"))});
    QCOMPARE(slow.exitCode, 0);
    QCOMPARE(slow.body, QByteArray("0123456789012345678901234567890123456789"));
    QVERIFY2(slow.seconds >= 1.7 && slow.seconds < 4.0,
             QByteArray::number(slow.seconds).constData());

    // A Qt client: the reset ends the connection with nothing read; the hang sends nothing,
    // and the connection stays open.
    QTcpSocket reset;
    reset.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(reset.waitForConnected(5000));
    reset.write("GET /reset HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(reset.waitForDisconnected(5000) || reset.state() == QAbstractSocket::UnconnectedState);
    QCOMPARE(reset.readAll(), QByteArray());
    QCOMPARE(reset.error(), QAbstractSocket::RemoteHostClosedError);

    QTcpSocket hang;
    hang.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(hang.waitForConnected(5000));
    hang.write("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(!hang.waitForReadyRead(1500)); // the client gives up first
    QCOMPARE(hang.state(), QAbstractSocket::ConnectedState);

    // Each is kept, with its rule, and recorded as not answered.
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 6, 10'000);
    const CliResult shown
        = runCli({QStringLiteral("show"), QString::number(listener.captureIds().first()),
                  QStringLiteral("--json"), QStringLiteral("--store"), store});
    QVERIFY2(shown.out.contains("\"rule\": \"close\""), shown.out.constData());
    QVERIFY2(shown.out.contains("\"response\": {\n        \"body\": \"\",\n        \"head\": "
                                "\"\",\n        \"status\": 0"),
             shown.out.constData());
}

void TestMockAnswers::sequencesAndSeededFailuresRepeat()
{
    const QByteArray rules = R"([
        {"name": "warm-up", "match": {"path": "/seq"},
         "respond": [{"times": 3, "status": 500}, {"status": 200}]},
        {"name": "flaky", "match": {"path": "/flaky"}, "respond": {"status": 200},
         "failure": {"probability": 0.5, "status": 503}}])";
    const auto statuses = [&](const QString &store, quint32 seed, const QString &path, int calls) {
        ListenProcess listener(store, {QStringLiteral("--rules"), writeRules(rules, seed)});
        QList<int> seen;
        for (int call = 0; call < calls; ++call)
            seen.append(curl({listener.url(path)}).status);
        return seen;
    };
    QCOMPARE(statuses(m_dir.filePath(QStringLiteral("s1.sqlite")), 1, QStringLiteral("/seq"), 5),
             (QList<int>{500, 500, 500, 200, 200}));
    const QList<int> first
        = statuses(m_dir.filePath(QStringLiteral("s2.sqlite")), 9, QStringLiteral("/flaky"), 12);
    QVERIFY(first.contains(503) && first.contains(200));
    QCOMPARE(statuses(m_dir.filePath(QStringLiteral("s3.sqlite")), 9, QStringLiteral("/flaky"), 12),
             first);
}

void TestMockAnswers::proxyRulesRelayTheTargetsAnswer()
{
    ListenProcess app(m_dir.filePath(QStringLiteral("app.sqlite")),
                      {QStringLiteral("--status"), QStringLiteral("209"),
                       QStringLiteral("--response-body"), QStringLiteral("from the app")});
    const QString rules = writeRules(R"([{"name": "to the app", "match": {"path": "/app/*"},
        "respond": {"proxy": ")" + app.url(QString()).toUtf8()
                                     + R"("}}])");
    ListenProcess front(m_dir.filePath(QStringLiteral("front.sqlite")),
                        {QStringLiteral("--rules"), rules});
    const CurlResult relayed = curl({QStringLiteral("--data-binary"), QStringLiteral("x"),
                                     front.url(QStringLiteral("/app/orders?id=3"))});
    QCOMPARE(relayed.status, 209);
    QCOMPARE(relayed.body, QByteArray("from the app"));
    QTRY_COMPARE_WITH_TIMEOUT(app.captureIds().size(), 1, 10'000);
    const CliResult atApp = runCli({QStringLiteral("list"), QStringLiteral("--store"),
                                    m_dir.filePath(QStringLiteral("app.sqlite"))});
    QVERIFY2(atApp.out.contains("/app/orders?id=3"), atApp.out.constData());
}

void TestMockAnswers::badRulesFilesAreRefused()
{
    const QString rules = writeRules(R"([{"name": "typo", "respond": {"stauts": 500}}])");
    const CliResult result
        = runCli({QStringLiteral("listen"), QStringLiteral("--port"), QStringLiteral("0"),
                  QStringLiteral("--rules"), rules, QStringLiteral("--store"),
                  m_dir.filePath(QStringLiteral("bad.sqlite"))});
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(result.err, "hookscope-cli: --rules: " + rules.toUtf8()
                             + ": rule 1 (\"typo\"): unknown field \"stauts\" in respond (known: "
                               "status, headers, body, delay, fault, bytesPerSecond, proxy)\n");
}

QTEST_GUILESS_MAIN(TestMockAnswers)
#include "tst_mockanswers.moc"
