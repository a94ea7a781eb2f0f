#include "collections/collection.h"
#include "wire/requestparser.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUuid>
#include <QTemporaryDir>
#include <QDateTime>
#include <QTest>

using namespace Hookscope;

class TestCollection final : public QObject
{
    Q_OBJECT
private slots:
    void roundTripKeepsEverything();
    void fileIsStableAndReadable();
    void unknownFieldsSurvive();
    void badFilesSayWhere_data();
    void badFilesSayWhere();
    void resolveFillsVariablesAuthAndSecrets();
    void resolveFillsPostmansDynamicVariables();
    void expectationsSurviveTheFile();
    void capturesBecomeItemsWithABaseUrl();
    void capturesAreNamedByTheirEvent_data();
    void capturesAreNamedByTheirEvent();
    void eachCaptureKeepsWhereItWasSent();
    void signedCapturesAreSignedAgainAtEachSend();
    void itemPaths();
};

namespace {

Collection sample()
{
    Collection collection;
    collection.name = QStringLiteral("Stripe events");
    collection.variables = {{QStringLiteral("baseUrl"), QStringLiteral("http://localhost:3000")},
                            {QStringLiteral("account"), QStringLiteral("acct_1")}};
    collection.environments
        = {{QStringLiteral("staging"),
            {{QStringLiteral("baseUrl"), QStringLiteral("https://staging.example.com")}},
            {}}};
    CollectionItem paid;
    paid.name = QStringLiteral("invoice.paid");
    paid.request.method = "POST";
    paid.request.url = QStringLiteral("{{baseUrl}}/webhooks/stripe");
    paid.request.headers = {{"Content-Type", "application/json", true},
                            {"Stripe-Signature", "t=1,v1={{secret:stripe}}", true},
                            {"X-Debug", "1", false}};
    paid.request.body = "{\"type\":\"invoice.paid\",\"note\":\"caf\xc3\xa9\"}";
    CollectionItem binary;
    binary.name = QStringLiteral("binary upload");
    binary.request.method = "PUT";
    binary.request.url = QStringLiteral("{{baseUrl}}/upload");
    binary.request.body = QByteArray("\x00\x01\xff\xfe", 4);
    binary.request.auth
        = {RequestAuth::Kind::Basic, QStringLiteral("ann"), QStringLiteral("{{secret:pw}}"), {}};
    CollectionItem bearer;
    bearer.name = QStringLiteral("bearer");
    bearer.request.url = QStringLiteral("{{baseUrl}}/me");
    bearer.request.auth = {RequestAuth::Kind::Bearer, {}, {}, QStringLiteral("tok")};
    CollectionItem folder;
    folder.name = QStringLiteral("Invoices");
    folder.isFolder = true;
    folder.items = {paid, binary};
    collection.items = {folder, bearer};
    return collection;
}

} // namespace

void TestCollection::roundTripKeepsEverything()
{
    const Collection original = sample();
    QString error;
    const std::optional<Collection> read = Collection::fromJson(original.toJson(), &error);
    QVERIFY2(read, qPrintable(error));
    QCOMPARE(read->toJson(), original.toJson());
    QCOMPARE(read->name, original.name);
    QCOMPARE(read->environmentNames(), QStringList{QStringLiteral("staging")});
    QCOMPARE(read->items.size(), 2);
    const CollectionItem *paid = read->item({0, 0});
    QVERIFY(paid);
    QCOMPARE(paid->request.body, original.items[0].items[0].request.body);
    QCOMPARE(paid->request.headers.size(), 3);
    QVERIFY(!paid->request.headers[2].enabled);
    const CollectionItem *binary = read->item({0, 1});
    QCOMPARE(binary->request.body, QByteArray("\x00\x01\xff\xfe", 4));
    QCOMPARE(binary->request.auth.kind, RequestAuth::Kind::Basic);
    QCOMPARE(binary->request.auth.password, QStringLiteral("{{secret:pw}}"));
    QCOMPARE(read->item({1})->request.auth.kind, RequestAuth::Kind::Bearer);
    QCOMPARE(read->item({1})->request.auth.token, QStringLiteral("tok"));
}

