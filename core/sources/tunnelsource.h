#pragma once

#include "source.h"

#include "signing/signature.h"

#include <QProcess>
#include <QRegularExpression>
#include <QStringList>
#include <QTimer>

#include <optional>

namespace Hookscope {

// A tool of the user's that gives this receiver a public URL (cloudflared's quick tunnel,
// ngrok, or any command) or forwards a provider's events to it (the Stripe CLI), as Hookscope
// runs it.
struct TunnelSpec
{
    QString name;                  // "cloudflared", "ngrok", "stripe", or the command's program
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

    // "cloudflared", "ngrok", "stripe" (on PATH, or at a path: "/opt/bin/cloudflared"), or a
    // command line with {port} (and `pattern` to find the URL in its output; by default the
    // first https:// URL). Nullopt, saying why, when it is none.
    static std::optional<TunnelSpec> parse(const QString &text, quint16 port,
                                           const QString &pattern, QString *error);
    // The command as Hookscope runs it, for messages.
    QString commandLine() const;
};

// Runs a tunnel as a child process: reads the public URL (or signing secret) from its output,
// starts it again (Source::nextRestartDelayMs) when it exits, and stops it when told or
// destroyed.
class TunnelSource final : public Source
{
    Q_OBJECT
public:
    explicit TunnelSource(TunnelSpec spec, QObject *parent = nullptr);
    ~TunnelSource() override;

    // False, saying why (the tool is not installed: where to get it, and the command), when it
    // cannot start at all.
    bool start(QString *error);
    void stop() override;
    QString name() const override { return m_spec.name; }
    QString forwardUrl() const override { return m_spec.forwardUrl; }
    const TunnelSpec &spec() const { return m_spec; }

signals:
    // The tool printed its signing secret (TunnelSpec::secretPattern).
    void secretPrinted(const QByteArray &secret);

private:
    void launch();
    void readOutput();
    // Takes the signing secret out of a line of output, if the line has it.
    void takeSecret(QString &line);
    void onFinished(int exitCode, QProcess::ExitStatus status);

    TunnelSpec m_spec;
    QProcess m_process;
    QByteArray m_partialLine;
    QString m_lastLine; // of this run
    QByteArray m_secret;
    QTimer m_restart;
    qint64 m_startedAtMs = 0;
    bool m_stopping = false;
};

} // namespace Hookscope
