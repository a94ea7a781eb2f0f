#include "tunnelsource.h"

#include "wire/logging.h"

#include <QDateTime>
#include <QFileInfo>
#include <QStandardPaths>

#include <csignal>
#include <sys/prctl.h>

namespace Hookscope {
namespace {

// A tool that prints this much without a line end has its output taken as a line anyway.
constexpr qsizetype MaxLineBytes = 64 * 1024;
// How much of its last line a message about its exit quotes.
constexpr qsizetype MaxQuotedChars = 240;

} // namespace

std::optional<TunnelSpec> TunnelSpec::parse(const QString &text, quint16 port,
                                            const QString &pattern, QString *error)
{
    const QString portText = QString::number(port);
    TunnelSpec spec;
    const QString trimmed = text.trimmed();
    // A tool Hookscope knows, at a path of the user's ("/opt/bin/cloudflared").
    QString tool = trimmed;
    QString atPath;
    if (const QString base = QFileInfo(trimmed).fileName();
        trimmed.contains(QLatin1Char('/')) && !trimmed.contains(QLatin1Char(' '))
        && (base == QLatin1String("cloudflared") || base == QLatin1String("ngrok")
            || base == QLatin1String("stripe"))) {
        if (!QFileInfo(trimmed).isExecutable()) {
            if (error)
                *error = QStringLiteral("there is no program at %1").arg(trimmed);
            return std::nullopt;
        }
        tool = base;
        atPath = trimmed;
    }
    if (tool == QLatin1String("cloudflared")) {
        // A quick tunnel: no account; the URL is printed in a box on its log (stderr).
        spec.name = tool;
        spec.arguments = {QStringLiteral("tunnel"), QStringLiteral("--url"),
                          QStringLiteral("http://127.0.0.1:") + portText};
        spec.urlPattern
            = QRegularExpression(QStringLiteral("https://[-a-z0-9]+\\.trycloudflare\\.com"));
        spec.whereToGetIt = QStringLiteral(
            "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/"
            "downloads/");
    } else if (tool == QLatin1String("ngrok")) {
        // Its log as JSON on stdout: the "started tunnel" line carries the URL (an error line
        // may carry a link to ngrok's docs in "url" too). The address in full: "localhost" may
        // be ::1 first, and the receiver listens on 127.0.0.1.
        spec.name = tool;
        spec.arguments = {QStringLiteral("http"),         QStringLiteral("127.0.0.1:") + portText,
                          QStringLiteral("--log"),        QStringLiteral("stdout"),
                          QStringLiteral("--log-format"), QStringLiteral("json")};
        spec.urlPattern = QRegularExpression(
            QStringLiteral("^(?=.*\"msg\":\"started tunnel\").*\"url\":\"(https://[^\"]+)\""));
        spec.whereToGetIt = QStringLiteral("https://ngrok.com/download");
    } else if (tool == QLatin1String("stripe")) {
        // The Stripe CLI forwards the account's test events here, signed with a secret it
        // prints once ready ("> Ready! … Your webhook signing secret is whsec_… (^C to quit)"),
        // the same on every run. It gives no public URL.
        spec.name = tool;
        spec.forwardUrl = QStringLiteral("http://127.0.0.1:%1/stripe").arg(portText);
        spec.arguments
            = {QStringLiteral("listen"), QStringLiteral("--forward-to"), spec.forwardUrl};
        spec.secretPattern = QRegularExpression(QStringLiteral("\\bwhsec_[A-Za-z0-9]+"));
        spec.secretName = QStringLiteral("stripe-cli");
        spec.scheme = SignatureScheme();
        spec.scheme->kind = SignatureScheme::Kind::Stripe;
        spec.whereToGetIt = QStringLiteral("https://docs.stripe.com/stripe-cli (then run "
                                           "`stripe login` once)");
    } else {
        QStringList words = QProcess::splitCommand(trimmed);
        if (words.isEmpty()) {
            if (error)
                *error = QStringLiteral("no command given for the tunnel: name cloudflared, ngrok "
                                        "or a command with {port} in it");
            return std::nullopt;
        }
        spec.name = words.takeFirst();
        for (QString &word : words)
            word.replace(QLatin1String("{port}"), portText);
        spec.arguments = words;
        spec.urlPattern = QRegularExpression(
            pattern.isEmpty() ? QStringLiteral("https://[^\\s\"'<>|]+") : pattern);
    }
    if (!spec.urlPattern.isValid()) {
        if (error)
            *error = QStringLiteral("the URL pattern \"%1\" is not a regular expression: %2")
                         .arg(pattern, spec.urlPattern.errorString());
        return std::nullopt;
    }
    spec.program = !atPath.isEmpty() ? atPath
                   : spec.name.contains(QLatin1Char('/'))
                       ? spec.name
                       : QStandardPaths::findExecutable(spec.name);
    return spec;
}

QString TunnelSpec::commandLine() const
{
    return QStringList(QStringList{name} + arguments).join(QLatin1Char(' '));
}

TunnelSource::TunnelSource(TunnelSpec spec, QObject *parent)
    : Source(parent)
    , m_spec(std::move(spec))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    // Stopped with Hookscope even when Hookscope is killed: the kernel tells the child.
    m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    connect(&m_process, &QProcess::readyReadStandardOutput, this, &TunnelSource::readOutput);
    connect(&m_process, &QProcess::finished, this, &TunnelSource::onFinished);
    connect(&m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onFinished(-1, QProcess::CrashExit);
    });
    m_restart.setSingleShot(true);
    connect(&m_restart, &QTimer::timeout, this, &TunnelSource::launch);
}

