#include "rulesdialog.h"

#include "mock/mockrules.h"
#include "wire/requestparser.h"

#include "offscreen.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTest>

using namespace Hookscope;

// The rules editor on its own: rules checked as they are typed, nothing accepted while one is
// wrong, a rule tried on a capture, and the order, switches and seed as accepted.
class TestRulesDialog final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void mistakesAreNamedAndNothingIsAccepted();
    void aRuleIsTriedOnTheSelectedCapture();
    void orderSwitchesAndSeedAreAccepted();

private:
    static QJsonObject rule(const char *json) { return QJsonDocument::fromJson(json).object(); }
    static QPushButton *button(const RulesDialog &dialog, const QString &text);
};

QPushButton *TestRulesDialog::button(const RulesDialog &dialog, const QString &text)
{
    for (QPushButton *button : dialog.findChildren<QPushButton *>()) {
        if (button->text() == text)
            return button;
    }
    qFatal("no %s button", qPrintable(text));
}

void TestRulesDialog::mistakesAreNamedAndNothingIsAccepted()
{
    RulesDialog dialog(MockRules(), std::nullopt);
    dialog.addRule(rule(R"({"name": "paid", "match": {"path": "/stripe"},
                            "respond": {"status": 201}})"));
    dialog.list()->setCurrentRow(0);
    QVERIFY(!dialog.problem()->isVisibleTo(&dialog));

    dialog.editor()->setPlainText(QStringLiteral(
        "{\n  \"name\": \"paid\",\n  \"match\": {\"pathRegex\": \"(\"}, \"respond\": {}\n}"));
    QVERIFY(dialog.problem()->isVisibleTo(&dialog));
    QCOMPARE(dialog.problem()->text(),
             QStringLiteral("match.pathRegex: invalid regular expression \"(\": missing closing "
                            "parenthesis at offset 1"));
    QVERIFY(dialog.list()->item(0)->text().endsWith(QStringLiteral("not valid")));
    dialog.editor()->setPlainText(QStringLiteral("{\n  \"name\": \"paid\",,\n}"));
    QVERIFY(dialog.problem()->text().startsWith(QStringLiteral("not valid JSON at line 2")));

    dialog.show();
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY(dialog.problem()->text().startsWith(
        QStringLiteral("Rule 1 is not valid, so no rule is applied yet: ")));
    QVERIFY(dialog.rules().isEmpty());

    dialog.editor()->setPlainText(QStringLiteral(
        R"({"name": "paid", "match": {"path": "/stripe"}, "respond": {"status": 201}})"));
    QVERIFY(!dialog.problem()->isVisibleTo(&dialog));
    dialog.accept();
    QVERIFY(!dialog.isVisible());
    QCOMPARE(dialog.rules().rules.size(), 1);
}

void TestRulesDialog::aRuleIsTriedOnTheSelectedCapture()
{
    {
        RulesDialog none(MockRules(), std::nullopt);
        QVERIFY(!button(none, QStringLiteral("Try on Selected Capture"))->isEnabled());
    }
    CapturedRequest capture = RequestParser::parseStored(
        "POST /stripe HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 44\r\n\r\n"
        R"({"type":"invoice.paid","data":{"id":"in_1"}})");
    capture.id = 12;
    RulesDialog dialog(MockRules(), capture);
    dialog.addRule(rule(R"({"name": "paid",
        "match": {"path": "/stripe", "json": [{"path": "$.type", "equals": "invoice.paid"}]},
        "respond": {"status": 201, "body": "got {{request.json.data.id}}"}})"));
    dialog.list()->setCurrentRow(0);
    dialog.tryOnSelected();
    QCOMPARE(
        dialog.tryResult()->toPlainText(),
        QStringLiteral("Matches capture #12 (POST /stripe).\nAnswers 201 Created\n\ngot in_1"));

    dialog.editor()->setPlainText(QStringLiteral(
        R"({"name": "other", "match": {"path": "/github"}, "respond": {"status": 204}})"));
    dialog.tryOnSelected();
    QVERIFY2(dialog.tryResult()->toPlainText().contains(QStringLiteral("not match")),
             qPrintable(dialog.tryResult()->toPlainText()));
}

void TestRulesDialog::orderSwitchesAndSeedAreAccepted()
{
    RulesDialog dialog(MockRules(), std::nullopt);
    button(dialog, QStringLiteral("Add"))->click();
    button(dialog, QStringLiteral("Add"))->click();
    button(dialog, QStringLiteral("Add"))->click();
    QCOMPARE(dialog.list()->count(), 3);
    QCOMPARE(dialog.list()->currentRow(), 2);
    // "rule 3" to the top, "rule 2" removed, "rule 1" switched off by its check box.
    button(dialog, QStringLiteral("Up"))->click();
    button(dialog, QStringLiteral("Up"))->click();
    QCOMPARE(dialog.list()->currentRow(), 0);
    dialog.list()->setCurrentRow(2);
    button(dialog, QStringLiteral("Remove"))->click();
    dialog.list()->item(1)->setCheckState(Qt::Unchecked);
    dialog.list()->setCurrentRow(1);
    QVERIFY(dialog.editor()->toPlainText().contains(QStringLiteral("\"enabled\": false")));
    dialog.seed()->setValue(77);

    dialog.accept();
    const MockRules accepted = dialog.rules();
    QCOMPARE(accepted.seed, 77u);
    QCOMPARE(accepted.rules.size(), 2);
    QCOMPARE(accepted.rules[0].name, QStringLiteral("rule 3"));
    QVERIFY(accepted.rules[0].enabled);
    QCOMPARE(accepted.rules[1].name, QStringLiteral("rule 1"));
    QVERIFY(!accepted.rules[1].enabled);
}

QTEST_MAIN(TestRulesDialog)
#include "tst_rulesdialog.moc"