void TestCollection::fileIsStableAndReadable()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("stripe.json"));
    QString error;
    QVERIFY2(sample().save(path, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    // Pretty, sorted keys (a change is a small diff), UTF-8 text as text, binary as base64,
    // secrets only by name.
    QVERIFY(bytes.startsWith("{\n    \"environments\": ["));
    QVERIFY(bytes.contains("\"format\": \"hookscope-collection\""));
    QVERIFY(bytes.contains("\"version\": 1"));
    QVERIFY(bytes.contains("caf\xc3\xa9"));
    QVERIFY(bytes.contains("\"body\": \"AAH//g==\""));
    QVERIFY(bytes.contains("\"bodyEncoding\": \"base64\""));
    QVERIFY(bytes.contains("{{secret:stripe}}"));
    const std::optional<Collection> loaded = Collection::load(path, &error);
    QVERIFY2(loaded, qPrintable(error));
    QCOMPARE(loaded->toJson(), bytes); // saving what was read writes the same bytes
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("stripe.json")});
}

void TestCollection::unknownFieldsSurvive()
{
    const QByteArray json = R"({
        "format": "hookscope-collection", "version": 1, "name": "n",
        "x-top": {"kept": true},
        "environments": [{"name": "dev", "variables": [], "color": "green"}],
        "items": [
            {"name": "f", "items": [], "x-folder": 1},
            {"name": "r", "x-item": "i",
             "request": {"method": "GET", "url": "http://h/", "x-request": [1, 2]}}
        ]
    })";
    QString error;
    std::optional<Collection> read = Collection::fromJson(json, &error);
    QVERIFY2(read, qPrintable(error));
    read->items[1].request.url = QStringLiteral("http://changed/");
    read->items.append(read->items[1]);
    const QJsonObject written = QJsonDocument::fromJson(read->toJson()).object();
    QCOMPARE(written[QLatin1String("x-top")].toObject()[QLatin1String("kept")].toBool(), true);
    QCOMPARE(written[QLatin1String("environments")][0][QLatin1String("color")].toString(),
             QStringLiteral("green"));
    QCOMPARE(written[QLatin1String("items")][0][QLatin1String("x-folder")].toInt(), 1);
    const QJsonValue request = written[QLatin1String("items")][1][QLatin1String("request")];
    QCOMPARE(written[QLatin1String("items")][1][QLatin1String("x-item")].toString(),
             QStringLiteral("i"));
    QCOMPARE(request[QLatin1String("x-request")].toArray().size(), 2);
    QCOMPARE(request[QLatin1String("url")].toString(), QStringLiteral("http://changed/"));
}

