#include "capturestore.h"

#include "captureindexer.h"
#include "captureorder.h"
#include "capturequery.h"
#include "datafolder.h"
#include "sqlitestatement.h"
#include "storeconnection.h"
#include "trafficstats.h"

#include "wire/eventtype.h"
#include "wire/logging.h"
#include "wire/requestparser.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSqlError>
#include <QSqlQuery>
#include <QScopeGuard>

#include <sqlite3.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace Hookscope {
namespace {

const char *const summaryColumns
    = "c.id, c.received_us, c.duration_us, c.method, c.target, c.response_status, "
      "c.request_size, c.body_size, c.content_type, c.remote_address, c.remote_port, "
      "c.parse_error IS NOT NULL, c.starred, c.rule, "
      // The delivery the list shows: one not yet delivered first (an index lookup per row).
      "(SELECT d.state || ' ' || d.last_status || ' ' || d.attempts FROM deliveries d "
      "WHERE d.capture_id = c.id ORDER BY d.state = 1, d.id LIMIT 1), c.source, c.source_url";

QString sql(const char *text)
{
    return QString::fromLatin1(text);
}

} // namespace

bool CaptureStore::execute(QSqlDatabase &database, const QString &statement, QString *error)
{
    QSqlQuery query(database);
    if (query.exec(statement))
        return true;
    if (error) // SQLite's own words; Qt's "Unable to execute statement" adds nothing
        *error = query.lastError().databaseText().isEmpty() ? query.lastError().text()
                                                            : query.lastError().databaseText();
    return false;
}

CaptureStore::CaptureStore(const QString &path)
    : m_path(path)
    , m_connection(path)
    , m_database(m_connection.database())
{}

CaptureStore::~CaptureStore()
{
    m_captureQuery.reset(); // before its connection closes
}

QString CaptureStore::defaultPath()
{
    const QString fromEnvironment = qEnvironmentVariable("HOOKSCOPE_STORE");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    // Fixed folder name so the GUI and the CLI share one store whatever their binary names.
    return DataFolder::path() + QStringLiteral("/captures.sqlite");
}

QString CaptureStore::moveAside(const QString &path, QString *error)
{
    const QString stamp = QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    const QString asidePath = path + QStringLiteral(".unreadable-") + stamp;
    const QString index = CaptureIndexer::indexPath(QString());
    for (const QString &suffix :
         QStringList{QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), index,
                     index + QStringLiteral("-wal"), index + QStringLiteral("-shm")}) {
        if (!QFile::exists(path + suffix))
            continue;
        if (!QFile::rename(path + suffix, asidePath + suffix)) {
            if (error)
                *error = QStringLiteral("Could not rename %1 to %2")
                             .arg(path + suffix, asidePath + suffix);
            return {};
        }
    }
    return asidePath;
}

bool CaptureStore::fail(OpenError error, const QString &message)
{
    m_openError = error;
    m_error = message;
    m_database.close();
    return false;
}

bool CaptureStore::open()
{
    m_readingOnly = false; // a disk full at an earlier open may have room now
    return openOwnConnection();
}

