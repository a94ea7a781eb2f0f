#include "signing/signature.h"

#include <QMessageAuthenticationCode>
#include <QProcess>
#include <QTest>

using namespace Hookscope;

Q_DECLARE_METATYPE(Hookscope::HeaderList)
Q_DECLARE_METATYPE(Hookscope::SignatureVerdict::Outcome)

namespace {

SignatureScheme scheme(const QString &name)
{
    QString error;
    const std::optional<SignatureScheme> parsed = SignatureScheme::parse(name, &error);
    if (!parsed)
        qFatal("%s", qPrintable(error));
    return *parsed;
}

SignedRequest request(const QByteArray &body, const HeaderList &headers = {},
                      const QByteArray &url = "http://localhost/hook")
{
    SignedRequest signedRequest;
    signedRequest.method = "POST";
    signedRequest.url = url;
    signedRequest.target = "/hook";
    signedRequest.headers = headers;
    signedRequest.body = body;
    return signedRequest;
}

const QByteArray standardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const QByteArray standardId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const QByteArray standardBody = R"({"test": 2432232314})";
const QByteArray stripeBody = R"({"id":"evt_test_webhook","object":"event","type":"invoice.paid"})";
const QByteArray slackBody
    = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
      "G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
      "collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%"
      "2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
      "803a0bc887a14d10d2c447fce8b6703c";
const QByteArray twilioBody = "To=%2B18005551212&From=%2B14158675310&CallSid=CA1234567890ABCDE&"
                              "Digits=1234&Caller=%2B14158675310";
const HeaderList formType{{"Content-Type", "application/x-www-form-urlencoded"}};

} // namespace

class TestSignature final : public QObject
{
    Q_OBJECT
private slots:
    void knownAnswers_data();
    void knownAnswers();
    void ed25519KnownAnswer();
    void shopifyMatchesOpenssl();
    void verdicts_data();
    void verdicts();
    void schemesParseAndDetect();
};

