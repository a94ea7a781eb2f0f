#include "capturewriter.h"

#include "capturestore.h"
#include "storeconnection.h"
#include "sqlitestatement.h"

#include "deliverylog.h"

#include "wire/captureorigin.h"
#include "wire/logging.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

#include <sqlite3.h>

#include <fcntl.h>
#include <pthread.h>

namespace Hookscope {
namespace {

// Latency bound: a burst is split so the first request in it is not answered last.
constexpr std::size_t MaxBatch = 2048;
// Shortest time between two checkpoints while captures keep coming.
constexpr auto CheckpointInterval = std::chrono::milliseconds(10);
// How long without a commit before the log file is cut back to nothing.
constexpr auto IdleBeforeTruncate = std::chrono::milliseconds(1000);

// Captures come in runs from a few connections: each address is formatted once per run.
class AddressText
{
public:
    const QString &of(const QHostAddress &address)
    {
        if (m_text.isNull() || address != m_address) {
            m_address = address;
            m_text = address.toString();
            m_utf8 = m_text.toUtf8();
        }
        return m_text;
    }
    const QByteArray &utf8() const { return m_utf8; } // of the last one asked for

private:
    QHostAddress m_address;
    QString m_text;
    QByteArray m_utf8;
};

// Writes a proxied request's delivery and its one attempt; returns the error, if any.
QString insertRelayedDelivery(sqlite3 *handle, SqliteStatement &insertDelivery,
                              SqliteStatement &insertAttempt, qint64 captureId,
                              const RelayedDelivery &relayed, CaptureSummary *summary)
{
    const DeliveryResult &result = relayed.result;
    const QByteArray target = relayed.target.toUtf8();
    const QByteArray error = result.error.toUtf8();
    insertDelivery.bind(1, captureId);
    insertDelivery.bindText(2, target);
    insertDelivery.bind(3, relayed.options.flags());
    insertDelivery.bind(4, int(result.succeeded() ? DeliveryAttempt::State::Delivered
                                                  : DeliveryAttempt::State::Failed));
    insertDelivery.bind(5, result.status);
    insertDelivery.bindTextOrNull(6, error);
    if (!insertDelivery.run())
        return insertDelivery.errorMessage();
    const QByteArray head = result.head();
    DeliveryLog::bindAttempt(insertAttempt, sqlite3_last_insert_rowid(handle), result, head, error);
    if (!insertAttempt.run())
        return insertAttempt.errorMessage();
    summary->delivery = result.succeeded() ? CaptureSummary::Delivery::Delivered
                                           : CaptureSummary::Delivery::Failed;
    summary->deliveryStatus = result.status;
    summary->deliveryAttempts = 1;
    return {};
}

} // namespace

CaptureWriter::CaptureWriter(const QString &path, QObject *parent)
    : QObject(parent)
    , m_path(path)
    , m_indexer(path)
{
    qRegisterMetaType<Hookscope::CommittedBatch>();
}

CaptureWriter::~CaptureWriter()
{
    stop();
}

CaptureSummary CaptureWriter::summarize(const CapturedRequest &request,
                                        const QString &remoteAddress)
{
    CaptureSummary summary;
    summary.id = request.id;
    summary.receivedAtUs = request.receivedAtUs;
    summary.durationUs = request.durationUs;
    summary.method = request.method;
    summary.target = request.target;
    summary.responseStatus = request.responseStatus;
    summary.requestSize = request.raw.size();
    summary.bodySize = request.body.size();
    summary.contentType = request.contentType();
    summary.remoteAddress = remoteAddress;
    summary.remotePort = request.remotePort;
    summary.malformed = !request.parseError.isEmpty();
    summary.rule = request.rule;
    const CaptureOrigin origin = CaptureOrigin::of(request);
    summary.source = origin.label();
    summary.sourceUrl = origin.publicUrl;
    return summary;
}

bool CaptureWriter::start(QString *error)
{
    std::promise<QString> started;
    std::future<QString> result = started.get_future();
    m_thread = std::thread(&CaptureWriter::run, this, std::move(started));
    const QString failure = result.get();
    if (failure.isEmpty()) {
        m_checkpointThread = std::thread(&CaptureWriter::runCheckpoints, this);
        m_indexer.start();
        return true;
    }
    m_thread.join();
    if (error)
        *error = failure;
    return false;
}

void CaptureWriter::append(CapturedRequest request, quint64 ticket,
                           std::optional<RelayedDelivery> relayed)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Entry{std::move(request), ticket, std::move(relayed)});
    }
    m_wake.notify_one();
}

