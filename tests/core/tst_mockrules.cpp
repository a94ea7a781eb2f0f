#include "wire/requestparser.h"
#include "mock/mockrules.h"

#include <QTest>

using namespace Hookscope;

class TestMockRules final : public QObject
{
    Q_OBJECT
private slots:
    void statusLinesNameTheStatus();
    void firstMatchWins();
    void everyKindOfCondition_data();
    void everyKindOfCondition();
    void templatesFillFromTheRequest();
    void sequencesTakeTurns();
    void failuresFollowTheSeed();
    void delaysStayInTheirRange();
    void faultsAndProxyAreRead();
    void badRulesSayWhichAndWhere_data();
    void badRulesSayWhichAndWhere();
    void savedAsWritten();
};

namespace {

MockRules rulesFrom(const QByteArray &rules, quint32 seed = 1)
{
    QString error;
    std::optional<MockRules> parsed
        = MockRules::fromJson(R"({"format": "hookscope-rules", "version": 1, "seed": )"
                                  + QByteArray::number(seed) + R"(, "rules": )" + rules + "}",
                              &error);
    if (!parsed)
        qFatal("rules do not parse: %s", qPrintable(error));
    return *parsed;
}

CapturedRequest request(const QByteArray &method, const QByteArray &target,
                        const QByteArray &headers = {}, const QByteArray &body = {})
{
    return RequestParser::parseStored(method + ' ' + target + " HTTP/1.1\r\nHost: h\r\n" + headers
                                      + "Content-Length: " + QByteArray::number(body.size())
                                      + "\r\n\r\n" + body);
}

} // namespace

void TestMockRules::firstMatchWins()
{
    MockRules rules = rulesFrom(R"([
        {"name": "off", "enabled": false, "match": {"path": "/a"}, "respond": {"status": 418}},
        {"name": "a", "match": {"path": "/a"}, "respond": {"status": 201}},
        {"name": "any", "respond": {"status": 202}}])");
    std::optional<MockDecision> decided = rules.decide(request("GET", "/a"));
    QVERIFY(decided);
    QCOMPARE(decided->ruleName, QStringLiteral("a"));
    QCOMPARE(decided->ruleIndex, 1);
    QCOMPARE(decided->response.status, 201);
    QCOMPARE(rules.decide(request("POST", "/b?x=1"))->ruleName, QStringLiteral("any"));

    MockRules none = rulesFrom(R"([{"match": {"path": "/only"}, "respond": {}}])");
    QVERIFY(!none.decide(request("GET", "/other")));
}

void TestMockRules::everyKindOfCondition_data()
{
    QTest::addColumn<QByteArray>("match");
    QTest::addColumn<bool>("matches");
    const QByteArray headers = "X-Event: invoice.paid\r\nContent-Type: application/json\r\n";
    Q_UNUSED(headers);
    QTest::newRow("method") << QByteArray(R"({"method": "post"})") << true;
    QTest::newRow("other method") << QByteArray(R"({"method": "PUT"})") << false;
    QTest::newRow("glob path") << QByteArray(R"({"path": "/hooks/*"})") << true;
    QTest::newRow("glob crosses slashes") << QByteArray(R"({"path": "/*/stripe"})") << true;
    QTest::newRow("glob must cover it all") << QByteArray(R"({"path": "/hooks"})") << false;
    QTest::newRow("regex path") << QByteArray(R"({"pathRegex": "^/hooks/(stripe|gh)$"})") << true;
    QTest::newRow("header glob") << QByteArray(R"({"headers": {"x-event": "invoice.*"}})") << true;
    QTest::newRow("header regex") << QByteArray(
        R"({"headers": {"X-Event": "re:^invoice\\.(paid|failed)$"}})")
                                  << true;
    QTest::newRow("header absent") << QByteArray(R"({"headers": {"X-Missing": "*"}})") << false;
    QTest::newRow("query") << QByteArray(R"({"query": {"mode": "live"}})") << true;
    QTest::newRow("query differs") << QByteArray(R"({"query": {"mode": "test"}})") << false;
    QTest::newRow("json equals") << QByteArray(
        R"({"json": [{"path": "$.type", "equals": "invoice.paid"}]})")
                                 << true;
    QTest::newRow("json number") << QByteArray(
        R"({"json": [{"path": "$.data.items[1].qty", "equals": 2}]})")
                                 << true;
    QTest::newRow("json differs") << QByteArray(
        R"({"json": [{"path": "$.type", "equals": "invoice.failed"}]})")
                                  << false;
    QTest::newRow("json exists") << QByteArray(R"({"json": [{"path": "$.data.object"}]})") << true;
    QTest::newRow("json missing") << QByteArray(R"({"json": [{"path": "$.data.nothing"}]})")
                                  << false;
    QTest::newRow("all together") << QByteArray(
        R"({"method": "POST", "path": "/hooks/stripe", "headers": {"X-Event": "*"}, "query": {"mode": "l*"}, "json": [{"path": "$.type", "equals": "invoice.paid"}]})")
                                  << true;
}