void TestCollection::badFilesSayWhere_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("syntax") << QByteArray(
        "{\n  \"format\": \"hookscope-collection\",\n  \"items\": [,]\n}")
                            << QStringLiteral("not valid JSON at line 3, column 13: illegal value");
    QTest::newRow("truncated") << QByteArray("{\n  \"format\": \"hookscope-coll")
                               << QStringLiteral(
                                      "not valid JSON at line 2, column 28: unterminated string");
    QTest::newRow("not ours") << QByteArray("{\"info\": {}}")
                              << QStringLiteral("not a Hookscope collection: \"format\" is not "
                                                "\"hookscope-collection\"");
    QTest::newRow("newer") << QByteArray("{\"format\": \"hookscope-collection\", \"version\": 2}")
                           << QStringLiteral(
                                  "collection version 2; this Hookscope reads version 1");
    QTest::newRow("neither request nor folder")
        << QByteArray("{\"format\": \"hookscope-collection\", \"version\": 1, \"items\": "
                      "[{\"name\": \"f\", \"items\": [{\"name\": \"x\"}]}]}")
        << QStringLiteral("item 1 › 1 (\"x\"): neither a \"request\" object nor an \"items\" list");
    QTest::newRow("no method") << QByteArray(
        "{\"format\": \"hookscope-collection\", \"version\": 1, \"items\": "
        "[{\"name\": \"a\", \"request\": {}}, {\"request\": {\"url\": \"x\"}}]}")
                               << QStringLiteral("item 1 (\"a\"): \"method\" is missing");
    QTest::newRow("bad base64") << QByteArray(
        "{\"format\": \"hookscope-collection\", \"version\": 1, \"items\": "
        "[{\"request\": {\"method\": \"GET\", \"body\": \"!!\", "
        "\"bodyEncoding\": \"base64\"}}]}")
                                << QStringLiteral("item 1: \"body\" is marked base64 but is not");
    // Expectations that cannot be checked say which and why.
    const auto withExpect = [](const char *expect) -> QByteArray {
        return QByteArray("{\"format\": \"hookscope-collection\", \"version\": 1, \"items\": "
                          "[{\"name\": \"e\", \"request\": {\"method\": \"GET\", \"expect\": ")
               + expect + "}}]}";
    };
    QTest::newRow("status") << withExpect("{\"status\": \"2yx\"}")
                            << QStringLiteral("item 1 (\"e\"): \"status\": \"2yx\" is not a status "
                                              "(201), a class (2xx) or a range (200-204)");
    QTest::newRow("range") << withExpect("{\"status\": \"299-200\"}")
                           << QStringLiteral(
                                  "item 1 (\"e\"): \"status\": \"299-200\" is not a status "
                                  "(201), a class (2xx) or a range (200-204)");
    QTest::newRow("expect type") << withExpect("[]")
                                 << QStringLiteral(
                                        "item 1 (\"e\"): \"expect\" must be an object, not "
                                        "an array");
    QTest::newRow("json path") << withExpect("{\"json\": [{\"path\": \"a..b\"}]}")
                               << QStringLiteral(
                                      "item 1 (\"e\"): \"expect\".json[0]: \"a..b\" is not a "
                                      "JSON path such as $.data.items[0].id");
    QTest::newRow("json type") << withExpect("{\"json\": [{\"path\": \"a\", \"type\": \"int\"}]}")
                               << QStringLiteral(
                                      "item 1 (\"e\"): \"expect\".json[0]: \"type\" must be "
                                      "one of string, number, boolean, object, array, null");
    QTest::newRow("json regex") << withExpect("{\"json\": [{\"path\": \"a\", \"matches\": \"(\"}]}")
                                << QStringLiteral(
                                       "item 1 (\"e\"): \"expect\".json[0]: \"matches\": "
                                       "invalid regular expression \"(\": missing closing "
                                       "parenthesis at offset 1");
    QTest::newRow("header regex") << withExpect("{\"headers\": {\"X-A\": \"re:[\"}}")
                                  << QStringLiteral(
                                         "item 1 (\"e\"): \"expect\".headers X-A: invalid "
                                         "regular expression \"[\": missing terminating ] "
                                         "for character class at offset 1");
    QTest::newRow("maxMs") << withExpect("{\"maxMs\": 0}")
                           << QStringLiteral("item 1 (\"e\"): \"expect\".maxMs must be a positive "
                                             "number of milliseconds");
    QTest::newRow("idempotent") << withExpect("{\"idempotent\": \"maybe\"}")
                                << QStringLiteral(
                                       "item 1 (\"e\"): \"expect\".idempotent must be true, "
                                       "false or \"same-body\"");
}

void TestCollection::badFilesSayWhere()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!Collection::fromJson(json, &got));
    QCOMPARE(got, error);
}

