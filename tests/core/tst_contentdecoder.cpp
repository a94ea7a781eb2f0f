#include "zlibcompress.h"

#include "body/contentdecoder.h"

#include <QTest>

using namespace Hookscope;
using Hookscope::Testing::zlibCompress;

class TestContentDecoder final : public QObject
{
    Q_OBJECT
private slots:
    void decodes_data();
    void decodes();
    void rejects_data();
    void rejects();
    void capsOutput();
};

void TestContentDecoder::decodes_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray text = QByteArray("{\"event\":\"invoice.paid\"}").repeated(50);
    QTest::newRow("identity") << text << QByteArray("identity") << text;
    QTest::newRow("none") << text << QByteArray() << text;
    QTest::newRow("gzip") << zlibCompress(text, 15 + 16) << QByteArray("gzip") << text;
    QTest::newRow("x-gzip upper case")
        << zlibCompress(text, 15 + 16) << QByteArray("X-GZIP") << text;
    QTest::newRow("deflate zlib") << zlibCompress(text, 15) << QByteArray("deflate") << text;
    QTest::newRow("deflate raw") << zlibCompress(text, -15) << QByteArray("deflate") << text;
    QTest::newRow("two gzip members") << zlibCompress("abc", 15 + 16) + zlibCompress("def", 15 + 16)
                                      << QByteArray("gzip") << QByteArray("abcdef");
    QTest::newRow("stacked") << zlibCompress(zlibCompress(text, 15), 15 + 16)
                             << QByteArray("deflate, gzip") << text;
}

void TestContentDecoder::decodes()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QByteArray, encoding);
    QFETCH(QByteArray, expected);
    const DecodeResult result = ContentDecoder::decode(encoded, encoding);
    QVERIFY2(result.ok, qPrintable(result.error));
    QCOMPARE(result.data, expected);
}

void TestContentDecoder::rejects_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QByteArray>("encoding");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("not gzip") << QByteArray("plain text") << QByteArray("gzip")
                              << QStringLiteral("corrupt");
    QTest::newRow("truncated gzip") << zlibCompress("hello world", 15 + 16).left(8)
                                    << QByteArray("gzip") << QStringLiteral("corrupt");
    QTest::newRow("brotli unsupported")
        << QByteArray("x") << QByteArray("br") << QStringLiteral("unsupported");
}

void TestContentDecoder::rejects()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QByteArray, encoding);
    QFETCH(QString, messagePart);
    const DecodeResult result = ContentDecoder::decode(encoded, encoding);
    QVERIFY(!result.ok);
    QVERIFY2(result.error.contains(messagePart), qPrintable(result.error));
}

void TestContentDecoder::capsOutput()
{
    const QByteArray bomb = zlibCompress(QByteArray(4 * 1024 * 1024, '\0'), 15 + 16);
    QVERIFY(bomb.size() < 10 * 1024);
    const DecodeResult result = ContentDecoder::decode(bomb, "gzip", 1024 * 1024);
    QVERIFY(!result.ok);
    QVERIFY(result.error.contains(QStringLiteral("exceeds")));
}

QTEST_GUILESS_MAIN(TestContentDecoder)
#include "tst_contentdecoder.moc"
