#include "listenprocess.h"

#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "wire/requestparser.h"
#include "secrets/secretstore.h"
#include "signing/signaturechecker.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>

using namespace Hookscope;
using namespace Hookscope::Testing;

class TestSigning final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void signedWithTheCliVerifiesWhenCaptured();
    void checkerUsesTheBindingForEachPath();
    void verdictsAreJudgedWhenTheCaptureArrived();
    void keychainRoundTrip();
    void withoutAKeychainNothingIsStored();
    void memoryFallbackChild();

private:
    QTemporaryDir m_dir;
};

void TestSigning::initTestCase()
{
    // The list of secret names goes to a settings file: keep it out of the user's own.
    qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toUtf8());
}

void TestSigning::signedWithTheCliVerifiesWhenCaptured()
{
    const QString store = m_dir.filePath(QStringLiteral("e2e.sqlite"));
    ListenProcess listener(store);
    QFile body(m_dir.filePath(QStringLiteral("event.json")));
    QVERIFY(body.open(QIODevice::WriteOnly));
    body.write(R"({"id":"evt_1","type":"invoice.paid","amount":4200})"
               "\n");
    body.close();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("WHSEC"),
                       QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    environment.insert(QStringLiteral("WRONG"), QStringLiteral("whsec_dGhpcyBpcyBub3QgaXQ="));

    int sent = 0;
    for (const QString &scheme : {QStringLiteral("standard-webhooks"), QStringLiteral("stripe"),
                                  QStringLiteral("github"), QStringLiteral("slack")}) {
        const CliResult signature
            = runCli({QStringLiteral("sign"), QStringLiteral("--scheme"), scheme,
                      QStringLiteral("--secret-env"), QStringLiteral("WHSEC"),
                      QStringLiteral("--data-binary"), QLatin1Char('@') + body.fileName()},
                     {}, environment);
        QCOMPARE(signature.exitCode, 0);
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   QStringList{QStringLiteral("-sS"), QStringLiteral("-H"),
                               QStringLiteral("Content-Type: application/json")}
                       + headerArguments(signature.out)
                       + QStringList{QStringLiteral("--data-binary"),
                                     QLatin1Char('@') + body.fileName(),
                                     listener.url(QStringLiteral("/hooks/") + scheme)});
        QVERIFY(curl.waitForFinished(30'000) && curl.exitCode() == 0);
        ++sent;
        QTRY_COMPARE(listener.captureIds().size(), sent);
        const QString id = QString::number(listener.captureIds().constLast());

        // The scheme is recognised from the headers; the exact bytes are what was signed.
        const CliResult valid
            = runCli({QStringLiteral("verify"), id, QStringLiteral("--secret-env"),
                      QStringLiteral("WHSEC"), QStringLiteral("--store"), store},
                     {}, environment);
        QVERIFY2(valid.exitCode == 0 && valid.out.startsWith("valid: The signature in "),
                 (scheme + QLatin1Char(' ') + QString::fromUtf8(valid.out + valid.err))
                     .toUtf8()
                     .constData());
        QVERIFY(valid.out.contains(QByteArray("  scheme:   " + scheme.toUtf8() + '\n')));

        const CliResult invalid
            = runCli({QStringLiteral("verify"), id, QStringLiteral("--scheme"), scheme,
                      QStringLiteral("--secret-env"), QStringLiteral("WRONG"),
                      QStringLiteral("--store"), store},
                     {}, environment);
        QCOMPARE(invalid.exitCode, 1);
        QVERIFY2(invalid.out.startsWith("invalid: "), invalid.out.constData());
        QVERIFY(invalid.out.contains("\n  expected: "));
    }

    // Replayed elsewhere and signed again with another secret: it verifies there, with that one.
    const QString copies = m_dir.filePath(QStringLiteral("copies.sqlite"));
    ListenProcess target(copies);
    const CliResult replayed
        = runCli({QStringLiteral("replay"), QStringLiteral("2"), QStringLiteral("--to"),
                  target.url(QString()), QStringLiteral("--resign"), QStringLiteral("--secret-env"),
                  QStringLiteral("WRONG"), QStringLiteral("--store"), store},
                 {}, environment);
    QCOMPARE(replayed.exitCode, 0);
    QTRY_COMPARE(target.captureIds().size(), 1);
    const CliResult resigned
        = runCli({QStringLiteral("verify"), QStringLiteral("1"), QStringLiteral("--secret-env"),
                  QStringLiteral("WRONG"), QStringLiteral("--store"), copies},
                 {}, environment);
    QVERIFY2(resigned.exitCode == 0, resigned.out.constData());
    QVERIFY(resigned.out.contains("  scheme:   stripe\n"));

    // Usage errors exit 2 with a one-line reason.
    const CliResult noSecret
        = runCli({QStringLiteral("verify"), QStringLiteral("1"), QStringLiteral("--store"), store});
    QCOMPARE(noSecret.exitCode, 2);
    QCOMPARE(
        noSecret.err,
        QByteArray(
            "hookscope-cli: give the secret with either --secret-name NAME or --secret-env VAR\n"));
    const CliResult unset
        = runCli({QStringLiteral("sign"), QStringLiteral("--scheme"), QStringLiteral("github"),
                  QStringLiteral("--secret-env"), QStringLiteral("HOOKSCOPE_UNSET_VARIABLE")});
    QCOMPARE(unset.exitCode, 2);
    QVERIFY(unset.err.contains("HOOKSCOPE_UNSET_VARIABLE is not set"));
}

void TestSigning::checkerUsesTheBindingForEachPath()
{
    const QString store = m_dir.filePath(QStringLiteral("checker.sqlite"));
    {
        CaptureStore created(store);
        QVERIFY(created.open());
    }
    CaptureWriter writer(store);
    QVERIFY(writer.start(nullptr));
    const QByteArray body = R"({"id":"evt_test_webhook","object":"event","type":"invoice.paid"})";
    const auto stripeCapture = [&](const QByteArray &path) {
        return RequestParser::parseStored(
            "POST " + path
            + " HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1700000000,v1="
              "92a67d03f3996371aee723f680b97033696bcd5bb8a1826c465e55a4d569d2c1\r\n"
              "Content-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    };
    writer.append(stripeCapture("/stripe/live"), 0);      // 1: bound, right secret
    writer.append(stripeCapture("/stripe/test/hook"), 0); // 2: longer prefix, other secret
    writer.append(stripeCapture("/elsewhere"), 0);        // 3: signed, nothing bound
    writer.append(RequestParser::parseStored("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
    writer.stop(); // commits what is queued

    SignatureSettings settings;
    SignatureBinding stripe;
    stripe.pathPrefix = "/stripe";
    stripe.secretName = QStringLiteral("live");
    stripe.toleranceSeconds = 400'000'000; // the vector's timestamp is from 2023
    SignatureBinding test = stripe;
    test.pathPrefix = "/stripe/test";
    test.secretName = QStringLiteral("test");
    settings.bindings = {stripe, test};
    settings.secrets
        = {{QStringLiteral("live"), "whsec_test_secret"}, {QStringLiteral("test"), "whsec_other"}};
    SignatureChecker checker(store);
    checker.setSettings(settings);
    QSignalSpy checked(&checker, &SignatureChecker::checked);
    checker.check({1, 2, 3, 4, 99});
    QVERIFY(checked.wait());
    const auto verdicts = checked.at(0).at(0).value<QHash<qint64, SignatureVerdict>>();
    QCOMPARE(verdicts.size(), 4); // 99 does not exist
    QCOMPARE(verdicts.value(1).outcome, SignatureVerdict::Outcome::Valid);
    QCOMPARE(verdicts.value(1).scheme, QStringLiteral("stripe"));
    QCOMPARE(verdicts.value(2).outcome, SignatureVerdict::Outcome::Invalid);
    QCOMPARE(verdicts.value(3).outcome, SignatureVerdict::Outcome::NoSecret);
    QCOMPARE(verdicts.value(3).reason, QStringLiteral("Signed (stripe), but no secret is bound to "
                                                      "this path: add one under Signatures…"));
    QCOMPARE(verdicts.value(4).outcome, SignatureVerdict::Outcome::NotSigned);
}

// A timestamp is judged as the receiving app judged it, when the request arrived: a valid
// capture stays valid as it ages, in the window and on the command line (--now asks otherwise).
void TestSigning::verdictsAreJudgedWhenTheCaptureArrived()
{
    const QString store = m_dir.filePath(QStringLiteral("aged.sqlite"));
    {
        CaptureStore created(store);
        QVERIFY(created.open());
        CaptureWriter writer(store);
        QVERIFY(writer.start(nullptr));
        const QByteArray body
            = R"({"id":"evt_test_webhook","object":"event","type":"invoice.paid"})";
        CapturedRequest capture = RequestParser::parseStored(
            "POST /stripe HTTP/1.1\r\nHost: x\r\nStripe-Signature: t=1700000000,v1="
            "92a67d03f3996371aee723f680b97033696bcd5bb8a1826c465e55a4d569d2c1\r\n"
            "Content-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        capture.receivedAtUs = (1'700'000'000LL + 60) * 1'000'000; // a minute after signing
        writer.append(capture, 0);
        writer.stop();
    }

    SignatureSettings settings;
    SignatureBinding stripe;
    stripe.secretName = QStringLiteral("live"); // the default tolerance, 300 s
    settings.bindings = {stripe};
    settings.secrets = {{QStringLiteral("live"), "whsec_test_secret"}};
    SignatureChecker checker(store);
    checker.setSettings(settings);
    QSignalSpy checked(&checker, &SignatureChecker::checked);
    checker.check({1});
    QVERIFY(checked.wait());
    const SignatureVerdict verdict
        = checked.at(0).at(0).value<QHash<qint64, SignatureVerdict>>().value(1);
    QVERIFY2(verdict.outcome == SignatureVerdict::Outcome::Valid, qPrintable(verdict.reason));
    QCOMPARE(verdict.skewSeconds, std::optional<qint64>(-60));

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("WHSEC"), QStringLiteral("whsec_test_secret"));
    const QStringList verify{QStringLiteral("verify"),       QStringLiteral("1"),
                             QStringLiteral("--secret-env"), QStringLiteral("WHSEC"),
                             QStringLiteral("--store"),      store};
    const CliResult atArrival = runCli(verify, {}, environment);
    QVERIFY2(atArrival.exitCode == 0 && atArrival.out.startsWith("valid: "),
             atArrival.out.constData());
    const CliResult now = runCli(verify + QStringList{QStringLiteral("--now")}, {}, environment);
    QCOMPARE(now.exitCode, 1);
    QVERIFY2(now.out.startsWith("expired: "), now.out.constData());
}

void TestSigning::keychainRoundTrip()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("No session bus: tests/run.sh starts one with an unlocked gnome-keyring");
    SecretStore secrets;
    QSignalSpy unavailable(&secrets, &SecretStore::keychainUnavailable);
    const QByteArray value = "whsec_test_secret";
    QCOMPARE(secrets.writeNow(QStringLiteral("stripe round trip"), value), QString());
    QVERIFY2(secrets.keychainProblem().isEmpty(), qPrintable(secrets.keychainProblem()));
    QVERIFY(secrets.names().contains(QStringLiteral("stripe round trip")));
    // Only the name is on disk.
    QFile index(m_dir.filePath(QStringLiteral("config/hookscope/secret-names.ini")));
    QVERIFY(index.open(QIODevice::ReadOnly));
    const QByteArray listed = index.readAll();
    QVERIFY(listed.contains("stripe round trip"));
    QVERIFY(!listed.contains(value));

    // Another process (the command line) reads it from the keychain.
    const CliResult signature = runCli(
        {QStringLiteral("sign"), QStringLiteral("--scheme"), QStringLiteral("stripe"),
         QStringLiteral("--secret-name"), QStringLiteral("stripe round trip"),
         QStringLiteral("--timestamp"), QStringLiteral("1700000000"),
         QStringLiteral("--data-binary"),
         QStringLiteral(R"({"id":"evt_test_webhook","object":"event","type":"invoice.paid"})")});
    QCOMPARE(
        signature.out,
        QByteArray(
            "Stripe-Signature: "
            "t=1700000000,v1=92a67d03f3996371aee723f680b97033696bcd5bb8a1826c465e55a4d569d2c1\n"));

    QString error;
    QEventLoop loop;
    QString renameError = QStringLiteral("not answered");
    secrets.rename(QStringLiteral("stripe round trip"), QStringLiteral("stripe live"),
                   [&](const QString &e) {
                       renameError = e;
                       loop.quit();
                   });
    if (renameError == QLatin1String("not answered"))
        loop.exec();
    QCOMPARE(renameError, QString());
    QCOMPARE(secrets.readNow(QStringLiteral("stripe live"), &error),
             std::optional<QByteArray>(value));
    QVERIFY(!secrets.readNow(QStringLiteral("stripe round trip"), &error));
    QCOMPARE(error, QStringLiteral("No secret named \"stripe round trip\" in the keychain"));

    // The command line manages them too.
    QCOMPARE(runCli({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("cli")},
                    "from-stdin\n")
                 .exitCode,
             0);
    QCOMPARE(secrets.readNow(QStringLiteral("cli"), &error).value_or(error.toUtf8()),
             QByteArray("from-stdin"));
    QCOMPARE(runCli({QStringLiteral("secret"), QStringLiteral("list")}).out,
             QByteArray("cli\nstripe live\n"));
    QCOMPARE(runCli({QStringLiteral("secret"), QStringLiteral("delete"), QStringLiteral("cli")})
                 .exitCode,
             0);
    QCOMPARE(secrets.removeNow(QStringLiteral("stripe live")), QString());
    QVERIFY(secrets.names().isEmpty());
    QVERIFY(!secrets.readNow(QStringLiteral("cli"), &error));
    QCOMPARE(unavailable.size(), 0);
}

void TestSigning::withoutAKeychainNothingIsStored()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                       QStringLiteral("unix:path=/nonexistent/bus"));
    const CliResult set
        = runCli({QStringLiteral("secret"), QStringLiteral("set"), QStringLiteral("x")}, "value",
                 environment);
    QCOMPARE(set.exitCode, 2);
    QVERIFY2(set.err.startsWith("hookscope-cli: No keychain could be used (")
                 && set.err.contains("nothing was stored"),
             set.err.constData());

    // In a session (the window), secrets then live in memory, with a warning.
    environment.insert(QStringLiteral("HOOKSCOPE_TEST_NO_KEYCHAIN"), QStringLiteral("1"));
    QProcess child;
    child.setProcessEnvironment(environment);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("memoryFallbackChild")});
    QVERIFY(child.waitForFinished(60'000));
    const QByteArray output = child.readAllStandardOutput();
    QVERIFY2(child.exitCode() == 0
                 && output.contains("PASS   : TestSigning::memoryFallbackChild()"),
             output.constData());
}

void TestSigning::memoryFallbackChild()
{
    if (qEnvironmentVariableIsEmpty("HOOKSCOPE_TEST_NO_KEYCHAIN"))
        QSKIP("Run by withoutAKeychainNothingIsStored, without a session bus");
    SecretStore secrets;
    QSignalSpy unavailable(&secrets, &SecretStore::keychainUnavailable);
    QCOMPARE(secrets.writeNow(QStringLiteral("session"), "kept in memory"), QString());
    QCOMPARE(unavailable.size(), 1);
    QVERIFY(secrets.keychainProblem().startsWith(QStringLiteral("No keychain could be used (")));
    QString error;
    QCOMPARE(secrets.readNow(QStringLiteral("session"), &error),
             std::optional<QByteArray>("kept in memory"));
    QCOMPARE(secrets.names(), QStringList{QStringLiteral("session")});
    QFile index(m_dir.filePath(QStringLiteral("config/hookscope/secret-names.ini")));
    QVERIFY(!index.exists() || !index.open(QIODevice::ReadOnly)
            || !index.readAll().contains("session"));
}

QTEST_GUILESS_MAIN(TestSigning)
#include "tst_signing.moc"