bool CaptureStore::openOwnConnection()
{
    const QFileInfo info(m_path);
    QString folderError;
    if (!DataFolder::ensure(info.absolutePath(), &folderError))
        return fail(OpenError::Unreadable, folderError);
    if (!info.exists()) {
        // Create the file ourselves so it is private from its first byte; SQLite gives its
        // -wal and -shm files the same mode.
        QFile file(m_path);
        if (!file.open(QIODevice::WriteOnly)
            || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner))
            return fail(OpenError::Unreadable,
                        QStringLiteral("Cannot create %1: %2").arg(m_path, file.errorString()));
    }

    QString error;
    m_captureQuery.reset();
    m_connection.open(&error, m_readingOnly);
    if (!m_database.isOpen() && !m_readingOnly && info.exists()
        && (error.contains(QStringLiteral("I/O error"))
            || error.contains(QStringLiteral("full")))) {
        // A full disk: what was captured can still be read.
        m_readingOnly = true;
        const bool opened = openOwnConnection();
        if (!opened)
            m_readingOnly = false;
        return opened;
    }
    if (!m_database.isOpen()) {
        const bool notDatabase = error.contains(QStringLiteral("not a database"));
        const bool damaged = error.contains(QStringLiteral("malformed"));
        return fail(
            notDatabase ? OpenError::NotAStore
            : damaged   ? OpenError::Damaged
                        : OpenError::Unreadable,
            QStringLiteral("%1 cannot be opened as a capture store: %2").arg(m_path, error));
    }

    QSqlQuery query(m_database);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return fail(OpenError::NotAStore, QStringLiteral("%1 is not a readable capture store: %2")
                                              .arg(m_path, query.lastError().text()));
    const int version = query.value(0).toInt();
    query.finish();
    if (version > SchemaVersion)
        return fail(
            OpenError::NewerVersion,
            QStringLiteral("%1 was written by a newer Hookscope (store version %2; this "
                           "build reads up to %3). Upgrade Hookscope, or start a fresh store.")
                .arg(m_path)
                .arg(version)
                .arg(SchemaVersion));
    if (version == 0) {
        if (!query.exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")) || !query.next())
            return fail(OpenError::NotAStore,
                        QStringLiteral("%1 is not a readable capture store: %2")
                            .arg(m_path, query.lastError().text()));
        if (query.value(0).toInt() != 0)
            return fail(OpenError::NotAStore,
                        QStringLiteral("%1 is an SQLite file but not a Hookscope capture store")
                            .arg(m_path));
        query.finish();
        if (!createSchema())
            return fail(
                OpenError::Unreadable,
                QStringLiteral("Cannot create the capture store in %1: %2").arg(m_path, m_error));
    }
    if (version > 0 && version < SchemaVersion && !migrate(version))
        return fail(OpenError::Unreadable,
                    QStringLiteral("Cannot upgrade the capture store %1 from version %2: %3")
                        .arg(m_path)
                        .arg(version)
                        .arg(m_error));
    // The event: filter term works out the event type of captures the indexer has not reached.
    sqlite3_create_function_v2(
        SqliteStatement::handleOf(m_database), "hookscope_event_type", 1,
        SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
        [](sqlite3_context *context, int, sqlite3_value **arguments) {
            const QByteArray raw(static_cast<const char *>(sqlite3_value_blob(arguments[0])),
                                 sqlite3_value_bytes(arguments[0]));
            const QByteArray type = eventType(RequestParser::parseStored(raw)).toUtf8();
            sqlite3_result_text(context, type.constData(), int(type.size()), SQLITE_TRANSIENT);
        },
        nullptr, nullptr, nullptr);
    if (m_readingOnly) {
        // The index is read as it is, or not at all (a search then says it cannot).
        QSqlQuery attach(m_database);
        attach.prepare(QStringLiteral("ATTACH DATABASE ? AS search"));
        attach.addBindValue(CaptureIndexer::indexPath(m_path));
        runQuery(attach);
        return true;
    }
    if (!execute(m_database, QStringLiteral("PRAGMA journal_mode=WAL"), &error))
        return fail(
            OpenError::Unreadable,
            QStringLiteral("Cannot switch %1 to write-ahead logging: %2").arg(m_path, error));
    QSqlQuery attach(m_database);
    attach.prepare(QStringLiteral("ATTACH DATABASE ? AS search"));
    attach.addBindValue(CaptureIndexer::indexPath(m_path));
    if (!CaptureIndexer::prepareIndexFile(m_path, &error) || !runQuery(attach))
        return fail(OpenError::Unreadable,
                    QStringLiteral("Cannot open the search index beside %1: %2")
                        .arg(m_path, error.isEmpty() ? attach.lastError().text() : error));
    return true;
}

bool CaptureStore::checkIntegrity(int timeLimitMs)
{
    // The check runs inside one step of SQLite's, which never calls the progress handler: a
    // watchdog interrupts it instead (else a 3 GB store was read whole, 30 s, before the
    // window or `listen` could start).
    std::mutex mutex;
    std::condition_variable done;
    bool finishedInTime = false;
    sqlite3 *handle = SqliteStatement::handleOf(m_database);
    std::thread watchdog([&] {
        std::unique_lock lock(mutex);
        if (!done.wait_for(lock, std::chrono::milliseconds(timeLimitMs),
                           [&] { return finishedInTime; }))
            sqlite3_interrupt(handle);
    });
    QSqlQuery check(m_database);
    const bool finished = check.exec(QStringLiteral("PRAGMA main.quick_check(5)"));
    {
        std::lock_guard lock(mutex);
        finishedInTime = true;
    }
    done.notify_one();
    watchdog.join();
    QStringList problems;
    while (finished && check.next()) {
        // A row may hold several lines, under a "*** in database main ***" heading.
        for (const QString &line : check.value(0).toString().split(QLatin1Char('\n'))) {
            if (line != QLatin1String("ok") && !line.startsWith(QLatin1String("***")))
                problems.append(line.trimmed());
        }
    }
    check.finish();
    const QString error = check.lastError().text();
    const bool damaged = !problems.isEmpty() || error.contains(QStringLiteral("malformed"));
    if (!damaged)
        return true; // sound, or not finished in time (then as far as it got)
    m_openError = OpenError::Damaged;
    m_error = QStringLiteral("%1 has damaged pages (SQLite's check found %2, the first: %3). "
                             "Some captures may be lost or wrong.")
                  .arg(m_path,
                       problems.size() > 1 ? QStringLiteral("%1 problems").arg(problems.size())
                                           : QStringLiteral("a problem"),
                       problems.isEmpty() ? error : problems.first());
    return false;
}

void CaptureStore::setCancellation(std::function<bool()> cancelled)
{
    m_cancelled = std::move(cancelled);
    sqlite3 *handle = SqliteStatement::handleOf(m_database);
    if (!handle)
        return;
    if (!m_cancelled) {
        sqlite3_progress_handler(handle, 0, nullptr, nullptr);
        return;
    }
    sqlite3_progress_handler(
        handle, 4096,
        [](void *store) { return static_cast<CaptureStore *>(store)->m_cancelled() ? 1 : 0; },
        this);
}

