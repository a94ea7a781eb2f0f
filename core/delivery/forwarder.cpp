#include "forwarder.h"

#include "wire/logging.h"
#include "wire/requestparser.h"

#include <QDateTime>

namespace Hookscope {
namespace {

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

} // namespace

Forwarder::Forwarder(const QString &storePath, ForwardOptions options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_log(storePath)
    , m_random(QRandomGenerator::securelySeeded())
{
    m_pollTimer.setSingleShot(true);
    connect(&m_pollTimer, &QTimer::timeout, this, &Forwarder::poll);
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(20); // outcomes are written in batches, not one commit each
    connect(&m_flushTimer, &QTimer::timeout, this, &Forwarder::flush);
}

Forwarder::~Forwarder()
{
    flush();
}

bool Forwarder::start(QString *error)
{
    if (!m_log.open(error))
        return false;
    m_started = true;
    // Targets an earlier run saw down are probed first, their backlog still held.
    for (const QString &target : m_log.heldTargets())
        m_outages.insert(target, Outage{});
    poll();
    return true;
}

void Forwarder::wake()
{
    if (m_pollQueued)
        return;
    m_pollQueued = true;
    QTimer::singleShot(0, this, &Forwarder::poll);
}

void Forwarder::retryNow(qint64 deliveryId)
{
    if (m_log.retryNow(deliveryId, nowUs()))
        m_forced.insert(deliveryId);
    wake();
}

void Forwarder::retryFailed(const QString &target)
{
    if (m_log.retryFailed(target, nowUs()) < 0)
        reportWriteFailure(
            tr("Could not retry the failed deliveries: %1").arg(m_log.errorString()));
    wake();
}

void Forwarder::retryFailed(const QList<qint64> &captureIds)
{
    if (m_log.retryFailed(captureIds, nowUs()) < 0)
        reportWriteFailure(
            tr("Could not retry the failed deliveries: %1").arg(m_log.errorString()));
    wake();
}

void Forwarder::probeOutages(qint64 now)
{
    if (m_outages.isEmpty())
        return;
    const qint64 giveUpBeforeUs = now - m_options.retry.giveUpAfterMs * 1000;
    // A failure not written yet is not held in the table yet: its target waits for the flush.
    QSet<QString> unwritten;
    for (const DeliveryAttempt &attempt : std::as_const(m_unwritten))
        unwritten.insert(attempt.target);
    for (auto outage = m_outages.begin(); outage != m_outages.end();) {
        if (outage->probeId != 0 || outage->nextProbeUs > now || unwritten.contains(outage.key())) {
            ++outage;
            continue;
        }
        const std::optional<QList<DeliveryAttempt>> givenUp = m_log.giveUpHeld(
            outage.key(), giveUpBeforeUs,
            m_options.retry.givenUpReason(0) + QStringLiteral(": the target did not answer"));
        if (!givenUp)
            reportWriteFailure(tr("Could not give up deliveries to %1: %2")
                                   .arg(outage.key(), m_log.errorString()));
        for (const DeliveryAttempt &last : givenUp.value_or(QList<DeliveryAttempt>()))
            emit gaveUp(last);
        outage->probeId = m_log.releaseOldest(outage.key(), now);
        // Nothing held: nothing waits for the target, so the next delivery finds out afresh.
        if (outage->probeId == 0)
            outage = m_outages.erase(outage);
        else
            ++outage;
    }
}

void Forwarder::poll()
{
    m_pollQueued = false;
    if (!m_started)
        return;
    const qint64 now = nowUs();
    probeOutages(now);
    // Answered attempts wait up to a flush interval to be written; they hold no sending slot.
    int capacity = m_options.maxInFlight - m_sending;
    // Targets as many deliveries are in flight to as one of theirs allows (concurrency=).
    QSet<QString> capped;
    for (auto target = m_capOf.cbegin(); target != m_capOf.cend(); ++target) {
        if (m_sendingTo.value(target.key()) >= target.value())
            capped.insert(target.key());
    }
    while (capacity > 0) {
        // Those in flight are still pending in the table: skipped by the query.
        QList<DueDelivery> due = m_log.due(now, capacity, m_inFlight, capped);
        // Those over their target's cap wait until a send to it is answered.
        bool overCap = false;
        QHash<QString, int> taken;
        due.removeIf([&](const DueDelivery &delivery) {
            if (delivery.maxInFlight <= 0)
                return false;
            const int inFlight = m_sendingTo.value(delivery.target) + taken[delivery.target];
            if (inFlight < delivery.maxInFlight) {
                ++taken[delivery.target];
                return false;
            }
            capped.insert(delivery.target);
            overCap = true;
            return true;
        });
        // New deliveries to a target that is down wait for it, unless they are its probe.
        QList<qint64> held;
        due.removeIf([&](const DueDelivery &delivery) {
            const auto outage = m_outages.constFind(delivery.target);
            if (outage == m_outages.cend() || outage->probeId == delivery.deliveryId
                || m_forced.contains(delivery.deliveryId))
                return false;
            held.append(delivery.deliveryId);
            return true;
        });
        if (!m_log.hold(held)) {
            reportWriteFailure(tr("Could not hold deliveries back: %1").arg(m_log.errorString()));
            break; // they would be found due again at once
        }
        QList<qint64> ids;
        for (const DueDelivery &delivery : std::as_const(due))
            ids.append(delivery.deliveryId);
        // Marked before a byte goes out, so a stop during the send is known at the next start.
        if (!m_log.markUnderWay(ids))
            reportWriteFailure(
                tr("Could not mark deliveries as being sent: %1").arg(m_log.errorString()));
        for (const DueDelivery &delivery : std::as_const(due))
            send(delivery, now);
        capacity -= int(due.size());
        // Otherwise what was held or is over its cap made room for more that are due.
        if (held.isEmpty() && !overCap)
            break;
    }
    // When full, the next finish polls again; otherwise wake up when the next retry is due.
    if (m_sending < m_options.maxInFlight)
        scheduleNextPoll(now);
}

void Forwarder::send(const DueDelivery &delivery, qint64 now)
{
    m_inFlight.insert(delivery.deliveryId);
    QString error = QStringLiteral("Capture #%1 was deleted").arg(delivery.captureId);
    std::optional<OutgoingRequest> request;
    CapturedRequest capture;
    if (delivery.raw) {
        capture = RequestParser::parseStored(*delivery.raw);
        capture.id = delivery.captureId;
        request = OutgoingRequest::replay(capture, QUrl(delivery.target), delivery.options, &error);
    }
    if (request && delivery.options.resign
        && !m_signing.resign(*request, capture, now / 1'000'000 - delivery.signedAgeSeconds,
                             &error))
        request.reset();
    if (!request) {
        DeliveryResult unsendable;
        unsendable.startedAtUs = now;
        unsendable.error = error;
        finish(delivery, unsendable, false);
        return;
    }
    request->headers.removeIf([](const HeaderField &header) {
        return header.name.compare(DeliveryIdHeader, Qt::CaseInsensitive) == 0;
    });
    request->headers.append({DeliveryIdHeader, delivery.idHeaderValue()});
    const SendOptions options{m_options.timeoutMs, delivery.options.acceptSelfSigned};
    DueDelivery sent = delivery;
    sent.raw.reset(); // not kept while the target answers
    ++m_sending;
    ++m_sendingTo[delivery.target];
    if (delivery.maxInFlight > 0)
        m_capOf[delivery.target] = delivery.maxInFlight;
    m_sender.send(*request, options, [this, sent](const DeliveryResult &result) {
        --m_sending;
        if (--m_sendingTo[sent.target] == 0) {
            m_sendingTo.remove(sent.target);
            m_capOf.remove(sent.target);
        }
        finish(sent, result);
        wake(); // a slot is free
    });
}

void Forwarder::scheduleNextPoll(qint64 now)
{
    qint64 next = m_log.nextDueUs(now);
    for (const Outage &outage : std::as_const(m_outages)) {
        if (outage.probeId == 0 && (next == 0 || outage.nextProbeUs < next))
            next = outage.nextProbeUs;
    }
    if (next > 0)
        m_pollTimer.start(int(std::clamp<qint64>((next - now + 999) / 1000, 0, 60'000)));
}

void Forwarder::finish(const DueDelivery &due, const DeliveryResult &result, bool sent)
{
    const qint64 now = nowUs();
    DeliveryAttempt attempt;
    attempt.deliveryId = due.deliveryId;
    attempt.captureId = due.captureId;
    attempt.target = due.target;
    attempt.attempt = due.attempts + 1;
    attempt.result = result;
    attempt.mayRepeat = due.wasUnderWay;
    const RetryPolicy &retry = m_options.retry;
    const bool givesUp = !sent || retry.givesUp(attempt.attempt, due.queuedUs, now);
    m_forced.remove(due.deliveryId);
    auto outage = m_outages.find(due.target);
    const bool wasProbe = outage != m_outages.end() && outage->probeId == due.deliveryId;
    if (wasProbe)
        outage->probeId = 0;
    if (!sent) {
        attempt.state = DeliveryAttempt::State::Failed;
    } else if (RetryPolicy::meansTargetDown(result)) {
        // The first failure and each failed probe put the next probe off; others sent before
        // the target went down only join the wait.
        const bool startsOutage = outage == m_outages.end();
        if (startsOutage)
            outage = m_outages.insert(due.target, Outage{});
        if (startsOutage || wasProbe) {
            ++outage->failedProbes;
            outage->nextProbeUs = now
                                  + 1000
                                        * retry.delayMs(outage->failedProbes, result, m_random,
                                                        QDateTime::currentDateTimeUtc());
        }
        attempt.state = givesUp ? DeliveryAttempt::State::Failed : DeliveryAttempt::State::Pending;
        if (!givesUp)
            attempt.nextAttemptUs = DeliveryLog::HeldUs;
    } else {
        // It answered: what waited for it goes out now.
        if (outage != m_outages.end()) {
            m_outages.erase(outage);
            m_recovered.insert(due.target);
        }
        if (result.succeeded()) {
            attempt.state = DeliveryAttempt::State::Delivered;
        } else if (RetryPolicy::isRetryable(result) && !givesUp) {
            attempt.state = DeliveryAttempt::State::Pending;
            attempt.nextAttemptUs = now
                                    + 1000
                                          * retry.delayMs(attempt.attempt, result, m_random,
                                                          QDateTime::currentDateTimeUtc());
        } else {
            attempt.state = DeliveryAttempt::State::Failed;
        }
    }
    m_unwritten.append(attempt);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void Forwarder::reportWriteFailure(const QString &message)
{
    qCInfo(lcDelivery) << message;
    emit writeFailed(message);
}

void Forwarder::flush()
{
    if (m_unwritten.isEmpty() || !m_started)
        return;
    if (!m_log.record(m_unwritten)) {
        // Not sent again in this run (that would repeat as fast as the target answers); they
        // stay pending in the store and go out after a restart: at least once.
        reportWriteFailure(
            tr("Could not record %n delivery attempt(s): %1", nullptr, int(m_unwritten.size()))
                .arg(m_log.errorString()));
        m_unwritten.clear();
        return;
    }
    for (const QString &target : std::exchange(m_recovered, {})) {
        if (!m_log.release(target, nowUs()))
            reportWriteFailure(tr("Could not send the deliveries held for %1: %2")
                                   .arg(target, m_log.errorString()));
    }
    // Reported once written, so whoever reads the store on hearing of it finds it there.
    const QList<DeliveryAttempt> written = std::exchange(m_unwritten, {});
    for (const DeliveryAttempt &attempt : written) {
        m_inFlight.remove(attempt.deliveryId);
        emit attempted(attempt);
    }
    wake();
}

} // namespace Hookscope
