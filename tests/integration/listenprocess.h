#pragma once

// Runs the real `hookscope-cli` for integration tests.

#include <QProcess>
#include <QRegularExpression>
#include <QTest>

namespace Hookscope::Testing {

// HOOKSCOPE_CLI (set by CTest), else the one built beside the tests.
inline QString cliPath()
{
    return qEnvironmentVariable("HOOKSCOPE_CLI", QStringLiteral(HOOKSCOPE_BUILT_CLI));
}

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs it to its end, with `input` on its standard input, in `environment`.
inline CliResult runCli(const QStringList &arguments, const QByteArray &input = {},
                        const QProcessEnvironment &environment
                        = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(cliPath(), arguments);
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(60'000);
    return {process.exitCode(), process.readAllStandardOutput(), process.readAllStandardError()};
}

// curl's -H arguments for "Name: value" lines, as `hookscope-cli sign` prints them.
inline QStringList headerArguments(const QByteArray &lines)
{
    QStringList arguments;
    for (const QByteArray &line : lines.split('\n')) {
        if (!line.isEmpty())
            arguments << QStringLiteral("-H") << QString::fromUtf8(line);
    }
    return arguments;
}

// `hookscope-cli listen` on a free loopback port with its output collected.
class ListenProcess final
{
public:
    explicit ListenProcess(const QString &storePath, const QStringList &extra = {},
                           const QProcessEnvironment &environment
                           = QProcessEnvironment::systemEnvironment())
    {
        m_process.setProcessEnvironment(environment);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(cliPath(), QStringList{QStringLiteral("listen"), QStringLiteral("--port"),
                                               QStringLiteral("0"), QStringLiteral("--bind"),
                                               QStringLiteral("127.0.0.1"),
                                               QStringLiteral("--store"), storePath}
                                       + extra);
        m_process.waitForStarted();
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process,
                         [this] { m_output += m_process.readAllStandardOutput(); });
        QTRY_VERIFY_WITH_TIMEOUT(m_output.contains("Listening on"), 10'000);
        const QRegularExpressionMatch match
            = QRegularExpression(QStringLiteral("127\\.0\\.0\\.1:(\\d+)/"))
                  .match(QString::fromUtf8(m_output));
        m_port = quint16(match.captured(1).toUInt());
    }
    ~ListenProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(10'000))
                m_process.kill();
        }
    }

    quint16 port() const { return m_port; }
    QString url(const QString &path) const
    {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path);
    }
    QProcess &process() { return m_process; }
    QByteArray output() const { return m_output; }
    // What it printed on its standard error so far.
    QByteArray errors() { return m_errors += m_process.readAllStandardError(); }

    // Capture IDs printed so far, in order ("... #ID" at the end of each line).
    QList<qint64> captureIds() const
    {
        QList<qint64> ids;
        static const QRegularExpression idAtEnd(QStringLiteral("#(\\d+)$"),
                                                QRegularExpression::MultilineOption);
        auto it = idAtEnd.globalMatch(QString::fromUtf8(m_output));
        while (it.hasNext())
            ids.append(it.next().captured(1).toLongLong());
        return ids;
    }

private:
    QProcess m_process;
    QByteArray m_output;
    QByteArray m_errors;
    quint16 m_port = 0;
};

} // namespace Hookscope::Testing