namespace {

// Version 2: filters that often match few captures (an error status, starred, malformed, a rare
// method) walk an index, newest first, instead of the whole table. The first three are partial,
// so the 2xx captures that make up a flood cost nothing to insert; the method index appends
// within its method (no measurable ingest cost: 24.3k vs 24.1k req/s, ingest.sh medians).
// CaptureQuery writes the status term to match the partial index.
const char *const filterIndexes[] = {
    ("CREATE INDEX IF NOT EXISTS captures_unusual_status ON captures(id)"
     " WHERE response_status < 200 OR response_status >= 300"),
    "CREATE INDEX IF NOT EXISTS captures_starred ON captures(id) WHERE starred <> 0",
    "CREATE INDEX IF NOT EXISTS captures_malformed ON captures(id) WHERE parse_error IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS captures_method ON captures(method, id)",
};

template<size_t Count>
bool executeEach(QSqlDatabase &database, const char *const (&statements)[Count], QString *error)
{
    for (const char *statement : statements) {
        if (!CaptureStore::execute(database, sql(statement), error))
            return false;
    }
    return true;
}

// Version 3: live forwarding. A delivery is one capture bound for one target, inserted by the
// writer in the capture's own transaction, so the outgoing queue is as durable as the capture;
// each attempt at it is kept beside it.
const char *const deliveryTables[] = {
    "CREATE TABLE deliveries ("
    " id INTEGER PRIMARY KEY,"
    " capture_id INTEGER NOT NULL,"
    " target TEXT NOT NULL,"
    " state INTEGER NOT NULL," // 0 pending, 1 delivered, 2 failed (gave up or final answer)
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_attempt_us INTEGER NOT NULL,"
    " last_status INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT)",
    "CREATE INDEX deliveries_by_capture ON deliveries(capture_id)",
    "CREATE INDEX deliveries_due ON deliveries(next_attempt_us) WHERE state = 0",
    "CREATE TABLE delivery_attempts ("
    " id INTEGER PRIMARY KEY,"
    " delivery_id INTEGER NOT NULL,"
    " started_us INTEGER NOT NULL,"
    " duration_us INTEGER NOT NULL,"
    " status INTEGER NOT NULL,"
    " response_head BLOB," // NULL: no answer
    " response_body BLOB,"
    " error TEXT)",
    "CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts(delivery_id)",
};

// Version 4: what the composer sent and what came back, so its history survives restarts.
const char *const sendHistoryTables[] = {
    "CREATE TABLE sent_requests ("
    " id INTEGER PRIMARY KEY,"
    " sent_us INTEGER NOT NULL,"
    " method TEXT NOT NULL,"
    " url TEXT NOT NULL,"
    " headers BLOB NOT NULL," // "Name: value" lines, CRLF-separated, in order
    " body BLOB,"
    " status INTEGER NOT NULL,"
    " response_head BLOB,"
    " response_body BLOB,"
    " duration_us INTEGER NOT NULL,"
    " error TEXT)",
};

// Version 5: how each delivery is sent (TargetOptions flags), and whether it was a proxied
// request whose answer went back to the provider.
const char *const ruleColumn[] = {
    "ALTER TABLE captures ADD COLUMN rule TEXT",
};

const char *const deliveryOptionColumns[] = {
    "ALTER TABLE deliveries ADD COLUMN options INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE deliveries ADD COLUMN proxied INTEGER NOT NULL DEFAULT 0",
};

// Version 7: a delivery whose send is under way is marked so; when Hookscope stops during it,
// the next attempt is recorded as one that may repeat it (delivery is at least once).
const char *const deliveryRepeatColumns[] = {
    "ALTER TABLE deliveries ADD COLUMN sending INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE delivery_attempts ADD COLUMN may_repeat INTEGER NOT NULL DEFAULT 0",
};

// Version 8: when a delivery was queued, or retried by hand: it is given up a set time later.
const char *const deliveryQueuedColumn[] = {
    "ALTER TABLE deliveries ADD COLUMN queued_us INTEGER NOT NULL DEFAULT 0",
    ("UPDATE deliveries SET queued_us ="
     " coalesce((SELECT received_us FROM captures c WHERE c.id = capture_id), 0)"),
};

// Version 9: where a capture came from (CaptureOrigin::label) for the list, and the relay
// channel it came through.
const char *const originColumns[] = {
    "ALTER TABLE captures ADD COLUMN source TEXT",
    "ALTER TABLE captures ADD COLUMN relay TEXT",
};

// Version 10: the public URL it was sent to there, for the list's tooltip.
const char *const originUrlColumn[] = {
    "ALTER TABLE captures ADD COLUMN source_url TEXT",
};

// Version 11: whether it came to the HTTPS port.
const char *const tlsColumn[] = {
    "ALTER TABLE captures ADD COLUMN tls INTEGER NOT NULL DEFAULT 0",
};

// Version 12: a copy delivered as providers do is signed as if this long ago (stale=), and at
// most this many are in flight to its target at once (concurrency=; 0: no cap).
const char *const deliveryChaosColumns[] = {
    "ALTER TABLE deliveries ADD COLUMN signed_age_s INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE deliveries ADD COLUMN max_in_flight INTEGER NOT NULL DEFAULT 0",
};

// Version 13: attempts by when they started, which the Traffic view counts (TrafficStats).
const char *const attemptTimeIndex[] = {
    "CREATE INDEX delivery_attempts_started ON delivery_attempts(started_us)",
};

} // namespace

