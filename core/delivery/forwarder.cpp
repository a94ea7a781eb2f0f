#include "forwarder.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>

namespace Hookscope {
namespace {

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

QByteArray responseHead(const DeliveryResult &result)
{
    if (result.status == 0)
        return {};
    QByteArray head = "HTTP " + QByteArray::number(result.status) + ' ' + result.reason + "\r\n";
    for (const HeaderField &header : result.headers)
        head += header.name + ": " + header.value + "\r\n";
    return head;
}

} // namespace

Forwarder::Forwarder(const QString &storePath, ForwardOptions options, QObject *parent)
    : QObject(parent)
    , m_storePath(storePath)
    , m_options(options)
    , m_captures(storePath)
    , m_connectionName(QStringLiteral("hookscope-forwarder-%1").arg(quintptr(this)))
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
    m_database.close();
    m_database = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

bool Forwarder::start(QString *error)
{
    if (!m_captures.open()) {
        *error = m_captures.errorString();
        return false;
    }
    m_database = CaptureStore::openConnection(m_storePath, m_connectionName, error);
    if (!m_database.isOpen())
        return false;
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
    QSqlQuery query(m_database);
    query.prepare(
        QStringLiteral("UPDATE deliveries SET state = 0, next_attempt_us = ? WHERE id = ?"));
    query.addBindValue(nowUs());
    query.addBindValue(deliveryId);
    query.exec();
    wake();
}

QHash<QString, qint64> Forwarder::backlog()
{
    QHash<QString, qint64> pending;
    QSqlQuery query(m_database);
    query.exec(QStringLiteral("SELECT target, count(*) FROM deliveries WHERE state = 0 "
                              "GROUP BY target"));
    while (query.next())
        pending.insert(query.value(0).toString(), query.value(1).toLongLong());
    return pending;
}

void Forwarder::poll()
{
    m_pollQueued = false;
    if (!m_database.isOpen())
        return;
    const qint64 now = nowUs();
    const int capacity = m_options.maxInFlight - int(m_inFlight.size());
    if (capacity > 0) {
        QSqlQuery query(m_database);
        query.setForwardOnly(true);
        query.prepare(QStringLiteral(
            "SELECT id, capture_id, target, attempts FROM deliveries WHERE state = 0 "
            "AND next_attempt_us <= ? ORDER BY next_attempt_us LIMIT ?"));
        query.addBindValue(now);
        query.addBindValue(capacity + int(m_inFlight.size())); // those in flight come back too
        query.exec();
        QList<Due> due;
        while (due.size() < capacity && query.next()) {
            const qint64 id = query.value(0).toLongLong();
            if (!m_inFlight.contains(id))
                due.append({id, query.value(1).toLongLong(), query.value(2).toString(),
                            query.value(3).toInt()});
        }
        query.finish();
        for (const Due &delivery : std::as_const(due)) {
            m_inFlight.insert(delivery.deliveryId);
            const std::optional<CapturedRequest> capture = m_captures.capture(delivery.captureId);
            QString error = QStringLiteral("Capture #%1 was deleted").arg(delivery.captureId);
            std::optional<OutgoingRequest> request;
            if (capture)
                request = OutgoingRequest::replay(*capture, QUrl(delivery.target),
                                                  m_options.keepHost, &error);
            if (!request) {
                DeliveryResult unsendable;
                unsendable.startedAtUs = now;
                unsendable.error = error;
                finish({delivery.deliveryId, delivery.captureId, delivery.target,
                        m_options.retry.maxAttempts}, // nothing to retry
                       unsendable);
                continue;
            }
            m_sender.send(*request, m_options.send, [this, delivery](const DeliveryResult &result) {
                finish(delivery, result);
            });
        }
    }
    // When full, the next finish polls again; otherwise wake up when the next retry is due.
    if (m_inFlight.size() < m_options.maxInFlight)
        scheduleNextPoll(now);
}

void Forwarder::scheduleNextPoll(qint64 now)
{
    QSqlQuery query(m_database);
    query.prepare(QStringLiteral("SELECT min(next_attempt_us) FROM deliveries WHERE state = 0 "
                                 "AND next_attempt_us > ?"));
    query.addBindValue(now);
    if (query.exec() && query.next() && !query.value(0).isNull()) {
        const qint64 waitMs = (query.value(0).toLongLong() - now + 999) / 1000;
        m_pollTimer.start(int(std::min<qint64>(waitMs, 60'000)));
    }
}

void Forwarder::finish(const Due &due, const DeliveryResult &result)
{
    DeliveryAttempt attempt;
    attempt.deliveryId = due.deliveryId;
    attempt.captureId = due.captureId;
    attempt.target = due.target;
    attempt.attempt = due.attempts + 1;
    attempt.result = result;
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
    emit attempted(attempt);
}

void Forwarder::flush()
{
    if (m_unwritten.isEmpty() || !m_database.isOpen())
        return;
    m_database.transaction();
    QSqlQuery insert(m_database);
    insert.prepare(QStringLiteral(
        "INSERT INTO delivery_attempts (delivery_id, started_us, duration_us, status, "
        "response_head, response_body, error) VALUES (?,?,?,?,?,?,?)"));
    QSqlQuery update(m_database);
    update.prepare(QStringLiteral(
        "UPDATE deliveries SET state = ?, attempts = ?, next_attempt_us = ?, last_status = ?, "
        "last_error = ? WHERE id = ?"));
    for (const DeliveryAttempt &attempt : std::as_const(m_unwritten)) {
        const DeliveryResult &result = attempt.result;
        insert.addBindValue(attempt.deliveryId);
        insert.addBindValue(result.startedAtUs);
        insert.addBindValue(result.durationUs);
        insert.addBindValue(result.status);
        insert.addBindValue(responseHead(result));
        insert.addBindValue(result.body);
        insert.addBindValue(result.error.isEmpty() ? QVariant() : QVariant(result.error));
        insert.exec();
        update.addBindValue(int(attempt.state));
        update.addBindValue(attempt.attempt);
        update.addBindValue(attempt.nextAttemptUs);
        update.addBindValue(result.status);
        update.addBindValue(result.error.isEmpty() ? QVariant() : QVariant(result.error));
        update.addBindValue(attempt.deliveryId);
        update.exec();
    }
    m_database.commit();
    for (const DeliveryAttempt &attempt : std::as_const(m_unwritten))
        m_inFlight.remove(attempt.deliveryId);
    m_unwritten.clear();
    wake();
}

} // namespace Hookscope
