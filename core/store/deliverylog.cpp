#include "deliverylog.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>

namespace Hookscope {
namespace {

// Ids or texts as a JSON array, bound to one parameter and read with json_each().
template<typename Ids>
QString jsonArrayOf(const Ids &ids)
{
    QByteArrayList numbers;
    for (const qint64 id : ids)
        numbers.append(QByteArray::number(id));
    return QString::fromLatin1('[' + numbers.join(',') + ']');
}

QString jsonArrayOf(const QSet<QString> &texts)
{
    return QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(texts.values())).toJson(QJsonDocument::Compact));
}

} // namespace

DeliveryLog::DeliveryLog(const QString &storePath)
    : m_connection(storePath)
{}

bool DeliveryLog::open(QString *error)
{
    return m_connection.open(error);
}

qint64 DeliveryLog::add(qint64 captureId, const QString &target, TargetOptions options,
                        qint64 dueUs, const ChaosOptions &chaos)
{
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("INSERT INTO deliveries (capture_id, target, options, state, "
                                 "next_attempt_us, queued_us, signed_age_s, max_in_flight) "
                                 "VALUES (?, ?, ?, 0, ?, ?, ?, ?)"));
    query.addBindValue(captureId);
    query.addBindValue(target);
    query.addBindValue(options.flags());
    query.addBindValue(dueUs);
    query.addBindValue(QDateTime::currentMSecsSinceEpoch() * 1000);
    query.addBindValue(chaos.staleSeconds);
    query.addBindValue(chaos.concurrency);
    return runQuery(query) ? query.lastInsertId().toLongLong() : 0;
}

QList<DueDelivery> DeliveryLog::due(qint64 nowUs, int limit, const QSet<qint64> &skipped,
                                    const QSet<QString> &waitingTargets)
{
    QSqlQuery query(m_connection.database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "SELECT d.id, d.capture_id, d.target, d.options, d.attempts, b.raw, c.received_us, "
        "d.sending, d.queued_us, d.signed_age_s, d.max_in_flight "
        "FROM deliveries d "
        "LEFT JOIN capture_bytes b ON b.id = d.capture_id "
        "LEFT JOIN captures c ON c.id = d.capture_id "
        "WHERE d.state = 0 AND d.next_attempt_us <= ? "
        "AND d.id NOT IN (SELECT value FROM json_each(?)) "
        "AND d.target NOT IN (SELECT value FROM json_each(?)) "
        "ORDER BY d.next_attempt_us, d.id LIMIT ?"));
    query.addBindValue(nowUs);
    query.addBindValue(jsonArrayOf(skipped));
    query.addBindValue(jsonArrayOf(waitingTargets));
    query.addBindValue(limit);
    QList<DueDelivery> found;
    if (!runQuery(query))
        return found;
    while (query.next()) {
        const QVariant raw = query.value(5);
        DueDelivery delivery;
        delivery.deliveryId = query.value(0).toLongLong();
        delivery.captureId = query.value(1).toLongLong();
        delivery.target = query.value(2).toString();
        delivery.options = TargetOptions::fromFlags(query.value(3).toInt());
        delivery.attempts = query.value(4).toInt();
        if (!raw.isNull())
            delivery.raw = raw.toByteArray();
        delivery.receivedAtUs = query.value(6).toLongLong();
        delivery.wasUnderWay = query.value(7).toBool();
        delivery.queuedUs = query.value(8).toLongLong();
        delivery.signedAgeSeconds = query.value(9).toInt();
        delivery.maxInFlight = query.value(10).toInt();
        found.append(std::move(delivery));
    }
    return found;
}

bool DeliveryRecord::isHeld() const
{
    return state == DeliveryAttempt::State::Pending && nextAttemptUs == DeliveryLog::HeldUs;
}

QByteArray DueDelivery::idHeaderValue() const
{
    // The capture's arrival time keeps it unique across stores started afresh.
    return "hsd_" + QByteArray::number(receivedAtUs, 36) + '_' + QByteArray::number(deliveryId);
}

bool DeliveryLog::markUnderWay(const QList<qint64> &deliveryIds)
{
    if (deliveryIds.isEmpty())
        return true;
    const QString ids = jsonArrayOf(deliveryIds);
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("UPDATE deliveries SET sending = 1 "
                                 "WHERE id IN (SELECT value FROM json_each(?))"));
    query.addBindValue(ids);
    if (runQuery(query))
        return true;
    m_error = query.lastError().text();
    return false;
}

qint64 DeliveryLog::nextDueUs(qint64 nowUs)
{
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("SELECT min(next_attempt_us) FROM deliveries WHERE state = 0 "
                                 "AND next_attempt_us > ? AND next_attempt_us < ?"));
    query.addBindValue(nowUs);
    query.addBindValue(HeldUs);
    return runQuery(query) && query.next() ? query.value(0).toLongLong() : 0;
}

