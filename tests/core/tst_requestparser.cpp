#include "wire/requestparser.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;

class TestRequestParser final : public QObject
{
    Q_OBJECT
private slots:
    void wellFormed_data();
    void wellFormed();
    void byteByByte();
    void pipelined();
    void wholeReadsAreShared();
    void badInput_data();
    void badInput();
    void expectContinue();
    void partialRequest();
    void storedCaptureReparses();
    void largeBodiesGoToDisk_data();
    void largeBodiesGoToDisk();
    void aPartialBodyOnDiskIsKept();
    void noRoomOnDiskIsABadRequest();
    void aBodyRefusedWithinOneReadSaysWhatWasNotKept();
    void bodiesOnDiskTogetherHaveALimit();
};

void TestRequestParser::wellFormed_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("keepAlive");

    QTest::newRow("get") << QByteArray("GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n")
                         << QByteArray("GET") << QByteArray("/a?b=1") << QByteArray("HTTP/1.1")
                         << QByteArray() << true;
    QTest::newRow("post with length")
        << QByteArray("POST /hook HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello") << QByteArray("POST")
        << QByteArray("/hook") << QByteArray("HTTP/1.1") << QByteArray("hello") << true;
    QTest::newRow("chunked with trailer")
        << QByteArray("PUT /c HTTP/1.1\r\nTransfer-Encoding: "
                      "chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-T: 1\r\n\r\n")
        << QByteArray("PUT") << QByteArray("/c") << QByteArray("HTTP/1.1") << QByteArray("abcde")
        << true;
    QTest::newRow("http 1.0 closes")
        << QByteArray("GET / HTTP/1.0\r\n\r\n") << QByteArray("GET") << QByteArray("/")
        << QByteArray("HTTP/1.0") << QByteArray() << false;
    QTest::newRow("connection close")
        << QByteArray("DELETE /x HTTP/1.1\r\nConnection: close\r\n\r\n") << QByteArray("DELETE")
        << QByteArray("/x") << QByteArray("HTTP/1.1") << QByteArray() << false;
    QTest::newRow("bare LF line endings")
        << QByteArray("PATCH /lf HTTP/1.1\nContent-Length: 2\n\nok") << QByteArray("PATCH")
        << QByteArray("/lf") << QByteArray("HTTP/1.1") << QByteArray("ok") << true;
    QByteArray binary(256, '\0');
    for (int i = 0; i < 256; ++i)
        binary[i] = char(i);
    QTest::newRow("binary body") << QByteArray("POST /bin HTTP/1.1\r\nContent-Length: 256\r\n\r\n"
                                               + binary)
                                 << QByteArray("POST") << QByteArray("/bin")
                                 << QByteArray("HTTP/1.1") << binary << true;
}

void TestRequestParser::wellFormed()
{
    QFETCH(QByteArray, wire);
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, body);
    QFETCH(bool, keepAlive);
    RequestParser parser;
    QCOMPARE(parser.feed(wire), wire.size());
    QCOMPARE(parser.state(), RequestParser::State::Complete);
    QCOMPARE(parser.keepAlive(), keepAlive);
    const CapturedRequest request = parser.takeRequest();
    QCOMPARE(request.raw, wire);
    QCOMPARE(request.method, method);
    QCOMPARE(request.target, target);
    QCOMPARE(request.httpVersion, version);
    QCOMPARE(request.body, body);
    QVERIFY(request.parseError.isEmpty());
    QVERIFY(!parser.hasStarted());
}

void TestRequestParser::byteByByte()
{
    const QByteArray wire = "POST /split HTTP/1.1\r\nX-Mixed-Case: One\r\nx-lower: two\r\n"
                            "X-Mixed-Case: three\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "4\r\nwiki\r\n5\r\npedia\r\n0\r\n\r\n";
    RequestParser parser;
    for (char byte : wire) {
        QCOMPARE(parser.state(), RequestParser::State::Incomplete);
        QCOMPARE(parser.feed(&byte, 1), 1);
    }
    QCOMPARE(parser.state(), RequestParser::State::Complete);
    const CapturedRequest request = parser.takeRequest();
    QCOMPARE(request.raw, wire);
    QCOMPARE(request.body, QByteArray("wikipedia"));
    const HeaderList expected{{"X-Mixed-Case", "One"},
                              {"x-lower", "two"},
                              {"X-Mixed-Case", "three"},
                              {"Transfer-Encoding", "chunked"}};
    QCOMPARE(request.headers, expected);
    QCOMPARE(request.headSize, wire.indexOf("\r\n\r\n") + 4);
}

