#pragma once

#include "store/deliverylog.h"
#include "retrypolicy.h"
#include "sender.h"

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
//
// A target that does not answer (or answers 429/502/503/504) is down: its deliveries are held
// back, and only its oldest is sent, as a probe, at backoff intervals; the moment the target
// answers, what it missed is sent at once, in the order it arrived. A target answering 500 to
// one delivery is not down: that delivery alone is retried.
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
    // Sends the delivery again now, whatever its state, even to a target that is down.
    void retryNow(qint64 deliveryId);
    // Sends the failed deliveries to `target` (every target when empty), or of `captureIds`,
    // again; those to a target that is down wait for it like the rest.
    void retryFailed(const QString &target);
    void retryFailed(const QList<qint64> &captureIds);
    // From the next attempt on.
    void setRetryPolicy(const RetryPolicy &policy) { m_options.retry = policy; }
    // Pending deliveries per target.
    QHash<QString, qint64> backlog() { return m_log.backlog(); }
    // The bindings and secrets deliveries with the resign option are signed with.
    void setSignatureSettings(const SignatureSettings &settings) { m_signing = settings; }
    // Seeds the jitter so a test sees the same delays each run.
    void setRandomSeed(quint32 seed) { m_random.seed(seed); }

signals:
    // An attempt ended and is recorded in the store.
    void attempted(const Hookscope::DeliveryAttempt &attempt);
    // A delivery waiting for its target to come back was given up (see DeliveryLog::giveUpHeld).
    void gaveUp(const Hookscope::DeliveryAttempt &last);
    void writeFailed(const QString &error);

private:
    // A target that is down, and when its next probe goes out.
    struct Outage
    {
        int failedProbes = 0;
        qint64 nextProbeUs = 0;
        qint64 probeId = 0; // the delivery under way as a probe, if any
    };

    void poll();
    // Sends a probe to each target down whose time has come; gives up what waited too long.
    void probeOutages(qint64 nowUs);
    void send(const DueDelivery &delivery, qint64 nowUs);
    void scheduleNextPoll(qint64 nowUs);
    // `sent`: false when the request could not be made (its capture is gone), so there is
    // nothing to retry and nothing learnt about the target.
    void finish(const DueDelivery &due, const DeliveryResult &result, bool sent = true);
    void flush();
    // Signalled, for a front end to show, and logged (hookscope.delivery info).
    void reportWriteFailure(const QString &message);

    ForwardOptions m_options;
    DeliveryLog m_log;
    bool m_started = false;
    Sender m_sender;
    QRandomGenerator m_random;
    SignatureSettings m_signing;
    QSet<qint64> m_inFlight;         // sent, or answered but not yet written
    int m_sending = 0;               // sent and not answered yet
    QHash<QString, int> m_sendingTo; // per target, while any is
    QHash<QString, int> m_capOf;     // per target with a send in flight that has a cap: its cap
    QList<DeliveryAttempt> m_unwritten;
    QHash<QString, Outage> m_outages;
    QSet<QString> m_recovered; // answered again: their held deliveries are due at the next flush
    QSet<qint64> m_forced;     // retried by hand: sent even to a target that is down
    QTimer m_pollTimer;
    QTimer m_flushTimer;
    bool m_pollQueued = false;
};

} // namespace Hookscope
