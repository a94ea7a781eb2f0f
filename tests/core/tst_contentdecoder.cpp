#include "body/contentdecoder.h"

#include <QTest>

#include <zlib.h>

using namespace Hookscope;

namespace {

// Compresses with zlib directly, independent of the decoder under test.
QByteArray compress(const QByteArray &data, int windowBits)
{
    z_stream stream{};
    deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&stream, uLong(data.size()))) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

} // namespace

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
    QTest::newRow("gzip") << compress(text, 15 + 16) << QByteArray("gzip") << text;
    QTest::newRow("x-gzip upper case") << compress(text, 15 + 16) << QByteArray("X-GZIP") << text;
    QTest::newRow("deflate zlib") << compress(text, 15) << QByteArray("deflate") << text;
    QTest::newRow("deflate raw") << compress(text, -15) << QByteArray("deflate") << text;
    QTest::newRow("two gzip members") << compress("abc", 15 + 16) + compress("def", 15 + 16)
                                      << QByteArray("gzip") << QByteArray("abcdef");
    QTest::newRow("stacked") << compress(compress(text, 15), 15 + 16) << QByteArray("deflate, gzip")
                             << text;
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
    QTest::newRow("truncated gzip") << compress("hello world", 15 + 16).left(8)
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
    const QByteArray bomb = compress(QByteArray(4 * 1024 * 1024, '\0'), 15 + 16);
    QVERIFY(bomb.size() < 10 * 1024);
    const DecodeResult result = ContentDecoder::decode(bomb, "gzip", 1024 * 1024);
    QVERIFY(!result.ok);
    QVERIFY(result.error.contains(QStringLiteral("exceeds")));
}

QTEST_GUILESS_MAIN(TestContentDecoder)
#include "tst_contentdecoder.moc"
