#include "receiver/receiveraccess.h"
#include "wire/requestparser.h"

#include <QTest>

using namespace Hookscope;

class TestReceiverAccess final : public QObject
{
    Q_OBJECT
private slots:
    void judgesByAddressTokenAndNetwork();
    void theTokenLeavesThePathAndTheRawBytes_data();
    void theTokenLeavesThePathAndTheRawBytes();
    void theTokenHeaderLeavesTheRequest();
    void networksAreParsedOrExplained();
    void lanUrlsNameEachAddressWithTheToken();
    void tokensAreNewEachTimeAndUrlSafe();
};

namespace {

const QByteArray token = "s3cr3t-T0ken_abc";
const QHostAddress lanPeer(QStringLiteral("192.168.1.20"));

CapturedRequest parsed(const QByteArray &raw)
{
    return RequestParser::parseStored(raw);
}

} // namespace

void TestReceiverAccess::judgesByAddressTokenAndNetwork()
{
    const ReceiverAccess access(token, {});
    const CapturedRequest bare = parsed("POST /hook HTTP/1.1\r\nHost: x\r\n\r\n");
    const CapturedRequest inPath = parsed("POST /t/" + token + "/hook HTTP/1.1\r\nHost: x\r\n\r\n");
    const CapturedRequest wrong = parsed("POST /t/" + token + "x/hook HTTP/1.1\r\nHost: x\r\n\r\n");
    const CapturedRequest inHeader
        = parsed("POST /hook HTTP/1.1\r\nHost: x\r\nx-hookscope-token: " + token + "\r\n\r\n");
    using Verdict = ReceiverAccess::Verdict;
    QCOMPARE(access.judge(QHostAddress::LocalHost, bare), Verdict::Taken);
    QCOMPARE(access.judge(QHostAddress::LocalHostIPv6, bare), Verdict::Taken);
    QCOMPARE(access.judge(QHostAddress(QStringLiteral("::ffff:127.0.0.1")), bare), Verdict::Taken);
    QCOMPARE(access.judge(lanPeer, bare), Verdict::NoToken);
    QCOMPARE(access.judge(lanPeer, wrong), Verdict::NoToken);
    QCOMPARE(access.judge(lanPeer, inPath), Verdict::Taken);
    QCOMPARE(access.judge(lanPeer, inHeader), Verdict::Taken);
    // No token set: nobody else gets in.
    QCOMPARE(ReceiverAccess().judge(lanPeer, inPath), Verdict::NoToken);

    const ReceiverAccess home(
        token, {*ReceiverAccess::parseNetwork(QStringLiteral("192.168.1.0/24"), nullptr)});
    QCOMPARE(home.judge(lanPeer, inPath), Verdict::Taken);
    QCOMPARE(home.judge(QHostAddress(QStringLiteral("::ffff:192.168.1.7")), inPath),
             Verdict::Taken);
    QCOMPARE(home.judge(QHostAddress(QStringLiteral("10.1.2.3")), inPath),
             Verdict::OutsideNetworks);
    QCOMPARE(home.judge(QHostAddress::LocalHost, bare), Verdict::Taken);
    QVERIFY(ReceiverAccess::refusal(Verdict::NoToken, lanPeer).startsWith("HTTP/1.1 401 "));
    QVERIFY(!ReceiverAccess::refusal(Verdict::NoToken, lanPeer).contains(token));
    QVERIFY(ReceiverAccess::refusal(Verdict::OutsideNetworks, lanPeer).startsWith("HTTP/1.1 403 "));
    QCOMPARE(ReceiverAccess::describe(Verdict::NoToken,
                                      QHostAddress(QStringLiteral("::ffff:192.168.1.20"))),
             QStringLiteral("refused a request from 192.168.1.20 without the access token"));
}

void TestReceiverAccess::theTokenLeavesThePathAndTheRawBytes_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("left");
    QTest::newRow("a path below") << QByteArray("/t/" + token + "/stripe/events")
                                  << QByteArray("/stripe/events");
    QTest::newRow("the token alone") << QByteArray("/t/" + token) << QByteArray("/");
    QTest::newRow("a query") << QByteArray("/t/" + token + "?a=1") << QByteArray("/?a=1");
    QTest::newRow("another token") << QByteArray("/t/other/x") << QByteArray("/t/other/x");
}

