#include "listenprocess.h"

#include "secrets/secretstore.h"
#include "session/session.h"
#include "session/settings.h"
#include "sources/tunnelsource.h"
#include "store/capturestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QMessageAuthenticationCode>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <csignal>

using namespace Hookscope;
using namespace Hookscope::Testing;

namespace {

// A relay speaking smee.io's format (its lib/server.js): /new redirects to a new channel; the
// channel, asked for text/event-stream, sends "ready", then each request posted to it as
// {…headers, "body", "query", "timestamp"}. Unlike smee.io it keeps its events, numbered, and
// sends those after a reconnecting client's Last-Event-ID, to show none is lost or doubled.
class RelayStandIn final : public QObject
{
public:
    RelayStandIn()
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *socket = m_server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { answer(socket); });
        });
    }
    QString url(const char *path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2")
            .arg(m_server.serverPort())
            .arg(QLatin1String(path));
    }
    // As smee.io hands on a request posted to the channel.
    void publish(const QByteArray &payload)
    {
        m_events.append(payload);
        for (QTcpSocket *stream : std::as_const(m_streams))
            send(stream, m_events.size());
    }
    void dropStreams()
    {
        for (QTcpSocket *stream : std::as_const(m_streams))
            stream->disconnectFromHost();
        m_streams.clear();
    }
    qsizetype streams() const { return m_streams.size(); }
    const QList<QByteArray> &lastEventIds() const { return m_lastEventIds; }

private:
    void answer(QTcpSocket *socket)
    {
        m_heads[socket] += socket->readAll();
        if (!m_heads[socket].contains("\r\n\r\n"))
            return;
        const QByteArray head = m_heads.take(socket); // the next request on it starts afresh
        if (head.startsWith("HEAD /new ") || head.startsWith("GET /new ")) {
            socket->write("HTTP/1.1 307 Temporary Redirect\r\nLocation: /chan1\r\n"
                          "Content-Length: 0\r\n\r\n");
            return;
        }
        if (!head.startsWith("GET /chan1 ")
            || !head.contains("\r\nAccept: text/event-stream\r\n")) {
            socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        const QRegularExpressionMatch lastId
            = QRegularExpression(QStringLiteral("\r\nLast-Event-ID: (\\d+)\r\n"))
                  .match(QString::fromLatin1(head));
        m_lastEventIds.append(lastId.captured(1).toLatin1());
        socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                      "Cache-Control: no-cache\r\nConnection: close\r\n\r\n"
                      "event: ready\ndata: {}\n\n");
        for (qsizetype id = lastId.captured(1).toLongLong() + 1; id <= m_events.size(); ++id)
            send(socket, id);
        m_streams.append(socket);
    }
    void send(QTcpSocket *stream, qsizetype id)
    {
        stream->write("id: " + QByteArray::number(id) + "\ndata: " + m_events.at(id - 1) + "\n\n");
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_heads;
    QList<QTcpSocket *> m_streams;
    QList<QByteArray> m_events;
    QList<QByteArray> m_lastEventIds; // as each stream was asked for ("": none)
};

// What smee.io sends for a GitHub delivery: the headers Node read (lower case), the body
// parsed and written again by JSON.stringify, the query, when it came.
QByteArray smeePayload(int number, const QByteArray &extraHeaders = {})
{
    return R"({"host":"smee.io","x-github-event":"issues","content-type":"application/json",)"
           R"("content-length":"9999","x-forwarded-for":"140.82.115.9",)"
           + extraHeaders + R"("x-hub-signature-256":"sha256=00",)"
           + R"("body":{"action":"opened","number":)" + QByteArray::number(number)
           + R"(},"query":{"hook":"1"},"timestamp":)"
           + QByteArray::number(QDateTime::currentMSecsSinceEpoch()) + "}";
}

} // namespace

// `listen --source`: a tunnel Hookscope starts, whose public URL it prints, restarts when it
// dies and stops when it quits. Offline, against stand-ins in tests/standins that print what
// the real tools print and relay requests to the receiver.
class TestSources final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cloudflaredGivesAPublicUrlAndRelays();
    void ngrokGivesAPublicUrlAndRelays();
    void ngrokTakesTheUrlOfTheStartedTunnelOnly();
    void stripeListenSecretIsKeptAndVerifiesItsEvents();
    void listenSaysWhereStripeEventsArriveAndWhichSecretSignsThem();
    void smeeEventsBecomeCapturesAndNoneIsLostWhenTheStreamDrops();
    void listenMakesASmeeChannelAndPrintsIt();
    void theTunnelStopsEvenWhenHookscopeIsKilled();
    void aToolThatIsNotInstalledIsNamedWithWhereToGetIt();
    void anyCommandWithAPatternForItsUrl();

