#pragma once

#include "signing/signature.h"

#include <QObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStringList>
#include <QTimer>

#include <optional>

namespace Hookscope {

// A tool of the user's that gives this receiver a public URL (cloudflared's quick tunnel,
// ngrok, or any command), as Hookscope runs it.
struct TunnelSpec
{
    QString name;                  // "cloudflared", "ngrok", or the command's program
    QString program;               // as found on PATH, or as given
    QStringList arguments;         // {port} filled in
    QRegularExpression urlPattern; // its first capture group (or whole match) is the URL
    QString whereToGetIt;          // for a tool that is not installed; empty for a command
    // For a tool that forwards a provider's events to this receiver itself (`stripe listen`):
    // the URL they arrive at, and the signing secret it prints, which Hookscope keeps in the
    // keychain under `secretName` and binds, with `scheme`, to the URL's path.
    QString forwardUrl;
    QRegularExpression secretPattern;
    QString secretName;
    std::optional<SignatureScheme> scheme;

    // "cloudflared", "ngrok", "stripe", or a command line with {port} (and `pattern` to find the
    // URL in its output; by default the first https:// URL). Nullopt, saying why, when it is
    // none.
    static std::optional<TunnelSpec> parse(const QString &text, quint16 port,
                                           const QString &pattern, QString *error);
    // The command as Hookscope runs it, for messages.
    QString commandLine() const;
};

// Runs a tunnel as a child process: reads the public URL (or signing secret) from its output,
// starts it again (1 s, 2 s, 4 s … up to 30 s apart) when it exits, and stops it when told or
// destroyed. Its output is kept (the last 1,000 lines) for the user to read.
class TunnelSource final : public QObject
{
    Q_OBJECT
public:
    explicit TunnelSource(TunnelSpec spec, QObject *parent = nullptr);
    ~TunnelSource() override;

    // False, saying why (the tool is not installed: where to get it, and the command), when it
    // cannot start at all.
    bool start(QString *error);
    void stop();
    const TunnelSpec &spec() const { return m_spec; }
    // The public URL, once the tool printed it; empty while it starts or after it exited.
    QString url() const { return m_url; }
    // A tool that forwards events itself (TunnelSpec::forwardUrl) printed its secret: it is
    // ready, and forwards to spec().forwardUrl until it exits.
    bool isForwarding() const { return m_forwarding; }
    QStringList log() const { return m_log; }

signals:
    // Its URL, or whether it forwards, changed (both end when it exits).
    void urlChanged(const QString &url);
    // The tool printed its signing secret (TunnelSpec::secretPattern).
    void secretPrinted(const QByteArray &secret);
    // It exited, and when it starts again; or it could not be started.
    void problem(const QString &what);
    void logged(const QString &line);

private:
    void launch();
    void readOutput();
    // Takes the signing secret out of a line of output, if the line has it.
    void takeSecret(QString &line);
    void onFinished(int exitCode, QProcess::ExitStatus status);

    TunnelSpec m_spec;
    QProcess m_process;
    QString m_url;
    QStringList m_log;
    QByteArray m_partialLine;
    QString m_lastLine; // of this run
    QByteArray m_secret;
    bool m_forwarding = false;
    QTimer m_restart;
    int m_restartDelayMs = 1000;
    qint64 m_startedAtMs = 0;
    bool m_stopping = false;
};

} // namespace Hookscope
