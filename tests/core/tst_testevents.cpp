#include "events/testevents.h"
#include "signing/signature.h"
#include "wire/captureorigin.h"
#include "wire/eventtype.h"
#include "wire/jsonfile.h"
#include "wire/jsonpath.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace Hookscope;
using namespace Qt::StringLiterals;

class TestTestEvents final : public QObject
{
    Q_OBJECT
private slots:
    void theCatalogHoldsEachProvidersEvents();
    void everyEventIsFreshWellFormedAndVerifies();
    void dynamicValuesAreFreshInEveryPlace();
    void overridesChangeOnlyThatField();
    void overridesThatDoNotFitSayWhy();
    void pathsIndexListsEitherWay();
    void formFieldsAreOverriddenByName();
    void withoutASecretTheEventGoesUnsigned();
    void ownEventsAddToAndReplaceShippedOnes();
    void anOwnFileThatCannotBeReadKeepsTheShippedEvents();
};

namespace {

QByteArray secretFor(const QString &scheme)
{
    if (scheme == QLatin1String("svix") || scheme == QLatin1String("standard-webhooks"))
        return "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    if (scheme == QLatin1String("stripe"))
        return "whsec_test_secret";
    return "It's a Secret to Everybody";
}

// The request as the receiver would capture it.
CapturedRequest captured(const OutgoingRequest &request)
{
    CapturedRequest capture;
    capture.method = request.method;
    capture.target = request.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority);
    capture.httpVersion = "HTTP/1.1";
    capture.headers = request.headers;
    capture.headers.prepend({"Host", request.url.authority().toUtf8()});
    capture.body = request.body;
    return capture;
}

// How our own verifier judges the request's signature, as the receiver would capture it.
SignatureVerdict verdictOf(const OutgoingRequest &request, const QByteArray &secret)
{
    const CapturedRequest capture = captured(request);
    const std::optional<SignatureScheme> scheme = SignatureScheme::detect(capture.headers);
    if (!scheme) {
        SignatureVerdict none;
        none.outcome = SignatureVerdict::Outcome::MissingSignature;
        none.reason = QStringLiteral("no signature header");
        return none;
    }
    return Signatures::verify(*scheme, secret, SignedRequest::fromCapture(capture),
                              QDateTime::currentSecsSinceEpoch());
}

OutgoingRequest prepared(const QString &provider, const QString &name,
                         const QList<FieldOverride> &overrides = {})
{
    const TestEventCatalog catalog = TestEventCatalog::load({});
    const TestEvent *event = catalog.find(provider, name);
    if (!event)
        qFatal("no %s %s in the catalog", qPrintable(provider), qPrintable(name));
    QString error;
    const std::optional<OutgoingRequest> request
        = event->prepare(QStringLiteral("http://127.0.0.1:4747/") + provider,
                         secretFor(event->request.signing.scheme), overrides, &error);
    if (!request)
        qFatal("%s", qPrintable(error));
    return *request;
}

} // namespace

void TestTestEvents::theCatalogHoldsEachProvidersEvents()
{
    const TestEventCatalog catalog = TestEventCatalog::load({});
    QCOMPARE(catalog.problem(), QString());
    QCOMPARE(catalog.providers(),
             QStringList({u"stripe"_s, u"github"_s, u"shopify"_s, u"slack"_s, u"twilio"_s,
                          u"svix"_s, u"standard-webhooks"_s, u"cloudevents"_s}));
    for (const auto &[provider, name] :
         QList<std::pair<QString, QString>>{{u"stripe"_s, u"invoice.paid"_s},
                                            {u"stripe"_s, u"checkout.session.completed"_s},
                                            {u"stripe"_s, u"customer.subscription.updated"_s},
                                            {u"stripe"_s, u"charge.refunded"_s},
                                            {u"GitHub"_s, u"push"_s},
                                            {u"github"_s, u"pull_request"_s},
                                            {u"github"_s, u"issues"_s},
                                            {u"github"_s, u"workflow_run"_s},
                                            {u"github"_s, u"ping"_s},
                                            {u"shopify"_s, u"orders/create"_s},
                                            {u"shopify"_s, u"app/uninstalled"_s},
                                            {u"slack"_s, u"event_callback"_s},
                                            {u"slack"_s, u"url_verification"_s},
                                            {u"slack"_s, u"slash-command"_s},
                                            {u"twilio"_s, u"sms"_s},
                                            {u"svix"_s, u"user.created"_s},
                                            {u"standard-webhooks"_s, u"contact.created"_s},
                                            {u"cloudevents"_s, u"structured"_s},
                                            {u"cloudevents"_s, u"binary"_s}})
        QVERIFY2(catalog.find(provider, name), qPrintable(provider + QLatin1Char(' ') + name));
    QVERIFY(!catalog.find(QStringLiteral("stripe"), QStringLiteral("no.such.event")));
    QCOMPARE(catalog.eventsOf(QStringLiteral("github")).size(), 5);
}