void TestMockRules::everyKindOfCondition()
{
    QFETCH(QByteArray, match);
    QFETCH(bool, matches);
    MockRules rules = rulesFrom(R"([{"name": "r", "match": )" + match + R"(, "respond": {}}])");
    const CapturedRequest stripe = request(
        "POST", "/hooks/stripe?mode=live",
        "X-Event: invoice.paid\r\nContent-Type: application/json\r\n",
        R"({"type": "invoice.paid", "data": {"object": {"id": "in_1"}, "items": [{"qty": 1}, {"qty": 2}]}})");
    QCOMPARE(rules.decide(stripe).has_value(), matches);
}

void TestMockRules::templatesFillFromTheRequest()
{
    MockRules rules = rulesFrom(R"([{"respond": {"status": 201,
        "headers": {"X-Echo": "{{request.header.X-Event}}", "Content-Type": "application/json"},
        "body": "{\"id\":\"{{ request.json.data.id }}\",\"n\":{{request.json.data.n}},\"q\":\"{{request.query.k}}\",\"m\":\"{{request.method}} {{request.path}}\",\"missing\":\"{{request.header.Nope}}\",\"at\":\"{{now}}\",\"uuid\":\"{{uuid}}\"}"}}])");
    const std::optional<MockDecision> decided = rules.decide(request(
        "POST", "/x?k=a%20b", "X-Event: ping\r\n", R"({"data": {"id": "evt_9", "n": 2.5}})"));
    QVERIFY(decided);
    QCOMPARE(headerValue(decided->response.headers, "X-Echo"), QByteArray("ping"));
    const QByteArray body = decided->response.body;
    QVERIFY2(
        body.startsWith(R"({"id":"evt_9","n":2.5,"q":"a b","m":"POST /x","missing":"","at":")"),
        body.constData());
    const QRegularExpression shape(QStringLiteral(
        R"re("at":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","uuid":"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"\}$)re"));
    QVERIFY2(shape.match(QString::fromUtf8(body)).hasMatch(), body.constData());
}

void TestMockRules::sequencesTakeTurns()
{
    MockRules rules = rulesFrom(R"([{"name": "flaky start", "match": {"path": "/s"},
        "respond": [{"times": 3, "status": 500}, {"times": 1, "status": 429}, {"status": 200}]}])");
    QList<int> statuses;
    for (int call = 0; call < 7; ++call)
        statuses.append(rules.decide(request("POST", "/s"))->response.status);
    QCOMPARE(statuses, (QList<int>{500, 500, 500, 429, 200, 200, 200}));
}

void TestMockRules::failuresFollowTheSeed()
{
    const QByteArray rule = R"([{"match": {"path": "/f"}, "respond": {"status": 200},
        "failure": {"probability": 0.3, "status": 503}}])";
    const auto run = [&](quint32 seed) {
        MockRules rules = rulesFrom(rule, seed);
        QList<int> statuses;
        for (int call = 0; call < 200; ++call)
            statuses.append(rules.decide(request("GET", "/f"))->response.status);
        return statuses;
    };
    const QList<int> first = run(7);
    QCOMPARE(run(7), first); // the same seed, the same failures
    QVERIFY(run(8) != first);
    const auto failures = first.count(503);
    QVERIFY2(failures > 35 && failures < 85, qPrintable(QString::number(failures)));
}

void TestMockRules::delaysStayInTheirRange()
{
    MockRules rules = rulesFrom(R"([{"match": {"path": "/fixed"}, "respond": {"delay": 250}},
        {"respond": {"delay": {"min": 100, "max": 300}}}])");
    QCOMPARE(rules.decide(request("GET", "/fixed"))->response.delayMs, 250);
    QSet<int> seen;
    for (int call = 0; call < 100; ++call) {
        const int delay = rules.decide(request("GET", "/random"))->response.delayMs;
        QVERIFY(delay >= 100 && delay <= 300);
        seen.insert(delay);
    }
    QVERIFY(seen.size() > 20);
}

