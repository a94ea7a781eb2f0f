#pragma once

#include "wire/chaosoptions.h"
#include "wire/outgoingrequest.h"

#include "sqlitestatement.h"
#include "storeconnection.h"

#include <QHash>
#include <QSet>

#include <limits>

#include <memory>

namespace Hookscope {

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
    // Hookscope stopped while the attempt before this one was under way: the target may have
    // got that one, and gets the delivery again now.
    bool mayRepeat = false;
};

// A capture bound for one target, with every attempt so far.
struct DeliveryRecord
{
    qint64 id = 0;
    qint64 captureId = 0;
    QString target;
    TargetOptions options;
    bool proxied = false;     // sent while the provider waited, and its answer relayed back
    int signedAgeSeconds = 0; // see DueDelivery
    int maxInFlight = 0;
    DeliveryAttempt::State state = DeliveryAttempt::State::Pending;
    int attempts = 0;
    qint64 nextAttemptUs = 0;
    QList<DeliveryResult> results; // oldest first
    QList<bool> mayRepeat;         // per result: see DeliveryAttempt::mayRepeat
    QString lastError;             // of the last attempt, or why it was given up

    // Waiting for its target, which is down, to answer again (DeliveryLog::HeldUs).
    bool isHeld() const;
};

// A delivery that is due to be sent.
struct DueDelivery
{
    qint64 deliveryId = 0;
    qint64 captureId = 0;
    QString target;
    TargetOptions options;
    int attempts = 0;
    std::optional<QByteArray> raw; // the capture's bytes as received; none: it was deleted
    qint64 receivedAtUs = 0;       // the capture's
    qint64 queuedUs = 0;           // when queued, or last retried by hand
    bool wasUnderWay = false;      // marked as being sent, by a run that stopped meanwhile
    int signedAgeSeconds = 0;      // re-signed as if this long ago (ChaosOptions::staleSeconds)
    int maxInFlight = 0;           // to its target at once (ChaosOptions::concurrency; 0: no cap)

    // Sent as Hookscope-Delivery-Id with every attempt: the same for each retry and after a
    // restart, so a target that got a delivery twice can tell (delivery is at least once).
    QByteArray idHeaderValue() const;
};

// The deliveries and delivery_attempts tables of a capture store, on a connection of its own
// (one per thread). The writer inserts deliveries for live forwarding; this reads and updates
// them.
class DeliveryLog final
{
public:
    // The next attempt time of a delivery held back while its target is down: never due by
    // itself; released when the target answers again (release()), or sent as a probe.
    static constexpr qint64 HeldUs = std::numeric_limits<qint64>::max();

    explicit DeliveryLog(const QString &storePath);
    DeliveryLog(const DeliveryLog &) = delete;
    DeliveryLog &operator=(const DeliveryLog &) = delete;

    bool open(QString *error);
    // Queues `captureId` for `target`, due at `dueUs` (0: now), with the signature's age and
    // the cap on sends in flight of `chaos`; returns the delivery's id (0 on failure).
    qint64 add(qint64 captureId, const QString &target, TargetOptions options, qint64 dueUs = 0,
               const ChaosOptions &chaos = {});
    // Pending deliveries due by `nowUs`, soonest first, other than those in `skipped` and those
    // to `waitingTargets`, each with its capture's bytes (one query for all of them).
    QList<DueDelivery> due(qint64 nowUs, int limit, const QSet<qint64> &skipped = {},
                           const QSet<QString> &waitingTargets = {});
    // Marks deliveries as being sent, before they are: one that is still marked at the next
    // start was under way when Hookscope stopped. record() clears the mark.
    bool markUnderWay(const QList<qint64> &deliveryIds);
    // When the next pending delivery after `nowUs` is due, or 0 when none is.
    qint64 nextDueUs(qint64 nowUs);
    // Writes the attempts and the state they leave their deliveries in, in one transaction.
    bool record(const QList<DeliveryAttempt> &attempts);
    // Makes a delivery due now, whatever its state, with a fresh time to give up by.
    bool retryNow(qint64 deliveryId, qint64 nowUs);
    // Makes the failed deliveries to `target` (all targets when empty), or those of
    // `captureIds`, due now the same way; returns how many (-1 on failure).
    int retryFailed(const QString &target, qint64 nowUs);
    int retryFailed(const QList<qint64> &captureIds, qint64 nowUs);

    // Holds deliveries back (HeldUs) until their target answers.
    bool hold(const QList<qint64> &deliveryIds);
    // Makes the held deliveries to `target` due at `nowUs`: sent in the order they were queued.
    bool release(const QString &target, qint64 nowUs);
    // Makes the oldest held delivery to `target` due now; its id, or 0 when none is held.
    qint64 releaseOldest(const QString &target, qint64 nowUs);
    // Gives up the held deliveries to `target` queued before `queuedBeforeUs`, with `reason`:
    // each one's last state (attempt: how many were made; result.error: the reason).
    std::optional<QList<DeliveryAttempt>> giveUpHeld(const QString &target, qint64 queuedBeforeUs,
                                                     const QString &reason);
    // Targets with held deliveries (an earlier run saw them down).
    QStringList heldTargets();
    QList<DeliveryRecord> forCapture(qint64 captureId);
    // Pending deliveries per target.
    QHash<QString, qint64> backlog();
    // Why the last record() failed.
    QString errorString() const { return m_error; }

    // How one attempt is written (the capture writer writes proxied requests' attempts too).
    // `head` and `error` are the result's, as UTF-8, and must live until the statement runs.
    static constexpr const char *InsertAttemptSql
        = "INSERT INTO delivery_attempts (delivery_id, started_us, duration_us, status,"
          " response_head, response_body, error, may_repeat) VALUES (?,?,?,?,?,?,?,?)";
    static void bindAttempt(SqliteStatement &insert, qint64 deliveryId,
                            const DeliveryResult &result, const QByteArray &head,
                            const QByteArray &error, bool mayRepeat = false);

private:
    StoreConnection m_connection;
    // record()'s statements, prepared once: it writes thousands of attempts a second.
    std::unique_ptr<SqliteStatement> m_insertAttempt;
    std::unique_ptr<SqliteStatement> m_updateDelivery;
    QString m_error;
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::DeliveryAttempt)
