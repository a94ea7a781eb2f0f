#include "listenprocess.h"

#include "session/session.h"
#include "session/settings.h"
#include "store/capturestore.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSettings>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QTemporaryDir>

using namespace Hookscope;
using namespace Hookscope::Testing;

// The HTTPS port beside the plain one, with real handshakes: curl trusting the authority
// Hookscope made is captured; a client that does not trust it, or speaks plain HTTP there, is
// recorded with what went wrong; the user's own certificate serves too; files that cannot be
// used are said at once.
class TestHttps final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void aClientTrustingTheLocalAuthorityIsCaptured();
    void failedHandshakesAreRecordedWithWhatWentWrong();
    void aNameTheCertificateLacksIsRecorded();
    void theUsersOwnCertificateServes();
    void filesThatCannotBeUsedAreSaid();
    void listenServesHttpsAsTheWindowSetIt();
    void theWindowsOwnCertificateIsListensToo();

private:
    QProcessEnvironment environment() const;
    // Starts listen with HTTPS; its HTTPS port and the authority file it names.
    std::unique_ptr<ListenProcess> listen(const QStringList &extra, quint16 *httpsPort,
                                          QString *authority = nullptr);
    QString tlsFile(const char *name) const;
    // A Session on the test's store as the window starts one (its setup remembered), listening
    // on a free port; null, saying why, when it cannot.
    std::unique_ptr<Session> windowSession(QString *error) const;

    std::unique_ptr<QTemporaryDir> m_home;
    QString m_store;
};

void TestHttps::init()
{
    m_home = std::make_unique<QTemporaryDir>();
    m_store = m_home->filePath(QStringLiteral("captures.sqlite"));
    // This process's Settings and data folder too, for the window's session.
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_home->filePath(QStringLiteral("data"))));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home->filePath(QStringLiteral("config"))));
    // QSettings reads XDG_CONFIG_HOME once per process.
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope,
                       m_home->filePath(QStringLiteral("config")));
}

QProcessEnvironment TestHttps::environment() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_DATA_HOME"), m_home->filePath(QStringLiteral("data")));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"),
                       m_home->filePath(QStringLiteral("config")));
    return environment;
}

QString TestHttps::tlsFile(const char *name) const
{
    return m_home->filePath(QStringLiteral("data/hookscope/tls/") + QLatin1String(name));
}

std::unique_ptr<Session> TestHttps::windowSession(QString *error) const
{
    CaptureStore store(m_store);
    if (!store.open()) {
        *error = store.errorString();
        return nullptr;
    }
    Session::Options options;
    options.remembers = true;
    options.receiver.port = 0;
    auto session = std::make_unique<Session>(m_store, options);
    if (!session->start(error) || !session->receiver().listen(error))
        return nullptr;
    return session;
}

std::unique_ptr<ListenProcess> TestHttps::listen(const QStringList &extra, quint16 *httpsPort,
                                                 QString *authority)
{
    auto listener = std::make_unique<ListenProcess>(
        m_store, QStringList{QStringLiteral("--https-port"), QStringLiteral("0")} + extra,
        environment());
    const QRegularExpressionMatch match
        = QRegularExpression(QStringLiteral("HTTPS on port (\\d+)(?: \\(clients trust (\\S+):)?"))
              .match(QString::fromUtf8(listener->output()));
    *httpsPort = quint16(match.captured(1).toUInt());
    if (authority)
        *authority = match.captured(2);
    return listener;
}

