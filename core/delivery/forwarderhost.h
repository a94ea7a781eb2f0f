#pragma once

#include "forwarder.h"

#include <QThread>

namespace Hookscope {

// Runs a Forwarder on a thread of its own, so sending and recording never take time from the
// caller's thread (the GUI's). Its signals arrive on the thread that made the host.
class ForwarderHost final : public QObject
{
    Q_OBJECT
public:
    ForwarderHost(const QString &storePath, ForwardOptions options, QObject *parent = nullptr);
    ~ForwarderHost() override; // records what was answered; the rest stays queued

    // Blocks until the forwarder has opened the store and begun sending what is due.
    bool start(QString *error);
    void wake();
    void retryNow(qint64 deliveryId);
    // See Forwarder::retryFailed().
    void retryFailed(const QString &target);
    void retryFailed(const QList<qint64> &captureIds);
    void setRetryPolicy(const RetryPolicy &policy);
    RetryPolicy retryPolicy() const { return m_options.retry; }
    // See Forwarder::setSignatureSettings().
    void setSignatureSettings(const SignatureSettings &settings);

signals:
    void attempted(const Hookscope::DeliveryAttempt &attempt);
    void gaveUp(const Hookscope::DeliveryAttempt &last);
    void writeFailed(const QString &error);

private:
    QString m_storePath;
    ForwardOptions m_options;
    SignatureSettings m_signing;
    QThread m_thread;
    QObject m_context;                // lives on m_thread
    Forwarder *m_forwarder = nullptr; // created, used and deleted on m_thread
};

} // namespace Hookscope