void CaptureWriter::append(std::vector<Entry> &entries)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.insert(m_queue.end(), std::make_move_iterator(entries.begin()),
                       std::make_move_iterator(entries.end()));
    }
    entries.clear();
    m_wake.notify_one();
}

void CaptureWriter::setForwardRoutes(const QList<ForwardRoute> &routes)
{
    std::lock_guard lock(m_mutex);
    m_forwardRoutes.clear();
    for (const ForwardRoute &route : routes) {
        if (!route.proxy)
            m_forwardRoutes.append(route);
    }
    ++m_forwardRoutesVersion;
}

void CaptureWriter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_checkpointWake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
    if (m_checkpointThread.joinable())
        m_checkpointThread.join();
    m_indexer.stop();
}

void CaptureWriter::runCheckpoints()
{
    pthread_setname_np(pthread_self(), "checkpoints");
    StoreConnection connection(m_path);
    {
        QString error;
        connection.open(&error);
        QSqlQuery checkpoint(connection.database());
        QFile databaseFile(m_path);
        databaseFile.open(QIODevice::ReadOnly);
        // A frame of the log: a page and its 24-byte header.
        qint64 frameBytes = 4096 + 24;
        if (checkpoint.exec(QStringLiteral("PRAGMA page_size")) && checkpoint.next())
            frameBytes = checkpoint.value(0).toLongLong() + 24;
        checkpoint.finish();
        quint64 checkpointedCommits = 0;
        bool truncated = true;
        std::unique_lock lock(m_mutex);
        for (;;) {
            const bool committed = m_checkpointWake.wait_for(lock, IdleBeforeTruncate, [&] {
                return m_stopping || m_commits != checkpointedCommits;
            });
            if (m_stopping)
                break;
            if (!committed) {
                // Idle: the log goes back to nothing rather than keep a flood's size on disk.
                if (!truncated) {
                    lock.unlock();
                    checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
                    checkpoint.finish();
                    truncated = true;
                    lock.lock();
                }
                continue;
            }
            const quint64 commits = m_commits;
            lock.unlock();
            truncated = false;
            // Small and often: a checkpoint's fsync stalls the commits behind it, the longer the
            // more it copies. Measured p99 with 1 KiB requests at ~27k/s: 2.9 ms checkpointing
            // every 10 ms, 8 ms every 100 ms, 25 ms every second, 180 ms at 256 MiB of log.
            // PASSIVE copies what it can without taking the write lock.
            // Its row: busy, frames in the log, frames copied.
            const qint64 logFrames
                = checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"))
                          && checkpoint.next()
                      ? checkpoint.value(1).toLongLong()
                      : 0;
            checkpoint.finish();
            // The pages it copied start on their way to the disk now, without waiting: the
            // sync that restarting the log needs then finds little left to write.
            if (databaseFile.isOpen())
                ::sync_file_range(databaseFile.handle(), 0, 0,
                                  SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE
                                      | SYNC_FILE_RANGE_WAIT_AFTER);
            // Beside a flood that never pauses, PASSIVE never reaches the log's end, so the log
            // would grow as long as the flood lasts: past the ceiling, the writer waits while
            // the rest is copied and the log starts again from its beginning. (What is in use
            // counts, not the file, which keeps its size until the flood is over.)
            if (logFrames * frameBytes > m_logCeilingBytes) {
                checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(RESTART)"));
                checkpoint.finish();
            }
            checkpointedCommits = commits;
            lock.lock();
            m_checkpointWake.wait_for(lock, CheckpointInterval, [this] { return m_stopping; });
        }
        lock.unlock();
        checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        checkpoint.finish();
    }
}

