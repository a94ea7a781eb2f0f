#include "textpane.h"
#include "textview.h"

#include "offscreen.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QVBoxLayout>

using namespace Hookscope;

class TestTextPane final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void smallTextStaysSelectable();
    void hugeTextIsPaintedLazily();
    void ctrlFFindsTextInEitherForm();
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

// Ctrl+F in a body finds text in it, not the window's own Ctrl+F (the capture filter): in the
// selectable editor and in the lazy view of a huge body alike.
void TestTextPane::ctrlFFindsTextInEitherForm()
{
    QWidget window;
    auto *windowFind = new QAction(&window);
    windowFind->setShortcut(QKeySequence::Find);
    window.addAction(windowFind);
    QSignalSpy windowFound(windowFind, &QAction::triggered);
    auto *pane = new TextPane(&window);
    auto *layout = new QVBoxLayout(&window);
    layout->addWidget(pane);
    window.resize(500, 300);
    pane->setText(QStringLiteral("alpha\nBeta gamma\nbeta again\n"));
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    auto *editor = pane->findChild<QPlainTextEdit *>();
    editor->setFocus();
    QTest::keyClick(editor, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(pane->findField()->isVisible());
    QCOMPARE(QApplication::focusWidget(), pane->findField());
    QCOMPARE(windowFound.size(), 0);
    QTest::keyClicks(pane->findField(), QStringLiteral("beta"));
    QCOMPARE(pane->matchPosition(), 6); // case-insensitive: "Beta"
    QCOMPARE(editor->textCursor().selectedText(), QStringLiteral("Beta"));
    QTest::keyClick(pane->findField(), Qt::Key_Return);
    QCOMPARE(pane->matchPosition(), 17);
    QTest::keyClick(pane->findField(), Qt::Key_Return); // wraps around
    QCOMPARE(pane->matchPosition(), 6);
    QTest::keyClick(pane->findField(), Qt::Key_Return, Qt::ShiftModifier); // backwards, wrapping
    QCOMPARE(pane->matchPosition(), 17);
    QTest::keyClicks(pane->findField(), QStringLiteral("zzz"));
    QCOMPARE(pane->findResult()->text(), QStringLiteral("not found"));
    QTest::keyClick(pane->findField(), Qt::Key_Escape);
    QVERIFY(!pane->findField()->isVisible());
    QCOMPARE(QApplication::focusWidget(), editor);

    // A body too large for the editor: found all the same, and scrolled to.
    QString huge;
    for (int i = 0; i < 150'000; ++i)
        huge += QStringLiteral("line %1\n").arg(i);
    huge += QStringLiteral("needle at the end\n");
    pane->setText(huge);
    QVERIFY(pane->isLazy());
    auto *view = pane->findChild<TextView *>();
    view->setFocus();
    QTest::keyClick(view, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(pane->findField()->isVisible());
    pane->findField()->selectAll();
    QTest::keyClicks(pane->findField(), QStringLiteral("NEEDLE"));
    QCOMPARE(pane->matchPosition(), huge.indexOf(QStringLiteral("needle")));
    QVERIFY(view->verticalScrollBar()->value() > 149'000);
    QCOMPARE(windowFound.size(), 0);
}

QTEST_MAIN(TestTextPane)
#include "tst_textpane.moc"