bool CaptureStore::migrate(int fromVersion)
{
    // All steps in one transaction: a failed step changes nothing.
    if (!m_database.transaction()) {
        m_error = m_database.lastError().text();
        return false;
    }
    return upgradeAndCommit(fromVersion);
}

bool CaptureStore::upgradeAndCommit(int fromVersion)
{
    if ((fromVersion < 2 && !executeEach(m_database, filterIndexes, &m_error))
        || (fromVersion < 3 && !executeEach(m_database, deliveryTables, &m_error))
        || (fromVersion < 4 && !executeEach(m_database, sendHistoryTables, &m_error))
        || (fromVersion < 5 && !executeEach(m_database, deliveryOptionColumns, &m_error))
        || (fromVersion < 6 && !executeEach(m_database, ruleColumn, &m_error))
        || (fromVersion < 7 && !executeEach(m_database, deliveryRepeatColumns, &m_error))
        || (fromVersion < 8 && !executeEach(m_database, deliveryQueuedColumn, &m_error))
        || (fromVersion < 9 && !executeEach(m_database, originColumns, &m_error))
        || (fromVersion < 10 && !executeEach(m_database, originUrlColumn, &m_error))
        || (fromVersion < 11 && !executeEach(m_database, tlsColumn, &m_error))
        || (fromVersion < 12 && !executeEach(m_database, deliveryChaosColumns, &m_error))
        || (fromVersion < 13 && !executeEach(m_database, attemptTimeIndex, &m_error))
        || !execute(m_database, QStringLiteral("PRAGMA user_version=%1").arg(SchemaVersion),
                    &m_error)) {
        m_database.rollback();
        return false;
    }
    return m_database.commit();
}

bool CaptureStore::createSchema()
{
    static const char *const statements[] = {
        // AUTOINCREMENT: an id the user has seen is never given to another capture.
        "CREATE TABLE captures ("
        " id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " received_us INTEGER NOT NULL,"
        " duration_us INTEGER NOT NULL,"
        " method TEXT NOT NULL,"
        " target TEXT NOT NULL,"
        " http_version TEXT NOT NULL,"
        " response_status INTEGER NOT NULL,"
        " request_size INTEGER NOT NULL,"
        " body_size INTEGER NOT NULL,"
        " content_type TEXT NOT NULL,"
        " remote_address TEXT NOT NULL,"
        " remote_port INTEGER NOT NULL,"
        " local_address TEXT NOT NULL,"
        " local_port INTEGER NOT NULL,"
        " parse_error TEXT,"
        " starred INTEGER NOT NULL DEFAULT 0,"
        " note TEXT)",
        // Bytes live apart from the summaries so paging through the list stays compact.
        "CREATE TABLE capture_bytes ("
        " id INTEGER PRIMARY KEY,"
        " raw BLOB NOT NULL,"
        " response_head BLOB NOT NULL,"
        " response_body BLOB NOT NULL)",
    };
    if (!m_database.transaction()) {
        m_error = m_database.lastError().text();
        return false;
    }
    if (!executeEach(m_database, statements, &m_error)) {
        m_database.rollback();
        return false;
    }
    return upgradeAndCommit(1); // version 1's tables, then every step since
}

QList<CaptureSummary> CaptureStore::readSummaries(QSqlQuery &query)
{
    QList<CaptureSummary> summaries;
    while (query.next()) {
        CaptureSummary summary;
        summary.id = query.value(0).toLongLong();
        summary.receivedAtUs = query.value(1).toLongLong();
        summary.durationUs = query.value(2).toLongLong();
        summary.method = query.value(3).toString().toUtf8();
        summary.target = query.value(4).toString().toUtf8();
        summary.responseStatus = query.value(5).toInt();
        summary.requestSize = query.value(6).toLongLong();
        summary.bodySize = query.value(7).toLongLong();
        summary.contentType = query.value(8).toString().toUtf8();
        summary.remoteAddress = query.value(9).toString();
        summary.remotePort = quint16(query.value(10).toUInt());
        summary.malformed = query.value(11).toBool();
        summary.starred = query.value(12).toBool();
        summary.rule = query.value(13).toString();
        summary.source = query.value(15).toString();
        summary.sourceUrl = query.value(16).toString();
        if (const QString delivery = query.value(14).toString(); !delivery.isEmpty()) {
            const QStringList parts = delivery.split(QLatin1Char(' '));
            summary.delivery = CaptureSummary::Delivery(parts.value(0).toInt() + 1);
            summary.deliveryStatus = parts.value(1).toInt();
            summary.deliveryAttempts = parts.value(2).toInt();
        }
        summaries.append(std::move(summary));
    }
    return summaries;
}

QList<CaptureSummary> CaptureStore::summaries(qint64 beforeId, int limit)
{
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(
        QStringLiteral("SELECT %1 FROM captures c WHERE c.id < ? ORDER BY c.id DESC LIMIT ?")
            .arg(sql(summaryColumns)));
    query.addBindValue(beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max());
    query.addBindValue(limit);
    if (!runQuery(query))
        return {};
    return readSummaries(query);
}

QString CaptureStore::fullTextQuery(const QStringList &terms)
{
    QStringList phrases;
    for (QString term : terms)
        phrases.append(QLatin1Char('"') + term.replace(QLatin1Char('"'), QStringLiteral("\"\""))
                       + QLatin1Char('"'));
    return phrases.join(QLatin1Char(' '));
}

