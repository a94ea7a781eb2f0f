#include "deliverylog.h"

#include <QSqlError>
#include <QSqlQuery>

namespace Hookscope {
DeliveryLog::DeliveryLog(const QString &storePath)
    : m_connection(storePath)
{}

bool DeliveryLog::open(QString *error)
{
    return m_connection.open(error);
}

qint64 DeliveryLog::add(qint64 captureId, const QString &target, TargetOptions options)
{
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("INSERT INTO deliveries (capture_id, target, options, state, "
                                 "next_attempt_us) VALUES (?, ?, ?, 0, 0)"));
    query.addBindValue(captureId);
    query.addBindValue(target);
    query.addBindValue(options.flags());
    return runQuery(query) ? query.lastInsertId().toLongLong() : 0;
}

QList<DueDelivery> DeliveryLog::due(qint64 nowUs, int limit, const QSet<qint64> &skipped)
{
    QByteArrayList skippedIds; // as a JSON array, for json_each()
    for (const qint64 id : skipped)
        skippedIds.append(QByteArray::number(id));
    QSqlQuery query(m_connection.database());
    query.setForwardOnly(true);
    query.prepare(QStringLiteral(
        "SELECT d.id, d.capture_id, d.target, d.options, d.attempts, b.raw, c.received_us, "
        "d.sending "
        "FROM deliveries d "
        "LEFT JOIN capture_bytes b ON b.id = d.capture_id "
        "LEFT JOIN captures c ON c.id = d.capture_id "
        "WHERE d.state = 0 AND d.next_attempt_us <= ? "
        "AND d.id NOT IN (SELECT value FROM json_each(?)) "
        "ORDER BY d.next_attempt_us LIMIT ?"));
    query.addBindValue(nowUs);
    query.addBindValue(QString::fromLatin1('[' + skippedIds.join(',') + ']'));
    query.addBindValue(limit);
    QList<DueDelivery> found;
    if (!runQuery(query))
        return found;
    while (query.next()) {
        const QVariant raw = query.value(5);
        found.append({query.value(0).toLongLong(), query.value(1).toLongLong(),
                      query.value(2).toString(), TargetOptions::fromFlags(query.value(3).toInt()),
                      query.value(4).toInt(),
                      raw.isNull() ? std::nullopt : std::optional(raw.toByteArray()),
                      query.value(6).toLongLong(), query.value(7).toBool()});
    }
    return found;
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
    QByteArrayList ids; // as a JSON array, for json_each()
    for (const qint64 id : deliveryIds)
        ids.append(QByteArray::number(id));
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("UPDATE deliveries SET sending = 1 "
                                 "WHERE id IN (SELECT value FROM json_each(?))"));
    query.addBindValue(QString::fromLatin1('[' + ids.join(',') + ']'));
    if (runQuery(query))
        return true;
    m_error = query.lastError().text();
    return false;
}

qint64 DeliveryLog::nextDueUs(qint64 nowUs)
{
    QSqlQuery query(m_connection.database());
    query.prepare(QStringLiteral("SELECT min(next_attempt_us) FROM deliveries WHERE state = 0 "
                                 "AND next_attempt_us > ?"));
    query.addBindValue(nowUs);
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
        QStringLiteral("UPDATE deliveries SET state = 0, next_attempt_us = ? WHERE id = ?"));
    query.addBindValue(nowUs);
    query.addBindValue(deliveryId);
    return runQuery(query) && query.numRowsAffected() == 1;
}

QList<DeliveryRecord> DeliveryLog::forCapture(qint64 captureId)
{
    QList<DeliveryRecord> records;
    QSqlQuery deliveries(m_connection.database());
    deliveries.prepare(
        QStringLiteral("SELECT id, target, state, attempts, next_attempt_us, "
                       "options, proxied FROM deliveries WHERE capture_id = ? ORDER BY id"));
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
