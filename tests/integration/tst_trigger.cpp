#include "listenprocess.h"

#include "secrets/secretstore.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;
using namespace Hookscope::Testing;
using namespace Qt::StringLiterals;

// `hookscope-cli trigger`: each provider's event sent to a real receiver, checked by `verify`.
class TestTrigger final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void eachProvidersEventArrivesAndVerifies();
    void listsEventsAndSaysWhatIsWrong();
    void ownEventsComeFromTheDataFolderSignedWithTheirKeychainSecret();
    void shapesAreLearntFromWhatArrives();

private:
    CliResult trigger(const QStringList &arguments);
    QTemporaryDir m_home;
    QProcessEnvironment m_environment;
};

void TestTrigger::init()
{
    // The user's own events are looked for in the data folder of this throwaway home.
    m_environment = QProcessEnvironment::systemEnvironment();
    m_environment.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
    m_environment.insert(QStringLiteral("TEST_SECRET"),
                         QStringLiteral("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
}

CliResult TestTrigger::trigger(const QStringList &arguments)
{
    return runCli(QStringList{QStringLiteral("trigger")} + arguments, {}, m_environment);
}

void TestTrigger::eachProvidersEventArrivesAndVerifies()
{
    const QString store = m_home.filePath(QStringLiteral("s.sqlite"));
    ListenProcess listener(store);
    const QList<QStringList> sends{
        {u"stripe"_s, u"invoice.paid"_s, u"--set"_s, u"data.object.amount_paid=5000"_s},
        {u"github"_s, u"pull_request"_s},
        {u"shopify"_s, u"orders/create"_s},
        {u"slack"_s, u"slash-command"_s, u"--set"_s, u"text=prod v2.5.0"_s},
        {u"twilio"_s, u"sms"_s},
        {u"svix"_s, u"user.created"_s},
        {u"standard-webhooks"_s, u"contact.created"_s}};
    for (const QStringList &send : sends) {
        // Twilio signs the URL it was sent to, query and all.
        const CliResult sent
            = trigger(send
                      + QStringList{QStringLiteral("--to"),
                                    listener.url(QStringLiteral("/hooks?from=") + send.first()),
                                    QStringLiteral("--secret-env"), QStringLiteral("TEST_SECRET")});
        QVERIFY2(sent.exitCode == 0, sent.err.constData());
        QVERIFY2(sent.err.startsWith(
                     QByteArray(send.at(0).toUtf8() + ' ' + send.at(1).toUtf8() + ", signed (")),
                 sent.err.constData());
        QVERIFY(sent.out.startsWith("HTTP/1.1 200 OK\r\n"));
        QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), sends.indexOf(send) + 1, 10'000);
        const CliResult verified
            = runCli({QStringLiteral("verify"), QString::number(listener.captureIds().last()),
                      QStringLiteral("--store"), store, QStringLiteral("--secret-env"),
                      QStringLiteral("TEST_SECRET")},
                     {}, m_environment);
        QVERIFY2(verified.exitCode == 0, QByteArray(send.join(QLatin1Char(' ')).toUtf8() + ": "
                                                    + verified.out + verified.err)
                                             .constData());
        QVERIFY(verified.out.startsWith("valid: "));
    }
    const CliResult shown
        = runCli({QStringLiteral("show"), QString::number(listener.captureIds().first()),
                  QStringLiteral("--store"), store},
                 {}, m_environment);
    QVERIFY(shown.out.contains("\"amount_paid\": 5000,"));
    // CloudEvents carry no signature: sent as they are, and said so.
    const CliResult cloudEvent
        = trigger({QStringLiteral("cloudevents"), QStringLiteral("binary"), QStringLiteral("--to"),
                   listener.url(QStringLiteral("/ce"))});
    QCOMPARE(cloudEvent.exitCode, 0);
    QCOMPARE(cloudEvent.err.left(cloudEvent.err.indexOf('\n')),
             QByteArray("cloudevents binary, unsigned"));
}

void TestTrigger::listsEventsAndSaysWhatIsWrong()
{
    const CliResult list = trigger({QStringLiteral("--list")});
    QCOMPARE(list.exitCode, 0);
    QVERIFY(list.out.startsWith("stripe  (signed: stripe)\n  invoice.paid\n"));
    QVERIFY(list.out.contains("\ncloudevents\n  structured\n  binary\n  batch\n"));

    const QString nowhere = QStringLiteral("http://127.0.0.1:1/");
    const QList<std::pair<QStringList, QByteArray>> mistakes{
        {{u"strip"_s, u"invoice.paid"_s, u"--to"_s, nowhere},
         "hookscope-cli: no provider \"strip\"; there are: stripe, github, shopify, slack, twilio, "
         "svix, standard-webhooks, cloudevents\n"},
        {{u"github"_s, u"pushed"_s, u"--to"_s, nowhere},
         "hookscope-cli: no github event \"pushed\"; there are: push, pull_request, issues, "
         "workflow_run, ping\n"},
        {{u"github"_s, u"push"_s}, "hookscope-cli: say where to send it with --to URL\n"},
        {{u"github"_s, u"push"_s, u"--to"_s, nowhere, u"--unsigned"_s, u"--set"_s, u"repository"_s},
         "hookscope-cli: --set \"repository\" is not PATH=VALUE (data.object.amount_paid=5000)\n"},
        {{u"github"_s, u"push"_s, u"--to"_s, nowhere, u"--unsigned"_s, u"--set"_s,
          u"repository.owner.nope.x=1"_s},
         "hookscope-cli: github push: cannot set repository.owner.nope.x: no field "
         "\"repository.owner.nope\" in the payload\n"},
        {{u"github"_s, u"push"_s, u"--to"_s, u"ftp://example.com/"_s, u"--unsigned"_s},
         "hookscope-cli: github push: "},
        {{u"svix"_s, u"user.created"_s, u"--to"_s, nowhere, u"--secret-env"_s,
          u"NOT_SET_ANYWHERE"_s},
         "hookscope-cli: --secret-env: NOT_SET_ANYWHERE is not set\n"}};
    for (const auto &[arguments, message] : mistakes) {
        const CliResult result = trigger(arguments);
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.startsWith(message), result.err.constData());
        QVERIFY(result.out.isEmpty());
    }
}