void TestTestEvents::everyEventIsFreshWellFormedAndVerifies()
{
    // What each event is told apart as in the list, where it is not the event's own name.
    const QHash<QString, QString> typeUnlessName{
        {u"github pull_request"_s, u"pull_request.opened"_s},
        {u"github issues"_s, u"issues.opened"_s},
        {u"github workflow_run"_s, u"workflow_run.completed"_s},
        {u"slack event_callback"_s, u"app_mention"_s},
        {u"slack slash-command"_s, u""_s},
        {u"twilio sms"_s, u""_s},
        {u"twilio message-status"_s, u""_s},
        {u"cloudevents structured"_s, u"com.example.order.created"_s},
        {u"cloudevents binary"_s, u"com.example.order.created"_s},
        {u"cloudevents batch"_s, u""_s}};
    const TestEventCatalog catalog = TestEventCatalog::load({});
    QVERIFY(catalog.events().size() >= 25);
    for (const TestEvent &event : catalog.events()) {
        const QString what = event.provider + QLatin1Char(' ') + event.name;
        const OutgoingRequest request = prepared(event.provider, event.name);
        QCOMPARE(request.url.toString(), QStringLiteral("http://127.0.0.1:4747/") + event.provider);
        QVERIFY2(!request.body.contains("{{")
                     && !request.url.toString().contains(QLatin1String("{{")),
                 qPrintable(what));
        for (const HeaderField &header : request.headers)
            QVERIFY2(!header.value.contains("{{"),
                     qPrintable(what + QLatin1String(": ") + QString::fromUtf8(header.name)));
        const QByteArray contentType = headerValue(request.headers, "Content-Type");
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            QVERIFY2(QUrlQuery(QString::fromUtf8(request.body)).queryItems().size() > 3,
                     qPrintable(what));
        } else {
            QJsonParseError error;
            QJsonDocument::fromJson(request.body, &error);
            QVERIFY2(error.error == QJsonParseError::NoError,
                     qPrintable(what + QLatin1String(": ") + error.errorString()));
        }
        const CapturedRequest capture = captured(request);
        QCOMPARE(eventType(capture), typeUnlessName.value(what, event.name));
        QCOMPARE(CaptureOrigin::of(capture).via, QStringLiteral("test event"));
        QCOMPARE(headerValue(capture.headers, CaptureOrigin::TestEventHeader),
                 QByteArray(event.provider.toUtf8() + '/' + event.name.toUtf8()));
        if (!event.isSigned())
            continue;
        const std::optional<SignatureScheme> scheme = SignatureScheme::detect(capture.headers);
        QVERIFY2(scheme, qPrintable(what));
        QCOMPARE(scheme->name(), event.request.signing.scheme);
        const SignatureVerdict verdict = verdictOf(request, secretFor(scheme->name()));
        QVERIFY2(verdict.outcome == SignatureVerdict::Outcome::Valid,
                 qPrintable(what + QLatin1String(": ") + verdict.reason));
    }
}

void TestTestEvents::dynamicValuesAreFreshInEveryPlace()
{
    const OutgoingRequest first
        = prepared(QStringLiteral("stripe"), QStringLiteral("invoice.paid"));
    const OutgoingRequest second
        = prepared(QStringLiteral("stripe"), QStringLiteral("invoice.paid"));
    const QJsonObject one = QJsonDocument::fromJson(first.body).object();
    const QJsonObject two = QJsonDocument::fromJson(second.body).object();
    QVERIFY(one[QLatin1String("id")].toString().startsWith(QLatin1String("evt_")));
    QCOMPARE(one[QLatin1String("id")].toString().size(), 4 + 24);
    QVERIFY(one[QLatin1String("id")] != two[QLatin1String("id")]);
    const qint64 created = qint64(one[QLatin1String("created")].toDouble());
    QVERIFY(qAbs(created - QDateTime::currentSecsSinceEpoch()) < 60);
    // A catalog variable is one value in every place of one send, a new one in the next.
    const QJsonObject invoice = one[QLatin1String("data")][QLatin1String("object")].toObject();
    const QString invoiceId = invoice[QLatin1String("id")].toString();
    QVERIFY(invoiceId.startsWith(QLatin1String("in_")));
    QVERIFY(first.body.count(invoiceId.toUtf8()) >= 2);
    QVERIFY(!second.body.contains(invoiceId.toUtf8()));

    const OutgoingRequest delivery = prepared(QStringLiteral("github"), QStringLiteral("push"));
    const QByteArray guid = headerValue(delivery.headers, "X-GitHub-Delivery");
    QVERIFY2(QUuid::fromString(QString::fromLatin1(guid)).isNull() == false, guid.constData());
    QVERIFY(guid
            != headerValue(prepared(QStringLiteral("github"), QStringLiteral("push")).headers,
                           "X-GitHub-Delivery"));
    QVERIFY(QDateTime::fromString(
                QJsonDocument::fromJson(
                    delivery.body)[QLatin1String("head_commit")][QLatin1String("timestamp")]
                    .toString(),
                Qt::ISODateWithMs)
                .isValid());
}

