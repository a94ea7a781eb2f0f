#include "body/hexdump.h"

#include <QTest>

using namespace Hookscope;

class TestHexDump final : public QObject
{
    Q_OBJECT
private slots:
    void rows_data();
    void rows();
    void rowCount();
};

void TestHexDump::rows_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("expected");
    QTest::newRow("short")
        << QByteArray("{\"a\":1}\n") << 0
        << QStringLiteral("00000000  7b 22 61 22 3a 31 7d 0a                           {\"a\":1}.");
    QByteArray all;
    for (int i = 0; i < 256; ++i)
        all.append(char(i));
    QTest::newRow("control bytes")
        << all << 0
        << QStringLiteral(
               "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  ................");
    QTest::newRow("printable")
        << all << 4
        << QStringLiteral(
               "00000040  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  @ABCDEFGHIJKLMNO");
    QTest::newRow("high bytes")
        << all << 15
        << QStringLiteral(
               "000000f0  f0 f1 f2 f3 f4 f5 f6 f7  f8 f9 fa fb fc fd fe ff  ................");
}

void TestHexDump::rows()
{
    QFETCH(QByteArray, bytes);
    QFETCH(int, row);
    QFETCH(QString, expected);
    QCOMPARE(HexDump::row(bytes, row), expected);
}

void TestHexDump::rowCount()
{
    QCOMPARE(HexDump::rowCount(0), 0);
    QCOMPARE(HexDump::rowCount(1), 1);
    QCOMPARE(HexDump::rowCount(16), 1);
    QCOMPARE(HexDump::rowCount(17), 2);
    QCOMPARE(HexDump::dump(QByteArray(20, 'x')).count(QLatin1Char('\n')), 1);
}

QTEST_GUILESS_MAIN(TestHexDump)
#include "tst_hexdump.moc"
