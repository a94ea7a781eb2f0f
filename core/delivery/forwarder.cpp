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
    m_log.retryNow(deliveryId, nowUs());
    wake();
}

void Forwarder::poll()
{
    m_pollQueued = false;
    if (!m_started)
        return;
    const qint64 now = nowUs();
    // Answered attempts wait up to a flush interval to be written; they hold no sending slot.
    const int capacity = m_options.maxInFlight - m_sending;
    if (capacity > 0) {
        // Those in flight are still pending in the table: skipped by the query.
        const QList<DueDelivery> due = m_log.due(now, capacity, m_inFlight);
        QList<qint64> ids;
        for (const DueDelivery &delivery : due)
            ids.append(delivery.deliveryId);
        // Marked before a byte goes out, so a stop during the send is known at the next start.
        if (!m_log.markUnderWay(ids))
            reportWriteFailure(
                tr("Could not mark deliveries as being sent: %1").arg(m_log.errorString()));
        for (const DueDelivery &delivery : due) {
            m_inFlight.insert(delivery.deliveryId);
            QString error = QStringLiteral("Capture #%1 was deleted").arg(delivery.captureId);
            std::optional<OutgoingRequest> request;
            CapturedRequest capture;
            if (delivery.raw) {
                capture = RequestParser::parseStored(*delivery.raw);
                capture.id = delivery.captureId;
                request = OutgoingRequest::replay(capture, QUrl(delivery.target), delivery.options,
                                                  &error);
            }
            if (request && delivery.options.resign
                && !m_signing.resign(*request, capture, now / 1'000'000, &error))
                request.reset();
            if (!request) {
                DeliveryResult unsendable;
                unsendable.startedAtUs = now;
                unsendable.error = error;
                DueDelivery unsent = delivery;
                unsent.attempts = m_options.retry.maxAttempts; // nothing to retry
                finish(unsent, unsendable);
                continue;
            }
            request->headers.removeIf([](const HeaderField &header) {
                return header.name.compare(DeliveryIdHeader, Qt::CaseInsensitive) == 0;
            });
            request->headers.append({DeliveryIdHeader, delivery.idHeaderValue()});
            const SendOptions send{m_options.timeoutMs, delivery.options.acceptSelfSigned};
            DueDelivery sent = delivery;
            sent.raw.reset(); // not kept while the target answers
            ++m_sending;
            m_sender.send(*request, send, [this, sent](const DeliveryResult &result) {
                --m_sending;
                finish(sent, result);
                wake(); // a slot is free
            });
        }
    }
    // When full, the next finish polls again; otherwise wake up when the next retry is due.
    if (m_sending < m_options.maxInFlight)
        scheduleNextPoll(now);
}

void Forwarder::scheduleNextPoll(qint64 now)
{
    if (const qint64 next = m_log.nextDueUs(now); next > 0)
        m_pollTimer.start(int(std::min<qint64>((next - now + 999) / 1000, 60'000)));
}

void Forwarder::finish(const DueDelivery &due, const DeliveryResult &result)
{
    DeliveryAttempt attempt;
    attempt.deliveryId = due.deliveryId;
    attempt.captureId = due.captureId;
    attempt.target = due.target;
    attempt.attempt = due.attempts + 1;
    attempt.result = result;
    attempt.mayRepeat = due.wasUnderWay;
    if (result.succeeded()) {
        attempt.state = DeliveryAttempt::State::Delivered;
    } else if (RetryPolicy::isRetryable(result) && attempt.attempt < m_options.retry.maxAttempts) {
        attempt.state = DeliveryAttempt::State::Pending;
        attempt.nextAttemptUs = nowUs()
                                + 1000
                                      * m_options.retry.delayMs(attempt.attempt, result, m_random,
                                                                QDateTime::currentDateTimeUtc());
    } else {
        attempt.state = DeliveryAttempt::State::Failed;
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
    // Reported once written, so whoever reads the store on hearing of it finds it there.
    const QList<DeliveryAttempt> written = std::exchange(m_unwritten, {});
    for (const DeliveryAttempt &attempt : written) {
        m_inFlight.remove(attempt.deliveryId);
        emit attempted(attempt);
    }
    wake();
}

} // namespace Hookscope