void TestTrigger::ownEventsComeFromTheDataFolderSignedWithTheirKeychainSecret()
{
    SecretStore secrets;
    const QString secretName = QStringLiteral("hookscope-test-trigger");
    QCOMPARE(secrets.writeNow(secretName, "acme-key"), QString());
    // As a user writes it: a folder per provider, the collection format.
    const QByteArray ownEvents = R"({"format": "hookscope-collection", "version": 1, "items": [
        {"name": "Acme", "items": [{"name": "payment.settled", "request": {
            "method": "POST", "url": "{{target}}",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "body": "{\"type\":\"payment.settled\",\"id\":\"{{$guid}}\"}",
            "sign": {"scheme": "github", "secret": "hookscope-test-trigger"}}}]}]})";
    const QString dataFolder = m_home.filePath(QStringLiteral("data/hookscope"));
    QVERIFY(QDir().mkpath(dataFolder));
    QFile file(dataFolder + QStringLiteral("/events.json"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(ownEvents);
    file.close();

    const CliResult list = trigger({QStringLiteral("--list")});
    QVERIFY2(list.out.endsWith("acme  (signed: github)\n  payment.settled  (yours)\n"),
             list.out.constData());
    const QString store = m_home.filePath(QStringLiteral("own.sqlite"));
    ListenProcess listener(store);
    const CliResult sent = trigger({QStringLiteral("acme"), QStringLiteral("payment.settled"),
                                    QStringLiteral("--to"), listener.url(QStringLiteral("/acme"))});
    QVERIFY2(sent.exitCode == 0, sent.err.constData());
    QVERIFY2(sent.err.startsWith("acme payment.settled, signed (github) with the secret "
                                 "\"hookscope-test-trigger\"\n"),
             sent.err.constData());
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    QProcessEnvironment withKey = m_environment;
    withKey.insert(QStringLiteral("ACME_KEY"), QStringLiteral("acme-key"));
    const CliResult verified
        = runCli({QStringLiteral("verify"), QString::number(listener.captureIds().first()),
                  QStringLiteral("--store"), store, QStringLiteral("--secret-env"),
                  QStringLiteral("ACME_KEY")},
                 {}, withKey);
    QVERIFY2(verified.exitCode == 0, verified.out.constData());

    // A broken own file is said, and the shipped events still go.
    QFile broken(dataFolder + QStringLiteral("/events.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
    broken.write("{\"format\": \"hookscope-collection\"");
    broken.close();
    const CliResult afterBreak = trigger({QStringLiteral("--list")});
    QCOMPARE(afterBreak.exitCode, 0);
    QVERIFY2(afterBreak.err.startsWith(
                 QByteArray("hookscope-cli: your own test events were not read: "
                            + dataFolder.toUtf8() + "/events.json: not valid JSON at line 1")),
             afterBreak.err.constData());
    QVERIFY(afterBreak.out.startsWith("stripe"));
    QCOMPARE(secrets.removeNow(secretName), QString());
}

void TestTrigger::shapesAreLearntFromWhatArrives()
{
    const QString store = m_home.filePath(QStringLiteral("shapes.sqlite"));
    ListenProcess listener(store);
    const QStringList storeOption{QStringLiteral("--store"), store};
    const QStringList to{QStringLiteral("--to"), listener.url(QStringLiteral("/stripe")),
                         QStringLiteral("--unsigned")};
    for (int i = 0; i < 6; ++i)
        QCOMPARE(trigger(QStringList{u"stripe"_s, u"invoice.paid"_s} + to).exitCode, 0);
    // The seventh says its amount as a string: it differs from what came before.
    QCOMPARE(trigger(QStringList{u"stripe"_s, u"invoice.paid"_s, u"--set"_s,
                                 u"data.object.amount_paid=\"5000\""_s}
                     + to)
                 .exitCode,
             0);
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 7, 10'000);
    QTRY_COMPARE_WITH_TIMEOUT(runCli(QStringList{u"shape"_s} + storeOption, {}, m_environment).out,
                              QByteArray("        7  invoice.paid\n"), 10'000);

    const CliResult described
        = runCli(QStringList{u"shape"_s, u"invoice.paid"_s} + storeOption, {}, m_environment);
    QVERIFY2(described.out.startsWith("invoice.paid: learnt from 7 payload(s)\n"),
             described.out.constData());
    QVERIFY2(
        QString::fromUtf8(described.out)
            .contains(QRegularExpression(
                u"\\n  data\\.object\\.amount_paid +integer or string +always +one of 2000, \"5000\"\\n"_s)),
        described.out.constData());
    const CliResult drifted = runCli(
        QStringList{u"list"_s, u"--search"_s, u"is:drift"_s} + storeOption, {}, m_environment);
    QCOMPARE(drifted.out.count('\n'), 1);
    QVERIFY2(drifted.out.endsWith(QByteArray(
                 QByteArray("#") + QByteArray::number(listener.captureIds().last()) + '\n')),
             drifted.out.constData());

    // The JSON Schema: every payload it came from is valid against it (python3-jsonschema).
    const CliResult schema
        = runCli(QStringList{u"shape"_s, u"invoice.paid"_s, u"--json-schema"_s} + storeOption, {},
                 m_environment);
    QCOMPARE(schema.exitCode, 0);
    QFile schemaFile(m_home.filePath(QStringLiteral("schema.json")));
    QVERIFY(schemaFile.open(QIODevice::WriteOnly) && schemaFile.write(schema.out) > 0);
    schemaFile.close();
    QStringList bodies;
    for (const qint64 id : listener.captureIds()) {
        const QByteArray raw
            = runCli(QStringList{u"show"_s, QString::number(id), u"--raw"_s} + storeOption, {},
                     m_environment)
                  .out;
        const QString path = m_home.filePath(u"body-%1.json"_s.arg(id));
        QFile body(path);
        QVERIFY(body.open(QIODevice::WriteOnly));
        body.write(raw.mid(raw.indexOf("\r\n\r\n") + 4));
        bodies << path;
    }
    QProcess python;
    python.start(u"python3"_s,
                 QStringList{u"-c"_s,
                             u"import json, sys\n"
                             "from jsonschema import Draft202012Validator\n"
                             "validator = Draft202012Validator(json.load(open(sys.argv[1])))\n"
                             "for path in sys.argv[2:]:\n"
                             "    errors = list(validator.iter_errors(json.load(open(path))))\n"
                             "    print('valid' if not errors else errors[0].message)\n"_s,
                             schemaFile.fileName()}
                     + bodies);
    QVERIFY(python.waitForFinished(30'000));
    QCOMPARE(python.readAllStandardOutput(), QByteArray("valid\n").repeated(7));

    const CliResult typeScript
        = runCli(QStringList{u"shape"_s, u"invoice.paid"_s, u"--typescript"_s} + storeOption, {},
                 m_environment);
    QVERIFY2(typeScript.out.startsWith("// Learnt by Hookscope from 7 payload(s) of invoice.paid.\n"
                                       "export interface InvoicePaid {\n"),
             typeScript.out.constData());
    QVERIFY(typeScript.out.contains("      amount_paid: 2000 | \"5000\";\n"));

    const CliResult unknown
        = runCli(QStringList{u"shape"_s, u"invoice.pain"_s} + storeOption, {}, m_environment);
    QCOMPARE(unknown.exitCode, 2);
    QVERIFY2(unknown.err.contains("no payloads of \"invoice.pain\" in "), unknown.err.constData());
    QVERIFY(unknown.err.contains("there are: invoice.paid"));
}

QTEST_GUILESS_MAIN(TestTrigger)
#include "tst_trigger.moc"