void TestTestEvents::overridesChangeOnlyThatField()
{
    const OutgoingRequest plain
        = prepared(QStringLiteral("stripe"), QStringLiteral("invoice.paid"));
    QString error;
    const QList<FieldOverride> overrides{
        *FieldOverride::parse(QStringLiteral("data.object.amount_paid=5000"), &error),
        *FieldOverride::parse(QStringLiteral("data.object.customer_email=ann@example.com"), &error),
        *FieldOverride::parse(QStringLiteral("data.object.lines.data.0.quantity=3"), &error),
        *FieldOverride::parse(QStringLiteral("data.object.metadata_note={\"a\": [1, true]}"),
                              &error),
        *FieldOverride::parse(QStringLiteral("livemode=true"), &error)};
    const OutgoingRequest changed
        = prepared(QStringLiteral("stripe"), QStringLiteral("invoice.paid"), overrides);
    const QJsonObject json = QJsonDocument::fromJson(changed.body).object();
    const QJsonObject invoice = json[QLatin1String("data")][QLatin1String("object")].toObject();
    QCOMPARE(invoice[QLatin1String("amount_paid")].toInt(), 5000);
    QCOMPARE(invoice[QLatin1String("customer_email")].toString(),
             QStringLiteral("ann@example.com"));
    QCOMPARE(invoice[QLatin1String("lines")][QLatin1String("data")][0][QLatin1String("quantity")]
                 .toInt(),
             3);
    QCOMPARE(invoice[QLatin1String("metadata_note")][QLatin1String("a")][1].toBool(), true);
    QCOMPARE(json[QLatin1String("livemode")].toBool(), true);
    // The rest is laid out as the provider writes it: members in their order, two-space indent,
    // the new member on its own line after the last.
    QVERIFY(changed.body.startsWith("{\n  \"id\": \"evt_"));
    QVERIFY(
        changed.body.contains("\"total\": 2000,\n      \"metadata_note\": {\"a\": [1, true]}\n"));
    QCOMPARE(changed.body.count('\n'), plain.body.count('\n') + 1);
    // Still signed over the bytes sent.
    QCOMPARE(verdictOf(changed, "whsec_test_secret").outcome, SignatureVerdict::Outcome::Valid);
}

