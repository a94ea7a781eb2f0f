#include "body/linediff.h"

#include <QTest>

using namespace Hookscope;

namespace {

// "=a" same, "-a" removed, "+b" added, "a>b" changed: one string per row, for compact rows.
QStringList describe(const QList<DiffRow> &rows)
{
    QStringList out;
    for (const DiffRow &row : rows) {
        switch (row.kind) {
        case DiffRow::Kind::Same: out.append(QLatin1Char('=') + row.left); break;
        case DiffRow::Kind::Removed: out.append(QLatin1Char('-') + row.left); break;
        case DiffRow::Kind::Added: out.append(QLatin1Char('+') + row.right); break;
        case DiffRow::Kind::Changed: out.append(row.left + QLatin1Char('>') + row.right); break;
        }
    }
    return out;
}

QStringList lines(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

} // namespace

class TestLineDiff final : public QObject
{
    Q_OBJECT
private slots:
    void compare_data();
    void compare();
};

void TestLineDiff::compare_data()
{
    QTest::addColumn<QStringList>("left");
    QTest::addColumn<QStringList>("right");
    QTest::addColumn<QStringList>("rows");
    QTest::newRow("equal") << lines("a b c") << lines("a b c") << lines("=a =b =c");
    QTest::newRow("one changed") << lines("a b c") << lines("a x c") << lines("=a b>x =c");
    QTest::newRow("inserted") << lines("a c") << lines("a b c") << lines("=a +b =c");
    QTest::newRow("removed") << lines("a b c") << lines("a c") << lines("=a -b =c");
    QTest::newRow("more removed than added")
        << lines("a b c d") << lines("a x d") << lines("=a b>x -c =d");
    QTest::newRow("empty left") << QStringList() << lines("a b") << lines("+a +b");
    QTest::newRow("moved line") << lines("a b c") << lines("b c a") << lines("-a =b =c +a");
}

void TestLineDiff::compare()
{
    QFETCH(QStringList, left);
    QFETCH(QStringList, right);
    QFETCH(QStringList, rows);
    QCOMPARE(describe(LineDiff::compare(left, right)), rows);
}

QTEST_GUILESS_MAIN(TestLineDiff)
#include "tst_linediff.moc"
