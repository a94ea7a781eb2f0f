#pragma once

#include <QObject>
#include <QStringList>

namespace Hookscope {

// Something that brings a provider's requests to this receiver, as Hookscope runs it: a tunnel
// of the user's (TunnelSource) or a relay channel Hookscope reads itself (SmeeSource). The
// window and `listen` present every kind the same way. Its output is kept (the last 1,000
// lines) for the user to read.
class Source : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // "cloudflared", "ngrok", "stripe", "smee", or a command's program.
    virtual QString name() const = 0;
    virtual void stop() = 0;
    // The public URL providers send to; empty while it starts or after it stopped.
    QString url() const { return m_url; }
    // For a tool that forwards a provider's events itself (`stripe listen`): the receiver's URL
    // it forwards to. Empty for the rest.
    virtual QString forwardUrl() const { return {}; }
    // Such a tool is ready, and forwards to forwardUrl() until it stops.
    bool isForwarding() const { return m_forwarding; }
    QStringList log() const { return m_log; }

signals:
    // Its URL, or whether it forwards, changed (both end when it stops).
    void urlChanged(const QString &url);
    // It stopped, and when it starts again; or it could not start.
    void problem(const QString &what);
    void logged(const QString &line);

protected:
    void setUrl(const QString &url);
    void setForwarding(bool forwarding);
    void addToLog(const QString &line);
    // How long to wait before starting again, after a run of `ranForMs`: 1 s, 2 s, 4 s … up to
    // 30 s, and 1 s again after a run that lasted.
    int nextRestartDelayMs(qint64 ranForMs);

private:
    QString m_url;
    bool m_forwarding = false;
    QStringList m_log;
    int m_restartDelayMs = 1000;
};

} // namespace Hookscope