qint64 CaptureStore::indexedUpTo()
{
    QSqlQuery query(m_database);
    if (!query.exec(QStringLiteral("SELECT last_id FROM search.index_state")) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

qint64 CaptureStore::sortKeysUpTo()
{
    QSqlQuery query(m_database);
    if (!query.exec(QStringLiteral("SELECT sorted_id FROM search.index_state")) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

QList<qint64> CaptureStore::sameEvent(qint64 captureId, const QString &eventId)
{
    QList<qint64> ids;
    if (eventId.isEmpty())
        return ids;
    // Joined on captures: a deleted capture's entry stays in the index.
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT e.id FROM search.capture_event e JOIN captures c ON "
                                 "c.id = e.id WHERE e.event_id = ? AND e.id <> ? ORDER BY e.id "
                                 "LIMIT 1000"));
    query.addBindValue(eventId);
    query.addBindValue(captureId);
    if (runQuery(query)) {
        while (query.next())
            ids.append(query.value(0).toLongLong());
    }
    return ids;
}

std::optional<QStringList> CaptureStore::driftOf(qint64 captureId)
{
    QSqlQuery query(m_database);
    query.prepare(QStringLiteral("SELECT (SELECT analyzed_id FROM search.index_state), "
                                 "(SELECT differences FROM search.capture_drift WHERE id = ?)"));
    query.addBindValue(captureId);
    if (!runQuery(query) || !query.next() || query.value(0).toLongLong() < captureId)
        return std::nullopt;
    const QString differences = query.value(1).toString();
    return differences.isEmpty() ? QStringList() : differences.split(QLatin1Char('\n'));
}

TrafficReport CaptureStore::traffic(const TrafficBuckets &buckets, TrafficChart chart)
{
    return TrafficStats(m_database).report(buckets, chart);
}

std::optional<std::pair<qint64, qint64>> CaptureStore::trafficSpan()
{
    return TrafficStats(m_database).span();
}

qint64 CaptureStore::verdictsKeptUpTo(const QByteArray &fingerprint)
{
    QSqlQuery query(m_database);
    if (!query.exec(QStringLiteral("SELECT settings, checked_id FROM search.verdict_state"))
        || !query.next())
        return 0;
    if (query.value(0).toByteArray() == fingerprint)
        return query.value(1).toLongLong();
    query.finish();
    if (!m_database.transaction())
        return 0;
    QSqlQuery reset(m_database);
    reset.prepare(QStringLiteral("UPDATE search.verdict_state SET settings = ?, checked_id = 0"));
    reset.addBindValue(fingerprint);
    if (!runQuery(reset)
        || !execute(m_database, QStringLiteral("DELETE FROM search.capture_verdict"), &m_error)
        || !m_database.commit()) {
        m_database.rollback();
        qCWarning(lcStore, "verdicts kept for other settings stay: %s", qPrintable(m_error));
    }
    return 0;
}

bool CaptureStore::keepVerdicts(const QByteArray &fingerprint, const QList<KeptVerdict> &verdicts,
                                qint64 upToId)
{
    // The write lock first: with a read begun before the indexer's next commit, the write
    // would fail at once (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn.
    if (!execute(m_database, QStringLiteral("BEGIN IMMEDIATE"), &m_error))
        return false;
    const auto abandon = [this] {
        QString ignored;
        execute(m_database, QStringLiteral("ROLLBACK"), &ignored);
        return false;
    };
    QSqlQuery state(m_database);
    if (!state.exec(QStringLiteral("SELECT settings, checked_id FROM search.verdict_state"))
        || !state.next() || state.value(0).toByteArray() != fingerprint)
        return abandon();
    const qint64 checkedId = state.value(1).toLongLong();
    state.finish();
    SqliteStatement insert(SqliteStatement::handleOf(m_database),
                           "INSERT OR REPLACE INTO search.capture_verdict (id, received_us, "
                           "outcome) VALUES (?,?,?)");
    for (const KeptVerdict &verdict : verdicts) {
        if (verdict.id <= checkedId)
            continue;
        insert.bind(1, verdict.id);
        insert.bind(2, verdict.receivedUs);
        insert.bind(3, verdict.outcome);
        if (!insert.run()) {
            m_error = insert.errorMessage();
            return abandon();
        }
    }
    QSqlQuery advance(m_database);
    advance.prepare(
        QStringLiteral("UPDATE search.verdict_state SET checked_id = max(checked_id, ?)"));
    advance.addBindValue(upToId);
    if (!runQuery(advance) || !execute(m_database, QStringLiteral("COMMIT"), &m_error))
        return abandon();
    return true;
}

QList<CapturedRequest> CaptureStore::requestsAfter(qint64 afterId, int limit, qint64 maxBytes)
{
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT c.id, c.received_us, b.raw FROM captures c JOIN "
                                 "capture_bytes b ON b.id = c.id WHERE c.id > ? ORDER BY c.id "
                                 "LIMIT ?"));
    query.addBindValue(afterId);
    query.addBindValue(limit);
    QList<CapturedRequest> requests;
    if (!runQuery(query))
        return requests;
    qint64 bytes = 0;
    while (bytes < maxBytes && query.next()) {
        const QByteArray raw = query.value(2).toByteArray();
        bytes += raw.size();
        CapturedRequest request = RequestParser::parseStored(raw);
        request.id = query.value(0).toLongLong();
        request.receivedAtUs = query.value(1).toLongLong();
        requests.append(std::move(request));
    }
    return requests;
}

