#include "listenprocess.h"

#include "collections/curlcommand.h"
#include "delivery/sender.h"
#include "wire/requestparser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;
using namespace Hookscope::Testing;

namespace {

// Runs `command` (a curl command line) with bash against `listener` and returns the one request
// it captured, exactly as received.
CapturedRequest sentByCurl(const QString &command, const ListenProcess &listener,
                           const QString &store)
{
    QProcess bash;
    bash.start(QStringLiteral("bash"),
               {QStringLiteral("-c"), command + QStringLiteral(" -sS -o /dev/null")});
    if (!bash.waitForFinished(30'000) || bash.exitCode() != 0)
        qWarning("curl failed: %s", bash.readAllStandardError().constData());
    if (!QTest::qWaitFor([&] { return listener.captureIds().size() == 1; }, 10'000))
        return {};
    const CliResult shown
        = runCli({QStringLiteral("show"), QString::number(listener.captureIds().first()),
                  QStringLiteral("--raw"), QStringLiteral("--store"), store});
    return RequestParser::parseStored(shown.out);
}

} // namespace

class TestCurlCommand final : public QObject
{
    Q_OBJECT
private slots:
    void quoting_data();
    void quoting();
    void commandShape();
    void pastedCommandResendsTheSameBytes_data();
    void pastedCommandResendsTheSameBytes();
    void exportedCommandsParseBack_data();
    void exportedCommandsParseBack();
    void parsedCommandsSendWhatCurlSends_data();
    void parsedCommandsSendWhatCurlSends();
    void browserCommandsParse_data();
    void browserCommandsParse();
    void badCommandsSayWhere_data();
    void badCommandsSayWhere();
    void copyThenPasteKeepsEveryByteValue();
    void methodIsNeverRunByTheShell();
    void aUrlThatLooksLikeAnOptionCopiesBack();
    void requestsThatCannotBeSentAreRefused_data();
    void requestsThatCannotBeSentAreRefused();
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
    const CapturedRequest resent = sentByCurl(command, listener, store);
    QVERIFY(!resent.method.isEmpty());
    QCOMPARE(resent.method, original.method);
    QCOMPARE(resent.target, original.target);
    QCOMPARE(resent.body, original.body);
    for (const HeaderField &header : original.headers)
        QCOMPARE(headerValue(resent.headers, header.name), header.value);
}

void TestCurlCommand::exportedCommandsParseBack_data()
{
    pastedCommandResendsTheSameBytes_data();
}

void TestCurlCommand::exportedCommandsParseBack()
{
    QFETCH(QByteArray, wire);
    const CapturedRequest original = RequestParser::parseStored(wire);
    const QString command = CurlCommand::fromCapture(original, QStringLiteral("http://h:1"));
    QString error;
    const std::optional<RequestTemplate> parsed = CurlCommand::parse(command, &error);
    // Bodies with NUL bytes or a leading @ come from <(printf '…'), which is read back too.
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->method, original.method);
    QCOMPARE(parsed->url, QStringLiteral("http://h:1") + QString::fromUtf8(original.target));
    QCOMPARE(parsed->body, original.body);
    for (const HeaderField &header : original.headers) {
        if (header.name != "Content-Length")
            QVERIFY(std::any_of(parsed->headers.cbegin(), parsed->headers.cend(),
                                [&](const TemplateHeader &kept) {
                                    return kept.name == header.name && kept.value == header.value;
                                }));
    }
}

// Each command is run by bash with the real curl against a Hookscope receiver, and what curl
// sent is compared with what the parsed command would send. URL stands for the receiver's.
void TestCurlCommand::parsedCommandsSendWhatCurlSends_data()
{
    QTest::addColumn<QString>("command");
    QTest::newRow("-d joins with & and posts a form")
        << QStringLiteral("curl URL/form -d 'a=1' -d \"b=two words\"");
    QTest::newRow("-X with --data-raw and a header")
        << QStringLiteral("curl -X PUT 'URL/put?x=1' -H 'Content-Type: application/json' "
                          "--data-raw '{\"id\":\"@1\"}'");
    QTest::newRow("$'…' escapes and continuations")
        << QStringLiteral("curl 'URL/ansi' \\\n  -H $'X-Note: it\\'s \\u00e9' \\\n"
                          "  --data-binary $'line1\\nline2\\t\\x41'");
    QTest::newRow("--data-urlencode forms")
        << QStringLiteral("curl URL/enc --data-urlencode 'q=a b&c' --data-urlencode '=x/y' "
                          "--data-urlencode 'plain text'");
    QTest::newRow("-G moves the data into the query")
        << QStringLiteral("curl -G URL/search -d q=hooks -d page=2");
    QTest::newRow("-u builds Basic auth") << QStringLiteral("curl -u 'ann:s3cr:et' URL/auth");
    QTest::newRow("--json sets both headers") << QStringLiteral("curl --json '{\"a\":1}' URL/json");
    QTest::newRow("grouped short flags and -XPOST")
        << QStringLiteral("curl -sSL -XPATCH \"URL/p\" -H\"X-A: 1\" -A agent/1 -e http://ref/");
    QTest::newRow("double quotes keep \\ $ and backquote escapes")
        << QStringLiteral("curl URL/dq -H \"X-Cost: \\$5 \\\"net\\\" \\\\ \\`x\\`\" -d \"\"");
    QTest::newRow("--oauth2-bearer and a cookie")
        << QStringLiteral("curl --oauth2-bearer tok.en URL/b -b 'a=1; b=2'");
}

void TestCurlCommand::parsedCommandsSendWhatCurlSends()
{
    QFETCH(QString, command);
    QTemporaryDir dir;
    const QString store = dir.filePath(QStringLiteral("c.sqlite"));
    ListenProcess listener(store);
    command.replace(QLatin1String("URL"), listener.url(QString()));
    const CapturedRequest sent = sentByCurl(command, listener, store);
    QVERIFY(!sent.method.isEmpty());

    QString error;
    const std::optional<RequestTemplate> parsed = CurlCommand::parse(command, &error);
    QVERIFY2(parsed, qPrintable(error));
    const std::optional<OutgoingRequest> request = parsed->resolve({}, &error);
    QVERIFY2(request, qPrintable(error));
    QCOMPARE(request->method, sent.method);
    QCOMPARE(request->url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority), sent.target);
    QCOMPARE(request->body, sent.body);
    for (const HeaderField &header : request->headers)
        QCOMPARE(headerValue(sent.headers, header.name), header.value);
}

void TestCurlCommand::browserCommandsParse_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QByteArray>("headers"); // "Name: value" lines
    QTest::addColumn<QByteArray>("body");
    // As Chrome's DevTools write "Copy as cURL (bash)".
    QTest::newRow("chrome bash") << QStringLiteral(
        "curl 'https://api.example.com/v1/hooks?x=1' \\\n"
        "  -H 'accept: application/json' \\\n"
        "  -H 'content-type: application/json' \\\n"
        "  -H $'cookie: a=1; b=it\\'s' \\\n"
        "  --data-raw $'{\"name\":\"caf\\u00e9\",\"q\":\"it\\'s\"}' \\\n"
        "  --compressed") << QByteArray("POST")
                                 << QStringLiteral("https://api.example.com/v1/hooks?x=1")
                                 << QByteArray(
                                        "accept: application/json\ncontent-type: application/json\n"
                                        "cookie: a=1; b=it's\nAccept-Encoding: deflate, gzip\n")
                                 << QByteArray("{\"name\":\"caf\xc3\xa9\",\"q\":\"it's\"}");
    // As Chrome's DevTools write "Copy as cURL (cmd)": every special character behind ^.
    QTest::newRow("chrome cmd") << QStringLiteral(
        "curl ^\"https://api.example.com/v1/hooks^\" ^\r\n"
        "  -H ^\"content-type: application/json^\" ^\r\n"
        "  --data-raw ^\"^{^\\^\"name^\\^\":^\\^\"a b "
        "100^%^\\^\"^,^\\^\"p^\\^\":^\\^\"^%^PATH^\\^\"^}^\"")
                                << QByteArray("POST")
                                << QStringLiteral("https://api.example.com/v1/hooks")
                                << QByteArray("content-type: application/json\n")
                                << QByteArray("{\"name\":\"a b 100%\",\"p\":\"%PATH\"}");
    QTest::newRow("cmd with a literal newline in the body")
        << QStringLiteral("curl ^\"http://h/p^\" --data-binary ^\"a^\n\nb^\"") << QByteArray("POST")
        << QStringLiteral("http://h/p")
        << QByteArray("Content-Type: application/x-www-form-urlencoded\n") << QByteArray("a\nb");
    QTest::newRow("windows hand-written with ^ continuations")
        << QStringLiteral("curl -X POST \"http://localhost:3000/hook\" ^\n"
                          " -H \"Content-Type: application/json\" ^\n"
                          " -d \"{\\\"ok\\\":true}\"")
        << QByteArray("POST") << QStringLiteral("http://localhost:3000/hook")
        << QByteArray("Content-Type: application/json\n") << QByteArray("{\"ok\":true}");
    QTest::newRow("firefox bash with -X")
        << QStringLiteral("curl 'http://h/a' -X DELETE -H 'User-Agent: Mozilla/5.0' "
                          "-H 'Accept: */*'")
        << QByteArray("DELETE") << QStringLiteral("http://h/a")
        << QByteArray("User-Agent: Mozilla/5.0\nAccept: */*\n") << QByteArray();
    QTest::newRow("no scheme, -I, variables kept")
        << QStringLiteral("curl -I '{{base}}/health' -H 'X-Key: {{secret:key}}'")
        << QByteArray("HEAD") << QStringLiteral("http://{{base}}/health")
        << QByteArray("X-Key: {{secret:key}}\n") << QByteArray();
    QTest::newRow("-F builds multipart")
        << QStringLiteral("curl http://h/up -F a=1 --form-string 'b=@not a file'")
        << QByteArray("POST") << QStringLiteral("http://h/up")
        << QByteArray("Content-Type: multipart/form-data; "
                      "boundary=------------------------hookscope\n")
        << QByteArray("--------------------------hookscope\r\nContent-Disposition: form-data; "
                      "name=\"a\"\r\n\r\n1\r\n--------------------------hookscope\r\n"
                      "Content-Disposition: form-data; name=\"b\"\r\n\r\n@not a file\r\n"
                      "--------------------------hookscope--\r\n");
}

void TestCurlCommand::browserCommandsParse()
{
    QFETCH(QString, command);
    QFETCH(QByteArray, method);
    QFETCH(QString, url);
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, body);
    QString error;
    const std::optional<RequestTemplate> parsed = CurlCommand::parse(command, &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->method, method);
    QCOMPARE(parsed->url, url);
    QByteArray lines;
    for (const TemplateHeader &header : parsed->headers)
        lines += header.name + ": " + header.value + '\n';
    QCOMPARE(lines, headers);
    QCOMPARE(parsed->body, body);
}

