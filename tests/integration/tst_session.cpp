#include "listenprocess.h"

#include "receiver/receiveraccess.h"
#include "secrets/secretstore.h"
#include "session/session.h"
#include "session/settings.h"
#include "session/storeinstance.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageAuthenticationCode>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;
using namespace Hookscope::Testing;

// What the user set up in the window (through the window's Session and Settings) is what
// `hookscope-cli listen` uses, unless its command line says otherwise.
class TestSession final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void listenUsesTheWindowsRoutesRulesAndBindings();
    void theCommandLineOverridesTheWindow();
    void aSavedRouteThatCannotBeUsedIsNamed();
    void listenTakesTheWindowsLanSetting();
    void listenRetriesForTheTimeSetInTheWindowOrOnItsCommandLine();
    void aSecondWindowOnAStoreBringsTheFirstForward();

private:
    // A target that answers 201 and keeps what it was sent.
    void startTarget();
    QByteArray post(quint16 port, const QByteArray &path);

    QTemporaryDir m_home;
    QString m_store;
    QTcpServer m_target;
    QByteArray m_targetReceived;
};

void TestSession::initTestCase()
{
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("config"))));
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("data"))));
    m_store = m_home.filePath(QStringLiteral("captures.sqlite"));
    startTarget();
}

void TestSession::init()
{
    QSettings(QStringLiteral("hookscope"), QStringLiteral("hookscope")).clear();
    QFile::remove(Settings::rulesPath());
    m_targetReceived.clear();
}

void TestSession::startTarget()
{
    QVERIFY(m_target.listen(QHostAddress::LocalHost));
    connect(&m_target, &QTcpServer::newConnection, this, [this] {
        QTcpSocket *socket = m_target.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
            m_targetReceived += socket->readAll();
            if (m_targetReceived.endsWith("{}"))
                socket->write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        });
    });
}

