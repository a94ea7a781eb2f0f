#pragma once

#include "store/deliverylog.h"
#include "retrypolicy.h"
#include "sender.h"

#include "store/capturestore.h"
#include "signing/signaturesettings.h"

#include <QHash>
#include <QSet>
#include <QTimer>

namespace Hookscope {

struct ForwardOptions
{
    RetryPolicy retry;
    int timeoutMs = SendOptions().timeoutMs;
    int maxInFlight = 64;
};

// Sends captures on to the targets the writer queued them for (the deliveries table), retrying
// by the policy, and records every attempt beside the capture. The queue is the store itself:
// what is pending when the process ends is sent when a Forwarder starts again. Works on the
// thread it lives on; never blocks the capture path, which only inserts queue rows.
class Forwarder final : public QObject
{
    Q_OBJECT
public:
    // Names each delivery the same way at every attempt (DueDelivery::idHeaderValue()).
    static constexpr char DeliveryIdHeader[] = "Hookscope-Delivery-Id";

    Forwarder(const QString &storePath, ForwardOptions options, QObject *parent = nullptr);
    ~Forwarder() override;

    // Opens the store and starts sending what is due, including what an earlier run left.
    bool start(QString *error);
    // New captures were committed: their deliveries are due now.
    void wake();
    // Sends the delivery again now, whatever its state.
    void retryNow(qint64 deliveryId);
    // Pending deliveries per target.
    QHash<QString, qint64> backlog() { return m_log.backlog(); }
    // The bindings and secrets deliveries with the resign option are signed with.
    void setSignatureSettings(const SignatureSettings &settings) { m_signing = settings; }
    // Seeds the jitter so a test sees the same delays each run.
    void setRandomSeed(quint32 seed) { m_random.seed(seed); }

signals:
    // An attempt ended and is recorded in the store.
    void attempted(const Hookscope::DeliveryAttempt &attempt);
    void writeFailed(const QString &error);

private:
    void poll();
    void scheduleNextPoll(qint64 nowUs);
    void finish(const DueDelivery &due, const DeliveryResult &result);
    void flush();
    // Signalled, for a front end to show, and logged (hookscope.delivery info).
    void reportWriteFailure(const QString &message);

    ForwardOptions m_options;
    DeliveryLog m_log;
    bool m_started = false;
    Sender m_sender;
    QRandomGenerator m_random;
    SignatureSettings m_signing;
    QSet<qint64> m_inFlight; // sent, or answered but not yet written
    int m_sending = 0;       // sent and not answered yet
    QList<DeliveryAttempt> m_unwritten;
    QTimer m_pollTimer;
    QTimer m_flushTimer;
    bool m_pollQueued = false;
};

} // namespace Hookscope