void TestRequestParser::pipelined()
{
    const QByteArray first = "POST /1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
    const QByteArray second = "GET /2 HTTP/1.1\r\n\r\n";
    const QByteArray third
        = "POST /3 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n";
    const QByteArray wire = first + second + third;
    RequestParser parser;
    qsizetype offset = 0;
    QList<CapturedRequest> requests;
    while (offset < wire.size()) {
        offset += parser.feed(wire.constData() + offset, wire.size() - offset);
        QCOMPARE(parser.state(), RequestParser::State::Complete);
        requests.append(parser.takeRequest());
    }
    QCOMPARE(requests.size(), 3);
    QCOMPARE(requests[0].raw, first);
    QCOMPARE(requests[1].raw, second);
    QCOMPARE(requests[2].raw, third);
    QCOMPARE(requests[2].body, QByteArray("z"));
}

// The receiver feeds each read from its start: a read that is exactly one request becomes its
// raw bytes without a copy; reads holding more (or less) are copied as before.
void TestRequestParser::wholeReadsAreShared()
{
    const QByteArray one = "POST /1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
    RequestParser parser;
    QCOMPARE(parser.feed(one, 0), one.size());
    CapturedRequest request = parser.takeRequest();
    QCOMPARE(request.raw, one);
    QCOMPARE(request.raw.constData(), one.constData());
    QCOMPARE(request.body, QByteArray("abc"));

    const QByteArray two = one + "GET /2 HTTP/1.1\r\n\r\n";
    qsizetype offset = parser.feed(two, 0);
    request = parser.takeRequest();
    QCOMPARE(request.raw, one);
    QVERIFY(request.raw.constData() != two.constData());
    offset += parser.feed(two, offset);
    QCOMPARE(offset, two.size());
    QCOMPARE(parser.takeRequest().raw, QByteArray("GET /2 HTTP/1.1\r\n\r\n"));

    const QByteArray head = "POST /3 HTTP/1.1\r\nContent-Length: 3\r\n\r\n";
    parser.feed(head, 0);
    QCOMPARE(parser.state(), RequestParser::State::Incomplete);
    parser.feed(QByteArray("xyz"), 0); // the rest of a request started earlier
    QCOMPARE(parser.state(), RequestParser::State::Complete);
    request = parser.takeRequest();
    QCOMPARE(request.raw, head + "xyz");
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.httpVersion, QByteArray("HTTP/1.1"));
}

void TestRequestParser::badInput_data()
{
    QTest::addColumn<QByteArray>("wire");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("messagePart");

    QTest::newRow("garbage request line")
        << QByteArray("HELLO WORLD\r\n\r\n") << 400 << QStringLiteral("Malformed request");
    QTest::newRow("bad method") << QByteArray("G@T / HTTP/1.1\r\n\r\n") << 400
                                << QStringLiteral("HPE_INVALID_METHOD");
    QTest::newRow("two content lengths")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") << 400
        << QStringLiteral("HPE_UNEXPECTED_CONTENT_LENGTH");
    QTest::newRow("control character in header name")
        << QByteArray("GET / HTTP/1.1\r\nBad\x01Header: x\r\n\r\n") << 400
        << QStringLiteral("HPE_INVALID_HEADER_TOKEN");
    QTest::newRow("bad content length")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n") << 400
        << QStringLiteral("HPE_INVALID_CONTENT_LENGTH");
    QTest::newRow("bad chunk size")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n") << 400
        << QStringLiteral("HPE_INVALID_CHUNK_SIZE");
    QTest::newRow("header section over 64 KiB")
        << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(70 * 1024, 'a') + "\r\n\r\n") << 431
        << QStringLiteral("Header section larger than 64 KiB");
    QTest::newRow("many headers over 64 KiB") << QByteArray(
        "GET / HTTP/1.1\r\n"
        + QByteArray("X-H: 0123456789012345678901234567890123456789\r\n").repeated(1500) + "\r\n")
                                              << 431 << QStringLiteral("Header section larger");
    QTest::newRow("declared body over limit")
        << QByteArray("POST / HTTP/1.1\r\nContent-Length: 2000\r\n\r\n") << 413
        << QStringLiteral("Body of 2000 bytes is over the 1500 bytes limit");
    QTest::newRow("chunked body over limit")
        << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n"
                      + QByteArray(1024, 'x') + "\r\n400\r\n" + QByteArray(1024, 'x'))
        << 413 << QStringLiteral("Chunked body is over the 1500 bytes limit");
    QTest::newRow("tls client hello")
        << QByteArray::fromHex("160301020001000100fc0303") << 400 << QStringLiteral("spoke TLS");
    QTest::newRow("http2 preface")
        << QByteArray("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") << 400 << QStringLiteral("HTTP/2");
}