void TestCollection::resolveFillsVariablesAuthAndSecrets()
{
    const Collection collection = sample();
    const CollectionItem *paid = collection.item({0, 0});
    QCOMPARE(paid->request.secretNames(), QStringList{QStringLiteral("stripe")});
    QCOMPARE(collection.item({0, 1})->request.secretNames(), QStringList{QStringLiteral("pw")});

    QHash<QString, QString> values = collection.valuesFor(QStringLiteral("staging"));
    QCOMPARE(values.value(QStringLiteral("baseUrl")),
             QStringLiteral("https://staging.example.com"));
    QCOMPARE(values.value(QStringLiteral("account")), QStringLiteral("acct_1"));
    QString error;
    QVERIFY(!paid->request.resolve(values, &error));
    QCOMPARE(error, QStringLiteral("no value for {{secret:stripe}}"));

    values.insert(QStringLiteral("secret:stripe"), QStringLiteral("abc"));
    const std::optional<OutgoingRequest> request = paid->request.resolve(values, &error);
    QVERIFY2(request, qPrintable(error));
    QCOMPARE(request->url, QUrl(QStringLiteral("https://staging.example.com/webhooks/stripe")));
    QCOMPARE(request->headers.size(), 2); // the switched-off header stays home
    QCOMPARE(headerValue(request->headers, "Stripe-Signature"), QByteArray("t=1,v1=abc"));

    values.insert(QStringLiteral("secret:pw"), QStringLiteral("p:w"));
    const std::optional<OutgoingRequest> upload
        = collection.item({0, 1})->request.resolve(values, &error);
    QVERIFY2(upload, qPrintable(error));
    QCOMPARE(headerValue(upload->headers, "Authorization"),
             "Basic " + QByteArray("ann:p:w").toBase64());
    QCOMPARE(upload->body, QByteArray("\x00\x01\xff\xfe", 4));

    RequestTemplate bad;
    bad.url = QStringLiteral("ftp://h/");
    QVERIFY(!bad.resolve({}, &error));
    QVERIFY2(error.contains(QLatin1String("http")), qPrintable(error));
}

void TestCollection::resolveFillsPostmansDynamicVariables()
{
    RequestTemplate request;
    request.method = "POST";
    request.url = QStringLiteral("http://127.0.0.1:1/orders/{{$randomInt}}");
    request.headers = {{"Idempotency-Key", "{{ $guid }}", true}};
    request.body = "{\"at\":{{$timestamp}},\"iso\":\"{{$isoTimestamp}}\",\"a\":\"{{$randomId}}\","
                   "\"b\":\"{{$randomId}}\",\"hex\":\"{{$randomHex}}\",\"kept\":\"{{$unknown}}\"}";
    QString error;
    QVERIFY(!request.resolve({}, &error));
    QCOMPARE(error, QStringLiteral("no value for {{$unknown}}"));
    request.body.replace("{{$unknown}}", "x");
    const std::optional<OutgoingRequest> sent = request.resolve({}, &error);
    QVERIFY2(sent, qPrintable(error));
    QVERIFY(sent->url.path().sliced(8).toInt() <= 1000);
    QVERIFY(!QUuid::fromString(QString::fromLatin1(headerValue(sent->headers, "Idempotency-Key")))
                 .isNull());
    const QJsonObject body = QJsonDocument::fromJson(sent->body).object();
    QVERIFY(qAbs(qint64(body[QLatin1String("at")].toDouble()) - QDateTime::currentSecsSinceEpoch())
            < 60);
    QVERIFY(
        QDateTime::fromString(body[QLatin1String("iso")].toString(), Qt::ISODateWithMs).isValid());
    QCOMPARE(body[QLatin1String("a")].toString().size(), 24);
    // Each place gets its own value.
    QVERIFY(body[QLatin1String("a")] != body[QLatin1String("b")]);
    QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{32}$"))
                .match(body[QLatin1String("hex")].toString())
                .hasMatch());

    // A variable holding one is fresh at each send and the same in every place of one.
    RequestTemplate twice;
    twice.url = QStringLiteral("http://127.0.0.1:1/{{ref}}");
    twice.body = "{{ref}}";
    const QHash<QString, QString> values{{QStringLiteral("ref"), QStringLiteral("r{{$randomId}}")}};
    const std::optional<OutgoingRequest> one = twice.resolve(values, &error);
    const std::optional<OutgoingRequest> two = twice.resolve(values, &error);
    QCOMPARE(one->body.size(), 25);
    QCOMPARE(one->url.path(), QLatin1Char('/') + QString::fromUtf8(one->body));
    QVERIFY(one->body != two->body);
}

