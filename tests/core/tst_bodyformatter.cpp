#include "body/bodyformatter.h"

#include <QTest>

using namespace Hookscope;

class TestBodyFormatter final : public QObject
{
    Q_OBJECT
private slots:
    void formats_data();
    void formats();
    void reportsJsonErrors_data();
    void reportsJsonErrors();
    void binaryDetection();
    void numbersPastADoubleAreKeptAsWritten();
};

void TestBodyFormatter::formats_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("text");

    QTest::newRow("json keeps key order and number text")
        << QByteArray(R"({"z":1,"a":[1.50,2e3,true,null],"m":{}})")
        << QByteArray("application/json") << int(FormattedBody::Kind::Json)
        << QStringLiteral("{\n  \"z\": 1,\n  \"a\": [\n    1.50,\n    2e3,\n    true,\n    null\n  "
                          "],\n  \"m\": {}\n}");
    QTest::newRow("json strings with escapes and brackets")
        << QByteArray(R"({"s":"a,b:{c}[d] \"q\" \\"})") << QByteArray("application/vnd.api+json")
        << int(FormattedBody::Kind::Json) << QStringLiteral(R"({
  "s": "a,b:{c}[d] \"q\" \\"
})");
    QTest::newRow("json sniffed without content type")
        << QByteArray("  [ ]") << QByteArray() << int(FormattedBody::Kind::Json)
        << QStringLiteral("[]");
    QTest::newRow("xml") << QByteArray("<a><b x=\"1\">t</b></a>") << QByteArray("application/xml")
                         << int(FormattedBody::Kind::Xml)
                         << QStringLiteral("<a>\n  <b x=\"1\">t</b>\n</a>\n");
    QTest::newRow("form") << QByteArray("text=%2Fdeploy+staging&team_id=T1")
                          << QByteArray("application/x-www-form-urlencoded")
                          << int(FormattedBody::Kind::Form)
                          << QStringLiteral("text = /deploy staging\nteam_id = T1\n");
    QTest::newRow("html stays text")
        << QByteArray("<script>alert(1)</script>") << QByteArray("text/html")
        << int(FormattedBody::Kind::Text) << QStringLiteral("<script>alert(1)</script>");
    QTest::newRow("broken json falls back to text")
        << QByteArray("{\"a\":") << QByteArray("application/json") << int(FormattedBody::Kind::Text)
        << QStringLiteral("{\"a\":");
    QTest::newRow("binary") << QByteArray("\x89PNG\r\n\x1a\n\0\0", 10) << QByteArray("image/png")
                            << int(FormattedBody::Kind::Binary) << QString();
    QTest::newRow("empty") << QByteArray() << QByteArray("application/json")
                           << int(FormattedBody::Kind::Empty) << QString();
}

void TestBodyFormatter::formats()
{
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentType);
    QFETCH(int, kind);
    QFETCH(QString, text);
    const FormattedBody formatted = BodyFormatter::format(body, contentType);
    QCOMPARE(int(formatted.kind), kind);
    QCOMPARE(formatted.text, text);
}

void TestBodyFormatter::reportsJsonErrors_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("unclosed") << QByteArray("{\"a\":[1,2}")
                              << QStringLiteral("JSON error at line 1, column 10: expected ',' or "
                                                "']' after an item, found '}'");
    QTest::newRow("truncated") << QByteArray("{\"a\":\"b")
                               << QStringLiteral("JSON error at line 1, column 8: the string "
                                                 "never ends");
    QTest::newRow("stray character")
        << QByteArray("{\"a\":#}")
        << QStringLiteral("JSON error at line 1, column 6: expected a value, found '#'");
    QTest::newRow("missing comma, second line")
        << QByteArray("{\"a\": 1\n \"b\": 2}")
        << QStringLiteral("JSON error at line 2, column 2: expected ',' or '}' after a member, "
                          "found '\"'");
    // It passed the old token-by-token check and sent the tree into an endless loop.
    QTest::newRow("tokens in the wrong places")
        << QByteArray("{\"a\":[1,2{\"\"\"u\"}],e}")
        << QStringLiteral("JSON error at line 1, column 10: expected ',' or ']' after an item, "
                          "found '{'");
    QTest::newRow("bare word") << QByteArray("[truth]")
                               << QStringLiteral("JSON error at line 1, column 2: expected true, "
                                                 "false or null");
    QTest::newRow("leading zero") << QByteArray("[01]")
                                  << QStringLiteral("JSON error at line 1, column 3: expected ',' "
                                                    "or ']' after an item, found '1'");
    QTest::newRow("bad escape") << QByteArray("[\"a\\x\"]")
                                << QStringLiteral("JSON error at line 1, column 4: a bad escape "
                                                  "or a raw control character inside a string");
    QTest::newRow("two documents")
        << QByteArray("{} {}")
        << QStringLiteral("JSON error at line 1, column 4: more after the end of the document, "
                          "found '{'");
    QTest::newRow("key without value")
        << QByteArray("{\"a\"}")
        << QStringLiteral("JSON error at line 1, column 5: expected ':' after the member name, "
                          "found '}'");
    QTest::newRow("trailing comma")
        << QByteArray("[1,]")
        << QStringLiteral("JSON error at line 1, column 4: expected a value, found ']'");
    QTest::newRow("not UTF-8 in a string")
        << QByteArray("{\"b\xbc\": 1}")
        << QStringLiteral("JSON error at line 1, column 4: bytes that are not UTF-8 inside a "
                          "string");
    QTest::newRow("empty") << QByteArray(" ")
                           << QStringLiteral("JSON error at line 1, column 2: the document ends "
                                             "early (expected a value)");
}

void TestBodyFormatter::reportsJsonErrors()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString actual;
    QVERIFY(BodyFormatter::indentJson(json, &actual).isEmpty());
    QCOMPARE(actual, error);
}

void TestBodyFormatter::binaryDetection()
{
    QVERIFY(!BodyFormatter::looksBinary("plain"));
    QVERIFY(!BodyFormatter::looksBinary(QByteArray("caf\xc3\xa9")));
    QVERIFY(BodyFormatter::looksBinary(QByteArray("caf\xc3")));
    QVERIFY(BodyFormatter::looksBinary(QByteArray("a\0b", 3)));
    // A long text whose sniffed part ends inside a multi-byte character is still text.
    const QByteArray euros = QByteArray("\xe2\x82\xac").repeated(5000);
    QVERIFY(!BodyFormatter::looksBinary(euros));
}

// JSON puts no bound on a number; Qt's parser refuses what a double cannot hold. The body view
// re-indents such a body and shows the number as sent (found by fuzz_bodies).
void TestBodyFormatter::numbersPastADoubleAreKeptAsWritten()
{
    QString error;
    const QString indented = BodyFormatter::indentJson(R"({"d":-1.333e3533,"e":1e-999})", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(indented.contains(QStringLiteral("-1.333e3533")));
    QVERIFY(indented.contains(QStringLiteral("1e-999")));
}

QTEST_GUILESS_MAIN(TestBodyFormatter)
#include "tst_bodyformatter.moc"