void TestRequestParser::badInput()
{
    QFETCH(QByteArray, wire);
    QFETCH(int, status);
    QFETCH(QString, messagePart);
    ParserLimits limits;
    limits.maxBodyBytes = 1500;
    RequestParser parser(limits);
    parser.feed(wire);
    QCOMPARE(parser.state(), RequestParser::State::BadRequest);
    QCOMPARE(parser.errorStatus(), status);
    QVERIFY2(parser.errorMessage().contains(messagePart), qPrintable(parser.errorMessage()));
    QVERIFY(!parser.keepAlive());
    const CapturedRequest request = parser.takeRequest();
    QVERIFY(request.parseError.contains(messagePart));
    QCOMPARE(request.raw, wire); // the malformed bytes are kept for the user to see
}

void TestRequestParser::expectContinue()
{
    RequestParser parser;
    parser.feed(
        QByteArray("POST /e HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
    QCOMPARE(parser.state(), RequestParser::State::Incomplete);
    QVERIFY(parser.headersComplete());
    QVERIFY(parser.awaitsContinue());
    parser.feed(QByteArray("da"));
    QVERIFY(!parser.awaitsContinue());
    parser.feed(QByteArray("ta"));
    QCOMPARE(parser.state(), RequestParser::State::Complete);
    QCOMPARE(parser.takeRequest().body, QByteArray("data"));
}

void TestRequestParser::partialRequest()
{
    RequestParser parser;
    parser.feed(QByteArray("POST /slow HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"));
    QVERIFY(parser.hasStarted());
    const CapturedRequest request = parser.takeRequest();
    QCOMPARE(request.parseError, QStringLiteral("Incomplete body"));
    QCOMPARE(request.body, QByteArray("abc"));
    QCOMPARE(request.target, QByteArray("/slow"));
}

void TestRequestParser::storedCaptureReparses()
{
    const QByteArray wire
        = "POST /s?q=1 HTTP/1.1\r\nA: 1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n";
    const CapturedRequest request = RequestParser::parseStored(wire);
    QCOMPARE(request.raw, wire);
    QCOMPARE(request.body, QByteArray("hi"));
    QCOMPARE(request.path(), QByteArray("/s"));
    QCOMPARE(request.query(), QByteArray("q=1"));
    QCOMPARE(request.headers.size(), 2);
    QVERIFY(request.parseError.isEmpty());
}

namespace {

ParserLimits spillingPast(qsizetype bytes, const QString &folder)
{
    ParserLimits limits;
    limits.bodyBytesInMemory = bytes;
    limits.spillFolder = folder;
    return limits;
}

QByteArray patternedBytes(qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + i / 251) & 0xff);
    return bytes;
}

QByteArray chunked(const QByteArray &body, qsizetype chunkSize)
{
    QByteArray wire;
    for (qsizetype at = 0; at < body.size(); at += chunkSize) {
        const QByteArray chunk = body.mid(at, chunkSize);
        wire += QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n";
    }
    return wire + "0\r\n\r\n";
}

} // namespace

void TestRequestParser::largeBodiesGoToDisk_data()
{
    QTest::addColumn<bool>("isChunked");
    QTest::newRow("content-length") << false;
    QTest::newRow("chunked") << true;
}

