#include "textpane.h"
#include "textview.h"

#include "offscreen.h"

#include <QTest>

using namespace Hookscope;

class TestTextPane final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void smallTextStaysSelectable();
    void hugeTextIsPaintedLazily();
};

void TestTextPane::smallTextStaysSelectable()
{
    TextPane pane;
    pane.setText(QStringLiteral("{\n  \"a\": 1\n}"));
    QVERIFY(!pane.isLazy());
    QCOMPARE(pane.text(), QStringLiteral("{\n  \"a\": 1\n}"));
}

void TestTextPane::hugeTextIsPaintedLazily()
{
    TextPane pane;
    pane.resize(400, 300);
    QString text;
    for (int i = 0; i < 200'000; ++i)
        text += QStringLiteral("line %1\n").arg(i);
    text += QString(3 * 1024 * 1024, QLatin1Char('x')); // one 3 MB line at the end
    pane.setText(text);
    QVERIFY(pane.isLazy());
    QCOMPARE(pane.text().size(), text.size());
    auto *view = pane.findChild<TextView *>();
    QVERIFY(view);
    QCOMPARE(view->lineCount(), 200'001);
    QCOMPARE(view->line(0).toString(), QStringLiteral("line 0"));
    QCOMPARE(view->line(199'999).toString(), QStringLiteral("line 199999"));
    QCOMPARE(view->line(200'000).size(), 3 * 1024 * 1024);
    pane.show();
    QVERIFY(QTest::qWaitForWindowExposed(&pane));
    pane.grab(); // paints the visible lines only; must not take the whole text's layout
}

QTEST_MAIN(TestTextPane)
#include "tst_textpane.moc"