QList<std::pair<QString, qint64>> CaptureStore::eventTypes()
{
    QList<std::pair<QString, qint64>> types;
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    if (query.exec(QStringLiteral(
            // Not the shapes of one kind, test or live (EventAnalyzer::KindSeparator).
            "SELECT type, payloads FROM search.event_shape WHERE instr(type, char(31)) = 0 "
            "ORDER BY payloads DESC, type LIMIT 1000"))) {
        while (query.next())
            types.append({query.value(0).toString(), query.value(1).toLongLong()});
    }
    return types;
}

PayloadShape CaptureStore::shapeOf(const QString &eventType)
{
    QSqlQuery query(m_database);
    query.prepare(QStringLiteral("SELECT shape FROM search.event_shape WHERE type = ?"));
    query.addBindValue(eventType);
    if (!runQuery(query) || !query.next())
        return {};
    return PayloadShape::fromJson(QJsonDocument::fromJson(query.value(0).toByteArray()).object());
}

QList<CaptureSummary> CaptureStore::find(const CaptureQuery &query, qint64 beforeId, int limit)
{
    if (beforeId <= 0)
        return find(query, CaptureOrder(), nullptr, limit);
    CaptureSummary after;
    after.id = beforeId;
    return find(query, CaptureOrder(), &after, limit);
}

namespace {

// The orders the search index keeps sort keys for (CaptureIndexer).
bool hasSortKeys(const CaptureOrder &order)
{
    return order.key == CaptureOrder::Key::Target || order.key == CaptureOrder::Key::Status
           || order.key == CaptureOrder::Key::BodySize;
}

} // namespace

QList<CaptureSummary> CaptureStore::find(const CaptureQuery &query, const CaptureOrder &order,
                                         const CaptureSummary *after, int limit, qint64 minId)
{
    if (query.hasText() && order.isNewestFirst())
        return findNewestWithText(query, after ? after->id : 0, limit, minId);

    QVariantList values;
    QString conditions = query.sqlConditions(&values) + QStringLiteral(" AND c.id >= ?");
    values.append(minId);
    if (query.hasText()) {
        // Indexed captures through the full-text index, the rest by scanning their bytes.
        const qint64 indexed = indexedUpTo();
        QString scanned;
        for (qsizetype i = 0; i < query.textTerms().size(); ++i)
            scanned += QStringLiteral(" AND instr(lower(CAST(b.raw AS TEXT)), ?) > 0");
        conditions
            += QStringLiteral(" AND (c.id IN (SELECT rowid FROM search.capture_text WHERE "
                              "capture_text MATCH ? AND rowid <= ?) OR c.id IN (SELECT b.id FROM "
                              "capture_bytes b WHERE b.id > ?%1))")
                   .arg(scanned);
        values += {fullTextQuery(query.textTerms()), indexed, indexed};
        for (const QString &term : query.textTerms())
            values.append(term.toLower());
    }
    // After the last row shown, in `alias`'s columns.
    const QString comparison = order.descending ? QStringLiteral("<") : QStringLiteral(">");
    QVariantList afterValues;
    const auto afterIn = [&](const QString &alias) -> QString {
        if (!after)
            return {};
        if (order.key == CaptureOrder::Key::Received) {
            afterValues = {after->id};
            return QStringLiteral(" AND %1.id %2 ?").arg(alias, comparison);
        }
        afterValues = {order.keyOf(*after), after->id};
        QString key = order.sqlExpression();
        key.replace(QLatin1String("c."), alias + QLatin1Char('.'));
        return QStringLiteral(" AND (%1, %2.id) %3 (?, ?)").arg(key, alias, comparison);
    };
    const QString direction = order.descending ? QStringLiteral(" DESC") : QStringLiteral(" ASC");
    const QString orderBy
        = order.key == CaptureOrder::Key::Received
              ? QString(QStringLiteral("c.id") + direction)
              : QString(order.sqlExpression() + direction + QStringLiteral(", c.id") + direction);
    QSqlQuery statement(m_database);
    statement.setForwardOnly(true);
    QVariantList bound;
    if (order.key == CaptureOrder::Key::Received) {
        statement.prepare(
            QStringLiteral("SELECT %1 FROM captures c WHERE %2%3 ORDER BY %4 LIMIT ?")
                .arg(sql(summaryColumns), conditions, afterIn(QStringLiteral("c")), orderBy));
        bound = values + afterValues + QVariantList{limit};
    } else if (const qint64 indexed = hasSortKeys(order) ? sortKeysUpTo() : 0; indexed > 0) {
        // The captures indexed so far in the index's order, the rest (the few the indexer has
        // not reached) sorted here; the first `limit` of both.
        QString sortedKey = order.sqlExpression();
        sortedKey.replace(QLatin1String("c."), QLatin1String("s."));
        const QString sortIndex = QStringLiteral("capture_sort_") + sortedKey.mid(2);
        const QString inIndex = afterIn(QStringLiteral("s"));
        const QVariantList inIndexValues = afterValues;
        const QString inTail = afterIn(QStringLiteral("c"));
        statement.prepare(
            QStringLiteral(
                "SELECT %1 FROM captures c WHERE c.id IN ("
                "SELECT id FROM (SELECT s.id AS id FROM search.capture_sort s INDEXED BY %2 "
                "CROSS JOIN captures c ON c.id = s.id WHERE s.id <= ? AND %3%4 "
                "ORDER BY %5%6, s.id%6 LIMIT ?) "
                "UNION ALL SELECT id FROM (SELECT c.id AS id FROM captures c "
                "WHERE c.id > ? AND %3%7 ORDER BY %8 LIMIT ?)) ORDER BY %8 LIMIT ?")
                .arg(sql(summaryColumns), sortIndex, conditions, inIndex, sortedKey, direction,
                     inTail, orderBy));
        bound = QVariantList{indexed} + values + inIndexValues + QVariantList{limit, indexed}
                + values + afterValues + QVariantList{limit, limit};
    } else {
        // Sorting ids alone first is 3x faster over a long history: when many rows tie (same
        // size, same status) the top-N sorter keeps replacing rows, and small rows are cheap.
        statement.prepare(
            QStringLiteral("SELECT %1 FROM captures c WHERE c.id IN (SELECT c.id "
                           "FROM captures c WHERE %2%3 ORDER BY %4 LIMIT ?) "
                           "ORDER BY %4")
                .arg(sql(summaryColumns), conditions, afterIn(QStringLiteral("c")), orderBy));
        bound = values + afterValues + QVariantList{limit};
    }
    for (const QVariant &value : std::as_const(bound))
        statement.addBindValue(value);
    return runQuery(statement) ? readSummaries(statement) : QList<CaptureSummary>();
}

