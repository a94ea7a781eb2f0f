#include "saveastestdialog.h"

#include "collections/collectionrunner.h"
#include "store/capturestore.h"
#include "store/deliverylog.h"
#include "integration/listenprocess.h"
#include "wire/requestparser.h"

#include "offscreen.h"

#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Hookscope;
using namespace Hookscope::Testing;

// Save as Test: captures become requests expecting what their target answered; run against the
// same app they pass, against one answering otherwise they fail.
class TestSaveAsTestDialog final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void expectsWhatTheTargetAnswered();
    void capturesNeverSentOnAreSaid();
    void eachCaptureBringsItsLatestAnswer();

private:
    static QList<RunResult> run(const Collection &tests);
};

namespace {

// An app under test, played by `hookscope-cli listen` with one mock rule.
std::unique_ptr<ListenProcess> appAnswering(const QTemporaryDir &dir, const char *name,
                                            const QByteArray &answer)
{
    const QString rules = dir.filePath(QString::fromLatin1(name) + QStringLiteral(".json"));
    QFile file(rules);
    file.open(QIODevice::WriteOnly);
    file.write(R"({"format": "hookscope-rules", "version": 1, "rules": [{"name": "app",
        "match": {"path": "/*"}, "respond": {"status": 202,
        "headers": {"Content-Type": "application/json"}, "body": )"
               + answer + "}}]}");
    file.close();
    return std::make_unique<ListenProcess>(
        dir.filePath(QString::fromLatin1(name) + QStringLiteral(".sqlite")),
        QStringList{QStringLiteral("--rules"), rules});
}

DeliveryResult answered(const QByteArray &body)
{
    DeliveryResult result;
    result.status = 202;
    result.headers = {{"Content-Type", "application/json"}};
    result.body = body;
    return result;
}

} // namespace