bool DeliveryLog::record(const QList<DeliveryAttempt> &attempts)
{
    if (attempts.isEmpty())
        return true;
    if (!m_insertAttempt) {
        sqlite3 *handle = SqliteStatement::handleOf(m_connection.database());
        m_insertAttempt = std::make_unique<SqliteStatement>(handle, InsertAttemptSql);
        m_updateDelivery = std::make_unique<SqliteStatement>(
            handle, "UPDATE deliveries SET state = ?, attempts = ?, next_attempt_us = ?,"
                    " last_status = ?, last_error = ?, sending = 0 WHERE id = ?");
    }
    if (!m_insertAttempt->isValid() || !m_updateDelivery->isValid()) {
        m_error = m_insertAttempt->errorMessage();
        return false;
    }
    if (!m_connection.database().transaction()) {
        m_error = m_connection.database().lastError().text();
        return false;
    }
    for (const DeliveryAttempt &attempt : attempts) {
        const DeliveryResult &result = attempt.result;
        const QByteArray head = result.head();
        const QByteArray error = result.error.toUtf8();
        SqliteStatement &insert = *m_insertAttempt;
        bindAttempt(insert, attempt.deliveryId, result, head, error, attempt.mayRepeat);
        SqliteStatement &update = *m_updateDelivery;
        update.bind(1, int(attempt.state));
        update.bind(2, attempt.attempt);
        update.bind(3, attempt.nextAttemptUs);
        update.bind(4, result.status);
        update.bindTextOrNull(5, error);
        update.bind(6, attempt.deliveryId);
        if (!insert.run() || !update.run()) {
            m_error = insert.errorMessage(); // the connection's last error, for either
            m_connection.database().rollback();
            return false;
        }
    }
    if (m_connection.database().commit())
        return true;
    m_error = m_connection.database().lastError().text();
    return false;
}

void DeliveryLog::bindAttempt(SqliteStatement &insert, qint64 deliveryId,
                              const DeliveryResult &result, const QByteArray &head,
                              const QByteArray &error, bool mayRepeat)
{
    insert.bind(1, deliveryId);
    insert.bind(2, result.startedAtUs);
    insert.bind(3, result.durationUs);
    insert.bind(4, result.status);
    insert.bindBlobOrNull(5, head);
    insert.bindBlob(6, result.body);
    insert.bindTextOrNull(7, error);
    insert.bind(8, int(mayRepeat));
}

bool DeliveryLog::retryNow(qint64 deliveryId, qint64 nowUs)
{
    QSqlQuery query(m_connection.database());
    query.prepare(
        QStringLiteral("UPDATE deliveries SET state = 0, next_attempt_us = ?, queued_us = ? "
                       "WHERE id = ?"));
    query.addBindValue(nowUs);
    query.addBindValue(nowUs);
    query.addBindValue(deliveryId);
    return runQuery(query) && query.numRowsAffected() == 1;
}

int DeliveryLog::retryFailed(const QString &target, qint64 nowUs)
{
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("UPDATE deliveries SET state = 0, next_attempt_us = ?, "
                                 "queued_us = ? WHERE state = 2 AND (? = '' OR target = ?)"));
    query.addBindValue(nowUs);
    query.addBindValue(nowUs);
    query.addBindValue(target);
    query.addBindValue(target);
    return runQuery(query) ? query.numRowsAffected() : -1;
}

int DeliveryLog::retryFailed(const QList<qint64> &captureIds, qint64 nowUs)
{
    const QString ids = jsonArrayOf(captureIds);
    QSqlQuery query(m_connection.database());
    query.prepare(
        QStringLiteral("UPDATE deliveries SET state = 0, next_attempt_us = ?, queued_us = ? "
                       "WHERE state = 2 AND capture_id IN (SELECT value FROM json_each(?))"));
    query.addBindValue(nowUs);
    query.addBindValue(nowUs);
    query.addBindValue(ids);
    return runQuery(query) ? query.numRowsAffected() : -1;
}

bool DeliveryLog::hold(const QList<qint64> &deliveryIds)
{
    if (deliveryIds.isEmpty())
        return true;
    const QString ids = jsonArrayOf(deliveryIds);
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("UPDATE deliveries SET next_attempt_us = ? "
                                 "WHERE id IN (SELECT value FROM json_each(?))"));
    query.addBindValue(HeldUs);
    query.addBindValue(ids);
    if (runQuery(query))
        return true;
    m_error = query.lastError().text();
    return false;
}

bool DeliveryLog::release(const QString &target, qint64 nowUs)
{
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("UPDATE deliveries SET next_attempt_us = ? "
                                 "WHERE state = 0 AND next_attempt_us = ? AND target = ?"));
    query.addBindValue(nowUs);
    query.addBindValue(HeldUs);
    query.addBindValue(target);
    if (runQuery(query))
        return true;
    m_error = query.lastError().text();
    return false;
}