QList<CaptureSummary> CaptureStore::findNewestWithText(const CaptureQuery &query, qint64 beforeId,
                                                       int limit, qint64 minId)
{
    const qint64 before = beforeId > 0 ? beforeId : std::numeric_limits<qint64>::max();
    QVariantList fieldValues;
    const QString fields = query.sqlConditions(&fieldValues);
    const auto bindAll = [](QSqlQuery &statement, const QVariantList &values) {
        for (const QVariant &value : values)
            statement.addBindValue(value);
    };
    const QStringList &terms = query.textTerms();
    const qint64 indexed = indexedUpTo();
    // Captures the indexer has not reached yet (it runs while capturing pauses) are scanned,
    // newest first, down to `minId` at most: a live flush looks at the new captures only.
    QString tailSql
        = QStringLiteral("SELECT %1 FROM captures c JOIN capture_bytes b ON b.id = c.id "
                         "WHERE c.id >= ? AND c.id < ? AND %2")
              .arg(sql(summaryColumns), fields);
    for (qsizetype i = 0; i < terms.size(); ++i)
        tailSql += QStringLiteral(" AND instr(lower(CAST(b.raw AS TEXT)), ?) > 0");
    tailSql += QStringLiteral(" ORDER BY c.id DESC LIMIT ?");
    QSqlQuery tail(m_database);
    tail.setForwardOnly(true);
    tail.prepare(tailSql);
    tail.addBindValue(std::max(indexed + 1, minId));
    tail.addBindValue(before);
    bindAll(tail, fieldValues);
    for (const QString &term : terms)
        tail.addBindValue(term.toLower());
    tail.addBindValue(limit);
    QList<CaptureSummary> found = tail.exec() ? readSummaries(tail) : QList<CaptureSummary>();
    if (found.size() >= limit || minId > indexed)
        return found;

    // FTS5 walks its index in descending rowid order itself, so a common word does not sort
    // every match; the join drops entries of deleted captures.
    QSqlQuery indexedMatches(m_database);
    indexedMatches.setForwardOnly(true);
    indexedMatches.prepare(
        QStringLiteral("SELECT %1 FROM search.capture_text t JOIN captures c ON c.id = t.rowid "
                       "WHERE t.capture_text MATCH ? AND t.rowid <= ? AND t.rowid < ? "
                       "AND t.rowid >= ? AND %2 ORDER BY t.rowid DESC LIMIT ?")
            .arg(sql(summaryColumns), fields));
    indexedMatches.addBindValue(fullTextQuery(terms));
    indexedMatches.addBindValue(indexed);
    indexedMatches.addBindValue(before);
    indexedMatches.addBindValue(minId);
    bindAll(indexedMatches, fieldValues);
    indexedMatches.addBindValue(limit - found.size());
    if (indexedMatches.exec())
        found += readSummaries(indexedMatches);
    return found;
}

