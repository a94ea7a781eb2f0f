#include "listenprocess.h"

#include "store/capturestore.h"
#include "collections/collectionrunner.h"
#include "secrets/secretstore.h"

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