void TestMockRules::faultsAndProxyAreRead()
{
    MockRules rules = rulesFrom(R"([
        {"match": {"path": "/close"}, "respond": {"fault": "close"}},
        {"match": {"path": "/reset"}, "respond": {"fault": "reset"}},
        {"match": {"path": "/hang"}, "respond": {"fault": "no-answer"}},
        {"match": {"path": "/slow"}, "respond": {"fault": "trickle", "bytesPerSecond": 20, "body": "0123456789"}},
        {"match": {"path": "/app/*"}, "respond": {"proxy": "http://127.0.0.1:3000"}}])");
    QCOMPARE(rules.decide(request("GET", "/close"))->fault, MockAnswer::Fault::Close);
    QCOMPARE(rules.decide(request("GET", "/reset"))->fault, MockAnswer::Fault::Reset);
    QCOMPARE(rules.decide(request("GET", "/hang"))->fault, MockAnswer::Fault::NoAnswer);
    const MockDecision slow = *rules.decide(request("GET", "/slow"));
    QCOMPARE(slow.fault, MockAnswer::Fault::Trickle);
    QCOMPARE(slow.trickleBytesPerSecond, 20);
    QCOMPARE(rules.decide(request("GET", "/app/x"))->proxyTarget,
             QStringLiteral("http://127.0.0.1:3000"));
}

void TestMockRules::badRulesSayWhichAndWhere_data()
{
    QTest::addColumn<QByteArray>("rules");
    QTest::addColumn<QString>("error");
    QTest::newRow("invalid regex") << QByteArray(
        R"([{"name": "ok", "respond": {}}, {"name": "orders", "match": {"pathRegex": "^/orders/(\\d+$"}, "respond": {}}])")
                                   << QStringLiteral("rule 2 (\"orders\"): match.pathRegex: "
                                                     "invalid regular expression "
                                                     "\"^/orders/(\\d+$\": missing closing "
                                                     "parenthesis at offset 14");
    QTest::newRow("template to nothing")
        << QByteArray(R"([{"respond": {"body": "{{request.jsn.id}}"}}])")
        << QStringLiteral("rule 1: respond: body: {{request.jsn.id}} refers to nothing "
                          "(request.header.NAME, request.query.NAME, request.json.PATH, "
                          "request.method, request.path, request.body, now or uuid)");
    QTest::newRow("unknown field")
        << QByteArray(R"([{"name": "t", "respond": {"stauts": 500}}])")
        << QStringLiteral("rule 1 (\"t\"): unknown field \"stauts\" in respond (known: status, "
                          "headers, body, delay, fault, bytesPerSecond, proxy)");
    QTest::newRow("unknown match field")
        << QByteArray(R"([{"match": {"paht": "/x"}, "respond": {}}])")
        << QStringLiteral("rule 1: unknown field \"paht\" in match (known: method, path, "
                          "pathRegex, headers, query, json)");
    QTest::newRow("unknown fault")
        << QByteArray(R"([{"respond": [{"times": 2, "fault": "explode"}]}])")
        << QStringLiteral("rule 1: respond[0]: unknown fault \"explode\" (close, reset, "
                          "no-answer or trickle)");
    QTest::newRow("probability")
        << QByteArray(R"([{"respond": {}, "failure": {"probability": 1.5}}])")
        << QStringLiteral("rule 1: failure.probability must be between 0 and 1");
    QTest::newRow("bad header regex")
        << QByteArray(R"([{"match": {"headers": {"X-A": "re:("}}, "respond": {}}])")
        << QStringLiteral("rule 1: match.headers X-A: invalid regular expression \"(\": missing "
                          "closing parenthesis at offset 1");
    QTest::newRow("no answer") << QByteArray(R"([{"respond": []}])")
                               << QStringLiteral("rule 1: \"respond\" has no answer");
}

void TestMockRules::badRulesSayWhichAndWhere()
{
    QFETCH(QByteArray, rules);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!MockRules::fromJson(
        R"({"format": "hookscope-rules", "version": 1, "rules": )" + rules + "}", &got));
    QCOMPARE(got, error);
}

void TestMockRules::savedAsWritten()
{
    const MockRules rules = rulesFrom(R"([{"name": "a", "match": {"path": "/a"},
        "respond": [{"times": 2, "status": 500}, {"status": 200}]}])",
                                      42);
    QString error;
    const std::optional<MockRules> again = MockRules::fromJson(rules.toJson(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->seed, 42u);
    QCOMPARE(again->toJson(), rules.toJson());
    QCOMPARE(again->rules.first().answers.size(), 2);
}

// A rule's status goes on the wire with its RFC 9110 reason; one HTTP has no name for goes
// without (allowed: "599 "), not with a made-up word.
void TestMockRules::statusLinesNameTheStatus()
{
    ResponseSpec response;
    response.status = 418;
    QVERIFY(response.serializeHead(true).startsWith("HTTP/1.1 418 I'm a Teapot\r\n"));
    response.status = 308;
    QVERIFY(response.serializeHead(true).startsWith("HTTP/1.1 308 Permanent Redirect\r\n"));
    response.status = 599;
    QVERIFY(response.serializeHead(true).startsWith("HTTP/1.1 599 \r\n"));
    response.reason = "Custom";
    QVERIFY(response.serializeHead(true).startsWith("HTTP/1.1 599 Custom\r\n"));
}

QTEST_GUILESS_MAIN(TestMockRules)
#include "tst_mockrules.moc"