// Past the limit, a body's bytes go to disk as they arrive and come back, exact, with the
// request; the next request on the connection is parsed as usual.
void TestRequestParser::largeBodiesGoToDisk()
{
    QFETCH(bool, isChunked);
    QTemporaryDir folder;
    constexpr qsizetype InMemory = 4096;
    const QByteArray body = patternedBytes(300'000);
    const QByteArray first
        = isChunked ? QByteArray("POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                          + chunked(body, 7000)
                    : QByteArray("POST /big HTTP/1.1\r\nContent-Length: 300000\r\n\r\n") + body;
    const QByteArray second = "GET /next HTTP/1.1\r\n\r\n";
    const QByteArray wire = first + second;

    RequestParser parser(spillingPast(InMemory, folder.path()));
    constexpr qsizetype Piece = 10'000;
    qsizetype offset = 0;
    while (parser.state() == RequestParser::State::Incomplete) {
        offset += parser.feed(wire.constData() + offset, std::min(Piece, wire.size() - offset));
        QVERIFY2(parser.bytesInMemory() <= 200 + InMemory + Piece,
                 QByteArray::number(parser.bytesInMemory()).constData());
    }
    QCOMPARE(parser.state(), RequestParser::State::Complete);
    const CapturedRequest request = parser.takeRequest();
    QVERIFY(request.parseError.isEmpty());
    QCOMPARE(request.raw, first);
    QCOMPARE(request.body, body);
    QCOMPARE(request.headSize, first.indexOf("\r\n\r\n") + 4);

    offset += parser.feed(wire.constData() + offset, wire.size() - offset);
    QCOMPARE(offset, wire.size());
    QCOMPARE(parser.state(), RequestParser::State::Complete);
    QCOMPARE(parser.takeRequest().raw, second);
    QVERIFY(QDir(folder.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
}

void TestRequestParser::aPartialBodyOnDiskIsKept()
{
    QTemporaryDir folder;
    const QByteArray body = patternedBytes(50'000);
    RequestParser parser(spillingPast(1000, folder.path()));
    const QByteArray head = "POST /slow HTTP/1.1\r\nContent-Length: 90000\r\n\r\n";
    parser.feed(QByteArray(head + body));
    QVERIFY(parser.bytesInMemory() <= head.size() + 1000);
    const CapturedRequest request = parser.takeRequest();
    QCOMPARE(request.parseError, QStringLiteral("Incomplete body"));
    QCOMPARE(request.raw, head + body);
    QCOMPARE(request.body, body);
}

// A folder the body cannot go to: the request is refused with why, the bytes held are kept.
void TestRequestParser::noRoomOnDiskIsABadRequest()
{
    const QString missing = QStringLiteral("/nonexistent/hookscope-spill");
    RequestParser parser(spillingPast(1000, missing));
    const QByteArray head = "POST /big HTTP/1.1\r\nContent-Length: 5000\r\n\r\n";
    parser.feed(QByteArray(head + patternedBytes(5000)));
    QCOMPARE(parser.state(), RequestParser::State::BadRequest);
    QCOMPARE(parser.errorStatus(), 503);
    QVERIFY2(parser.errorMessage().contains(missing), qPrintable(parser.errorMessage()));
    const CapturedRequest request = parser.takeRequest();
    QCOMPARE(request.raw, head + patternedBytes(1000));
    QVERIFY2(request.parseError.contains(missing)
                 && request.parseError.contains(
                     QStringLiteral("the 4000 bytes past the first %1 were not kept")
                         .arg(head.size() + 1000)),
             qPrintable(request.parseError));
}

// A body over the limit that arrives in one read is refused before any of it goes to disk: what
// is in memory is kept, and the capture says how much was not.
void TestRequestParser::aBodyRefusedWithinOneReadSaysWhatWasNotKept()
{
    QTemporaryDir folder;
    ParserLimits limits = spillingPast(1000, folder.path());
    limits.maxBodyBytes = 3000;
    const QByteArray head = "POST /chunked HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    QByteArray chunks;
    for (int i = 0; i < 5; ++i)
        chunks += "400\r\n" + QByteArray(1024, 'c') + "\r\n";
    RequestParser parser(limits);
    parser.feed(QByteArray(head + chunks));
    QCOMPARE(parser.state(), RequestParser::State::BadRequest);
    QCOMPARE(parser.errorStatus(), 413);
    const CapturedRequest request = parser.takeRequest();
    QCOMPARE(request.raw, head + chunks.left(1000));
    QCOMPARE(request.parseError,
             QStringLiteral("Chunked body is over the 3000 bytes limit (the %1 bytes past the "
                            "first %2 were not kept)")
                 .arg(chunks.size() - 1000)
                 .arg(head.size() + 1000));
    QVERIFY(QDir(folder.path()).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot));
}

// Clients holding bodies open cannot fill the disk: past the limit the parsers share, a body is
// refused; a request taken gives its bytes back.
void TestRequestParser::bodiesOnDiskTogetherHaveALimit()
{
    QTemporaryDir folder;
    ParserLimits limits = spillingPast(1000, folder.path());
    limits.bytesOnDisk = std::make_shared<std::atomic<qsizetype>>(0);
    limits.maxBytesOnDisk = 100'000;
    const QByteArray head = "POST /big HTTP/1.1\r\nContent-Length: 90000\r\n\r\n";
    RequestParser first(limits);
    first.feed(QByteArray(head + patternedBytes(80'000)));
    QCOMPARE(first.state(), RequestParser::State::Incomplete);
    QCOMPARE(limits.bytesOnDisk->load(), first.bytesOnDisk());

    RequestParser second(limits);
    second.feed(QByteArray(head + patternedBytes(80'000)));
    QCOMPARE(second.state(), RequestParser::State::BadRequest);
    QCOMPARE(second.errorStatus(), 503);
    QVERIFY2(second.errorMessage().contains(QStringLiteral("limit")),
             qPrintable(second.errorMessage()));
    second.takeRequest();

    first.takeRequest();
    QCOMPARE(limits.bytesOnDisk->load(), 0);
    RequestParser third(limits);
    third.feed(QByteArray(head + patternedBytes(80'000)));
    QCOMPARE(third.state(), RequestParser::State::Incomplete);
}

QTEST_GUILESS_MAIN(TestRequestParser)
#include "tst_requestparser.moc"