std::optional<CapturedRequest> CaptureStore::capture(qint64 id)
{
    // Prepared once: the forwarder reads every capture it sends, thousands a second.
    if (!m_captureQuery) {
        m_captureQuery.emplace(m_database);
        m_captureQuery->setForwardOnly(true);
        m_captureQuery->prepare(QStringLiteral(
            "SELECT c.received_us, c.duration_us, c.response_status, c.remote_address,"
            " c.remote_port, c.local_address, c.local_port, c.parse_error, b.raw,"
            " b.response_head, b.response_body, c.note, c.rule, c.relay, c.tls"
            " FROM captures c JOIN capture_bytes b ON b.id = c.id WHERE c.id = ?"));
    }
    QSqlQuery &query = *m_captureQuery;
    query.addBindValue(id);
    const auto done = qScopeGuard([&query] { query.finish(); });
    if (!runQuery(query) || !query.next())
        return std::nullopt;
    CapturedRequest request = RequestParser::parseStored(query.value(8).toByteArray());
    request.id = id;
    request.receivedAtUs = query.value(0).toLongLong();
    request.durationUs = query.value(1).toLongLong();
    request.responseStatus = query.value(2).toInt();
    request.remoteAddress = QHostAddress(query.value(3).toString());
    request.remotePort = quint16(query.value(4).toUInt());
    request.localAddress = QHostAddress(query.value(5).toString());
    request.localPort = quint16(query.value(6).toUInt());
    request.parseError = query.value(7).toString();
    request.responseHead = query.value(9).toByteArray();
    request.responseBody = query.value(10).toByteArray();
    request.note = query.value(11).toString();
    request.rule = query.value(12).toString();
    request.relay = query.value(13).toString();
    request.overTls = query.value(14).toBool();
    return request;
}

QList<qint64> CaptureStore::idsMatching(const CaptureQuery &query)
{
    QList<qint64> ids;
    for (qint64 before = 0;;) {
        const QList<CaptureSummary> page = find(query, before, 1000);
        for (const CaptureSummary &summary : page)
            ids.append(summary.id);
        if (page.size() < 1000)
            break;
        before = page.last().id;
    }
    std::reverse(ids.begin(), ids.end());
    return ids;
}

qint64 CaptureStore::count()
{
    QSqlQuery query(m_database);
    if (!query.exec(QStringLiteral("SELECT count(*) FROM captures")) || !query.next())
        return 0;
    return query.value(0).toLongLong();
}

CaptureStore::Tally CaptureStore::tally()
{
    QSqlQuery query(m_database);
    if (!query.exec(QStringLiteral("SELECT count(*), coalesce(max(id), 0) FROM captures"))
        || !query.next())
        return {};
    return {query.value(0).toLongLong(), query.value(1).toLongLong()};
}

bool CaptureStore::setNote(qint64 id, const QString &note)
{
    QSqlQuery query(m_database);
    query.prepare(QStringLiteral("UPDATE captures SET note = ? WHERE id = ?"));
    query.addBindValue(note.isEmpty() ? QVariant() : QVariant(note));
    query.addBindValue(id);
    return runQuery(query) && query.numRowsAffected() == 1;
}

bool CaptureStore::setStarred(qint64 id, bool starred)
{
    QSqlQuery query(m_database);
    query.prepare(QStringLiteral("UPDATE captures SET starred = ? WHERE id = ?"));
    query.addBindValue(starred ? 1 : 0);
    query.addBindValue(id);
    return runQuery(query) && query.numRowsAffected() == 1;
}

bool CaptureStore::remove(qint64 id)
{
    if (!m_database.transaction())
        return false;
    // The search index keeps its text (a contentless index cannot delete safely by id), which
    // searches join on captures, so it matches nothing any more; what the Traffic view counts
    // without a join goes.
    int removed = 0;
    for (const char *table : {"captures", "capture_bytes"}) {
        QSqlQuery query(m_database);
        query.prepare(QStringLiteral("DELETE FROM %1 WHERE id = ?").arg(sql(table)));
        query.addBindValue(id);
        if (!runQuery(query)) {
            m_database.rollback();
            return false;
        }
        if (qstrcmp(table, "captures") == 0)
            removed = query.numRowsAffected();
    }
    // Its deliveries go with it: a pending one would have nothing left to send.
    for (const char *statement : {"DELETE FROM delivery_attempts WHERE delivery_id IN "
                                  "(SELECT id FROM deliveries WHERE capture_id = ?)",
                                  "DELETE FROM deliveries WHERE capture_id = ?",
                                  "DELETE FROM search.capture_sort WHERE id = ?",
                                  "DELETE FROM search.capture_event WHERE id = ?",
                                  "DELETE FROM search.capture_drift WHERE id = ?",
                                  "DELETE FROM search.capture_verdict WHERE id = ?"}) {
        QSqlQuery query(m_database);
        query.prepare(sql(statement));
        query.addBindValue(id);
        if (!runQuery(query)) {
            m_database.rollback();
            return false;
        }
    }
    return m_database.commit() && removed > 0;
}

bool CaptureStore::clear()
{
    if (!m_database.transaction())
        return false;
    // The event types' shapes stay: what the providers send was learnt, whatever is kept.
    for (const char *statement :
         {"DELETE FROM captures", "DELETE FROM capture_bytes", "DELETE FROM deliveries",
          "DELETE FROM delivery_attempts",
          "INSERT INTO search.capture_text (capture_text) VALUES ('delete-all')",
          "DELETE FROM search.capture_sort", "DELETE FROM search.capture_event",
          "DELETE FROM search.capture_drift", "DELETE FROM search.capture_verdict"}) {
        if (!execute(m_database, sql(statement), &m_error)) {
            m_database.rollback();
            return false;
        }
    }
    return m_database.commit();
}

} // namespace Hookscope