QByteArray TestSession::post(quint16 port, const QByteArray &path)
{
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, port);
    if (!client.waitForConnected())
        return {};
    client.write("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
    QByteArray answer;
    // The event loop runs meanwhile: the target lives on this thread.
    static_cast<void>(
        QTest::qWaitFor([&] { return (answer += client.readAll()).contains("\r\n\r\n"); }, 10'000));
    return answer;
}

void TestSession::listenUsesTheWindowsRoutesRulesAndBindings()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("No session bus: tests/run.sh starts one with an unlocked gnome-keyring");
    SecretStore secrets;
    QCOMPARE(secrets.writeNow(QStringLiteral("session github"), "It's a Secret to Everybody"),
             QString());
    {
        // Set up as the window does: through a Session that remembers.
        Session::Options options;
        options.remembers = true;
        Session window(m_store, options);
        QString error;
        QVERIFY2(window.setForwardRoutes({QStringLiteral("/app=http://127.0.0.1:%1/in proxy resign")
                                              .arg(m_target.serverPort())},
                                         &error),
                 qPrintable(error));
        SignatureBinding binding;
        binding.pathPrefix = "/app";
        binding.scheme = SignatureScheme::parse(QStringLiteral("github"), &error);
        QVERIFY2(binding.scheme, qPrintable(error));
        binding.secretName = QStringLiteral("session github");
        window.setSignatureBindings({binding});
        std::optional<MockRules> rules = MockRules::fromJson(
            R"({"format": "hookscope-rules", "version": 1, "rules": [{"name": "teapot",)"
            R"( "match": {"path": "/mocked"}, "respond": {"status": 418}}]})",
            &error);
        QVERIFY2(rules, qPrintable(error));
        QVERIFY2(window.setMockRules(*rules, &error), qPrintable(error));
    }

    ListenProcess listener(m_store);
    QVERIFY(post(listener.port(), "/mocked").startsWith("HTTP/1.1 418 I'm a Teapot\r\n"));
    // Proxied to the window's target, re-signed with the window's binding and secret.
    QVERIFY(post(listener.port(), "/app/hook").startsWith("HTTP/1.1 201"));
    QVERIFY2(m_targetReceived.startsWith("POST /in/app/hook HTTP/1.1"),
             m_targetReceived.constData());
    const QByteArray expected = QMessageAuthenticationCode::hash("{}", "It's a Secret to Everybody",
                                                                 QCryptographicHash::Sha256)
                                    .toHex();
    QVERIFY2(m_targetReceived.contains(QByteArray("X-Hub-Signature-256: sha256=" + expected)),
             m_targetReceived.constData());
    QCOMPARE(secrets.removeNow(QStringLiteral("session github")), QString());
}

// LAN on in the window: listen (no --bind) listens on every address, with the window's token
// and networks; the settings file holding the token is its owner's only.
void TestSession::listenTakesTheWindowsLanSetting()
{
    QByteArray token;
    {
        Session::Options options;
        options.remembers = true;
        Session window(m_store, options);
        QString error;
        QVERIFY2(window.setLan(true, {QStringLiteral("192.168.0.0/16")}, &error),
                 qPrintable(error));
        QVERIFY(window.listensOnLan());
        token = window.receiver().access().token();
        QCOMPARE(token.size(), 22);
    }
    const QString settingsFile = Settings().fileName();
    const QFileDevice::Permissions others = QFileDevice::ReadGroup | QFileDevice::WriteGroup
                                            | QFileDevice::ReadOther | QFileDevice::WriteOther;
    QVERIFY(QFile::permissions(settingsFile).testFlag(QFileDevice::ReadOwner));
    QCOMPARE(QFile::permissions(settingsFile) & others, QFileDevice::Permissions());
    QProcess listener;
    listener.start(cliPath(), {QStringLiteral("listen"), QStringLiteral("--port"),
                               QStringLiteral("0"), QStringLiteral("--store"), m_store});
    QByteArray output;
    QVERIFY(QTest::qWaitFor(
        [&] { return (output += listener.readAllStandardOutput()).contains("Listening on"); },
        10'000));
    QVERIFY2(output.contains("Listening on http://0.0.0.0:")
                 || output.contains("Listening on http://[::]:"),
             output.constData());
    if (!ReceiverAccess::lanAddresses().isEmpty()) {
        QVERIFY(QTest::qWaitFor(
            [&] { return (output += listener.readAllStandardOutput()).contains("LAN URL"); },
            10'000));
        QVERIFY2(output.contains(QByteArray("/t/" + token + "/")), output.constData());
    }
    listener.terminate();
    QVERIFY(listener.waitForFinished(10'000));
    QVERIFY2(listener.readAllStandardError().contains("from the allowed networks"),
             "the saved networks apply");
}

void TestSession::theCommandLineOverridesTheWindow()
{
    Settings settings;
    settings.setForwardRoutes(
        {QStringLiteral("/app=http://127.0.0.1:%1/in proxy").arg(m_target.serverPort())});
    QTemporaryDir dir;
    const QString noRules = dir.filePath(QStringLiteral("none.json"));
    QFile rules(noRules);
    QVERIFY(rules.open(QIODevice::WriteOnly));
    rules.write(R"({"format": "hookscope-rules", "version": 1, "rules": []})");
    rules.close();

    ListenProcess listener(
        m_store,
        {QStringLiteral("--forward"),
         QStringLiteral("/elsewhere=http://127.0.0.1:%1/x proxy").arg(m_target.serverPort()),
         QStringLiteral("--rules"), noRules});
    QVERIFY(post(listener.port(), "/app/hook").startsWith("HTTP/1.1 200"));
    QVERIFY(m_targetReceived.isEmpty());
}

void TestSession::aSavedRouteThatCannotBeUsedIsNamed()
{
    Settings().setForwardRoutes({QStringLiteral("/app=ftp://example.com proxy")});
    const CliResult result = runCli({QStringLiteral("listen"), QStringLiteral("--port"),
                                     QStringLiteral("0"), QStringLiteral("--store"), m_store});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("set in the window cannot be used"), result.err.constData());
    QVERIFY2(result.err.contains("/app=ftp://example.com proxy"), result.err.constData());
}

void TestSession::listenRetriesForTheTimeSetInTheWindowOrOnItsCommandLine()
{
    const CliResult wrong = runCli({QStringLiteral("listen"), QStringLiteral("--give-up-after"),
                                    QStringLiteral("2x"), QStringLiteral("--store"), m_store});
    QCOMPARE(wrong.exitCode, 2);
    QVERIFY2(wrong.err.contains("--give-up-after takes a time such as 90s, 30m, 24h or 2d, not "
                                "\"2x\""),
             wrong.err.constData());

    // Set in the window: give up after 1.5 s; on the command line: wait at most 200 ms.
    Session::Options options;
    options.remembers = true;
    {
        Session window(m_store, options);
        RetryPolicy policy;
        policy.giveUpAfterMs = 1'500;
        window.setForwardRetry(policy);
    }
    QCOMPARE(Settings().forwardRetry().giveUpAfterMs, 1'500);
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const QString down = QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort());
    closed.close();
    ListenProcess listener(m_store, {QStringLiteral("--forward"), down,
                                     QStringLiteral("--retry-max-delay"), QStringLiteral("200ms")});
    QVERIFY(post(listener.port(), "/hook").startsWith("HTTP/1.1 200"));
    QTRY_VERIFY_WITH_TIMEOUT(listener.output().contains("the target is down: this waits until "
                                                        "it answers again"),
                             5'000);
    // Given up while waiting, or as it was tried: either way, said.
    QTRY_VERIFY2_WITH_TIMEOUT(listener.output().contains("gave up after"),
                              listener.output().constData(), 5'000);
    // Probes at most 200 ms apart for 1.5 s: more than a handful of attempts.
    QVERIFY2(listener.output().count("\u2192") >= 5, listener.output().constData());
}

void TestSession::aSecondWindowOnAStoreBringsTheFirstForward()
{
    {
        StoreInstance first(m_store);
        QVERIFY(first.claim());
        QSignalSpy raised(&first, &StoreInstance::raiseRequested);
        // The same store, by another spelling of its path: the first is asked to come forward.
        StoreInstance second(m_home.path() + QStringLiteral("/sub/../captures.sqlite"));
        QCOMPARE(second.socketPath(), first.socketPath());
        QVERIFY(!second.claim());
        QTRY_COMPARE(raised.size(), 1);
        // Another store has a window of its own.
        StoreInstance other(m_home.filePath(QStringLiteral("other.sqlite")));
        QVERIFY(other.socketPath() != first.socketPath());
        QVERIFY(other.claim());
        // Only the user can reach it.
        QCOMPARE(QFileInfo(first.socketPath()).permissions()
                     & (QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ReadGroup
                        | QFileDevice::WriteGroup),
                 QFileDevice::Permissions());
    }
    // One that crashed leaves its socket file: the next start is not stopped by it.
    StoreInstance crashed(m_store);
    QFile leftOver(crashed.socketPath());
    QVERIFY(leftOver.open(QIODevice::WriteOnly));
    leftOver.close();
    StoreInstance next(m_store);
    QVERIFY(next.claim());
    QFile::remove(crashed.socketPath());
}

QTEST_GUILESS_MAIN(TestSession)
#include "tst_session.moc"