private:
    // The stand-ins first on PATH, their files in m_dir.
    QProcessEnvironment standIns() const;
    QByteArray standInFile(const QString &name) const;

    QTemporaryDir m_home;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
};

void TestSources::initTestCase()
{
    // The window's settings (the bindings a source adds) go to a folder of the test's own.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("config"))));
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("data"))));
}

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
        // Where it came from: the tunnel, the URL the provider called, the client.
        const CliResult asJson
            = runCli({QStringLiteral("show"), QString::number(listener.captureIds().first()),
                      QStringLiteral("--json"), QStringLiteral("--store"), m_store});
        const QJsonObject source = QJsonDocument::fromJson(asJson.out)
                                       .object()
                                       .value(QStringLiteral("source"))
                                       .toObject();
        QCOMPARE(source.value(QStringLiteral("via")).toString(), QStringLiteral("cloudflared"));
        QCOMPARE(source.value(QStringLiteral("client")).toString(), QStringLiteral("203.0.113.7"));
        QCOMPARE(source.value(QStringLiteral("publicUrl")).toString(),
                 QStringLiteral("https://standin-%1.trycloudflare.com/stripe").arg(pid));
        const CliResult listed = runCli(
            {QStringLiteral("list"), QStringLiteral("--json"), QStringLiteral("--store"), m_store});
        QCOMPARE(QJsonDocument::fromJson(listed.out)
                     .array()
                     .first()
                     .toObject()
                     .value(QStringLiteral("source"))
                     .toString(),
                 QStringLiteral("cloudflared \u00b7 203.0.113.7"));
        QCOMPARE(QJsonDocument::fromJson(listed.out)
                     .array()
                     .first()
                     .toObject()
                     .value(QStringLiteral("sourceUrl"))
                     .toString(),
                 QStringLiteral("https://standin-%1.trycloudflare.com/stripe").arg(pid));

        // It dies: started again, with a new URL.
        QVERIFY(isRunning(pid));
        ::kill(pid_t(pid), SIGKILL);
        QTRY_VERIFY_WITH_TIMEOUT(
            listener.errors().contains("cloudflared stopped (killed); starting it again in 1 s. "
                                       "Its last line: "),
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

void TestSources::ngrokGivesAPublicUrlAndRelays()
{
    ListenProcess listener(m_store, {QStringLiteral("--source"), QStringLiteral("ngrok")},
                           standIns());
    QTRY_VERIFY_WITH_TIMEOUT(listener.output().contains("Public URL: "), 10'000);
    const qint64 pid = standInFile(QStringLiteral("ngrok.pid")).toLongLong();
    QVERIFY2(listener.output().contains(QByteArray(
                 "Public URL: https://standin-" + QByteArray::number(pid) + ".ngrok-free.app\n")),
             listener.output().constData());

    const quint16 relay = quint16(standInFile(QStringLiteral("ngrok.port")).toUInt());
    QVERIFY(postTo(relay, "/github").startsWith("HTTP/1.1 200"));
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    const CliResult shown
        = runCli({QStringLiteral("show"), QString::number(listener.captureIds().first()),
                  QStringLiteral("--raw"), QStringLiteral("--store"), m_store});
    QVERIFY2(shown.out.contains("X-Forwarded-For: 198.51.100.23"), shown.out.constData());
}

void TestSources::ngrokTakesTheUrlOfTheStartedTunnelOnly()
{
    // Where PATH does not lead: the tool at the user's path, run as that tool.
    const QString atPath = QStringLiteral(HOOKSCOPE_STANDINS "/ngrok");
    QString pathError;
    const std::optional<TunnelSpec> installed = TunnelSpec::parse(atPath, 4747, {}, &pathError);
    QVERIFY2(installed, qPrintable(pathError));
    QCOMPARE(installed->name, QStringLiteral("ngrok"));
    QCOMPARE(installed->program, atPath);
    QCOMPARE(installed->arguments.value(0), QStringLiteral("http"));
    QVERIFY(!TunnelSpec::parse(QStringLiteral("/nowhere/ngrok"), 4747, {}, &pathError));
    QCOMPARE(pathError, QStringLiteral("there is no program at /nowhere/ngrok"));

    QString error;
    const std::optional<TunnelSpec> spec
        = TunnelSpec::parse(QStringLiteral("ngrok"), 4747, {}, &error);
    QVERIFY2(spec, qPrintable(error));
    QCOMPARE(spec->arguments.value(1), QStringLiteral("127.0.0.1:4747"));
    const auto urlIn = [&](const char *line) {
        return spec->urlPattern.match(QString::fromUtf8(line)).captured(1);
    };
    const char *started = R"({"addr":"http://127.0.0.1:4747","lvl":"info","msg":"started tunnel",)"
                          R"("name":"command_line","obj":"tunnels","t":"2026-11-30T10:00:00+0000",)"
                          R"("url":"https://ab12-203-0-113-7.ngrok-free.app"})";
    QCOMPARE(urlIn(started), QStringLiteral("https://ab12-203-0-113-7.ngrok-free.app"));
    // An error line links to ngrok's docs: not a public URL.
    const char *failed
        = R"({"err":"authentication failed","lvl":"eror","msg":"failed to )"
          R"(reconnect session","url":"https://ngrok.com/docs/errors/err_ngrok_4018"})";
    QCOMPARE(urlIn(failed), QString());
}