void TestCurlCommand::badCommandsSayWhere_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("error");
    QTest::newRow("not curl") << QStringLiteral("wget http://h/")
                              << QStringLiteral("not a curl command: it starts with \"wget\"");
    QTest::newRow("unclosed quote")
        << QStringLiteral("curl http://h/ \\\n  -d 'abc")
        << QStringLiteral("line 2: the quote opened here is never closed");
    QTest::newRow("a file body")
        << QStringLiteral("curl http://h/ \\\n -H 'A: b' \\\n --data-binary @event.json")
        << QStringLiteral("line 3: --data-binary @event.json reads a file, which a pasted command "
                          "cannot bring along; paste the content instead");
    QTest::newRow("unknown option") << QStringLiteral("curl --frobnicate http://h/")
                                    << QStringLiteral("line 1: unknown curl option --frobnicate; "
                                                      "remove it and paste again");
    QTest::newRow("missing value") << QStringLiteral("curl http://h/ -H")
                                   << QStringLiteral("line 1: -H needs a value after it");
    QTest::newRow("no url") << QStringLiteral("curl -d a=1")
                            << QStringLiteral("the command has no URL");
    QTest::newRow("two urls") << QStringLiteral("curl http://a/ http://b/")
                              << QStringLiteral("line 1: a second URL (http://b/): one request "
                                                "at a time");
}