namespace {

// curl's exit code and what it printed.
std::pair<int, QByteArray> curl(const QStringList &arguments)
{
    QProcess process;
    process.start(
        QStringLiteral("curl"),
        QStringList{QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("10")}
            + arguments);
    process.waitForFinished(20'000);
    return {process.exitCode(), process.readAllStandardOutput() + process.readAllStandardError()};
}

} // namespace

void TestHttps::aClientTrustingTheLocalAuthorityIsCaptured()
{
    quint16 port = 0;
    QString authority;
    const auto listener = listen({}, &port, &authority);
    QVERIFY2(port != 0, listener->output().constData());
    QCOMPARE(authority, tlsFile("ca.pem"));
    // Keys are their owner's only.
    QCOMPARE(QFile(tlsFile("ca-key.pem")).permissions() & 0x0077, QFileDevice::Permissions());
    QCOMPARE(QFile(tlsFile("localhost-key.pem")).permissions() & 0x0077,
             QFileDevice::Permissions());
    for (const QString &host : {QStringLiteral("127.0.0.1"), QStringLiteral("localhost")}) {
        const auto [code, output]
            = curl({QStringLiteral("--cacert"), authority, QStringLiteral("-d"),
                    QStringLiteral("{\"tls\":1}"),
                    QStringLiteral("https://%1:%2/secure").arg(host).arg(port)});
        QVERIFY2(code == 0, output.constData());
    }
    QTRY_COMPARE_WITH_TIMEOUT(listener->captureIds().size(), 2, 10'000);
    const CliResult shown
        = runCli({QStringLiteral("show"), QString::number(listener->captureIds().first()),
                  QStringLiteral("--raw"), QStringLiteral("--store"), m_store});
    QVERIFY2(shown.out.startsWith("POST /secure HTTP/1.1\r\n"), shown.out.constData());
    QVERIFY(shown.out.endsWith("{\"tls\":1}"));
    const CliResult json
        = runCli({QStringLiteral("show"), QString::number(listener->captureIds().first()),
                  QStringLiteral("--json"), QStringLiteral("--store"), m_store});
    QVERIFY2(json.out.contains("\"tls\": true"), json.out.constData());
    const QString har = m_home->filePath(QStringLiteral("secure.har"));
    QCOMPARE(runCli({QStringLiteral("export"), QStringLiteral("--har"), har,
                     QStringLiteral("--store"), m_store})
                 .exitCode,
             0);
    QFile exported(har);
    QVERIFY(exported.open(QIODevice::ReadOnly));
    QVERIFY2(exported.readAll().contains(
                 QStringLiteral("\"url\": \"https://127.0.0.1:%1/secure\"").arg(port).toUtf8()),
             "a HAR entry says it was sent over HTTPS");

    // The next run keeps the authority: clients told to trust it still do.
    QFile first(authority);
    QVERIFY(first.open(QIODevice::ReadOnly));
    const QByteArray authorityPem = first.readAll();
    listener->process().terminate();
    QVERIFY(listener->process().waitForFinished(10'000));
    quint16 again = 0;
    const auto second = listen({}, &again);
    QFile kept(authority);
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QCOMPARE(kept.readAll(), authorityPem);
    const auto [code, output] = curl({QStringLiteral("--cacert"), authority,
                                      QStringLiteral("https://127.0.0.1:%1/again").arg(again)});
    QVERIFY2(code == 0, output.constData());
}

void TestHttps::failedHandshakesAreRecordedWithWhatWentWrong()
{
    quint16 port = 0;
    const auto listener = listen({}, &port);
    // Without the authority: curl refuses the certificate, and says so to Hookscope.
    QVERIFY(curl({QStringLiteral("https://127.0.0.1:%1/untrusted").arg(port)}).first != 0);
    QTRY_COMPARE_WITH_TIMEOUT(listener->captureIds().size(), 1, 10'000);
    // Plain HTTP on the HTTPS port.
    curl({QStringLiteral("http://127.0.0.1:%1/plain").arg(port)});
    QTRY_COMPARE_WITH_TIMEOUT(listener->captureIds().size(), 2, 10'000);
    const QList<qint64> ids = listener->captureIds();
    const CliResult untrusted = runCli(
        {QStringLiteral("show"), QString::number(ids.at(0)), QStringLiteral("--store"), m_store});
    QVERIFY2(untrusted.out.contains("Malformed: TLS handshake failed: the client does not trust "
                                    "the certificate"),
             untrusted.out.constData());
    const CliResult plain = runCli(
        {QStringLiteral("show"), QString::number(ids.at(1)), QStringLiteral("--store"), m_store});
    QVERIFY2(plain.out.contains("Malformed: TLS handshake failed: the client spoke plain HTTP to "
                                "the HTTPS port"),
             plain.out.constData());
}

namespace {

// Passes a client's connection on to `port`, its first bytes in two pieces a moment apart, as
// a slow network would: the receiver has to wait for the rest of the first record.
class SplittingRelay : public QTcpServer
{
public:
    explicit SplittingRelay(quint16 port)
        : m_port(port)
    {
        listen(QHostAddress::LocalHost);
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *client = nextPendingConnection())
                relay(client);
        });
    }

private:
    void relay(QTcpSocket *client)
    {
        auto *target = new QTcpSocket(client);
        target->connectToHost(QHostAddress::LocalHost, m_port);
        auto first = std::make_shared<bool>(true);
        connect(client, &QTcpSocket::readyRead, target, [client, target, first] {
            if (target->state() != QAbstractSocket::ConnectedState)
                return; // read once it is
            const QByteArray bytes = client->readAll();
            if (bytes.isEmpty())
                return;
            if (!*first) {
                target->write(bytes);
                return;
            }
            *first = false;
            target->write(bytes.first(3));
            QTimer::singleShot(100, target, [target, rest = bytes.mid(3)] { target->write(rest); });
        });
        connect(target, &QTcpSocket::connected, client, [client] { emit client->readyRead(); });
        connect(target, &QTcpSocket::readyRead, client,
                [client, target] { client->write(target->readAll()); });
        connect(target, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
        connect(client, &QTcpSocket::disconnected, target, &QTcpSocket::disconnectFromHost);
        connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
    }

    quint16 m_port;
};

} // namespace

// A client that checks the name itself (curl) completes the handshake and leaves at once when
// the certificate lacks the name it asked for: recorded with that name, even when its first
// record comes in pieces.
void TestHttps::aNameTheCertificateLacksIsRecorded()
{
    quint16 port = 0;
    const auto listener = listen({}, &port);
    SplittingRelay relay(port);
    QProcess client;
    client.start(QStringLiteral("curl"),
                 {QStringLiteral("-sS"), QStringLiteral("--max-time"), QStringLiteral("10"),
                  QStringLiteral("--cacert"), tlsFile("ca.pem"), QStringLiteral("--resolve"),
                  QStringLiteral("hooks.example.com:%1:127.0.0.1").arg(relay.serverPort()),
                  QStringLiteral("https://hooks.example.com:%1/named").arg(relay.serverPort())});
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QProcess::NotRunning, 20'000);
    QVERIFY2(client.readAllStandardError().contains("hooks.example.com"),
             "curl refuses the certificate for that name");
    QTRY_COMPARE_WITH_TIMEOUT(listener->captureIds().size(), 1, 10'000);
    const CliResult shown
        = runCli({QStringLiteral("show"), QString::number(listener->captureIds().first()),
                  QStringLiteral("--store"), m_store});
    QVERIFY2(shown.out.contains("Malformed: TLS handshake failed: the client asked for "
                                "\"hooks.example.com\", a name the certificate lacks (it names "
                                "localhost"),
             shown.out.constData());

    // A name the certificate has, and a request: captured as usual.
    const auto [code, output] = curl({QStringLiteral("--cacert"), tlsFile("ca.pem"),
                                      QStringLiteral("https://localhost:%1/ok").arg(port)});
    QVERIFY2(code == 0, output.constData());
    QTRY_COMPARE_WITH_TIMEOUT(listener->captureIds().size(), 2, 10'000);
}

void TestHttps::theUsersOwnCertificateServes()
{
    // A certificate and key of the user's: here, ones an earlier run made.
    {
        quint16 port = 0;
        listen({}, &port);
    }
    const QString certificate = m_home->filePath(QStringLiteral("mine.pem"));
    const QString key = m_home->filePath(QStringLiteral("mine-key.pem"));
    QVERIFY(QFile::copy(tlsFile("localhost.pem"), certificate));
    QVERIFY(QFile::copy(tlsFile("localhost-key.pem"), key));
    QVERIFY(QFile::remove(tlsFile("ca-key.pem"))); // not Hookscope's any more
    quint16 port = 0;
    const auto listener
        = listen({QStringLiteral("--cert"), certificate, QStringLiteral("--key"), key}, &port);
    QVERIFY2(listener->output().contains(QByteArray("(certificate: " + certificate.toUtf8() + ")")),
             listener->output().constData());
    const auto [code, output] = curl({QStringLiteral("--cacert"), tlsFile("ca.pem"),
                                      QStringLiteral("https://127.0.0.1:%1/mine").arg(port)});
    QVERIFY2(code == 0, output.constData());
    QVERIFY(!QFile::exists(tlsFile("ca-key.pem"))); // nothing made
}

void TestHttps::filesThatCannotBeUsedAreSaid()
{
    {
        quint16 port = 0;
        listen({}, &port);
    }
    const auto listenWith = [this](const QStringList &extra) {
        return runCli(QStringList{QStringLiteral("listen"), QStringLiteral("--port"),
                                  QStringLiteral("0"), QStringLiteral("--https-port"),
                                  QStringLiteral("0"), QStringLiteral("--store"), m_store}
                          + extra,
                      {}, environment());
    };
    CliResult result = listenWith(
        {QStringLiteral("--cert"), m_store, QStringLiteral("--key"), tlsFile("localhost-key.pem")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains("holds no PEM certificate"), result.err.constData());
    result = listenWith({QStringLiteral("--cert"), tlsFile("ca.pem"), QStringLiteral("--key"),
                         tlsFile("localhost-key.pem")});
    QVERIFY2(result.err.contains("is not the key of the certificate in"), result.err.constData());
    result = listenWith({QStringLiteral("--cert"), tlsFile("localhost.pem")});
    QVERIFY2(result.err.contains("--cert and --key go together"), result.err.constData());
    result = listenWith({QStringLiteral("--cert"), tlsFile("localhost.pem"),
                         QStringLiteral("--key"), m_home->filePath(QStringLiteral("missing.pem"))});
    QVERIFY2(result.err.contains("cannot read the key"), result.err.constData());
}

// HTTPS switched on in the window (through its Session): on at once, on the port chosen, and
// what `listen` does by default; a port already taken is said and the plain port stays.
void TestHttps::listenServesHttpsAsTheWindowSetIt()
{
    {
        QString error;
        const std::unique_ptr<Session> session = windowSession(&error);
        QVERIFY2(session, qPrintable(error));
        Session &window = *session;
        QVERIFY2(window.setHttps(quint16(0), &error), qPrintable(error));
        const quint16 port = window.receiver().httpsPort();
        QVERIFY(port != 0);
        // Listening again (here: the LAN switched off) keeps the free port it found.
        QVERIFY2(window.setLan(false, {}, &error), qPrintable(error));
        QCOMPARE(window.receiver().httpsPort(), port);
        const auto [code, output] = curl({QStringLiteral("--cacert"), tlsFile("ca.pem"),
                                          QStringLiteral("https://127.0.0.1:%1/window").arg(port)});
        QVERIFY2(code == 0, output.constData());

        // A port another program holds: said; plain HTTP goes on, and HTTPS as it was set.
        QTcpServer taken;
        QVERIFY(taken.listen(QHostAddress::Any));
        QVERIFY(!window.setHttps(taken.serverPort(), &error));
        QVERIFY2(error.contains(QLatin1String("already in use")), qPrintable(error));
        QVERIFY(window.receiver().isListening());
        QVERIFY(window.receiver().httpsPort() != 0); // any free one, as asked
        QCOMPARE(window.httpsPort(), std::optional<quint16>(0));
    }
    quint16 port = 0;
    QString authority;
    const auto listener = std::make_unique<ListenProcess>(m_store, QStringList(), environment());
    const QRegularExpressionMatch match = QRegularExpression(QStringLiteral("HTTPS on port (\\d+)"))
                                              .match(QString::fromUtf8(listener->output()));
    port = quint16(match.captured(1).toUInt());
    QVERIFY2(port != 0, listener->output().constData());
    const auto [code, output] = curl({QStringLiteral("--cacert"), tlsFile("ca.pem"),
                                      QStringLiteral("https://127.0.0.1:%1/listen").arg(port)});
    QVERIFY2(code == 0, output.constData());
}

// The user's certificate chosen in the window (through its Session) serves at once, a file
// that cannot be used changes nothing, and `listen` presents the same one by default.
void TestHttps::theWindowsOwnCertificateIsListensToo()
{
    {
        quint16 port = 0;
        listen({}, &port);
    }
    const QString certificate = m_home->filePath(QStringLiteral("mine.pem"));
    const QString key = m_home->filePath(QStringLiteral("mine-key.pem"));
    const QString authority = m_home->filePath(QStringLiteral("their-ca.pem"));
    QVERIFY(QFile::copy(tlsFile("localhost.pem"), certificate));
    QVERIFY(QFile::copy(tlsFile("localhost-key.pem"), key));
    QVERIFY(QFile::copy(tlsFile("ca.pem"), authority));
    QVERIFY(QDir(tlsFile("")).removeRecursively()); // nothing of Hookscope's left to present
    {
        QString error;
        const std::unique_ptr<Session> session = windowSession(&error);
        QVERIFY2(session, qPrintable(error));
        Session &window = *session;
        QVERIFY(!window.setHttpsCertificate(CertificateFiles{key, certificate}, &error));
        QVERIFY2(error.contains(QLatin1String("holds no PEM certificate")), qPrintable(error));
        QVERIFY(!window.httpsCertificate());
        QVERIFY(!Settings().httpsCertificate());

        QVERIFY2(window.setHttpsCertificate(CertificateFiles{certificate, key}, &error),
                 qPrintable(error));
        QVERIFY2(window.setHttps(quint16(0), &error), qPrintable(error));
        const auto [code, output] = curl(
            {QStringLiteral("--cacert"), authority,
             QStringLiteral("https://127.0.0.1:%1/window").arg(window.receiver().httpsPort())});
        QVERIFY2(code == 0, output.constData());
        QCOMPARE(Settings().httpsCertificate()->key, key);
    }
    const auto listener = std::make_unique<ListenProcess>(m_store, QStringList(), environment());
    QVERIFY2(listener->output().contains(QByteArray("(certificate: " + certificate.toUtf8() + ")")),
             listener->output().constData());
    const QRegularExpressionMatch match = QRegularExpression(QStringLiteral("HTTPS on port (\\d+)"))
                                              .match(QString::fromUtf8(listener->output()));
    const auto [code, output]
        = curl({QStringLiteral("--cacert"), authority,
                QStringLiteral("https://127.0.0.1:%1/listen").arg(match.captured(1))});
    QVERIFY2(code == 0, output.constData());
    QVERIFY(!QFile::exists(tlsFile("ca-key.pem"))); // nothing made
}

QTEST_GUILESS_MAIN(TestHttps)
#include "tst_https.moc"