void TestCollection::expectationsSurviveTheFile()
{
    const QByteArray written = R"({"format": "hookscope-collection", "version": 1, "items": [
        {"name": "e", "request": {"method": "POST", "url": "http://x/", "expect": {
          "status": "200-204", "headers": {"Content-Type": "application/json*"},
          "json": [{"path": "$.ok", "equals": true}, {"path": "$.id", "exists": true},
                   {"path": "$.id", "matches": "^evt_"}, {"path": "count", "type": "number"}],
          "maxMs": 250, "idempotent": "same-body"}}},
        {"name": "plain", "request": {"method": "GET", "url": "http://x/", "expect": {"status": 201}}}]})";
    QString error;
    const std::optional<Collection> read = Collection::fromJson(written, &error);
    QVERIFY2(read, qPrintable(error));
    const Expectations &expect = read->items.at(0).request.expect;
    QCOMPARE(expect.status->low, 200);
    QCOMPARE(expect.status->high, 204);
    QCOMPARE(expect.json.size(), 4);
    QCOMPARE(expect.idempotent, Expectations::Idempotency::SameBody);
    const std::optional<Collection> again = Collection::fromJson(read->toJson(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->items.at(0).request.expect.toJson(), expect.toJson());
    QCOMPARE(again->items.at(1).request.expect.toJson(),
             QJsonObject({{QStringLiteral("status"), 201}}));
    QVERIFY(read->toJson().contains("\"idempotent\": \"same-body\""));
    // No expectations: no "expect" written.
    Collection plain;
    plain.items = {read->items.at(0)};
    plain.items[0].request.expect = {};
    QVERIFY(!plain.toJson().contains("expect"));

    // What each finds in an answer.
    DeliveryResult answer;
    answer.status = 202;
    answer.headers = {{"Content-Type", "application/json; charset=utf-8"}};
    answer.body = R"({"ok": true, "id": "evt_9", "count": "3"})";
    answer.durationUs = 300'000;
    const QList<CheckResult> checks = expect.check(answer, answer);
    QStringList failed;
    for (const CheckResult &check : checks)
        if (!check.passed)
            failed.append(check.what + QStringLiteral(": expected ") + check.expected
                          + QStringLiteral(", got ") + check.got);
    QCOMPARE(failed, QStringList({QStringLiteral("json count: expected number, got string"),
                                  QStringLiteral("time: expected at most 250 ms, got 300.0 ms")}));
    QCOMPARE(checks.size(), 8);
    DeliveryResult none;
    none.error = QStringLiteral("connection refused");
    const QList<CheckResult> unanswered = expect.check(none, std::nullopt);
    QCOMPARE(unanswered.size(), 1);
    QCOMPARE(unanswered.first().got, QStringLiteral("no answer (connection refused)"));
}

void TestCollection::capturesBecomeItemsWithABaseUrl()
{
    const CapturedRequest capture = RequestParser::parseStored(
        "POST /hooks/gh?x=1 HTTP/1.1\r\nHost: 127.0.0.1:4747\r\nConnection: keep-alive\r\n"
        "X-GitHub-Event: push\r\nContent-Length: 2\r\n\r\n{}");
    const RequestTemplate kept = RequestTemplate::fromCapture(capture);
    QCOMPARE(kept.method, QByteArray("POST"));
    QCOMPARE(kept.url, QStringLiteral("{{baseUrl}}/hooks/gh?x=1"));
    QCOMPARE(kept.headers.size(), 1);
    QCOMPARE(kept.headers[0].name, QByteArray("X-GitHub-Event"));
    QCOMPARE(kept.body, QByteArray("{}"));
}