// The window's session runs `stripe listen`: the secret it prints goes to the keychain (never to
// its log) and is bound to /stripe, for this run and the next; the events it forwards verify.
void TestSources::stripeListenSecretIsKeptAndVerifiesItsEvents()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("No session bus: tests/run.sh starts one with an unlocked gnome-keyring");
    const QByteArray path = qgetenv("PATH");
    qputenv("PATH", HOOKSCOPE_STANDINS ":" + path);
    qputenv("HOOKSCOPE_STANDIN_DIR", QFile::encodeName(m_dir->path()));
    const auto restorePath = qScopeGuard([&path] { qputenv("PATH", path); });
    CaptureStore store(m_store);
    QVERIFY(store.open());
    Session::Options options;
    options.remembers = true;
    options.receiver.addresses = {QHostAddress::LocalHost};
    options.receiver.port = 0; // a free one
    Session session(m_store, options);
    QString error;
    QVERIFY2(session.start(&error), qPrintable(error));
    QVERIFY2(session.receiver().listen(&error), qPrintable(error));
    QSignalSpy bound(&session, &Session::tunnelSecretBound);
    QVERIFY2(session.startTunnel(QStringLiteral("stripe"), {}, &error), qPrintable(error));
    QVERIFY(bound.wait(10'000));
    QCOMPARE(bound.first().value(0).toString(), QStringLiteral("stripe-cli"));
    QCOMPARE(bound.first().value(1).toByteArray(), QByteArray("/stripe"));
    QCOMPARE(bound.first().value(3).toString(), QString());

    SecretStore secrets;
    const std::optional<QByteArray> secret = secrets.readNow(QStringLiteral("stripe-cli"), &error);
    QVERIFY2(secret && secret->startsWith("whsec_"), qPrintable(error));
    const QString log = session.tunnel()->log().join(QLatin1Char('\n'));
    QVERIFY2(!log.contains(QLatin1String("whsec_")), qPrintable(log));
    QVERIFY2(log.contains(QLatin1String("[the secret, kept in the keychain as \"stripe-cli\"]")),
             qPrintable(log));
    const QList<SignatureBinding> saved = Settings().signatureBindings();
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().pathPrefix, QByteArray("/stripe"));
    QCOMPARE(saved.first().secretName, QStringLiteral("stripe-cli"));
    QVERIFY(saved.first().scheme && saved.first().scheme->kind == SignatureScheme::Kind::Stripe);

    // An event, as `stripe trigger` makes the CLI forward one.
    QSignalSpy committed(&session.writer(), &CaptureWriter::committed);
    ::kill(pid_t(standInFile(QStringLiteral("stripe.pid")).toLongLong()), SIGUSR1);
    QVERIFY(committed.wait(10'000));
    const CaptureSummary summary
        = committed.first().first().value<CommittedBatch>().first().summary;
    const qint64 id = summary.id;
    QCOMPARE(summary.source, QStringLiteral("stripe listen"));
    QSignalSpy checked(&session.checker(), &SignatureChecker::checked);
    session.checker().check({id});
    QVERIFY(checked.wait(10'000));
    const SignatureVerdict verdict
        = checked.first().first().value<QHash<qint64, SignatureVerdict>>().value(id);
    QCOMPARE(verdict.scheme, QStringLiteral("stripe"));
    QVERIFY2(verdict.outcome == SignatureVerdict::Outcome::Valid, qPrintable(verdict.reason));
    QCOMPARE(secrets.removeNow(QStringLiteral("stripe-cli")), QString());
}

void TestSources::listenSaysWhereStripeEventsArriveAndWhichSecretSignsThem()
{
    ListenProcess listener(m_store, {QStringLiteral("--source"), QStringLiteral("stripe")},
                           standIns());
    QTRY_VERIFY_WITH_TIMEOUT(listener.output().contains("signed with the secret"), 10'000);
    const QByteArray expected
        = "stripe forwards to http://127.0.0.1:" + QByteArray::number(listener.port())
          + "/stripe, signed with the secret \"stripe-cli\" (kept in ";
    QVERIFY2(listener.output().contains(expected), listener.output().constData());
    QVERIFY(!listener.output().contains("whsec_"));
    QVERIFY(listener.captureIds().isEmpty());
}

// A smee channel Hookscope makes and reads: each event is a capture at /smee with the headers
// and the body as smee passed them on, marked as relayed; a signature over the provider's bytes
// is said not to verify because of the relay. The stream drops: Hookscope asks again from the
// last event it had, and the event sent meanwhile arrives once.
void TestSources::smeeEventsBecomeCapturesAndNoneIsLostWhenTheStreamDrops()
{
    RelayStandIn relay;
    CaptureStore store(m_store);
    QVERIFY(store.open());
    Session session(m_store, {});
    QString error;
    QVERIFY2(session.start(&error), qPrintable(error));
    SignatureBinding github;
    github.pathPrefix = "/smee";
    github.scheme = SignatureScheme::parse(QStringLiteral("github"), &error);
    github.secretName = QStringLiteral("gh");
    SignatureSettings signing;
    signing.bindings = {github};
    signing.secrets.insert(QStringLiteral("gh"), "It's a Secret to Everybody");
    session.setSignatureSettings(signing);
    QSignalSpy committed(&session.writer(), &CaptureWriter::committed);
    const auto committedIds = [&committed] {
        QList<qint64> ids;
        for (const QList<QVariant> &signal : std::as_const(committed)) {
            for (const CommittedCapture &capture : signal.first().value<CommittedBatch>())
                ids.append(capture.summary.id);
        }
        return ids;
    };

    QVERIFY2(session.startTunnel(QStringLiteral("smee:") + relay.url("/new"), {}, &error),
             qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(session.tunnel()->url(), relay.url("/chan1"), 10'000);
    // The channel made is the one offered next time, not another new one.
    QCOMPARE(session.tunnelSpec(), QStringLiteral("smee:") + relay.url("/chan1"));
    relay.publish(smeePayload(1, R"("x-evil":"a\r\nInjected: 1",)"));
    QTRY_COMPARE_WITH_TIMEOUT(committedIds().size(), 1, 10'000);

    const std::optional<CapturedRequest> first = store.capture(committedIds().first());
    QVERIFY(first);
    QCOMPARE(first->method, QByteArray("POST"));
    QCOMPARE(first->target, QByteArray("/smee?hook=1"));
    const QByteArray firstBody = R"({"action":"opened","number":1})";
    QCOMPARE(first->body, firstBody);
    QCOMPARE(headerValue(first->headers, "x-github-event"), QByteArray("issues"));
    QCOMPARE(headerValue(first->headers, "content-length"), QByteArray("30"));
    QCOMPARE(headerValue(first->headers, "Injected"), QByteArray());
    QCOMPARE(headerValue(first->headers, "x-evil"), QByteArray());
    QCOMPARE(first->relay, relay.url("/chan1"));
    QVERIFY(
        session.tunnel()->log().join(QLatin1Char('\n')).contains(QLatin1String("header left out")));
    QCOMPARE(store.summaries(0, 10).value(0).source, QStringLiteral("smee \u00b7 140.82.115.9"));
    const SignatureVerdict verdict = signing.verify(*first);
    QVERIFY(verdict.outcome == SignatureVerdict::Outcome::Invalid);
    QVERIFY2(verdict.reason.contains(QLatin1String("came through smee.io, which passes JSON bodies "
                                                   "on re-serialized")),
             qPrintable(verdict.reason));

    // The stream drops; an event is sent meanwhile; the next stream starts after event 1.
    QSignalSpy problems(session.tunnel(), &Source::problem);
    relay.dropStreams();
    QVERIFY(problems.wait(10'000));
    QVERIFY2(problems.first().first().toString().startsWith(QLatin1String("smee: ")),
             qPrintable(problems.first().first().toString()));
    relay.publish(smeePayload(2));
    QTRY_COMPARE_WITH_TIMEOUT(relay.streams(), 1, 10'000);
    QCOMPARE(relay.lastEventIds(), (QList<QByteArray>{"", "1"}));
    QTRY_COMPARE_WITH_TIMEOUT(committedIds().size(), 2, 10'000);
    relay.publish(smeePayload(3));
    QTRY_COMPARE_WITH_TIMEOUT(committedIds().size(), 3, 10'000);
    QByteArray expected = firstBody;
    QCOMPARE(store.capture(committedIds().at(1))->body, expected.replace('1', '2'));
    QCOMPARE(store.capture(committedIds().at(2))->body, expected.replace('2', '3'));
}

void TestSources::listenMakesASmeeChannelAndPrintsIt()
{
    RelayStandIn relay;
    ListenProcess listener(
        m_store, {QStringLiteral("--source"), QStringLiteral("smee:") + relay.url("/new")});
    QTRY_VERIFY_WITH_TIMEOUT(listener.output().contains("Public URL: "), 10'000);
    QVERIFY2(listener.output().contains(
                 QByteArray("Public URL: " + relay.url("/chan1").toUtf8() + '\n')),
             listener.output().constData());
    relay.publish(smeePayload(1));
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
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
