#include "listenprocess.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <csignal>

using namespace Hookscope::Testing;

// `listen --source`: a tunnel Hookscope starts, whose public URL it prints, restarts when it
// dies and stops when it quits. Offline, against stand-ins in tests/standins that print what
// the real tools print and relay requests to the receiver.
class TestSources final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cloudflaredGivesAPublicUrlAndRelays();
    void theTunnelStopsEvenWhenHookscopeIsKilled();
    void aToolThatIsNotInstalledIsNamedWithWhereToGetIt();
    void anyCommandWithAPatternForItsUrl();

private:
    // The stand-ins first on PATH, their files in m_dir.
    QProcessEnvironment standIns() const;
    QByteArray standInFile(const QString &name) const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
};

void TestSources::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = m_dir->filePath(QStringLiteral("captures.sqlite"));
}

QProcessEnvironment TestSources::standIns() const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PATH"), QStringLiteral(HOOKSCOPE_STANDINS) + QLatin1Char(':')
                                                   + environment.value(QStringLiteral("PATH")));
    environment.insert(QStringLiteral("HOOKSCOPE_STANDIN_DIR"), m_dir->path());
    return environment;
}

QByteArray TestSources::standInFile(const QString &name) const
{
    QFile file(m_dir->filePath(name));
    return file.open(QIODevice::ReadOnly) ? file.readAll().trimmed() : QByteArray();
}

namespace {

bool isRunning(qint64 pid)
{
    return pid > 0 && ::kill(pid_t(pid), 0) == 0;
}

QByteArray postTo(quint16 port, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5'000))
        return {};
    socket.write("POST " + path
                 + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
    QByteArray answer;
    while (socket.waitForReadyRead(10'000))
        answer += socket.readAll();
    return answer;
}

} // namespace

void TestSources::cloudflaredGivesAPublicUrlAndRelays()
{
    qint64 secondPid = 0;
    {
        ListenProcess listener(m_store, {QStringLiteral("--source"), QStringLiteral("cloudflared")},
                               standIns());
        QTRY_VERIFY_WITH_TIMEOUT(listener.output().contains("Public URL: "), 10'000);
        const qint64 pid = standInFile(QStringLiteral("cloudflared.pid")).toLongLong();
        QVERIFY(listener.output().contains(QByteArray(
            "Public URL: https://standin-" + QByteArray::number(pid) + ".trycloudflare.com\n")));
        // The URL comes before any capture line.
        QVERIFY(listener.captureIds().isEmpty());

        // Through the tunnel: captured, with the client's address Cloudflare adds.
        const quint16 relay = quint16(standInFile(QStringLiteral("cloudflared.port")).toUInt());
        QVERIFY(postTo(relay, "/stripe").startsWith("HTTP/1.1 200"));
        QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
        const CliResult shown
            = runCli({QStringLiteral("show"), QString::number(listener.captureIds().first()),
                      QStringLiteral("--raw"), QStringLiteral("--store"), m_store});
        QVERIFY2(shown.out.contains("Cf-Connecting-Ip: 203.0.113.7"), shown.out.constData());

        // It dies: started again, with a new URL.
        QVERIFY(isRunning(pid));
        ::kill(pid_t(pid), SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(
            listener.errors().contains("cloudflared stopped (killed); starting it again in 1 s"),
            10'000);
        QTRY_VERIFY_WITH_TIMEOUT(
            (secondPid = standInFile(QStringLiteral("cloudflared.pid")).toLongLong()) != pid
                && listener.output().contains(
                    QByteArray("standin-" + QByteArray::number(secondPid))),
            10'000);
        QVERIFY(isRunning(secondPid));
    }
    // Hookscope quit: so did its tunnel.
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(secondPid), 10'000);
}

void TestSources::theTunnelStopsEvenWhenHookscopeIsKilled()
{
    ListenProcess listener(m_store, {QStringLiteral("--source"), QStringLiteral("cloudflared")},
                           standIns());
    QTRY_VERIFY_WITH_TIMEOUT(listener.output().contains("Public URL: "), 10'000);
    const qint64 pid = standInFile(QStringLiteral("cloudflared.pid")).toLongLong();
    QVERIFY(isRunning(pid));
    listener.process().kill(); // no chance to stop it itself
    QVERIFY(listener.process().waitForFinished(10'000));
    QTRY_VERIFY_WITH_TIMEOUT(!isRunning(pid), 10'000);
}

void TestSources::aToolThatIsNotInstalledIsNamedWithWhereToGetIt()
{
    QProcess listener;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PATH"), m_dir->path()); // nothing there
    listener.setProcessEnvironment(environment);
    listener.start(cliPath(), {QStringLiteral("listen"), QStringLiteral("--port"),
                               QStringLiteral("0"), QStringLiteral("--bind"),
                               QStringLiteral("127.0.0.1"), QStringLiteral("--source"),
                               QStringLiteral("ngrok"), QStringLiteral("--store"), m_store});
    QVERIFY(listener.waitForFinished(10'000));
    QCOMPARE(listener.exitCode(), 2);
    const QByteArray error = listener.readAllStandardError();
    QVERIFY2(error.contains("ngrok is not installed (not found on PATH): get it from "
                            "https://ngrok.com/download; Hookscope would run: ngrok http "),
             error.constData());
    QVERIFY2(error.contains(" --log stdout --log-format json"), error.constData());
}

void TestSources::anyCommandWithAPatternForItsUrl()
{
    const QString command = QStringLiteral("cloudflared tunnel --url http://127.0.0.1:{port}");
    ListenProcess listener(m_store,
                           {QStringLiteral("--source"), command, QStringLiteral("--source-pattern"),
                            QStringLiteral("\\|  (https://\\S+)")},
                           standIns());
    QTRY_VERIFY_WITH_TIMEOUT(listener.output().contains("Public URL: https://standin-"), 10'000);
    // {port} was this receiver's: a request through the command's relay is captured.
    const quint16 relay = quint16(standInFile(QStringLiteral("cloudflared.port")).toUInt());
    QVERIFY(postTo(relay, "/custom").startsWith("HTTP/1.1 200"));
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);

    const CliResult badPattern
        = runCli({QStringLiteral("listen"), QStringLiteral("--port"), QStringLiteral("0"),
                  QStringLiteral("--source"), command, QStringLiteral("--source-pattern"),
                  QStringLiteral("("), QStringLiteral("--store"), m_store});
    QCOMPARE(badPattern.exitCode, 2);
    QVERIFY2(badPattern.err.contains("--source: the URL pattern \"(\" is not a regular expression"),
             badPattern.err.constData());
}

QTEST_GUILESS_MAIN(TestSources)
#include "tst_sources.moc"