void TestTestEvents::overridesThatDoNotFitSayWhy()
{
    const TestEventCatalog catalog = TestEventCatalog::load({});
    const TestEvent *event = catalog.find(QStringLiteral("stripe"), QStringLiteral("invoice.paid"));
    const auto problem = [event](const QString &text) {
        QString error;
        const std::optional<FieldOverride> change = FieldOverride::parse(text, &error);
        if (!change)
            return error;
        if (event->prepare(QStringLiteral("http://127.0.0.1:1/"), "whsec_x", {*change}, &error))
            return QStringLiteral("prepared");
        return error;
    };
    QCOMPARE(
        problem(QStringLiteral("data.nothing.amount=1")),
        QStringLiteral("cannot set data.nothing.amount: no field \"data.nothing\" in the payload"));
    QCOMPARE(problem(QStringLiteral("type.name=1")),
             QStringLiteral("cannot set type.name: \"type\" is a string, not an object"));
    QCOMPARE(problem(QStringLiteral("data.object.lines.data.7=1")),
             QStringLiteral("cannot set data.object.lines.data.7: \"data.object.lines.data\" is a "
                            "list of 1; \"7\" is not an index in it"));
    QCOMPARE(problem(QStringLiteral("data..x=1")),
             QStringLiteral("cannot set data..x: \"data..x\" is not a JSON path such as "
                            "$.data.items[0].id"));
    QCOMPARE(problem(QStringLiteral("$.data.object.lines.data[3]=1")),
             QStringLiteral("cannot set $.data.object.lines.data[3]: \"data.object.lines.data\" "
                            "is a list of 1; \"3\" is not an index in it"));
    QCOMPARE(problem(QStringLiteral("no-equals-sign")),
             QStringLiteral("\"no-equals-sign\" is not PATH=VALUE (data.object.amount_paid=5000)"));
    QString error;
    QVERIFY(!event->prepare(QStringLiteral("ftp://example.com/"), "whsec_x", {}, &error));
    QVERIFY2(error.contains(QLatin1String("ftp")), qPrintable(error));
    // A secret the scheme cannot use is said, not sent unsigned.
    const TestEvent *svix = catalog.find(QStringLiteral("svix"), QStringLiteral("user.created"));
    QVERIFY(!svix->prepare(QStringLiteral("http://127.0.0.1:1/"), "whsec_not base64!", {}, &error));
    QVERIFY2(error.contains(QLatin1String("base64")), qPrintable(error));
}

void TestTestEvents::pathsIndexListsEitherWay()
{
    const QJsonDocument document = QJsonDocument::fromJson(R"({"a": [{"b": 1}, {"b": [7, 8]}]})");
    QString error;
    // Each as written, and its first two steps as messages name them.
    for (const auto &[written, firstTwo] :
         {std::pair(u"$.a[1].b[1]"_s, u"a[1]"_s), std::pair(u"a.1.b.1"_s, u"a.1"_s),
          std::pair(u"a[1].b.1"_s, u"a[1]"_s)}) {
        const std::optional<JsonPath> path = JsonPath::parse(written, &error);
        QVERIFY2(path, qPrintable(error));
        QCOMPARE(path->valueIn(document), QJsonValue(8));
        QCOMPARE(path->prefix(2), firstTwo);
    }
    QVERIFY(!JsonPath::parse(QStringLiteral("a[1]x"), &error));
    QVERIFY(!JsonPath::parse(QStringLiteral("a..b"), &error));
    QCOMPARE(error, QStringLiteral("\"a..b\" is not a JSON path such as $.data.items[0].id"));
    // [N] is only ever an index: it never names a member.
    const QJsonDocument digits = QJsonDocument::fromJson(R"({"a": {"0": "zero"}})");
    QCOMPARE(JsonPath::parse(QStringLiteral("a.0"), &error)->valueIn(digits),
             QJsonValue(u"zero"_s));
    QVERIFY(!JsonPath::parse(QStringLiteral("a[0]"), &error)->valueIn(digits));
    QCOMPARE(JsonPath::parse(QStringLiteral("$"), &error)->valueIn(digits),
             QJsonValue(digits.object()));
}

void TestTestEvents::formFieldsAreOverriddenByName()
{
    QString error;
    const OutgoingRequest sms = prepared(
        QStringLiteral("twilio"), QStringLiteral("sms"),
        {*FieldOverride::parse(QStringLiteral("Body=Where is order #1042?"), &error),
         *FieldOverride::parse(QStringLiteral("MediaUrl0=https://example.com/a.jpg"), &error)});
    const QUrlQuery form(QString::fromUtf8(QByteArray(sms.body).replace('+', ' ')));
    QCOMPARE(form.queryItemValue(QStringLiteral("Body"), QUrl::FullyDecoded),
             QStringLiteral("Where is order #1042?"));
    QCOMPARE(form.queryItemValue(QStringLiteral("MediaUrl0"), QUrl::FullyDecoded),
             QStringLiteral("https://example.com/a.jpg"));
    QCOMPARE(form.allQueryItemValues(QStringLiteral("Body")).size(), 1);
    // One message id in each of its three places, and the URL signature still holds.
    const QString sid = form.queryItemValue(QStringLiteral("MessageSid"));
    QCOMPARE(sid.size(), 34);
    QCOMPARE(form.queryItemValue(QStringLiteral("SmsSid")), sid);
    QCOMPARE(verdictOf(sms, secretFor(u"twilio"_s)).outcome, SignatureVerdict::Outcome::Valid);
}