void TestCurlCommand::badCommandsSayWhere()
{
    QFETCH(QString, command);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!CurlCommand::parse(command, &got));
    QCOMPARE(got, error);
}

// Copy as cURL, then Paste cURL: the same request, whatever byte a header value or the body
// holds (CR, LF and NUL cannot be in a header value at all: refused, tested below).
void TestCurlCommand::copyThenPasteKeepsEveryByteValue()
{
    for (int byte = 0; byte < 256; ++byte) {
        const char c = char(byte);
        HeaderList headers{{"X-Byte", QByteArray("a") + c + "z"}, {"X-Caret", "^\"q^\" %^"}};
        if (c == '\r' || c == '\n' || c == '\0')
            headers.removeFirst();
        const QByteArray body = QByteArray("b") + c + "^\"" + c;
        for (const QByteArray &sentBody : {body, QByteArray(1, c)}) {
            const QString command = CurlCommand::fromRequest(
                "PATCH", QStringLiteral("http://h:1/p"), headers, sentBody);
            QString error;
            const std::optional<RequestTemplate> parsed = CurlCommand::parse(command, &error);
            QVERIFY2(parsed,
                     qPrintable(QStringLiteral("byte %1: %2 in %3").arg(byte).arg(error, command)));
            QCOMPARE(parsed->method, QByteArray("PATCH"));
            QCOMPARE(parsed->body, sentBody);
            QCOMPARE(parsed->headers.size(), headers.size());
            for (qsizetype i = 0; i < headers.size(); ++i) {
                QCOMPARE(parsed->headers[i].name, headers[i].name);
                QCOMPARE(parsed->headers[i].value, headers[i].value);
            }
        }
    }
}

