#include "rundialog.h"

#include "integration/listenprocess.h"

#include "offscreen.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Hookscope;
using namespace Hookscope::Testing;

// The Run dialog against a real receiver whose mock rules play the app under test.
class TestRunDialog final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void eachExpectationIsShownMetOrMissed();
};

void TestRunDialog::eachExpectationIsShownMetOrMissed()
{
    QTemporaryDir dir;
    const QString rules = dir.filePath(QStringLiteral("rules.json"));
    QFile file(rules);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"format": "hookscope-rules", "version": 1, "rules": [{"name": "app",
        "match": {"path": "/hook"}, "respond": {"status": 200,
        "headers": {"Content-Type": "application/json"}, "body": "{\"received\": true}"}}]})");
    file.close();
    ListenProcess listener(dir.filePath(QStringLiteral("s.sqlite")),
                           {QStringLiteral("--rules"), rules});

    QString error;
    const auto request = [&](const char *expect) {
        RequestTemplate sent;
        sent.method = "POST";
        sent.url = QStringLiteral("{{baseUrl}}/hook");
        sent.expect = *Expectations::fromJson(QJsonDocument::fromJson(expect).object(), &error);
        return sent;
    };
    const QList<RunStep> steps{
        {QStringLiteral("meets"),
         request(R"({"status": "2xx", "json": [{"path": "$.received", "equals": true}]})")},
        {QStringLiteral("misses"),
         request(R"({"json": [{"path": "$.received", "equals": false}], "maxMs": 5000})")}};
    RunDialog dialog(QStringLiteral("Contract"), steps,
                     {{QStringLiteral("baseUrl"), listener.url(QString())}}, nullptr);
    dialog.start();
    QTRY_COMPARE_WITH_TIMEOUT(dialog.summary()->text(),
                              QStringLiteral("2 of 2 sent: 1 passed, 1 failed"), 10'000);
    QCOMPARE(dialog.table()->item(0, 2)->text(), QStringLiteral("200 OK · 2 expectation(s) met"));
    QCOMPARE(dialog.table()->item(1, 2)->text(),
             QStringLiteral("200 OK · json $.received: expected false, got true"));

    // The picked request's expectations, each met or missed, expected against got.
    dialog.table()->setCurrentCell(1, 0);
    QTreeWidget *checks = dialog.checks();
    QCOMPARE(checks->topLevelItemCount(), 3);
    QCOMPARE(checks->topLevelItem(0)->text(0), QStringLiteral("\u2713 status"));
    QCOMPARE(checks->topLevelItem(0)->text(1), QStringLiteral("2xx or 3xx"));
    QCOMPARE(checks->topLevelItem(1)->text(0), QStringLiteral("\u2717 json $.received"));
    QCOMPARE(checks->topLevelItem(1)->text(1), QStringLiteral("false"));
    QCOMPARE(checks->topLevelItem(1)->text(2), QStringLiteral("true"));
    QVERIFY(checks->topLevelItem(2)->text(0).startsWith(QStringLiteral("\u2713 time")));
    dialog.table()->setCurrentCell(0, 0);
    QCOMPARE(checks->topLevelItemCount(), 2);

    // Delivered as providers do: a mistake is said and nothing goes; then a row per copy.
    dialog.delivery()->setText(QStringLiteral("duplicates=0"));
    dialog.start();
    QCOMPARE(dialog.summary()->text(),
             QStringLiteral("Not run: duplicates=0: how many times each is sent, 1 to 100"));
    dialog.delivery()->setText(QStringLiteral("duplicates=2 shuffle seed=4"));
    dialog.start();
    QTRY_COMPARE_WITH_TIMEOUT(dialog.summary()->text(),
                              QStringLiteral("4 of 4 sent: 2 passed, 2 failed · seed 4"), 10'000);
    QCOMPARE(dialog.table()->rowCount(), 4);
    QStringList names;
    for (int row = 0; row < 4; ++row)
        names.append(dialog.table()->item(row, 0)->text());
    names.sort();
    QCOMPARE(
        names,
        QStringList({QStringLiteral("meets (copy 1/2)"), QStringLiteral("meets (copy 2/2)"),
                     QStringLiteral("misses (copy 1/2)"), QStringLiteral("misses (copy 2/2)")}));
}

QTEST_MAIN(TestRunDialog)
#include "tst_rundialog.moc"
