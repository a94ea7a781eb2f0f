#include "tunnelsource.h"

#include "wire/logging.h"

#include <QDateTime>
#include <QStandardPaths>

#include <csignal>
#include <sys/prctl.h>

namespace Hookscope {
namespace {

constexpr int MaxRestartDelayMs = 30'000;
// A run at least this long counts as having worked: the next restart waits 1 s again.
constexpr qint64 HealthyRunMs = 60'000;
constexpr qsizetype MaxLogLines = 1000;
// A tool that prints this much without a line end has its output taken as a line anyway.
constexpr qsizetype MaxLineBytes = 64 * 1024;

} // namespace

std::optional<TunnelSpec> TunnelSpec::parse(const QString &text, quint16 port,
                                            const QString &pattern, QString *error)
{
    const QString portText = QString::number(port);
    TunnelSpec spec;
    const QString trimmed = text.trimmed();
    if (trimmed == QLatin1String("cloudflared")) {
        // A quick tunnel: no account; the URL is printed in a box on its log (stderr).
        spec.name = trimmed;
        spec.arguments = {QStringLiteral("tunnel"), QStringLiteral("--url"),
                          QStringLiteral("http://127.0.0.1:") + portText};
        spec.urlPattern
            = QRegularExpression(QStringLiteral("https://[-a-z0-9]+\\.trycloudflare\\.com"));
        spec.whereToGetIt = QStringLiteral(
            "https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/"
            "downloads/");
    } else if (trimmed == QLatin1String("ngrok")) {
        // Its log as JSON on stdout: the "started tunnel" line carries the URL.
        spec.name = trimmed;
        spec.arguments = {QStringLiteral("http"),         portText,
                          QStringLiteral("--log"),        QStringLiteral("stdout"),
                          QStringLiteral("--log-format"), QStringLiteral("json")};
        spec.urlPattern = QRegularExpression(QStringLiteral("\"url\":\"(https://[^\"]+)\""));
        spec.whereToGetIt = QStringLiteral("https://ngrok.com/download");
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
    spec.program = spec.name.contains(QLatin1Char('/')) ? spec.name
                                                        : QStandardPaths::findExecutable(spec.name);
    return spec;
}

QString TunnelSpec::commandLine() const
{
    return QStringList(QStringList{name} + arguments).join(QLatin1Char(' '));
}

TunnelSource::TunnelSource(TunnelSpec spec, QObject *parent)
    : QObject(parent)
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
        const QString line = QString::fromUtf8(m_partialLine.left(end)).trimmed();
        m_partialLine.remove(0, end + 1);
        m_log.append(line);
        if (m_log.size() > MaxLogLines)
            m_log.removeFirst();
        emit logged(line);
        const QRegularExpressionMatch match = m_spec.urlPattern.match(line);
        if (!match.hasMatch())
            continue;
        const QString url = match.lastCapturedIndex() >= 1 ? match.captured(1) : match.captured();
        if (url != m_url) {
            m_url = url;
            emit urlChanged(m_url);
        }
    }
}

void TunnelSource::onFinished(int exitCode, QProcess::ExitStatus status)
{
    if (!m_url.isEmpty()) {
        m_url.clear();
        emit urlChanged(m_url);
    }
    if (m_stopping)
        return;
    if (QDateTime::currentMSecsSinceEpoch() - m_startedAtMs >= HealthyRunMs)
        m_restartDelayMs = 1000;
    const QString how
        = status == QProcess::CrashExit && exitCode == -1
              ? QStringLiteral("could not be started (%1)").arg(m_process.errorString())
          : status == QProcess::CrashExit ? QStringLiteral("stopped (killed)")
                                          : QStringLiteral("exited with code %1").arg(exitCode);
    emit problem(QStringLiteral("%1 %2; starting it again in %3 s")
                     .arg(m_spec.name, how)
                     .arg(m_restartDelayMs / 1000));
    qCInfo(lcSession, "tunnel %s %s", qPrintable(m_spec.name), qPrintable(how));
    m_restart.start(m_restartDelayMs);
    m_restartDelayMs = std::min(m_restartDelayMs * 2, MaxRestartDelayMs);
}

} // namespace Hookscope