void TestReceiverAccess::theTokenLeavesThePathAndTheRawBytes()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, left);
    const QByteArray body = R"({"t":"/t/x"})";
    const QByteArray head = "POST " + target
                            + " HTTP/1.1\r\nHost: 192.168.1.20:4747\r\nContent-Length: "
                            + QByteArray::number(body.size()) + "\r\n\r\n";
    CapturedRequest request = parsed(head + body);
    ReceiverAccess(token, {}).strip(request);
    QCOMPARE(request.target, left);
    QByteArray expectedHead = head;
    expectedHead.replace(target, left);
    QCOMPARE(request.raw, expectedHead + body);
    QCOMPARE(request.headSize, expectedHead.size());
    // What is left parses to the same request.
    const CapturedRequest again = parsed(request.raw);
    QCOMPARE(again.target, left);
    QCOMPARE(again.body, body);
}

void TestReceiverAccess::theTokenHeaderLeavesTheRequest()
{
    const QByteArray body = "a=1";
    CapturedRequest request = parsed("POST /hook HTTP/1.1\r\nHost: h\r\nX-Hookscope-Token: " + token
                                     + "\r\nAccept: */*\r\nx-hookscope-token: " + token
                                     + "\r\nContent-Length: 3\r\n\r\n" + body);
    ReceiverAccess(token, {}).strip(request);
    const QByteArray expected = "POST /hook HTTP/1.1\r\nHost: h\r\nAccept: */*\r\nContent-Length: "
                                "3\r\n\r\n"
                                + body;
    QCOMPARE(request.raw, expected);
    QCOMPARE(request.headSize, expected.size() - body.size());
    QCOMPARE(request.headers.size(), 3);
    QVERIFY(headerValue(request.headers, ReceiverAccess::TokenHeader).isNull());
    QCOMPARE(request.body, body);
}

void TestReceiverAccess::networksAreParsedOrExplained()
{
    QString error;
    QCOMPARE(ReceiverAccess::parseNetwork(QStringLiteral("10.0.0.0/8"), &error)->second, 8);
    QCOMPARE(ReceiverAccess::parseNetwork(QStringLiteral(" 192.168.1.5 "), &error)->second, 32);
    QCOMPARE(ReceiverAccess::parseNetwork(QStringLiteral("fd00::/8"), &error)->second, 8);
    QCOMPARE(ReceiverAccess::parseNetwork(QStringLiteral("fd00::1"), &error)->second, 128);
    QVERIFY(!ReceiverAccess::parseNetwork(QStringLiteral("192.168.1.0/33"), &error));
    QVERIFY(!ReceiverAccess::parseNetwork(QStringLiteral("home"), &error));
    QCOMPARE(error, QStringLiteral("\"home\" is not a network: write an address with its prefix "
                                   "length, such as 192.168.1.0/24 or fd00::/8, or one address"));
}

void TestReceiverAccess::lanUrlsNameEachAddressWithTheToken()
{
    const ReceiverAccess access(token, {});
    QCOMPARE(access.lanUrls({QHostAddress::LocalHost, QHostAddress(QStringLiteral("192.168.1.20")),
                             QHostAddress(QStringLiteral("fd00::2"))},
                            4747),
             QStringList({QStringLiteral("http://192.168.1.20:4747/t/") + QString::fromLatin1(token)
                              + QLatin1Char('/'),
                          QStringLiteral("http://[fd00::2]:4747/t/") + QString::fromLatin1(token)
                              + QLatin1Char('/')}));
    QVERIFY(access.lanUrls({QHostAddress::LocalHost}, 4747).isEmpty());
    QVERIFY(
        ReceiverAccess().lanUrls({QHostAddress(QStringLiteral("192.168.1.20"))}, 4747).isEmpty());
    // Every address: each of this machine's, loopback left out.
    const QStringList everywhere = access.lanUrls({QHostAddress::Any}, 4747);
    QCOMPARE(everywhere.size(), ReceiverAccess::lanAddresses().size());
    for (const QString &url : everywhere)
        QVERIFY2(!url.contains(QLatin1String("127.0.0.1")), qPrintable(url));
}

void TestReceiverAccess::tokensAreNewEachTimeAndUrlSafe()
{
    const QByteArray first = ReceiverAccess::newToken();
    QCOMPARE(first.size(), 22); // 128 bits
    QVERIFY(first != ReceiverAccess::newToken());
    for (const char c : first)
        QVERIFY2(std::isalnum(uchar(c)) || c == '-' || c == '_', first.constData());
}

QTEST_GUILESS_MAIN(TestReceiverAccess)
#include "tst_receiveraccess.moc"