void TestCollection::capturesAreNamedByTheirEvent_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("name");
    QTest::newRow("stripe") << QByteArray("Stripe-Signature: t=1,v1=x\r\n")
                            << QByteArray(R"({"id":"evt_1","type":"invoice.paid"})")
                            << QStringLiteral("invoice.paid");
    QTest::newRow("github with action")
        << QByteArray("X-GitHub-Event: pull_request\r\n")
        << QByteArray(R"({"action":"opened","number":1})") << QStringLiteral("pull_request.opened");
    QTest::newRow("github ping") << QByteArray("X-GitHub-Event: ping\r\n")
                                 << QByteArray(R"({"zen":"x"})") << QStringLiteral("ping");
    QTest::newRow("shopify") << QByteArray("X-Shopify-Topic: orders/create\r\n") << QByteArray("{}")
                             << QStringLiteral("orders/create");
    QTest::newRow("cloudevents binary")
        << QByteArray("ce-type: com.example.order.created\r\nce-specversion: 1.0\r\n")
        << QByteArray("{}") << QStringLiteral("com.example.order.created");
    QTest::newRow("slack event_callback")
        << QByteArray() << QByteArray(R"({"type":"event_callback","event":{"type":"app_mention"}})")
        << QStringLiteral("app_mention");
    QTest::newRow("event field") << QByteArray() << QByteArray(R"({"event":"user.signup"})")
                                 << QStringLiteral("user.signup");
    QTest::newRow("nothing names it: the path")
        << QByteArray() << QByteArray(R"({"type":{"not":"a string"}})") << QStringLiteral("/in");
    QTest::newRow("form body: the path")
        << QByteArray() << QByteArray("type=x") << QStringLiteral("/in");
}