QList<RunResult> TestSaveAsTestDialog::run(const Collection &tests)
{
    CollectionRunner runner(nullptr);
    QSignalSpy finished(&runner, &CollectionRunner::finished);
    runner.start(CollectionRunner::steps(tests.items), tests.valuesFor({}), 0);
    if (!finished.wait(10'000))
        return {};
    return finished.first().first().value<QList<RunResult>>();
}

void TestSaveAsTestDialog::expectsWhatTheTargetAnswered()
{
    QTemporaryDir dir;
    const QByteArray answer
        = R"("{\"received\": true, \"order\": {\"id\": \"ord_1\", \"total\": 44.99}}")";
    std::unique_ptr<ListenProcess> app = appAnswering(dir, "same", answer);
    const CapturedRequest capture = RequestParser::parseStored(
        "POST /webhooks/shop HTTP/1.1\r\nHost: 127.0.0.1:4747\r\nX-Shopify-Topic: orders/create\r\n"
        "Content-Length: 2\r\n\r\n{}");
    SaveAsTestDialog dialog(
        {{capture, answered(R"({"received": true, "order": {"id": "ord_1", "total": 44.99}})"),
          app->url(QString())}});
    QCOMPARE(dialog.note()->text(),
             QStringLiteral("1 request(s) will expect the status their target answered (202), and "
                            "the fields ticked below to hold the values they had."));
    QTreeWidget *fields = dialog.fields();
    QCOMPARE(fields->topLevelItemCount(), 3);
    QCOMPARE(fields->topLevelItem(0)->text(0), QStringLiteral("$.order.id"));
    QCOMPARE(fields->topLevelItem(0)->text(1), QStringLiteral("ord_1"));
    fields->topLevelItem(0)->setCheckState(0, Qt::Checked);
    fields->topLevelItem(2)->setCheckState(0, Qt::Checked); // $.received

    const Collection tests = dialog.tests({});
    QCOMPARE(tests.items.size(), 1);
    QCOMPARE(tests.items[0].name, QStringLiteral("orders/create"));
    QCOMPARE(tests.items[0].request.url, QStringLiteral("{{baseUrl}}/webhooks/shop"));
    QCOMPARE(tests.valuesFor({}).value(QStringLiteral("baseUrl")), app->url(QString()));
    const Expectations &expect = tests.items[0].request.expect;
    QCOMPARE(expect.status->written, QStringLiteral("202"));
    QCOMPARE(expect.json.size(), 2);
    QCOMPARE(expect.json[0].equals, QJsonValue(QStringLiteral("ord_1")));

    // Against the same app: passes. Against one whose answer changed: fails, saying what.
    QList<RunResult> results = run(tests);
    QVERIFY(!results.isEmpty());
    QVERIFY(results[0].passed());
    app.reset();
    std::unique_ptr<ListenProcess> changed
        = appAnswering(dir, "changed", R"("{\"received\": true, \"order\": {\"id\": \"ord_2\"}}")");
    Collection elsewhere = tests;
    elsewhere.variables = {{QStringLiteral("baseUrl"), changed->url(QString())}};
    results = run(elsewhere);
    QVERIFY(!results[0].passed());
    QCOMPARE(results[0].checks.size(), 3);
    QCOMPARE(results[0].checks[1].what, QStringLiteral("json $.order.id"));
    QCOMPARE(results[0].checks[1].got, QStringLiteral("ord_2"));
}

void TestSaveAsTestDialog::capturesNeverSentOnAreSaid()
{
    const CapturedRequest capture = RequestParser::parseStored(
        "POST /a HTTP/1.1\r\nHost: 127.0.0.1:4747\r\nContent-Length: 0\r\n\r\n");
    SaveAsTestDialog none({{capture, std::nullopt, QStringLiteral("http://localhost:3000")}});
    QVERIFY(none.note()->text().startsWith(QLatin1String("None of these was forwarded")));
    QVERIFY(none.fields()->isHidden());
    const Collection tests = none.tests({});
    QVERIFY(tests.items[0].request.expect.isEmpty());
    // Sent to where replays go, not back to this receiver.
    QCOMPARE(tests.valuesFor({}).value(QStringLiteral("baseUrl")),
             QStringLiteral("http://localhost:3000"));

    SaveAsTestDialog some({{capture, answered("[1]"), QStringLiteral("http://localhost:3000")},
                           {capture, std::nullopt, QStringLiteral("http://localhost:3000")}});
    QCOMPARE(some.note()->text(),
             QStringLiteral("1 request(s) will expect the status their target answered (202), and "
                            "the fields ticked below to hold the values they had. Those never "
                            "forwarded or replayed (1) expect a 2xx or 3xx. The answers have no "
                            "JSON fields to tick."));
}

void TestSaveAsTestDialog::eachCaptureBringsItsLatestAnswer()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.sqlite"));
    ListenProcess listener(path);
    for (const char *target : {"/one", "/two"})
        QCOMPARE(runCli({QStringLiteral("send"), QStringLiteral("--data-binary"),
                         QStringLiteral("{}"), listener.url(QString::fromLatin1(target))})
                     .exitCode,
                 0);
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 2, 10'000);
    const QList<qint64> ids = listener.captureIds();

    // The first was forwarded to the app twice: refused, then accepted.
    DeliveryLog log(path);
    QString error;
    QVERIFY2(log.open(&error), qPrintable(error));
    const QString app = QStringLiteral("http://127.0.0.1:3000");
    const qint64 delivery = log.add(ids[0], app, {});
    for (const int status : {503, 202}) {
        DeliveryAttempt attempt;
        attempt.deliveryId = delivery;
        attempt.captureId = ids[0];
        attempt.target = app;
        attempt.attempt = status == 503 ? 1 : 2;
        attempt.result.status = status;
        attempt.result.startedAtUs = status == 503 ? 1000 : 2000;
        attempt.state
            = status == 503 ? DeliveryAttempt::State::Pending : DeliveryAttempt::State::Delivered;
        QVERIFY(log.record({attempt}));
    }
    CaptureStore store(path);
    QVERIFY(store.open());
    const QList<SaveAsTestDialog::Source> sources
        = SaveAsTestDialog::sourcesFor(ids, store, log, QStringLiteral("http://localhost:8080"));
    QCOMPARE(sources.size(), 2);
    QCOMPARE(sources[0].capture.target, QByteArray("/one"));
    QCOMPARE(sources[0].answer->status, 202);
    QCOMPARE(sources[0].target, app);
    QVERIFY(!sources[1].answer);
    QCOMPARE(sources[1].target, QStringLiteral("http://localhost:8080"));
}

QTEST_MAIN(TestSaveAsTestDialog)
#include "tst_saveastestdialog.moc"