void TestTestEvents::withoutASecretTheEventGoesUnsigned()
{
    const TestEventCatalog catalog = TestEventCatalog::load({});
    QString error;
    const std::optional<OutgoingRequest> request
        = catalog.find(QStringLiteral("stripe"), QStringLiteral("invoice.paid"))
              ->prepare(QStringLiteral("http://127.0.0.1:1/"), std::nullopt, {}, &error);
    QVERIFY2(request, qPrintable(error));
    QVERIFY(headerValue(request->headers, "Stripe-Signature").isEmpty());
    QVERIFY(!catalog.find(QStringLiteral("cloudevents"), QStringLiteral("binary"))->isSigned());
}

void TestTestEvents::ownEventsAddToAndReplaceShippedOnes()
{
    QTemporaryDir dir;
    Collection own;
    own.name = QStringLiteral("Mine");
    own.variables = {{QStringLiteral("orderRef"), QStringLiteral("ord-{{$randomInt}}")}};
    CollectionItem acme;
    acme.name = QStringLiteral("Acme Payments");
    acme.isFolder = true;
    CollectionItem paid;
    paid.name = QStringLiteral("payment.settled");
    paid.request.method = "POST";
    paid.request.url = QStringLiteral("{{target}}");
    paid.request.headers = {{"Content-Type", "application/json", true}};
    paid.request.body
        = "{\"type\":\"payment.settled\",\"ref\":\"{{orderRef}}\",\"customer\":\"{{customerId}}\"}";
    paid.request.signing = {QStringLiteral("github"), QStringLiteral("acme")};
    acme.items = {paid};
    CollectionItem stripe;
    stripe.name = QStringLiteral("Stripe");
    stripe.isFolder = true;
    CollectionItem invoice = paid;
    invoice.name = QStringLiteral("invoice.paid");
    invoice.request.body = "{\"type\":\"invoice.paid\",\"id\":\"evt_mine\"}";
    invoice.request.signing = {QStringLiteral("stripe"), QStringLiteral("stripe")};
    stripe.items = {invoice};
    own.items = {acme, stripe};
    const QString path = dir.filePath(QStringLiteral("events.json"));
    QString error;
    QVERIFY2(own.save(path, &error), qPrintable(error));

    const TestEventCatalog catalog = TestEventCatalog::load(path);
    QCOMPARE(catalog.problem(), QString());
    QCOMPARE(catalog.providers().last(), QStringLiteral("acme-payments"));
    const TestEvent *settled
        = catalog.find(QStringLiteral("acme-payments"), QStringLiteral("payment.settled"));
    QVERIFY(settled && settled->isOwn);
    QCOMPARE(settled->providerTitle, QStringLiteral("Acme Payments"));
    const std::optional<OutgoingRequest> request
        = settled->prepare(QStringLiteral("http://127.0.0.1:9/x"), QByteArray("k"), {}, &error);
    QVERIFY2(request, qPrintable(error));
    const QJsonObject body = QJsonDocument::fromJson(request->body).object();
    QVERIFY(body[QLatin1String("ref")].toString().startsWith(QLatin1String("ord-")));
    QVERIFY(body[QLatin1String("customer")].toString().startsWith(QLatin1String("cus_")));
    QVERIFY(headerValue(request->headers, "X-Hub-Signature-256").startsWith("sha256="));
    // The shipped invoice.paid gave way to the user's, in its place.
    const TestEvent *replaced
        = catalog.find(QStringLiteral("stripe"), QStringLiteral("invoice.paid"));
    QVERIFY(replaced->isOwn);
    QCOMPARE(catalog.eventsOf(QStringLiteral("stripe")).first().name,
             QStringLiteral("invoice.paid"));
    QCOMPARE(catalog.eventsOf(QStringLiteral("stripe")).size(),
             TestEventCatalog::load({}).eventsOf(QStringLiteral("stripe")).size());
}

void TestTestEvents::anOwnFileThatCannotBeReadKeepsTheShippedEvents()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\": \"hookscope-collection\", \"version\": 1, \"items\": [{\"name\": 3}]");
    file.close();
    const TestEventCatalog catalog = TestEventCatalog::load(path);
    QVERIFY2(catalog.problem().startsWith(
                 QStringLiteral("your own test events were not read: %1: not valid JSON at line 1")
                     .arg(path)),
             qPrintable(catalog.problem()));
    QCOMPARE(catalog.events().size(), TestEventCatalog::load({}).events().size());
    // No file is no problem.
    QCOMPARE(TestEventCatalog::load(dir.filePath(QStringLiteral("none.json"))).problem(),
             QString());
}

QTEST_GUILESS_MAIN(TestTestEvents)
#include "tst_testevents.moc"