void TestSignature::knownAnswers_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("url");
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<qint64>("timestamp");
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<HeaderList>("expected");

    QTest::newRow("standard webhooks v1")
        << "standard-webhooks" << standardSecret << standardBody << QByteArray() << HeaderList()
        << qint64(1614265330) << standardId
        << HeaderList{{"webhook-id", standardId},
                      {"webhook-timestamp", "1614265330"},
                      {"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
    QTest::newRow("svix") << "svix" << standardSecret << standardBody << QByteArray()
                          << HeaderList() << qint64(1614265330) << standardId
                          << HeaderList{{"svix-id", standardId},
                                        {"svix-timestamp", "1614265330"},
                                        {"svix-signature",
                                         "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
    QTest::newRow("stripe")
        << "stripe" << QByteArray("whsec_test_secret") << stripeBody << QByteArray() << HeaderList()
        << qint64(1700000000) << QByteArray()
        << HeaderList{{"Stripe-Signature",
                       "t=1700000000,v1="
                       "92a67d03f3996371aee723f680b97033696bcd5bb8a1826c465e55a4d569d2c1"}};
    QTest::newRow("github docs")
        << "github" << QByteArray("It's a Secret to Everybody") << QByteArray("Hello, World!")
        << QByteArray() << HeaderList() << qint64(0) << QByteArray()
        << HeaderList{{"X-Hub-Signature-256",
                       "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"},
                      {"X-Hub-Signature", "sha1=01dc10d0c83e72ed246219cdd91669667fe2ca59"}};
    QTest::newRow("github sha256 and sha1")
        << "github" << QByteArray("mysecret") << QByteArray(R"({"foo":"bar"})") << QByteArray()
        << HeaderList() << qint64(0) << QByteArray()
        << HeaderList{{"X-Hub-Signature-256",
                       "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3"},
                      {"X-Hub-Signature", "sha1=d03207e4b030cf234e3447bac4d93add4c6643d8"}};
    QTest::newRow("slack")
        << "slack" << QByteArray("8f742231b10e8888abcd99yyyzzz85a5") << slackBody << QByteArray()
        << formType << qint64(1531420618) << QByteArray()
        << HeaderList{{"X-Slack-Request-Timestamp", "1531420618"},
                      {"X-Slack-Signature",
                       "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"}};
    QTest::newRow("twilio form") << "twilio" << QByteArray("12345") << twilioBody
                                 << QByteArray("https://mycompany.com/myapp.php?foo=1&bar=2")
                                 << formType << qint64(0) << QByteArray()
                                 << HeaderList{
                                        {"X-Twilio-Signature", "GvWf1cFY/Q7PnoempGyD5oXAezc="}};
}

void TestSignature::knownAnswers()
{
    QFETCH(QString, scheme);
    QFETCH(QByteArray, secret);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, url);
    QFETCH(HeaderList, headers);
    QFETCH(qint64, timestamp);
    QFETCH(QByteArray, id);
    QFETCH(HeaderList, expected);
    SignedRequest signedRequest
        = url.isEmpty() ? request(body, headers) : request(body, headers, url);
    QString error;
    const HeaderList signature
        = Signatures::sign(::scheme(scheme), secret, signedRequest, timestamp, id, &error);
    QCOMPARE(signature, expected);
    QVERIFY(error.isEmpty());

    // What was signed verifies, with the exact bytes named.
    signedRequest.headers = Signatures::withHeaders(headers, signature);
    const SignatureVerdict verdict
        = Signatures::verify(::scheme(scheme), secret, signedRequest, timestamp + 10);
    QCOMPARE(verdict.outcome, SignatureVerdict::Outcome::Valid);
    QVERIFY2(verdict.reason.startsWith(QStringLiteral("The signature in ")),
             qPrintable(verdict.reason));
    QVERIFY(verdict.signedBytes.contains(body) || scheme == QLatin1String("twilio"));
}

void TestSignature::ed25519KnownAnswer()
{
    const QByteArray seed = "whsk_VEVTVFNJR05JTkdLRVlET05PVFVTRVRISVNGT1JBTlk=";
    const QByteArray publicKey = "whpk_ZlN4eg7dSSqi0moX9hQUk3orrOouK3QVQSlJa248c/g=";
    const QByteArray expected = "v1a,tQ9V2XOqn7jL/DQenEFpqIugdBVtiMmER5mhSkXBNwM0mkATuDe6KYYUuxqta"
                                "iHeYGb7KaaBRdM5WqyeFiL8Ag==";
    SignedRequest signedRequest = request(standardBody);
    QString error;
    const HeaderList signature = Signatures::sign(scheme(QStringLiteral("standard-webhooks")), seed,
                                                  signedRequest, 1614265330, standardId, &error);
    QCOMPARE(headerValue(signature, "webhook-signature"), expected);
    signedRequest.headers = signature;
    for (const QByteArray &key : {publicKey, seed}) {
        const SignatureVerdict verdict = Signatures::verify(
            scheme(QStringLiteral("standard-webhooks")), key, signedRequest, 1614265330);
        QCOMPARE(verdict.outcome, SignatureVerdict::Outcome::Valid);
    }
    // One changed byte, and the public key no longer verifies it.
    signedRequest.body[2] = 'T';
    QCOMPARE(Signatures::verify(scheme(QStringLiteral("standard-webhooks")), publicKey,
                                signedRequest, 1614265330)
                 .outcome,
             SignatureVerdict::Outcome::Invalid);
    // A public key cannot sign.
    QVERIFY(Signatures::sign(scheme(QStringLiteral("standard-webhooks")), publicKey, signedRequest,
                             1, "msg_1", &error)
                .isEmpty());
    QVERIFY(error.contains(QStringLiteral("whsk_")));
}

void TestSignature::shopifyMatchesOpenssl()
{
    const QByteArray secret = "shpss_0123456789abcdef";
    const QByteArray body = R"({"id":820982911946154508,"email":"jon@example.com"})";
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-hmac"),
                   QString::fromUtf8(secret), QStringLiteral("-binary")});
    openssl.write(body);
    openssl.closeWriteChannel();
    QVERIFY(openssl.waitForFinished());
    const QByteArray independent = openssl.readAllStandardOutput().toBase64();
    QString error;
    const HeaderList signature
        = Signatures::sign(scheme(QStringLiteral("shopify")), secret, request(body), 0, {}, &error);
    QCOMPARE(signature, (HeaderList{{"X-Shopify-Hmac-SHA256", independent}}));
    QCOMPARE(
        Signatures::verify(scheme(QStringLiteral("shopify")), secret, request(body, signature), 0)
            .outcome,
        SignatureVerdict::Outcome::Valid);
}

