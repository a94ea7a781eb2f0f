#pragma once

#include "retrypolicy.h"
#include "sender.h"

#include "capture/capturestore.h"

#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QTimer>

namespace Hookscope {

struct ForwardOptions
{
    RetryPolicy retry;
    SendOptions send;
    bool keepHost = false;
    int maxInFlight = 64;
};

// One attempt at a delivery, as reported after it ended.
struct DeliveryAttempt
{
    enum class State { Pending, Delivered, Failed }; // Pending: another attempt is scheduled
    qint64 deliveryId = 0;
    qint64 captureId = 0;
    QString target;
    int attempt = 0; // 1 for the first
    DeliveryResult result;
    State state = State::Pending;
    qint64 nextAttemptUs = 0; // when Pending
};

// Sends captures on to the targets the writer queued them for (the deliveries table), retrying
// by the policy, and records every attempt beside the capture. The queue is the store itself:
// what is pending when the process ends is sent when a Forwarder starts again. Works on the
// thread it lives on; never blocks the capture path, which only inserts queue rows.
class Forwarder final : public QObject
{
    Q_OBJECT
public:
    Forwarder(const QString &storePath, ForwardOptions options, QObject *parent = nullptr);
    ~Forwarder() override;

    // Opens the store and starts sending what is due, including what an earlier run left.
    bool start(QString *error);
    // New captures were committed: their deliveries are due now.
    void wake();
    // Sends the delivery again now, whatever its state.
    void retryNow(qint64 deliveryId);
    // Pending deliveries per target.
    QHash<QString, qint64> backlog();
    // Seeds the jitter so a test sees the same delays each run.
    void setRandomSeed(quint32 seed) { m_random.seed(seed); }

signals:
    void attempted(const Hookscope::DeliveryAttempt &attempt);

private:
    struct Due
    {
        qint64 deliveryId;
        qint64 captureId;
        QString target;
        int attempts;
    };
    void poll();
    void scheduleNextPoll(qint64 nowUs);
    void finish(const Due &due, const DeliveryResult &result);
    void flush();

    QString m_storePath;
    ForwardOptions m_options;
    CaptureStore m_captures;
    QString m_connectionName;
    QSqlDatabase m_database;
    Sender m_sender;
    QRandomGenerator m_random;
    QSet<qint64> m_inFlight; // sent, or answered but not yet written
    QList<DeliveryAttempt> m_unwritten;
    QTimer m_pollTimer;
    QTimer m_flushTimer;
    bool m_pollQueued = false;
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::DeliveryAttempt)