TunnelSource::~TunnelSource()
{
    stop();
}

bool TunnelSource::start(QString *error)
{
    if (m_spec.program.isEmpty()) {
        if (error)
            *error = m_spec.whereToGetIt.isEmpty()
                         ? QStringLiteral("%1 was not found on PATH; Hookscope would run: %2")
                               .arg(m_spec.name, m_spec.commandLine())
                         : QStringLiteral("%1 is not installed (not found on PATH): get it from "
                                          "%2; Hookscope would run: %3")
                               .arg(m_spec.name, m_spec.whereToGetIt, m_spec.commandLine());
        return false;
    }
    m_stopping = false;
    launch();
    return true;
}

void TunnelSource::launch()
{
    m_partialLine.clear();
    m_lastLine.clear();
    m_startedAtMs = QDateTime::currentMSecsSinceEpoch();
    m_process.start(m_spec.program, m_spec.arguments);
}

void TunnelSource::stop()
{
    m_stopping = true;
    m_restart.stop();
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

void TunnelSource::readOutput()
{
    m_partialLine += m_process.readAllStandardOutput();
    if (!m_partialLine.contains('\n') && m_partialLine.size() > MaxLineBytes)
        m_partialLine += '\n';
    qsizetype end = 0;
    while ((end = m_partialLine.indexOf('\n')) >= 0) {
        QString line = QString::fromUtf8(m_partialLine.left(end)).trimmed();
        m_partialLine.remove(0, end + 1);
        takeSecret(line);
        if (!line.isEmpty())
            m_lastLine = line;
        addToLog(line);
        if (m_spec.urlPattern.pattern().isEmpty())
            continue;
        const QRegularExpressionMatch match = m_spec.urlPattern.match(line);
        if (!match.hasMatch())
            continue;
        setUrl(match.lastCapturedIndex() >= 1 ? match.captured(1) : match.captured());
    }
}

void TunnelSource::takeSecret(QString &line)
{
    if (m_spec.secretPattern.pattern().isEmpty())
        return;
    const QRegularExpressionMatch match = m_spec.secretPattern.match(line);
    if (!match.hasMatch())
        return;
    const QByteArray secret = match.captured().toUtf8();
    // Kept in the keychain, not in a log a user may paste somewhere.
    line.replace(
        match.capturedStart(), match.capturedLength(),
        QStringLiteral("[the secret, kept in the keychain as \"%1\"]").arg(m_spec.secretName));
    if (secret != m_secret) {
        m_secret = secret;
        emit secretPrinted(m_secret);
    }
    setForwarding(true);
}

void TunnelSource::onFinished(int exitCode, QProcess::ExitStatus status)
{
    setUrl({});
    setForwarding(false);
    if (m_stopping)
        return;
    const int delayMs = nextRestartDelayMs(QDateTime::currentMSecsSinceEpoch() - m_startedAtMs);
    const QString how
        = status == QProcess::CrashExit && exitCode == -1
              ? QStringLiteral("could not be started (%1)").arg(m_process.errorString())
          : status == QProcess::CrashExit ? QStringLiteral("stopped (killed)")
                                          : QStringLiteral("exited with code %1").arg(exitCode);
    // Its last words usually say why (no account, a port in use).
    QString lastWords;
    if (!m_lastLine.isEmpty()) {
        lastWords = QStringLiteral(". Its last line: ") + m_lastLine.left(MaxQuotedChars);
        if (m_lastLine.size() > MaxQuotedChars)
            lastWords += QStringLiteral("…");
    }
    emit problem(QStringLiteral("%1 %2; starting it again in %3 s%4")
                     .arg(m_spec.name, how, QString::number(delayMs / 1000), lastWords));
    qCInfo(lcSession, "tunnel %s %s", qPrintable(m_spec.name), qPrintable(how));
    m_restart.start(delayMs);
}

} // namespace Hookscope