void TestSignature::verdicts_data()
{
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QByteArray>("secret");
    QTest::addColumn<HeaderList>("headers");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<qint64>("now");
    QTest::addColumn<SignatureVerdict::Outcome>("outcome");
    QTest::addColumn<QString>("reason");

    using Outcome = SignatureVerdict::Outcome;
    const QByteArray stripeHeader
        = "t=1700000000,v1=92a67d03f3996371aee723f680b97033696bcd5bb8a1826c465e55a4d569d2c1";
    const HeaderList stripe{{"Stripe-Signature", stripeHeader}};
    const HeaderList standard{
        {"webhook-id", standardId},
        {"webhook-timestamp", "1614265330"},
        {"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}};
    QTest::newRow("tampered body")
        << "stripe" << QByteArray("whsec_test_secret") << stripe << stripeBody + ' '
        << qint64(1700000000) << Outcome::Invalid
        << "The signature in Stripe-Signature does not match the secret: the body, the secret or "
           "the signed parts differ";
    QTest::newRow("wrong secret") << "stripe" << QByteArray("whsec_other") << stripe << stripeBody
                                  << qint64(1700000000) << Outcome::Invalid
                                  << "does not match the secret";
    QTest::newRow("stale timestamp")
        << "stripe" << QByteArray("whsec_test_secret") << stripe << stripeBody
        << qint64(1700000000 + 301) << Outcome::Expired
        << "The signature matches, but its timestamp is 301 s old (tolerance 300 s)";
    QTest::newRow("future timestamp")
        << "standard-webhooks" << standardSecret << standard << standardBody
        << qint64(1614265330 - 3 * 3600) << Outcome::Expired << "3 h in the future";
    QTest::newRow("at the tolerance")
        << "stripe" << QByteArray("whsec_test_secret") << stripe << stripeBody
        << qint64(1700000000 + 300) << Outcome::Valid << "matches";
    QTest::newRow("rotated stripe secrets")
        << "stripe" << QByteArray("whsec_test_secret")
        << HeaderList{{"Stripe-Signature", "t=1700000000,v1=00000000,"
                                               + stripeHeader.mid(stripeHeader.indexOf("v1="))
                                               + ",v0=ffff"}}
        << stripeBody << qint64(1700000000) << Outcome::Valid << "matches";
    QTest::newRow("rotated standard secrets, unknown versions ignored")
        << "standard-webhooks" << standardSecret
        << HeaderList{{"webhook-id", standardId},
                      {"webhook-timestamp", "1614265330"},
                      {"webhook-signature", "v1,bm90IHRoaXMgb25l v2,xyz "
                                            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}}
        << standardBody << qint64(1614265330) << Outcome::Valid << "matches";
    QTest::newRow("stripe v0 only")
        << "stripe" << QByteArray("whsec_test_secret")
        << HeaderList{{"Stripe-Signature", "t=1700000000,v0=abc"}} << stripeBody
        << qint64(1700000000) << Outcome::Invalid << "no v1= signature (v0 is not checked)";
    QTest::newRow("missing header")
        << "github" << QByteArray("mysecret") << HeaderList{{"Content-Type", "application/json"}}
        << QByteArray("{}") << qint64(0) << Outcome::MissingSignature
        << "No X-Hub-Signature-256 (or legacy X-Hub-Signature) header";
    QTest::newRow("missing id") << "standard-webhooks" << standardSecret
                                << HeaderList{standard.at(1), standard.at(2)} << standardBody
                                << qint64(1614265330) << Outcome::Invalid
                                << "The request has webhook-signature but no webhook-id";
    QTest::newRow("no secret") << "stripe" << QByteArray() << stripe << stripeBody
                               << qint64(1700000000) << Outcome::NoSecret
                               << "No secret is set for stripe signatures";
    QTest::newRow("secret not base64")
        << "standard-webhooks" << QByteArray("whsec_not*base64") << standard << standardBody
        << qint64(1614265330) << Outcome::Invalid << "not base64 after whsec_";
    QTest::newRow("svix falls back to webhook headers")
        << "svix" << standardSecret << standard << standardBody << qint64(1614265330)
        << Outcome::Valid << "The signature in webhook-signature matches";
    QTest::newRow("github legacy sha1 alone")
        << "github" << QByteArray("mysecret")
        << HeaderList{{"X-Hub-Signature", "sha1=D03207E4B030CF234E3447BAC4D93ADD4C6643D8"}}
        << QByteArray(R"({"foo":"bar"})") << qint64(0) << Outcome::Valid
        << "The signature in X-Hub-Signature matches";
    QTest::newRow("twilio json body changed")
        << "twilio" << QByteArray("12345")
        << HeaderList{{"Content-Type", "application/json"}, {"X-Twilio-Signature", "fromtheurl"}}
        << QByteArray(R"({"a":1})") << qint64(0) << Outcome::Invalid << "does not match";
    QTest::newRow("generic with a timestamp")
        << "generic:header=X-Sig,algorithm=sha512,encoding=base64,prefix=v=,content={timestamp}.{"
           "body},timestamp-header=X-Time"
        << QByteArray("k")
        << HeaderList{{"X-Time", "100"},
                      {"X-Sig", "v="
                                    + QMessageAuthenticationCode::hash("100.{\"a\":1}", "k",
                                                                       QCryptographicHash::Sha512)
                                          .toBase64()}}
        << QByteArray(R"({"a":1})") << qint64(150) << Outcome::Valid << "X-Sig matches";
}

void TestSignature::verdicts()
{
    QFETCH(QString, scheme);
    QFETCH(QByteArray, secret);
    QFETCH(HeaderList, headers);
    QFETCH(QByteArray, body);
    QFETCH(qint64, now);
    QFETCH(SignatureVerdict::Outcome, outcome);
    QFETCH(QString, reason);
    const SignatureVerdict verdict
        = Signatures::verify(::scheme(scheme), secret, request(body, headers), now);
    QVERIFY2(verdict.reason.contains(reason), qPrintable(verdict.reason));
    QCOMPARE(verdict.outcome, outcome);
}

void TestSignature::schemesParseAndDetect()
{
    QString error;
    QVERIFY(!SignatureScheme::parse(QStringLiteral("strpe"), &error));
    QCOMPARE(error, QStringLiteral("Unknown signature scheme \"strpe\"; known: standard-webhooks, "
                                   "svix, stripe, github, shopify, slack, twilio, or generic:…"));
    QVERIFY(!SignatureScheme::parse(QStringLiteral("generic:algorithm=md5,header=X"), &error));
    QVERIFY(error.contains(QStringLiteral("\"md5\" is not sha1, sha256 or sha512")));
    QVERIFY(!SignatureScheme::parse(QStringLiteral("generic:content={timestamp}.{body},header=X"),
                                    &error));
    QVERIFY(error.contains(QStringLiteral("timestamp-header=NAME is required")));
    // A prefix may hold commas and '=': options split only before a known key.
    const QString text = QStringLiteral("generic:header=X-Sig,algorithm=sha1,encoding=base64,"
                                        "prefix=a=b,c,content={id}:{body},id-header=X-Id");
    const std::optional<SignatureScheme> generic = SignatureScheme::parse(text, &error);
    QVERIFY2(generic, qPrintable(error));
    QCOMPARE(generic->prefix, QByteArray("a=b,c"));
    QCOMPARE(generic->signedContent, QByteArray("{id}:{body}"));
    QCOMPARE(generic->name(), text);

    QCOMPARE(SignatureScheme::detect({{"stripe-signature", "t=1,v1=a"}})->kind,
             SignatureScheme::Kind::Stripe);
    QCOMPARE(SignatureScheme::detect({{"Svix-Signature", "v1,a"}})->kind,
             SignatureScheme::Kind::Svix);
    QCOMPARE(SignatureScheme::detect({{"X-Hub-Signature", "sha1=a"}})->kind,
             SignatureScheme::Kind::GitHub);
    QVERIFY(!SignatureScheme::detect({{"Content-Type", "application/json"}}));

    // The URL a capture was called at, behind a tunnel.
    CapturedRequest capture;
    capture.method = "POST";
    capture.target = "/twilio?x=1";
    capture.headers = {{"Host", "127.0.0.1:4747"},
                       {"X-Forwarded-Host", "abc.trycloudflare.com"},
                       {"X-Forwarded-Proto", "https"}};
    QCOMPARE(SignedRequest::fromCapture(capture).url,
             QByteArray("https://abc.trycloudflare.com/twilio?x=1"));
    // Called on the HTTPS port itself.
    capture.headers = {{"Host", "localhost:4748"}};
    capture.overTls = true;
    QCOMPARE(SignedRequest::fromCapture(capture).url,
             QByteArray("https://localhost:4748/twilio?x=1"));
}

QTEST_GUILESS_MAIN(TestSignature)
#include "tst_signature.moc"