// A method from a shared collection, copied and pasted into a terminal, stays one word.
// Found by fuzz_curlcommand: "--url -X…" parsed to a URL starting with "-", which the copied
// command then gave positionally, where it reads as an option.
void TestCurlCommand::aUrlThatLooksLikeAnOptionCopiesBack()
{
    QString error;
    const std::optional<RequestTemplate> parsed
        = CurlCommand::parse(QStringLiteral("curl -d a=1 --url -Xh://x"), &error);
    QVERIFY2(parsed, qPrintable(error));
    QCOMPARE(parsed->url, QStringLiteral("-Xh://x"));
    const QString copied
        = CurlCommand::fromRequest(parsed->method, parsed->url, HeaderList(), parsed->body);
    QVERIFY2(copied.contains(QStringLiteral("--url ")), qPrintable(copied));
    const std::optional<RequestTemplate> again = CurlCommand::parse(copied, &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->url, parsed->url);
    QCOMPARE(again->body, parsed->body);
}

void TestCurlCommand::methodIsNeverRunByTheShell()
{
    QTemporaryDir dir;
    const QString command = CurlCommand::fromRequest(
        "POST;touch${IFS}PWNED;#", QStringLiteral("http://127.0.0.1:9/"), {}, "x");
    QProcess bash;
    bash.setWorkingDirectory(dir.path());
    bash.start(QStringLiteral("bash"),
               {QStringLiteral("-c"), command + QStringLiteral(" -sS --max-time 5")});
    QVERIFY(bash.waitForFinished(30'000));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("PWNED"))));
}

void TestCurlCommand::requestsThatCannotBeSentAreRefused_data()
{
    QTest::addColumn<QByteArray>("collection");
    QTest::addColumn<QString>("error");
    const QByteArray head = R"({"format": "hookscope-collection", "version": 1, "name": "c",)"
                            R"( "items": [{"name": "r", "request": {"url": "http://h/", )";
    QTest::newRow("method that is not a token")
        << head + R"("method": "POST;touch${IFS}PWNED;#"}}]})"
        << QStringLiteral("item 1 (\"r\"): The method \"POST;touch${IFS}PWNED;#\" is not an HTTP "
                          "method");
    QTest::newRow("line feed in a header value")
        << head
               + R"("method": "GET", "headers": [{"name": "X-A", "value": "1\nX-Injected: yes"}]}}]})"
        << QStringLiteral("item 1 (\"r\"): The value of the header \"X-A\" holds a line feed (LF)");
    QTest::newRow("carriage return in a header value")
        << head + R"("method": "GET", "headers": [{"name": "X-A", "value": "1\rX"}]}}]})"
        << QStringLiteral("The value of the header \"X-A\" holds a carriage return (CR)");
    QTest::newRow("NUL in a header value")
        << head + R"("method": "GET", "headers": [{"name": "X-A", "value": "1\u0000"}]}}]})"
        << QStringLiteral("The value of the header \"X-A\" holds a NUL byte");
    QTest::newRow("space in a header name")
        << head + R"("method": "GET", "headers": [{"name": "X A", "value": "1"}]}}]})"
        << QStringLiteral("The header name \"X A\" is not a valid name");
}

// At import (collection, Postman, curl) and at send: nothing reaches the wire.
void TestCurlCommand::requestsThatCannotBeSentAreRefused()
{
    QFETCH(QByteArray, collection);
    QFETCH(QString, error);
    QString problem;
    QVERIFY(!Collection::fromJson(collection, &problem));
    QVERIFY2(problem.contains(error), qPrintable(problem));

    // The same request built in memory (the composer's way) is refused when sent.
    const QJsonObject request = QJsonDocument::fromJson(collection)
                                    .object()[QStringLiteral("items")][0][QStringLiteral("request")]
                                    .toObject();
    OutgoingRequest outgoing;
    outgoing.method = request[QStringLiteral("method")].toString().toUtf8();
    outgoing.url = QUrl(QStringLiteral("http://127.0.0.1:9/"));
    for (const QJsonValue &header : request[QStringLiteral("headers")].toArray())
        outgoing.headers.append({header[QStringLiteral("name")].toString().toUtf8(),
                                 header[QStringLiteral("value")].toString().toUtf8()});
    Sender sender;
    std::optional<DeliveryResult> result;
    sender.send(outgoing, {}, [&](const DeliveryResult &sent) { result = sent; });
    QTRY_VERIFY(result);
    QCOMPARE(result->status, 0);
    QVERIFY2(result->error.contains(error.section(QStringLiteral(": "), -1)),
             qPrintable(result->error));
}

QTEST_GUILESS_MAIN(TestCurlCommand)
#include "tst_curlcommand.moc"
