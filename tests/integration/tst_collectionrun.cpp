#include "listenprocess.h"

#include "store/capturestore.h"
#include "collections/collectionrunner.h"
#include "secrets/secretstore.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;
using namespace Hookscope::Testing;

class TestCollectionRun final : public QObject
{
    Q_OBJECT
private slots:
    void runnerSendsInOrderWithSecretsFilledIn();
    void cliRunPrintsEachResultAndExitCode();
    void expectationsAreCheckedAndReportedAsJUnit();
    void runsDeliveredAsProvidersDo();
    void cliImportsIntoCollections();
    void badImportsChangeNothing();
    void exportsNeverHoldSecretValues();
};

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

CollectionItem requestItem(const QString &name, const QByteArray &method, const QString &url,
                           const QList<TemplateHeader> &headers = {}, const QByteArray &body = {})
{
    CollectionItem item;
    item.name = name;
    item.request.method = method;
    item.request.url = url;
    item.request.headers = headers;
    item.request.body = body;
    return item;
}

// A port nothing listens on.
quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    return server.serverPort();
}

} // namespace

void TestCollectionRun::runnerSendsInOrderWithSecretsFilledIn()
{
    QTemporaryDir dir;
    const QString store = dir.filePath(QStringLiteral("s.sqlite"));
    ListenProcess listener(store);
    SecretStore secrets;
    const QString secretName = QStringLiteral("hookscope-test-run-token");
    QCOMPARE(secrets.writeNow(secretName, "tok-123"), QString());

    Collection collection;
    collection.variables = {{QStringLiteral("baseUrl"), listener.url(QString())}};
    collection.environments
        = {{QStringLiteral("dev"), {{QStringLiteral("who"), QStringLiteral("ann")}}, {}}};
    CollectionItem folder;
    folder.name = QStringLiteral("Hooks");
    folder.isFolder = true;
    folder.items = {
        requestItem(QStringLiteral("first"), "POST", QStringLiteral("{{baseUrl}}/one"),
                    {{"X-Token", "{{secret:" + secretName.toUtf8() + "}}", true}},
                    "{\"who\":\"{{who}}\"}"),
        requestItem(QStringLiteral("missing"), "GET", QStringLiteral("{{baseUrl}}/{{nothing}}"))};
    collection.items
        = {folder, requestItem(QStringLiteral("last"), "PUT", QStringLiteral("{{baseUrl}}/three")),
           requestItem(QStringLiteral("down"), "GET",
                       QStringLiteral("http://127.0.0.1:%1/").arg(closedPort()))};

    CollectionRunner runner(&secrets);
    QSignalSpy steps(&runner, &CollectionRunner::stepFinished);
    QSignalSpy finished(&runner, &CollectionRunner::finished);
    const int pauseMs = 150;
    runner.start(CollectionRunner::steps(collection.items),
                 collection.valuesFor(QStringLiteral("dev")), pauseMs);
    QVERIFY(runner.isRunning());
    QVERIFY(finished.wait(20'000));
    QVERIFY(!runner.isRunning());
    const auto results = finished.first().first().value<QList<RunResult>>();
    QCOMPARE(steps.size(), 4);
    QCOMPARE(results.size(), 4);
    QCOMPARE(results[0].name, QStringLiteral("Hooks / first"));
    QVERIFY(results[0].passed());
    QCOMPARE(results[1].name, QStringLiteral("Hooks / missing"));
    QCOMPARE(results[1].error, QStringLiteral("no value for {{nothing}}"));
    QVERIFY(!results[1].passed());
    QVERIFY(results[2].passed());
    QVERIFY(!results[3].passed());
    QCOMPARE(results[3].result.status, 0);

    // The receiver got them in order, the secret and the environment's value filled in, and
    // each request after the pause.
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 2, 10'000);
    CaptureStore captures(store);
    QVERIFY(captures.open());
    const std::optional<CapturedRequest> first = captures.capture(listener.captureIds()[0]);
    const std::optional<CapturedRequest> last = captures.capture(listener.captureIds()[1]);
    QVERIFY(first && last);
    QCOMPARE(first->target, QByteArray("/one"));
    QCOMPARE(headerValue(first->headers, "X-Token"), QByteArray("tok-123"));
    QCOMPARE(first->body, QByteArray("{\"who\":\"ann\"}"));
    QCOMPARE(last->target, QByteArray("/three"));
    QVERIFY2(last->receivedAtUs - first->receivedAtUs >= 2 * pauseMs * 1000,
             qPrintable(QString::number(last->receivedAtUs - first->receivedAtUs)));
    QCOMPARE(secrets.removeNow(secretName), QString());
}

void TestCollectionRun::cliRunPrintsEachResultAndExitCode()
{
    QTemporaryDir dir;
    ListenProcess listener(dir.filePath(QStringLiteral("s.sqlite")));
    Collection collection;
    collection.variables = {{QStringLiteral("baseUrl"), QStringLiteral("http://127.0.0.1:1")}};
    collection.environments
        = {{QStringLiteral("local"), {{QStringLiteral("baseUrl"), listener.url(QString())}}, {}}};
    CollectionItem folder;
    folder.name = QStringLiteral("A");
    folder.isFolder = true;
    folder.items
        = {requestItem(QStringLiteral("ok"), "POST", QStringLiteral("{{baseUrl}}/a"), {}, "x")};
    collection.items
        = {folder, requestItem(QStringLiteral("bad"), "GET", QStringLiteral("{{nope}}"))};
    const QString path = dir.filePath(QStringLiteral("c.json"));
    QString error;
    QVERIFY2(collection.save(path, &error), qPrintable(error));

    CliResult run
        = runCli({QStringLiteral("run"), path, QStringLiteral("--env"), QStringLiteral("local")});
    QCOMPARE(run.exitCode, 1);
    const QList<QByteArray> lines = run.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines[0].startsWith("PASS  200 OK  ")
                 && lines[0].endsWith(
                     QByteArray("  A / ok  POST " + listener.url(QStringLiteral("/a")).toUtf8())),
             lines[0].constData());
    QCOMPARE(lines[1], QByteArray("FAIL  not sent: no value for {{nope}}  bad"));
    QCOMPARE(lines[2], QByteArray("2 request(s): 1 passed, 1 failed"));

    run = runCli({QStringLiteral("run"), path, QStringLiteral("--env"), QStringLiteral("local"),
                  QStringLiteral("--folder"), QStringLiteral("A")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.endsWith("1 request(s): 1 passed, 0 failed\n"));

    run = runCli({QStringLiteral("run"), path, QStringLiteral("--env"), QStringLiteral("prod")});
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(
        run.err,
        QByteArray("hookscope-cli: no environment \"prod\" in the collection (it has: local)\n"));
}

void TestCollectionRun::expectationsAreCheckedAndReportedAsJUnit()
{
    QTemporaryDir dir;
    // The app under test, played by mock rules.
    const QString rules = dir.filePath(QStringLiteral("rules.json"));
    QFile rulesFile(rules);
    QVERIFY(rulesFile.open(QIODevice::WriteOnly));
    rulesFile.write(R"({"format": "hookscope-rules", "version": 1, "rules": [
      {"name": "ok", "match": {"path": "/ok"}, "respond": {"status": 200,
       "headers": {"Content-Type": "application/json"},
       "body": "{\"received\": true, \"id\": \"evt_1\", \"count\": 3}"}},
      {"name": "broken", "match": {"path": "/broken"}, "respond": {"status": 500, "body": "\u0001oops"}},
      {"name": "once", "match": {"path": "/once"},
       "respond": [{"times": 1, "status": 200}, {"status": 409, "body": "duplicate"}]},
      {"name": "same", "match": {"path": "/same"}, "respond": {"status": 200, "body": "{}"}},
      {"name": "slow", "match": {"path": "/slow"}, "respond": {"status": 200, "delay": 400}}]})");
    rulesFile.close();
    ListenProcess listener(dir.filePath(QStringLiteral("s.sqlite")),
                           {QStringLiteral("--rules"), rules});
    // As a user writes it.
    const QString collection = dir.filePath(QStringLiteral("contract.json"));
    QFile collectionFile(collection);
    QVERIFY(collectionFile.open(QIODevice::WriteOnly));
    collectionFile.write(QByteArray(R"({"format": "hookscope-collection", "version": 1,
      "name": "Contract", "variables": [{"name": "baseUrl", "value": ")")
                         + listener.url(QString()).toUtf8() + R"("}],
      "items": [{"name": "Stripe", "items": [
        {"name": "passes", "request": {"method": "POST", "url": "{{baseUrl}}/ok", "expect": {
          "status": 200, "headers": {"Content-Type": "application/json*"},
          "json": [{"path": "$.received", "equals": true}, {"path": "$.id", "matches": "^evt_"},
                   {"path": "count", "type": "number"}], "maxMs": 5000}}},
        {"name": "wrong fields", "request": {"method": "POST", "url": "{{baseUrl}}/ok", "expect": {
          "json": [{"path": "$.received", "equals": false}, {"path": "$.missing", "exists": true},
                   {"path": "$.id", "type": "number"}]}}}]},
        {"name": "broken", "request": {"method": "POST", "url": "{{baseUrl}}/broken",
         "expect": {"status": "2xx"}}},
        {"name": "not idempotent", "request": {"method": "POST", "url": "{{baseUrl}}/once",
         "expect": {"idempotent": true}}},
        {"name": "idempotent", "request": {"method": "POST", "url": "{{baseUrl}}/same",
         "expect": {"idempotent": "same-body"}}},
        {"name": "slow", "request": {"method": "GET", "url": "{{baseUrl}}/slow",
         "expect": {"maxMs": 100}}},
        {"name": "not sent", "request": {"method": "GET", "url": "{{nothing}}"}}]})");
    collectionFile.close();

    const QString junit = dir.filePath(QStringLiteral("report/junit.xml"));
    QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("report"))));
    const CliResult run
        = runCli({QStringLiteral("run"), collection, QStringLiteral("--junit"), junit});
    QCOMPARE(run.exitCode, 1);
    const QByteArray out = run.out;
    // The result line of the request named `name`.
    const auto lineOf = [&out](const char *name) {
        for (const QByteArray &line : out.split('\n'))
            if (line.contains(QByteArray(QByteArray("  ") + name + "  ")))
                return line;
        return QByteArray();
    };
    QVERIFY2(lineOf("Stripe / passes").startsWith("PASS  200 OK"), out.constData());
    const QByteArray wrongFields = "Stripe / wrong fields  POST "
                                   + listener.url(QStringLiteral("/ok")).toUtf8()
                                   + "\n      json $.received: expected false, got true\n"
                                     "      json $.missing: expected present, got nothing there\n"
                                     "      json $.id: expected number, got string\n";
    QVERIFY2(out.contains(wrongFields), out.constData());
    const QByteArray broken = "  broken  POST " + listener.url(QStringLiteral("/broken")).toUtf8()
                              + "\n      status: expected 2xx, got 500\n";
    QVERIFY(out.contains(broken));
    QVERIFY(out.contains("\n      idempotent: expected sent again: 2xx, got sent again: 409\n"));
    QVERIFY2(lineOf("idempotent").startsWith("PASS  200 OK"), out.constData());
    QVERIFY(out.contains("\n      time: expected at most 100 ms, got 4"));
    QVERIFY(out.contains("\nFAIL  not sent: no value for {{nothing}}  not sent\n"));
    QVERIFY(out.endsWith("7 request(s): 2 passed, 5 failed\n"));

    // The report is what CI systems read: valid against the JUnit schema, and it says the same.
    QProcess xmllint;
    xmllint.start(QStringLiteral("xmllint"), {QStringLiteral("--noout"), QStringLiteral("--schema"),
                                              QFINDTESTDATA("data/junit.xsd"), junit});
    QVERIFY(xmllint.waitForFinished(30'000));
    QVERIFY2(xmllint.exitCode() == 0, xmllint.readAllStandardError().constData());
    const QByteArray xml = readAll(junit);
    QVERIFY(xml.contains(
        R"(<testsuite name="Contract" tests="7" failures="4" errors="1" skipped="0")"));
    QVERIFY(xml.contains(R"(<testcase name="passes" classname="Contract.Stripe" time=")"));
    QVERIFY(
        xml.contains(R"(<failure message="status: expected 2xx, got 500" type="expectation">)"));
    QVERIFY(
        xml.contains(R"(<error message="not sent: no value for {{nothing}}" type="not sent">)"));
    // The answer's control character cannot be in XML: it is shown as a replacement.
    QVERIFY(xml.contains("\xEF\xBF\xBDoops"));

    // A report that cannot be written is said, after the results.
    const CliResult unwritable
        = runCli({QStringLiteral("run"), collection, QStringLiteral("--junit"),
                  dir.filePath(QStringLiteral("no/such/folder/j.xml"))});
    QCOMPARE(unwritable.exitCode, 2);
    QVERIFY2(unwritable.err.startsWith("hookscope-cli: --junit: "), unwritable.err.constData());
}

void TestCollectionRun::runsDeliveredAsProvidersDo()
{
    QTemporaryDir dir;
    // A handler that takes an event once: a second delivery of it gets 409.
    const QString rules = dir.filePath(QStringLiteral("rules.json"));
    QFile rulesFile(rules);
    QVERIFY(rulesFile.open(QIODevice::WriteOnly));
    rulesFile.write(R"({"format": "hookscope-rules", "version": 1, "rules": [
      {"name": "paid", "match": {"path": "/paid"},
       "respond": [{"times": 1, "status": 200}, {"status": 409}]},
      {"name": "other", "match": {"path": "/*"}, "respond": {"status": 204}}]})");
    rulesFile.close();
    const QString collection = dir.filePath(QStringLiteral("events.json"));
    QFile collectionFile(collection);
    QVERIFY(collectionFile.open(QIODevice::WriteOnly));
    collectionFile.write(R"({"format": "hookscope-collection", "version": 1, "name": "Events",
      "items": [{"name": "paid", "request": {"method": "POST", "url": "{{baseUrl}}/paid",
                 "expect": {"status": "2xx"}}},
                {"name": "created", "request": {"method": "POST", "url": "{{baseUrl}}/created"}},
                {"name": "deleted", "request": {"method": "POST", "url": "{{baseUrl}}/deleted"}}]})");
    collectionFile.close();

    // Two processes, one seed: the same sends in the same order.
    QList<QByteArrayList> orders;
    for (int process = 0; process < 2; ++process) {
        const CliResult run = runCli(
            {QStringLiteral("run"), collection, QStringLiteral("--duplicates"), QStringLiteral("2"),
             QStringLiteral("--shuffle"), QStringLiteral("--seed"), QStringLiteral("11"),
             QStringLiteral("--junit"), dir.filePath(QStringLiteral("junit.xml"))});
        // {{baseUrl}} has no value here: every send says so, in the planned order.
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.startsWith("seed 11: run again with --seed 11 for the same order\n"),
                 run.out.constData());
        QByteArrayList names;
        for (const QByteArray &line : run.out.split('\n'))
            if (line.startsWith("FAIL") || line.startsWith("PASS"))
                names.append(line.mid(line.lastIndexOf("  ") + 2));
        QCOMPARE(names.size(), 6);
        orders.append(names);
        QVERIFY(run.out.endsWith("6 request(s): 0 passed, 6 failed\n"));
    }
    QCOMPARE(orders[0], orders[1]);
    QVERIFY(orders[0].contains("paid (copy 2/2)"));

    // With a base URL: the second copy of "paid" is refused, and that is what fails.
    collectionFile.open(QIODevice::ReadOnly);
    QByteArray withBase = collectionFile.readAll();
    collectionFile.close();
    ListenProcess handler(dir.filePath(QStringLiteral("third.sqlite")),
                          {QStringLiteral("--rules"), rules});
    const QByteArray variables = "\"name\": \"Events\", \"variables\": [{\"name\": \"baseUrl\", "
                                 "\"value\": \""
                                 + handler.url(QString()).toUtf8() + "\"}],";
    withBase.replace("\"name\": \"Events\",", variables);
    QVERIFY(collectionFile.open(QIODevice::WriteOnly | QIODevice::Truncate));
    collectionFile.write(withBase);
    collectionFile.close();
    const CliResult run
        = runCli({QStringLiteral("run"), collection, QStringLiteral("--duplicates"),
                  QStringLiteral("2"), QStringLiteral("--concurrency"), QStringLiteral("2"),
                  QStringLiteral("--seed"), QStringLiteral("11")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.out.contains("\n      status: expected 2xx, got 409\n"), run.out.constData());
    QVERIFY(run.out.endsWith("6 request(s): 5 passed, 1 failed\n"));
    QTRY_COMPARE_WITH_TIMEOUT(handler.captureIds().size(), 6, 10'000);

    const CliResult both
        = runCli({QStringLiteral("run"), collection, QStringLiteral("--delay"),
                  QStringLiteral("100"), QStringLiteral("--duplicates"), QStringLiteral("2")});
    QCOMPARE(both.exitCode, 2);
    QVERIFY(both.err.startsWith("hookscope-cli: --delay pauses between requests"));
}

void TestCollectionRun::cliImportsIntoCollections()
{
    QTemporaryDir dir;
    const QString store = dir.filePath(QStringLiteral("s.sqlite"));
    {
        ListenProcess listener(store);
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                    QStringLiteral("-H"), QStringLiteral("X-Event: paid"),
                    QStringLiteral("--data-binary"), QStringLiteral("{\"n\":1}"),
                    listener.url(QStringLiteral("/hooks/pay?x=1"))});
        QVERIFY(curl.waitForFinished(30'000));
        QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    }
    const QString har = dir.filePath(QStringLiteral("caps.har"));
    QCOMPARE(runCli({QStringLiteral("export"), QStringLiteral("--har"), har,
                     QStringLiteral("--store"), store})
                 .exitCode,
             0);
    const QString collectionPath = dir.filePath(QStringLiteral("mine.json"));
    CliResult imported
        = runCli({QStringLiteral("import"), har, QStringLiteral("--into"), collectionPath});
    QCOMPARE(imported.exitCode, 0);
    QCOMPARE(imported.out, "Imported 1 request(s) into " + collectionPath.toUtf8() + '\n');

    const QString curlFile = dir.filePath(QStringLiteral("paste.sh"));
    QFile paste(curlFile);
    QVERIFY(paste.open(QIODevice::WriteOnly));
    paste.write("curl 'http://localhost:3000/api/refund' \\\n  -H 'content-type: application/json' "
                "\\\n  --data-raw '{\"id\":7}'\n");
    paste.close();
    QCOMPARE(runCli({QStringLiteral("import"), curlFile, QStringLiteral("--into"), collectionPath})
                 .exitCode,
             0);
    const QString postman = QFINDTESTDATA("../data/postman-v21.json");
    imported
        = runCli({QStringLiteral("import"), postman, QStringLiteral("--into"), collectionPath});
    QCOMPARE(imported.exitCode, 0);
    QVERIFY(imported.err.contains("the file field \"file\" is left out"));

    QString error;
    const std::optional<Collection> collection = Collection::load(collectionPath, &error);
    QVERIFY2(collection, qPrintable(error));
    QCOMPARE(collection->name, QStringLiteral("caps"));
    QCOMPARE(collection->items.size(), 1 + 1 + 3);
    const RequestTemplate &fromHar = collection->items[0].request;
    QCOMPARE(fromHar.url, QStringLiteral("{{baseUrl}}/hooks/pay?x=1"));
    QCOMPARE(fromHar.body, QByteArray("{\"n\":1}"));
    QCOMPARE(collection->valuesFor({}).value(QStringLiteral("baseUrl")).left(17),
             QStringLiteral("http://127.0.0.1:"));
    QCOMPARE(collection->items[1].name, QStringLiteral("/api/refund"));
    QCOMPARE(collection->items[1].request.body, QByteArray("{\"id\":7}"));
    QCOMPARE(collection->items[2].name, QStringLiteral("Webhooks"));
    // The Postman collection's own baseUrl does not replace the one already there.
    QCOMPARE(collection->variables.size(), 3);
    QVERIFY(collection->valuesFor({}).contains(QStringLiteral("invoiceId")));

    // A Postman file is not captures: it needs --into.
    const CliResult refused
        = runCli({QStringLiteral("import"), postman, QStringLiteral("--store"), store});
    QCOMPARE(refused.exitCode, 2);
    QVERIFY(refused.err.contains("is a Postman collection: only a HAR file becomes captures"));
}

void TestCollectionRun::badImportsChangeNothing()
{
    QTemporaryDir dir;
    const QString collectionPath = dir.filePath(QStringLiteral("keep.json"));
    Collection collection;
    collection.name = QStringLiteral("keep");
    collection.items = {requestItem(QStringLiteral("one"), "GET", QStringLiteral("http://h/"))};
    QString error;
    QVERIFY(collection.save(collectionPath, &error));
    const QByteArray before = readAll(collectionPath);

    const QString broken = dir.filePath(QStringLiteral("broken.json"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\n  \"info\": {\"schema\": "
               "\"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"},\n  "
               "\"item\": [\n    {\"name\": \"a\",\n");
    file.close();
    const CliResult result
        = runCli({QStringLiteral("import"), broken, QStringLiteral("--into"), collectionPath});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.startsWith(QByteArray("hookscope-cli: " + broken.toUtf8()
                                              + ": not valid JSON at line 4, column ")),
             result.err.constData());
    QVERIFY(result.err.trimmed().endsWith("; nothing was imported"));
    QCOMPARE(readAll(collectionPath), before);
}

void TestCollectionRun::exportsNeverHoldSecretValues()
{
    QTemporaryDir dir;
    Collection collection;
    collection.name = QStringLiteral("signed");
    CollectionItem item = requestItem(QStringLiteral("s"), "POST", QStringLiteral("http://h/"),
                                      {{"Authorization", "Bearer {{secret:api}}", true}});
    item.request.auth
        = {RequestAuth::Kind::Basic, QStringLiteral("u"), QStringLiteral("{{secret:pw}}"), {}};
    collection.items = {item};
    const QString path = dir.filePath(QStringLiteral("c.json"));
    QString error;
    QVERIFY(collection.save(path, &error));
    const QString postman = dir.filePath(QStringLiteral("p.json"));
    const CliResult exported = runCli({QStringLiteral("export"), QStringLiteral("--postman"),
                                       postman, QStringLiteral("--collection"), path});
    QCOMPARE(exported.exitCode, 0);
    for (const QString &file : {path, postman}) {
        const QByteArray bytes = readAll(file);
        QVERIFY(bytes.contains("{{secret:api}}"));
        QVERIFY(bytes.contains("{{secret:pw}}"));
    }
}

QTEST_GUILESS_MAIN(TestCollectionRun)
#include "tst_collectionrun.moc"