qint64 DeliveryLog::releaseOldest(const QString &target, qint64 nowUs)
{
    QSqlQuery oldest(m_connection.database());
    oldest.prepare(QStringLiteral("SELECT id FROM deliveries WHERE state = 0 AND "
                                  "next_attempt_us = ? AND target = ? ORDER BY id LIMIT 1"));
    oldest.addBindValue(HeldUs);
    oldest.addBindValue(target);
    if (!runQuery(oldest) || !oldest.next())
        return 0;
    const qint64 id = oldest.value(0).toLongLong();
    oldest.finish();
    QSqlQuery release(m_connection.database());
    release.prepare(QStringLiteral("UPDATE deliveries SET next_attempt_us = ? WHERE id = ?"));
    release.addBindValue(nowUs);
    release.addBindValue(id);
    return runQuery(release) ? id : 0;
}

std::optional<QList<DeliveryAttempt>> DeliveryLog::giveUpHeld(const QString &target,
                                                              qint64 queuedBeforeUs,
                                                              const QString &reason)
{
    QList<DeliveryAttempt> givenUp;
    QSqlQuery expired(m_connection.database());
    expired.prepare(QStringLiteral("SELECT id, capture_id, attempts FROM deliveries WHERE "
                                   "state = 0 AND next_attempt_us = ? AND target = ? AND "
                                   "queued_us < ?"));
    expired.addBindValue(HeldUs);
    expired.addBindValue(target);
    expired.addBindValue(queuedBeforeUs);
    if (!runQuery(expired)) {
        m_error = expired.lastError().text();
        return std::nullopt;
    }
    QList<qint64> ids;
    while (expired.next()) {
        DeliveryAttempt last;
        last.deliveryId = expired.value(0).toLongLong();
        last.captureId = expired.value(1).toLongLong();
        last.attempt = expired.value(2).toInt();
        last.target = target;
        last.state = DeliveryAttempt::State::Failed;
        last.result.error = reason;
        givenUp.append(last);
        ids.append(last.deliveryId);
    }
    expired.finish();
    if (givenUp.isEmpty())
        return givenUp;
    QSqlQuery update(m_connection.database());
    update.prepare(QStringLiteral("UPDATE deliveries SET state = 2, last_error = ? "
                                  "WHERE id IN (SELECT value FROM json_each(?))"));
    update.addBindValue(reason);
    update.addBindValue(jsonArrayOf(ids));
    if (runQuery(update))
        return givenUp;
    m_error = update.lastError().text();
    return std::nullopt;
}

QStringList DeliveryLog::heldTargets()
{
    QStringList targets;
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral(
        "SELECT DISTINCT target FROM deliveries WHERE state = 0 AND next_attempt_us = ?"));
    query.addBindValue(HeldUs);
    if (runQuery(query)) {
        while (query.next())
            targets.append(query.value(0).toString());
    }
    return targets;
}

QList<DeliveryRecord> DeliveryLog::forCapture(qint64 captureId)
{
    QList<DeliveryRecord> records;
    QSqlQuery deliveries(m_connection.database());
    deliveries.prepare(QStringLiteral("SELECT id, target, state, attempts, next_attempt_us, "
                                      "options, proxied, last_error, signed_age_s, max_in_flight "
                                      "FROM deliveries WHERE capture_id = ? "
                                      "ORDER BY id"));
    deliveries.addBindValue(captureId);
    if (!runQuery(deliveries))
        return records;
    while (deliveries.next()) {
        DeliveryRecord record;
        record.id = deliveries.value(0).toLongLong();
        record.captureId = captureId;
        record.target = deliveries.value(1).toString();
        record.state = DeliveryAttempt::State(deliveries.value(2).toInt());
        record.attempts = deliveries.value(3).toInt();
        record.nextAttemptUs = deliveries.value(4).toLongLong();
        record.options = TargetOptions::fromFlags(deliveries.value(5).toInt());
        record.proxied = deliveries.value(6).toBool();
        record.lastError = deliveries.value(7).toString();
        record.signedAgeSeconds = deliveries.value(8).toInt();
        record.maxInFlight = deliveries.value(9).toInt();
        records.append(record);
    }
    for (DeliveryRecord &record : records) {
        QSqlQuery attempts(m_connection.database());
        attempts.prepare(QStringLiteral(
            "SELECT started_us, duration_us, status, response_head, response_body, error, "
            "may_repeat FROM delivery_attempts WHERE delivery_id = ? ORDER BY id"));
        attempts.addBindValue(record.id);
        if (!runQuery(attempts))
            continue;
        while (attempts.next()) {
            DeliveryResult result;
            result.startedAtUs = attempts.value(0).toLongLong();
            result.durationUs = attempts.value(1).toLongLong();
            result.status = attempts.value(2).toInt();
            result.readHead(attempts.value(3).toByteArray());
            result.body = attempts.value(4).toByteArray();
            result.error = attempts.value(5).toString();
            record.results.append(result);
            record.mayRepeat.append(attempts.value(6).toBool());
        }
    }
    return records;
}

QHash<QString, qint64> DeliveryLog::backlog()
{
    QHash<QString, qint64> pending;
    QSqlQuery query(m_connection.database());
    query.exec(QStringLiteral("SELECT target, count(*) FROM deliveries WHERE state = 0 "
                              "GROUP BY target"));
    while (query.next())
        pending.insert(query.value(0).toString(), query.value(1).toLongLong());
    return pending;
}

} // namespace Hookscope
