#include "captureindexer.h"

#include "capturestore.h"

#include "wire/logging.h"
#include "wire/requestparser.h"

#include <QAtomicInteger>
#include <QFile>
#include <QSqlError>
#include <QSqlQuery>

#include <pthread.h>
#include <sched.h>

namespace Hookscope {
namespace {

QAtomicInteger<quint64> indexerCounter;

constexpr int IndexVersion = 1;
// Rows per index transaction: small enough that stopping is prompt.
constexpr int ChunkSize = 256;
// Capturing counts as paused after this long without a commit.
constexpr auto QuietPeriod = std::chrono::milliseconds(100);
// Past this many unindexed captures, indexing goes on even under load: a search scans the
// unindexed tail, and 200k 1 KiB captures take about 0.9 s to scan here.
constexpr qint64 MaxBacklog = 200'000;
// Full-text search covers the first part of big bodies; the bytes themselves are all kept.
constexpr qsizetype MaxIndexedBody = 1024 * 1024;

QString emptyIfNull(const QString &text)
{
    return text.isNull() ? QString(QLatin1String("")) : text;
}

} // namespace

CaptureIndexer::CaptureIndexer(const QString &storePath)
    : m_storePath(storePath)
{}

CaptureIndexer::~CaptureIndexer()
{
    stop();
}

QString CaptureIndexer::indexPath(const QString &storePath)
{
    return storePath + QStringLiteral("-search");
}

CaptureIndexer::Text CaptureIndexer::textOf(const CapturedRequest &request)
{
    Text text;
    text.target = QString::fromUtf8(request.target);
    QByteArray headers;
    for (const HeaderField &header : request.headers)
        headers += header.name + ": " + header.value + '\n';
    text.headers = QString::fromUtf8(headers);
    QByteArray body = request.decodedBody();
    if (body.size() > MaxIndexedBody)
        body.truncate(MaxIndexedBody);
    if (!body.left(4096).contains('\0'))
        text.body = QString::fromUtf8(body);
    return text;
}

bool CaptureIndexer::prepareIndexFile(const QString &storePath, QString *error)
{
    const QString path = indexPath(storePath);
    const QString connectionName = QStringLiteral("hookscope-index-setup-%1").arg(++indexerCounter);
    bool ok = false;
    for (int attempt = 0; attempt < 2 && !ok; ++attempt) {
        const bool existed = QFile::exists(path);
        if (!existed) {
            QFile file(path);
            if (!file.open(QIODevice::WriteOnly)
                || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
                if (error)
                    *error = QStringLiteral("Cannot create %1: %2").arg(path, file.errorString());
                return false;
            }
        }
        {
            QSqlDatabase database = CaptureStore::openConnection(path, connectionName, error);
            QSqlQuery query(database);
            int version = -1;
            if (database.isOpen() && query.exec(QStringLiteral("PRAGMA user_version"))
                && query.next())
                version = query.value(0).toInt();
            else if (error && database.isOpen())
                *error = query.lastError().databaseText();
            query.finish();
            if (version == IndexVersion) {
                ok = CaptureStore::execute(database, QStringLiteral("PRAGMA journal_mode=WAL"),
                                           error);
            } else if (version == 0) {
                ok = database.transaction()
                     && CaptureStore::execute(
                         database,
                         QStringLiteral("CREATE VIRTUAL TABLE capture_text USING "
                                        "fts5(target, headers, body, content='')"),
                         error)
                     && CaptureStore::execute(
                         database,
                         QStringLiteral("CREATE TABLE index_state (last_id INTEGER NOT NULL)"),
                         error)
                     && CaptureStore::execute(
                         database, QStringLiteral("INSERT INTO index_state VALUES (0)"), error)
                     && CaptureStore::execute(
                         database, QStringLiteral("PRAGMA user_version=%1").arg(IndexVersion),
                         error)
                     && database.commit()
                     && CaptureStore::execute(database, QStringLiteral("PRAGMA journal_mode=WAL"),
                                              error);
                if (!ok)
                    database.rollback();
            }
            database.close();
        }
        QSqlDatabase::removeDatabase(connectionName);
        // A full disk or an I/O error says nothing about the file: it is kept, never deleted
        // to make room, and the store says why it cannot be opened.
        const QString problem = error ? *error : QString();
        if (!ok
            && (problem.contains(QStringLiteral("disk is full"))
                || problem.contains(QStringLiteral("I/O error"))))
            return false;
        if (!ok) {
            // Unreadable, from another version, or half-made: derived data, so start over.
            for (const QString &suffix :
                 {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                QFile::remove(path + suffix);
        }
    }
    return ok;
}

void CaptureIndexer::start()
{
    m_thread = std::thread(&CaptureIndexer::run, this);
}

void CaptureIndexer::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    if (m_thread.joinable())
        m_thread.join();
}

void CaptureIndexer::notify(qint64 id)
{
    {
        std::lock_guard lock(m_mutex);
        m_committedId = std::max(m_committedId, id);
        m_lastNotify = std::chrono::steady_clock::now();
    }
    m_wake.notify_one();
}

void CaptureIndexer::run()
{
    // Only when nothing else wants the CPU: capturing always comes first.
    sched_param parameter{};
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &parameter);

    const QString connectionName = QStringLiteral("hookscope-indexer-%1").arg(++indexerCounter);
    {
        QString error;
        QSqlDatabase database = CaptureStore::openConnection(m_storePath, connectionName, &error);
        QSqlQuery attach(database);
        attach.prepare(QStringLiteral("ATTACH DATABASE ? AS search"));
        attach.addBindValue(indexPath(m_storePath));
        if (database.isOpen() && attach.exec())
            indexLoop(database);
        else
            qCWarning(lcStore, "search index unavailable: %s",
                      qPrintable(error + attach.lastError().text()));
        attach.finish();
        database.close();
    }
    QSqlDatabase::removeDatabase(connectionName);
}

void CaptureIndexer::indexLoop(QSqlDatabase &database)
{
    {
        QSqlQuery watermark(database);
        QSqlQuery pending(database);
        QSqlQuery insert(database);
        QSqlQuery advance(database);
        watermark.prepare(QStringLiteral("SELECT last_id FROM search.index_state"));
        pending.prepare(
            QStringLiteral("SELECT c.id, b.raw FROM captures c JOIN capture_bytes b ON b.id = c.id"
                           " WHERE c.id > ? ORDER BY c.id LIMIT %1")
                .arg(ChunkSize));
        insert.prepare(QStringLiteral(
            "INSERT INTO search.capture_text (rowid, target, headers, body) VALUES (?,?,?,?)"));
        advance.prepare(QStringLiteral("UPDATE search.index_state SET last_id = ?"));

        qint64 indexedId = 0;
        if (watermark.exec() && watermark.next())
            indexedId = watermark.value(0).toLongLong();
        watermark.finish();
        bool caughtUp = false;
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                // Wake on new commits; also look now and then for captures appended by another
                // process sharing the store.
                if (caughtUp)
                    m_wake.wait_for(lock, std::chrono::seconds(1), [this, indexedId] {
                        return m_stopping || m_committedId > indexedId;
                    });
                // While captures pour in, indexing waits for a pause (searches scan the tail
                // meanwhile), unless the tail grows too long to scan quickly.
                const auto busy = [this, indexedId] {
                    return std::chrono::steady_clock::now() - m_lastNotify < QuietPeriod
                           && m_committedId - indexedId < MaxBacklog;
                };
                while (!m_stopping && busy())
                    m_wake.wait_for(lock, QuietPeriod);
                if (m_stopping)
                    break;
            }
            pending.addBindValue(indexedId);
            if (!pending.exec()) {
                caughtUp = true;
                continue;
            }
            QList<std::pair<qint64, Text>> chunk;
            while (pending.next()) {
                const qint64 id = pending.value(0).toLongLong();
                chunk.append(
                    {id, textOf(RequestParser::parseStored(pending.value(1).toByteArray()))});
            }
            pending.finish();
            caughtUp = chunk.size() < ChunkSize;
            if (chunk.isEmpty())
                continue;
            bool ok = database.transaction();
            for (const auto &[id, text] : std::as_const(chunk)) {
                if (!ok)
                    break;
                insert.addBindValue(id);
                insert.addBindValue(emptyIfNull(text.target));
                insert.addBindValue(emptyIfNull(text.headers));
                insert.addBindValue(emptyIfNull(text.body));
                ok = insert.exec();
            }
            advance.addBindValue(chunk.last().first);
            ok = ok && advance.exec() && database.commit();
            if (ok) {
                indexedId = chunk.last().first;
            } else {
                qCWarning(lcStore, "indexing stopped: %s", qPrintable(insert.lastError().text()));
                database.rollback();
                break;
            }
        }
    }
}

} // namespace Hookscope