void CaptureWriter::run(std::promise<QString> started)
{
    pthread_setname_np(pthread_self(), "capture writer");
    StoreConnection connection(m_path);
    QString error;
    // SQLite's 2 MiB of pages are enough: appends touch the right edge of each tree only. At
    // 1.6M captures the writer read 9 pages a second with them (from the OS's cache), and a
    // 32 MiB cache cost 31 MB of memory for no faster ingest (12.8k vs 11.9k req/s, 3 rounds).
    connection.open(&error);
    commitLoop(connection.database(), error, started);
}

// Its prepared statements are finalized on return, before the connection is closed.
void CaptureWriter::commitLoop(QSqlDatabase &database, QString error,
                               std::promise<QString> &started)
{
    {
        sqlite3 *handle = SqliteStatement::handleOf(database);
        SqliteStatement insertCapture(
            handle,
            "INSERT INTO captures (received_us, duration_us, method, target, http_version,"
            " response_status, request_size, body_size, content_type, remote_address,"
            " remote_port, local_address, local_port, parse_error, rule, source, source_url,"
            " relay, tls) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        SqliteStatement insertBytes(handle, "INSERT INTO capture_bytes (id, raw, response_head, "
                                            "response_body) VALUES (?,?,?,?)");
        SqliteStatement insertDelivery(
            handle, "INSERT INTO deliveries (capture_id, target, options, state, "
                    "next_attempt_us, queued_us, signed_age_s, max_in_flight) "
                    "VALUES (?,?,?,0,?4,?4,?5,?6)");
        SqliteStatement insertRelayed(
            handle, "INSERT INTO deliveries (capture_id, target, options, proxied, state, attempts,"
                    " next_attempt_us, last_status, last_error) VALUES (?,?,?,1,?,1,0,?,?)");
        SqliteStatement insertRelayedAttempt(handle, DeliveryLog::InsertAttemptSql);
        if (!database.isOpen() || !insertCapture.isValid() || !insertBytes.isValid()
            || !insertDelivery.isValid() || !insertRelayed.isValid()
            || !insertRelayedAttempt.isValid()) {
            if (error.isEmpty())
                error = insertCapture.errorMessage();
            started.set_value(QStringLiteral("Cannot write to %1: %2").arg(m_path, error));
            return;
        }
        // Checkpoints run on their own thread (runCheckpoints), never inside a commit: an
        // automatic one would hold up every request waiting on that commit.
        QSqlQuery(database).exec(QStringLiteral("PRAGMA wal_autocheckpoint=0"));
        // A checkpoint running beside a flood of commits never reaches the last one, so the log
        // grows as long as the flood lasts (~120 MB/s at full rate here): it starts again only
        // once one has caught up. It is then cut back to this, but no further: cutting the file
        // during a flood frees its blocks, and the next commit's sync waits for that (~100 ms
        // each time here, on ext4 with discard, with a 64 MiB limit). Once the flood is over it
        // goes back to nothing (runCheckpoints).
        QSqlQuery(database).exec(
            QStringLiteral("PRAGMA journal_size_limit=%1").arg(m_keptLogBytes));
        // A store it cannot write would answer every request 503: refused at start instead.
        // (SQLite opens a file it may not write read-only, and says so only at the first write.)
        if (sqlite3_db_readonly(handle, "main") == 1)
            error = QStringLiteral("the file is read-only");
        if (!error.isEmpty()
            || !CaptureStore::execute(database, QStringLiteral("BEGIN IMMEDIATE"), &error)
            || !CaptureStore::execute(database, QStringLiteral("ROLLBACK"), &error)) {
            started.set_value(QStringLiteral("The capture store %1 cannot be written (%2): check "
                                             "its permissions and the free space on its disk")
                                  .arg(m_path, error));
            return;
        }
        // FULL syncs the log at every commit: one fsync per group of requests answered
        // together, so an answered request is on the disk, not only with the OS.
        QSqlQuery(database).exec(m_durability == Durability::Disk
                                     ? QStringLiteral("PRAGMA synchronous=FULL")
                                     : QStringLiteral("PRAGMA synchronous=NORMAL"));
        started.set_value(QString());

        std::vector<Entry> batch;
        AddressText remoteAddressText;
        AddressText localAddressText;
        QList<ForwardRoute> forwardRoutes;
        QList<QByteArray> routeTargets; // UTF-8, one per route
        // Per route, what its random holds are drawn from: its seed, or a fresh one.
        QList<QRandomGenerator> routeRandom;
        quint64 routesVersion = 0;
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
                if (m_queue.empty())
                    break;
                if (routesVersion != m_forwardRoutesVersion) {
                    routesVersion = m_forwardRoutesVersion;
                    forwardRoutes = m_forwardRoutes;
                    routeTargets.clear();
                    routeRandom.clear();
                    for (const ForwardRoute &route : std::as_const(forwardRoutes)) {
                        routeTargets.append(route.target.toUtf8()); // bound, so kept alive
                        routeRandom.append(QRandomGenerator(
                            route.chaos.seed ? route.chaos.seed
                                             : QRandomGenerator::global()->generate()));
                    }
                }
                const std::size_t taken = std::min(m_queue.size(), MaxBatch);
                batch.assign(std::make_move_iterator(m_queue.begin()),
                             std::make_move_iterator(m_queue.begin() + qsizetype(taken)));
                m_queue.erase(m_queue.begin(), m_queue.begin() + qsizetype(taken));
            }

            QString failure;
            if (!database.transaction())
                failure = database.lastError().text();
            // Summaries are made once, here, and their fields bound: the content type lookup
            // and the address formatting are not done twice per capture.
            CommittedBatch committedBatch;
            committedBatch.reserve(qsizetype(batch.size()));
            for (Entry &pending : batch) {
                if (!failure.isEmpty())
                    break;
                const CapturedRequest &request = pending.request;
                CaptureSummary summary
                    = summarize(request, remoteAddressText.of(request.remoteAddress));
                const QByteArray &remoteAddress = remoteAddressText.utf8();
                localAddressText.of(request.localAddress);
                const QByteArray &localAddress = localAddressText.utf8();
                const QByteArray parseError = request.parseError.toUtf8();
                // Bound SQLITE_STATIC: kept alive until the row is written.
                const QByteArray rule = request.rule.toUtf8();
                const QByteArray source = summary.source.toUtf8();
                const QByteArray sourceUrl = summary.sourceUrl.toUtf8();
                const QByteArray relay = request.relay.toUtf8();
                const QByteArray &contentType = summary.contentType;
                insertCapture.bind(1, request.receivedAtUs);
                insertCapture.bind(2, request.durationUs);
                insertCapture.bindText(3, request.method);
                insertCapture.bindText(4, request.target);
                insertCapture.bindText(5, request.httpVersion);
                insertCapture.bind(6, request.responseStatus);
                insertCapture.bind(7, request.raw.size());
                insertCapture.bind(8, request.body.size());
                insertCapture.bindText(9, contentType);
                insertCapture.bindText(10, remoteAddress);
                insertCapture.bind(11, request.remotePort);
                insertCapture.bindText(12, localAddress);
                insertCapture.bind(13, request.localPort);
                insertCapture.bindTextOrNull(14, parseError);
                insertCapture.bindTextOrNull(15, rule);
                insertCapture.bindTextOrNull(16, source);
                insertCapture.bindTextOrNull(17, sourceUrl);
                insertCapture.bindTextOrNull(18, relay);
                insertCapture.bind(19, int(request.overTls));
                if (!insertCapture.run()) {
                    failure = insertCapture.errorMessage();
                    break;
                }
                pending.request.id = sqlite3_last_insert_rowid(handle);
                summary.id = request.id;
                committedBatch.append(CommittedCapture{pending.ticket, std::move(summary)});
                insertBytes.bind(1, request.id);
                insertBytes.bindBlob(2, request.raw);
                insertBytes.bindBlob(3, request.responseHead);
                insertBytes.bindBlob(4, request.responseBody);
                if (!insertBytes.run())
                    failure = insertBytes.errorMessage();
                if (pending.relayed && failure.isEmpty())
                    failure = insertRelayedDelivery(handle, insertRelayed, insertRelayedAttempt,
                                                    request.id, *pending.relayed,
                                                    &committedBatch.last().summary);
                // Only what has a request line can be sent on.
                const bool forwardable
                    = !request.method.isEmpty() && request.target.startsWith('/');
                const QByteArray path
                    = forwardable && !forwardRoutes.isEmpty() ? request.path() : QByteArray();
                for (qsizetype i = 0; i < forwardRoutes.size(); ++i) {
                    if (!forwardable || !failure.isEmpty())
                        break;
                    if (!forwardRoutes.at(i).matches(path))
                        continue;
                    // Each copy its own delivery, due after its random hold (none by default).
                    const ChaosOptions &chaos = forwardRoutes.at(i).chaos;
                    for (int copy = 0; copy < chaos.duplicates && failure.isEmpty(); ++copy) {
                        QRandomGenerator &random = routeRandom[i];
                        const qint64 holdMs
                            = chaos.minDelayMs
                              + (chaos.maxDelayMs > chaos.minDelayMs
                                     ? random.bounded(chaos.maxDelayMs - chaos.minDelayMs + 1)
                                     : 0)
                              + (chaos.shuffleWindow > 0 ? random.bounded(chaos.shuffleWindow + 1)
                                                         : 0);
                        insertDelivery.bind(1, request.id);
                        insertDelivery.bindText(2, routeTargets.at(i));
                        insertDelivery.bind(3, forwardRoutes.at(i).options.flags());
                        insertDelivery.bind(4, request.receivedAtUs + holdMs * 1000);
                        insertDelivery.bind(5, chaos.staleSeconds);
                        insertDelivery.bind(6, chaos.concurrency);
                        if (!insertDelivery.run())
                            failure = insertDelivery.errorMessage();
                        else
                            committedBatch.last().summary.delivery
                                = CaptureSummary::Delivery::Pending;
                    }
                }
            }
            if (failure.isEmpty() && !database.commit())
                failure = database.lastError().text();
            if (!failure.isEmpty())
                database.rollback();

            if (!failure.isEmpty()) {
                // Nothing in the batch was stored: every waiting client is told so.
                committedBatch.clear();
                for (const Entry &pending : batch) {
                    CaptureSummary summary
                        = summarize(pending.request, pending.request.remoteAddress.toString());
                    summary.id = 0;
                    committedBatch.append(CommittedCapture{pending.ticket, std::move(summary)});
                }
            }
            if (failure.isEmpty()) {
                m_indexer.notify(batch.back().request.id);
                {
                    std::lock_guard lock(m_mutex);
                    ++m_commits;
                }
                m_checkpointWake.notify_one();
            }
            batch.clear();
            if (!failure.isEmpty()) {
                const QString message
                    = QStringLiteral("Could not store captures in %1: %2").arg(m_path, failure);
                qCInfo(lcStore) << message;
                emit writeFailed(message);
            }
            emit committed(committedBatch);
        }
    }
}

} // namespace Hookscope