void TestCollection::capturesAreNamedByTheirEvent()
{
    QFETCH(QByteArray, headers);
    QFETCH(QByteArray, body);
    QFETCH(QString, name);
    const CapturedRequest capture = RequestParser::parseStored(
        "POST /in?x=1 HTTP/1.1\r\nHost: h\r\n" + headers
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    const Collection collection = Collection::fromCaptures({capture}, {}, {});
    QCOMPARE(collection.items.first().name, name);
}

void TestCollection::eachCaptureKeepsWhereItWasSent()
{
    const auto request = [](const QByteArray &path) {
        return RequestParser::parseStored("GET " + path
                                          + " HTTP/1.1\r\nHost: 127.0.0.1:4747\r\n\r\n");
    };
    // A HAR's entries: most went to one https host, one to another.
    const Collection har = Collection::fromCaptures({request("/a"), request("/x"), request("/b")},
                                                    {QStringLiteral("https://api.example.com"),
                                                     QStringLiteral("https://s3.example.net:8443"),
                                                     QStringLiteral("https://api.example.com")},
                                                    QStringLiteral("har"));
    QCOMPARE(har.valuesFor({}).value(QStringLiteral("baseUrl")),
             QStringLiteral("https://api.example.com"));
    QCOMPARE(har.items[0].request.url, QStringLiteral("{{baseUrl}}/a"));
    QCOMPARE(har.items[1].request.url, QStringLiteral("https://s3.example.net:8443/x"));
    QCOMPARE(har.items[2].request.url, QStringLiteral("{{baseUrl}}/b"));
    // Captured here and saved for the app under development: baseUrl is that app, not this
    // receiver (a Run would send them back to Hookscope).
    const Collection saved
        = Collection::fromCaptures({request("/a")}, {QStringLiteral("http://localhost:3000/")}, {});
    QCOMPARE(saved.valuesFor({}).value(QStringLiteral("baseUrl")),
             QStringLiteral("http://localhost:3000"));
    QCOMPARE(saved.items[0].request.url, QStringLiteral("{{baseUrl}}/a"));
}

// A capture signed by Stripe, saved from a path with a bound secret, keeps the scheme and the
// secret's name (never its value): each send signs it with a fresh timestamp, so it verifies.
void TestCollection::signedCapturesAreSignedAgainAtEachSend()
{
    const QByteArray body = R"({"id":"evt_1","type":"invoice.paid"})";
    const CapturedRequest capture = RequestParser::parseStored(
        "POST /stripe/hook HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\n"
        "Stripe-Signature: t=1700000000,v1=00\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    SignatureBinding binding;
    binding.pathPrefix = "/stripe";
    binding.secretName = QStringLiteral("stripe test");
    const Collection saved
        = Collection::fromCaptures({capture}, {QStringLiteral("http://app")}, {}, {binding});
    const RequestTemplate &request = saved.items.first().request;
    QCOMPARE(request.signing.scheme, QStringLiteral("stripe"));
    QCOMPARE(request.signing.secretName, QStringLiteral("stripe test"));
    QCOMPARE(request.secretNames(), QStringList{QStringLiteral("stripe test")});
    // Without a bound secret there is nothing to sign with: kept as captured.
    QVERIFY(!Collection::fromCaptures({capture}, {QStringLiteral("http://app")}, {})
                 .items.first()
                 .request.signing.isSet());

    // Kept in the file by name.
    QString error;
    const QByteArray json = saved.toJson();
    QVERIFY(json.contains(R"("sign": {)"));
    QVERIFY(!json.contains("whsec_"));
    const std::optional<Collection> loaded = Collection::fromJson(json, &error);
    QVERIFY2(loaded, qPrintable(error));
    QCOMPARE(loaded->items.first().request.signing.scheme, QStringLiteral("stripe"));

    // Sent: signed now, verifying with the secret.
    const QByteArray secret = "whsec_test_secret";
    const std::optional<OutgoingRequest> sent = loaded->items.first().request.resolve(
        {{QStringLiteral("baseUrl"), QStringLiteral("http://app")},
         {QStringLiteral("secret:stripe test"), QString::fromUtf8(secret)}},
        &error);
    QVERIFY2(sent, qPrintable(error));
    const SignatureVerdict verdict = Signatures::verify(
        *SignatureScheme::parse(QStringLiteral("stripe"), &error), secret,
        SignedRequest::fromOutgoing(*sent), QDateTime::currentSecsSinceEpoch());
    QCOMPARE(verdict.outcome, SignatureVerdict::Outcome::Valid);
    QVERIFY(!headerValue(sent->headers, "Stripe-Signature").startsWith("t=1700000000"));
    // Without the secret's value it is not sent unsigned.
    QVERIFY(!loaded->items.first().request.resolve(
        {{QStringLiteral("baseUrl"), QStringLiteral("http://app")}}, &error));
    QCOMPARE(error, QStringLiteral("no value for the secret \"stripe test\" it is signed with"));
    // A scheme this build does not know is refused where it is written.
    QByteArray unknown = json;
    unknown.replace(R"("scheme": "stripe")", R"("scheme": "carrier-pigeon")");
    QVERIFY(!Collection::fromJson(unknown, &error));
    QVERIFY2(error.contains(QLatin1String("\"sign\"")), qPrintable(error));
}

void TestCollection::itemPaths()
{
    Collection collection = sample();
    QCOMPARE(collection.item({0})->name, QStringLiteral("Invoices"));
    QCOMPARE(collection.item({0, 1})->name, QStringLiteral("binary upload"));
    QVERIFY(!collection.item({0, 2}));
    QVERIFY(!collection.item({1, 0})); // not a folder
    QVERIFY(!collection.item({}));
    QCOMPARE(collection.itemsAt({})->size(), 2);
    QCOMPARE(collection.itemsAt({0})->size(), 2);
    QVERIFY(!collection.itemsAt({1}));
}

QTEST_GUILESS_MAIN(TestCollection)
#include "tst_collection.moc"
