#include "listenprocess.h"

#include "collections/curlcommand.h"
#include "http/requestparser.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;
using namespace Hookscope::Testing;

class TestCurlCommand final : public QObject
{
    Q_OBJECT
private slots:
    void quoting_data();
    void quoting();
    void commandShape();
    void pastedCommandResendsTheSameBytes_data();
    void pastedCommandResendsTheSameBytes();
};

void TestCurlCommand::quoting_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("plain") << QByteArray("{\"a\": 1}") << QStringLiteral("'{\"a\": 1}'");
    QTest::newRow("single quote") << QByteArray("it's") << QStringLiteral("'it'\\''s'");
    QTest::newRow("newline kept literally") << QByteArray("a\nb") << QStringLiteral("'a\nb'");
    QTest::newRow("binary") << QByteArray("\x00\x01'\\\xff", 5)
                            << QStringLiteral("$'\\x00\\x01\\'\\\\\\xff'");
    QTest::newRow("utf-8 text") << QByteArray("caf\xc3\xa9") << QStringLiteral("'caf\u00e9'");
}

void TestCurlCommand::quoting()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, quoted);
    QCOMPARE(CurlCommand::shellQuote(bytes), quoted);
}

void TestCurlCommand::commandShape()
{
    const CapturedRequest request = RequestParser::parseStored(
        "POST /hook?x=1 HTTP/1.1\r\nHost: example\r\nContent-Type: application/json\r\n"
        "Content-Length: 7\r\n\r\n{\"a\":1}");
    const QString command
        = CurlCommand::fromCapture(request, QStringLiteral("http://127.0.0.1:4747/"));
    QCOMPARE(command, QStringLiteral("curl 'http://127.0.0.1:4747/hook?x=1' \\\n"
                                     "  -H 'Content-Type: application/json' \\\n"
                                     "  --data-binary '{\"a\":1}'"));
    const CapturedRequest put = RequestParser::parseStored("PUT /p HTTP/1.1\r\n\r\n");
    QVERIFY(CurlCommand::fromCapture(put, QStringLiteral("http://h"))
                .startsWith(QStringLiteral("curl -X PUT 'http://h/p'")));
}

void TestCurlCommand::pastedCommandResendsTheSameBytes_data()
{
    QTest::addColumn<QByteArray>("wire");
    const QByteArray json = "{\"note\":\"it's \\\"quoted\\\" 100%\"}\n\n";
    QTest::newRow("json with quotes")
        << QByteArray("POST /stripe HTTP/1.1\r\nContent-Type: application/json\r\n"
                      "Stripe-Signature: t=1,v1=ab\r\nContent-Length: "
                      + QByteArray::number(json.size()) + "\r\n\r\n" + json);
    QTest::newRow("body starting with @")
        << QByteArray("POST /at HTTP/1.1\r\nContent-Length: 11\r\n\r\n@etc/passwd");
    QByteArray binary;
    for (int i = 0; i < 256; ++i)
        binary.append(char(i));
    QTest::newRow("every byte value")
        << QByteArray("PUT /bin?a=1&b=%20 HTTP/1.1\r\nContent-Type: "
                      "application/octet-stream\r\nContent-Length: 256\r\n\r\n"
                      + binary);
}

void TestCurlCommand::pastedCommandResendsTheSameBytes()
{
    QFETCH(QByteArray, wire);
    QTemporaryDir dir;
    const QString store = dir.filePath(QStringLiteral("c.sqlite"));
    ListenProcess listener(store);
    const CapturedRequest original = RequestParser::parseStored(wire);
    QVERIFY(original.parseError.isEmpty());
    const QString command = CurlCommand::fromCapture(original, listener.url(QString()));

    QProcess bash;
    bash.start(QStringLiteral("bash"),
               {QStringLiteral("-c"), command + QStringLiteral(" -sS -o /dev/null")});
    QVERIFY(bash.waitForFinished(30'000));
    QVERIFY2(bash.exitCode() == 0, bash.readAllStandardError().constData());
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);

    const CliResult shown
        = runCli({QStringLiteral("show"), QString::number(listener.captureIds().first()),
                  QStringLiteral("--raw"), QStringLiteral("--store"), store});
    const CapturedRequest resent = RequestParser::parseStored(shown.out);
    QCOMPARE(resent.method, original.method);
    QCOMPARE(resent.target, original.target);
    QCOMPARE(resent.body, original.body);
    for (const HeaderField &header : original.headers)
        QCOMPARE(headerValue(resent.headers, header.name), header.value);
}

QTEST_GUILESS_MAIN(TestCurlCommand)
#include "tst_curlcommand.moc"
