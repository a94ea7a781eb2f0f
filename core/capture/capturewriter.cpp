#include "capturewriter.h"

#include "capturestore.h"

#include <QAtomicInteger>
#include <QSqlError>
#include <QSqlQuery>

namespace Hookscope {
namespace {

QAtomicInteger<quint64> writerCounter;

// Latency bound: a burst is split so the first request in it is not answered last.
constexpr std::size_t MaxBatch = 2048;
// Columns are NOT NULL and Qt binds a null string or byte array as NULL: an absent header,
// an unparsed method or an unsent response is stored as empty.
QString text(const QString &string)
{
    return string.isNull() ? QString(QLatin1String("")) : string;
}

QString text(const QByteArray &bytes)
{
    return text(QString::fromUtf8(bytes));
}

QByteArray blob(const QByteArray &bytes)
{
    return bytes.isNull() ? QByteArray("") : bytes;
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

CaptureSummary CaptureWriter::summarize(const CapturedRequest &request)
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
    summary.remoteAddress = request.remoteAddress.toString();
    summary.remotePort = request.remotePort;
    summary.malformed = !request.parseError.isEmpty();
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

void CaptureWriter::append(CapturedRequest request, quint64 ticket)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(Pending{std::move(request), ticket});
    }
    m_wake.notify_one();
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
    const QString connectionName = QStringLiteral("hookscope-checkpoint-%1").arg(++writerCounter);
    {
        QString error;
        QSqlDatabase database = CaptureStore::openConnection(m_path, connectionName, &error);
        QSqlQuery checkpoint(database);
        quint64 checkpointedCommits = 0;
        std::unique_lock lock(m_mutex);
        while (!m_stopping) {
            m_checkpointWake.wait_for(lock, std::chrono::milliseconds(100));
            if (m_stopping)
                break;
            const quint64 commits = m_commits;
            lock.unlock();
            // Small and often: a big checkpoint's burst of I/O stalls the commits behind it
            // (measured: p99 up to 180 ms when the log was let grow to 256 MiB). PASSIVE copies
            // what it can without taking the write lock.
            if (commits != checkpointedCommits) {
                checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"));
                checkpoint.finish();
                checkpointedCommits = commits;
            }
            lock.lock();
        }
        lock.unlock();
        checkpoint.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        checkpoint.finish();
        database.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

void CaptureWriter::run(std::promise<QString> started)
{
    const QString connectionName = QStringLiteral("hookscope-writer-%1").arg(++writerCounter);
    {
        QString error;
        QSqlDatabase database = CaptureStore::openConnection(m_path, connectionName, &error);
        QSqlQuery insertCapture(database);
        QSqlQuery insertBytes(database);
        const bool prepared
            = database.isOpen()
              && insertCapture.prepare(QStringLiteral(
                  "INSERT INTO captures (received_us, duration_us, method, target, http_version,"
                  " response_status, request_size, body_size, content_type, remote_address,"
                  " remote_port, local_address, local_port, parse_error)"
                  " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"))
              && insertBytes.prepare(
                  QStringLiteral("INSERT INTO capture_bytes (id, raw, "
                                 "response_head, response_body) VALUES (?,?,?,?)"));
        if (!prepared) {
            if (error.isEmpty())
                error = insertCapture.lastError().text() + insertBytes.lastError().text();
            started.set_value(QStringLiteral("Cannot write to %1: %2").arg(m_path, error));
            database = QSqlDatabase();
            QSqlDatabase::removeDatabase(connectionName);
            return;
        }
        // Checkpoints run on their own thread (runCheckpoints), never inside a commit: an
        // automatic one would hold up every request waiting on that commit.
        QSqlQuery(database).exec(QStringLiteral("PRAGMA wal_autocheckpoint=0"));
        started.set_value(QString());

        std::vector<Pending> batch;
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
                if (m_queue.empty())
                    break;
                const std::size_t taken = std::min(m_queue.size(), MaxBatch);
                batch.assign(std::make_move_iterator(m_queue.begin()),
                             std::make_move_iterator(m_queue.begin() + qsizetype(taken)));
                m_queue.erase(m_queue.begin(), m_queue.begin() + qsizetype(taken));
            }

            QString failure;
            if (!database.transaction())
                failure = database.lastError().text();
            for (Pending &pending : batch) {
                if (!failure.isEmpty())
                    break;
                const CapturedRequest &request = pending.request;
                insertCapture.bindValue(0, request.receivedAtUs);
                insertCapture.bindValue(1, request.durationUs);
                insertCapture.bindValue(2, text(request.method));
                insertCapture.bindValue(3, text(request.target));
                insertCapture.bindValue(4, text(request.httpVersion));
                insertCapture.bindValue(5, request.responseStatus);
                insertCapture.bindValue(6, request.raw.size());
                insertCapture.bindValue(7, request.body.size());
                insertCapture.bindValue(8, text(request.contentType()));
                insertCapture.bindValue(9, text(request.remoteAddress.toString()));
                insertCapture.bindValue(10, request.remotePort);
                insertCapture.bindValue(11, text(request.localAddress.toString()));
                insertCapture.bindValue(12, request.localPort);
                insertCapture.bindValue(
                    13, request.parseError.isEmpty() ? QVariant() : QVariant(request.parseError));
                if (!insertCapture.exec()) {
                    failure = insertCapture.lastError().text();
                    break;
                }
                pending.request.id = insertCapture.lastInsertId().toLongLong();
                insertBytes.bindValue(0, request.id);
                insertBytes.bindValue(1, blob(request.raw));
                insertBytes.bindValue(2, blob(request.responseHead));
                insertBytes.bindValue(3, blob(request.responseBody));
                if (!insertBytes.exec())
                    failure = insertBytes.lastError().text();
            }
            if (failure.isEmpty() && !database.commit())
                failure = database.lastError().text();
            if (!failure.isEmpty())
                database.rollback();

            CommittedBatch committedBatch;
            committedBatch.reserve(qsizetype(batch.size()));
            for (const Pending &pending : batch) {
                CaptureSummary summary = summarize(pending.request);
                if (!failure.isEmpty())
                    summary.id = 0;
                committedBatch.append(CommittedCapture{pending.ticket, std::move(summary)});
            }
            if (failure.isEmpty()) {
                m_indexer.notify(batch.back().request.id);
                std::lock_guard lock(m_mutex);
                ++m_commits;
            }
            batch.clear();
            if (!failure.isEmpty())
                emit writeFailed(
                    QStringLiteral("Could not store captures in %1: %2").arg(m_path, failure));
            emit committed(committedBatch);
        }
        insertCapture.finish();
        insertBytes.finish();
        database.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

} // namespace Hookscope
