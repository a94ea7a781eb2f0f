#include "captureindexer.h"

#include "capturestore.h"
#include "eventanalyzer.h"
#include "sqlitestatement.h"
#include "storeconnection.h"

#include "wire/logging.h"
#include "wire/requestparser.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>

#include <pthread.h>
#include <sched.h>

namespace Hookscope {
namespace {

// Version 2: the sort keys, so that sorting a long history by path, status or size walks an
// index (CaptureStore::find) instead of sorting every capture.
// Version 5: what EventAnalyzer keeps: each capture's event type and id, each event type's
// payload shape, and the captures that differ from theirs.
// Version 6: when each capture arrived beside its sort keys, event type and signature verdict,
// so that the Traffic view counts a stretch of time by walking an index (TrafficStats).
// Version 7: the shapes of each type's test and live payloads beside its own, and drift judged
// by kind (EventAnalyzer::kindKey).
// Version 8: a capture_event row for every capture analysed, naming no type or one.
// Version 9: a capture_verdict row for every capture checked, signed or not.
constexpr int IndexVersion = 9;
// Rows per sort-key transaction: small enough that stopping is prompt. At 2,048 the sort keys
// kept closer during a flood but wrote more beside it: worst 8 s round p99 12-49 ms against
// 9 ms at 256 (three fills each, history.sh rounds).
constexpr int ChunkSize = 256;
// Captures per text transaction (tens of milliseconds of work): each commit writes a new index
// segment that later merges rewrite, so fewer, larger ones cost less.
constexpr int TextChunkSize = 2048;
// Capturing counts as paused after this long without a commit.
constexpr auto QuietPeriod = std::chrono::milliseconds(100);
// Past this many unindexed captures, indexing goes on even under load (at idle priority): a
// search scans the unindexed tail, 100k 1 KiB captures in about 0.45 s here, and after a flood
// the index catches up within about 3 s.
constexpr qint64 MaxBacklog = 100'000;
// The same for the sort keys, which a sort scans: further behind, since with a path of its own
// for each capture they cost the most to keep (about 30 us a capture here).
constexpr qint64 MaxSortBacklog = 300'000;
// Full-text search covers the first part of big bodies; the bytes themselves are all kept.
constexpr qsizetype MaxIndexedBody = 1024 * 1024;

// FTS5 merges index segments as it goes, by default once 4 of one size exist; at 16 a capture's
// entries are rewritten about half as often. Searches read a few more segments, which costs
// them less than a millisecond at a million captures (hookscope-storebench). Set once in the
// file; where that cannot be written (a full disk) indexing is only slower.
void tuneMerging(QSqlDatabase &database)
{
    QSqlQuery set(database);
    if (set.exec(QStringLiteral(
            "SELECT 1 FROM search.capture_text_config WHERE k = 'automerge' AND v = 16"))
        && set.next())
        return;
    set.finish();
    QString error;
    if (!CaptureStore::execute(
            database,
            QStringLiteral("INSERT INTO search.capture_text (capture_text, rank) "
                           "VALUES ('automerge', 16)"),
            &error)
        || !CaptureStore::execute(
            database,
            QStringLiteral("INSERT INTO search.capture_text (capture_text, rank) "
                           "VALUES ('crisismerge', 64)"),
            &error))
        qCWarning(lcStore, "search index merges left as they were: %s", qPrintable(error));
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
    // Invalid sequences become U+FFFD, as anywhere text is shown; the rest is passed on as is.
    const auto validUtf8 = [](const QByteArray &bytes) {
        return bytes.isValidUtf8() ? bytes : QString::fromUtf8(bytes).toUtf8();
    };
    Text text;
    text.target = validUtf8(request.target);
    QByteArray headers;
    for (const HeaderField &header : request.headers)
        headers += header.name + ": " + header.value + '\n';
    text.headers = validUtf8(headers);
    QByteArray body = request.decodedBody();
    if (body.size() > MaxIndexedBody)
        body.truncate(MaxIndexedBody);
    if (!body.left(4096).contains('\0'))
        text.body = validUtf8(body);
    return text;
}

bool CaptureIndexer::prepareIndexFile(const QString &storePath, QString *error)
{
    const QString path = indexPath(storePath);
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
            StoreConnection connection(path);
            connection.open(error);
            QSqlDatabase &database = connection.database();
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
                const char *const schema[] = {
                    "CREATE VIRTUAL TABLE capture_text USING "
                    "fts5(target, headers, body, content='')",
                    // Kept here, not in the store, so capturing pays nothing for them.
                    "CREATE TABLE capture_sort (id INTEGER PRIMARY KEY, target TEXT NOT NULL,"
                    " response_status INTEGER NOT NULL, body_size INTEGER NOT NULL,"
                    " received_us INTEGER NOT NULL)",
                    "CREATE INDEX capture_sort_target ON capture_sort(target, id)",
                    "CREATE INDEX capture_sort_response_status ON capture_sort(response_status, "
                    "id)",
                    "CREATE INDEX capture_sort_body_size ON capture_sort(body_size, id)",
                    "CREATE INDEX capture_sort_received ON capture_sort(received_us, "
                    "response_status)",
                    // Every capture analysed ('' where nothing names one); found by type
                    // whatever its case.
                    "CREATE TABLE capture_event (id INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                    " event_id TEXT NOT NULL, received_us INTEGER NOT NULL)",
                    "CREATE INDEX capture_event_type ON capture_event(type COLLATE NOCASE, id)",
                    "CREATE INDEX capture_event_id ON capture_event(event_id, id)",
                    "CREATE INDEX capture_event_received ON capture_event(received_us, type)",
                    "CREATE TABLE event_shape (type TEXT PRIMARY KEY, payloads INTEGER NOT NULL,"
                    " shape TEXT NOT NULL)",
                    // The differences, one per line.
                    "CREATE TABLE capture_drift (id INTEGER PRIMARY KEY, type TEXT NOT NULL,"
                    " differences TEXT NOT NULL)",
                    // How far each has got: the text first, the sort keys once it is caught up.
                    "CREATE TABLE index_state (last_id INTEGER NOT NULL, sorted_id INTEGER NOT "
                    "NULL, analyzed_id INTEGER NOT NULL)",
                    "INSERT INTO index_state VALUES (0, 0, 0)",
                    // Each capture's signature verdict, as worked out with the settings of
                    // this fingerprint (SignatureChecker::recordVerdicts).
                    "CREATE TABLE capture_verdict (id INTEGER PRIMARY KEY, received_us INTEGER "
                    "NOT NULL, outcome INTEGER NOT NULL)",
                    "CREATE INDEX capture_verdict_received ON capture_verdict(received_us, "
                    "outcome)",
                    "CREATE TABLE verdict_state (settings BLOB NOT NULL, checked_id INTEGER NOT "
                    "NULL)",
                    "INSERT INTO verdict_state VALUES (x'', 0)",
                };
                ok = database.transaction();
                for (const char *statement : schema)
                    ok = ok
                         && CaptureStore::execute(database, QString::fromLatin1(statement), error);
                ok = ok
                     && CaptureStore::execute(
                         database, QStringLiteral("PRAGMA user_version=%1").arg(IndexVersion),
                         error)
                     && database.commit()
                     && CaptureStore::execute(database, QStringLiteral("PRAGMA journal_mode=WAL"),
                                              error);
                if (!ok)
                    database.rollback();
            }
        }
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
    pthread_setname_np(pthread_self(), "indexer");

    StoreConnection connection(m_storePath);
    QString error;
    const bool opened = connection.open(&error);
    QSqlQuery attach(connection.database());
    attach.prepare(QStringLiteral("ATTACH DATABASE ? AS search"));
    attach.addBindValue(indexPath(m_storePath));
    // Derived data, rebuilt from the store when lost: its commits need not wait for the disk,
    // only stay whole, and so do not queue syncs beside the capture writer's. Its indexes are
    // kept at hand as the store grows (SQLite's default is 2 MiB).
    if (opened && attach.exec()
        && CaptureStore::execute(connection.database(),
                                 QStringLiteral("PRAGMA search.synchronous=NORMAL"), &error)
        && CaptureStore::execute(connection.database(),
                                 QStringLiteral("PRAGMA search.cache_size=-32768"), &error))
        indexLoop(connection.database());
    else
        qCWarning(lcStore, "search index unavailable: %s",
                  qPrintable(error + attach.lastError().text()));
}

void CaptureIndexer::indexLoop(QSqlDatabase &database)
{
    QSqlQuery watermark(database);
    QSqlQuery pending(database);
    // Bound as UTF-8 in place: through QSqlQuery each text went to UTF-16 and back.
    SqliteStatement insert(
        SqliteStatement::handleOf(database),
        "INSERT INTO search.capture_text (rowid, target, headers, body) VALUES (?,?,?,?)");
    QSqlQuery advance(database);
    QSqlQuery insertKeys(database);
    QSqlQuery lastSorted(database);
    QSqlQuery advanceSorted(database);
    watermark.prepare(QStringLiteral("SELECT last_id, sorted_id FROM search.index_state"));
    pending.prepare(QStringLiteral("SELECT c.id, b.raw FROM captures c JOIN capture_bytes b ON "
                                   "b.id = c.id WHERE c.id > ? ORDER BY c.id LIMIT %1")
                        .arg(TextChunkSize));
    advance.prepare(QStringLiteral("UPDATE search.index_state SET last_id = ?"));
    insertKeys.prepare(
        QStringLiteral("INSERT INTO search.capture_sort (id, target, response_status, body_size, "
                       "received_us) SELECT id, target, response_status, body_size, received_us "
                       "FROM captures WHERE id > ? ORDER BY id LIMIT %1")
            .arg(ChunkSize));
    lastSorted.prepare(QStringLiteral("SELECT max(id) FROM search.capture_sort"));
    advanceSorted.prepare(QStringLiteral("UPDATE search.index_state SET sorted_id = ?"));

    EventAnalyzer analyzer(database);
    qint64 indexedId = 0;
    qint64 sortedId = 0;
    if (watermark.exec() && watermark.next()) {
        indexedId = watermark.value(0).toLongLong();
        sortedId = watermark.value(1).toLongLong();
    }
    watermark.finish();
    tuneMerging(database);
    bool caughtUp = false;
    for (;;) {
        bool sortKeysOverdue = false;
        bool capturing = false;
        qint64 textBehind = 0;
        {
            std::unique_lock lock(m_mutex);
            // Wake on new commits; also look now and then for captures appended by another
            // process sharing the store.
            if (caughtUp)
                m_wake.wait_for(lock, std::chrono::seconds(1), [this, sortedId] {
                    return m_stopping || m_committedId > sortedId;
                });
            // While captures pour in, indexing waits for a pause (searches and sorts scan the
            // tail meanwhile), unless the tail grows too long to scan quickly.
            const auto isCapturing = [this] {
                return std::chrono::steady_clock::now() - m_lastNotify < QuietPeriod;
            };
            while (!m_stopping && isCapturing() && m_committedId - indexedId < MaxBacklog
                   && m_committedId - sortedId < MaxSortBacklog)
                m_wake.wait_for(lock, QuietPeriod);
            if (m_stopping)
                break;
            capturing = isCapturing();
            textBehind = m_committedId - indexedId;
            sortKeysOverdue = m_committedId - sortedId >= MaxSortBacklog;
        }
        // The text first, so that searches are quick again soonest; then the sort keys, which
        // cost more when every capture has a path of its own, or both in turn when the sort
        // keys are too far behind (else a long flood would leave them all to do afterwards).
        // While capturing, whole chunks only: every commit writes each page it touched and a
        // new search segment, however few captures came since the last one.
        bool textCaughtUp = false;
        const bool textDue = !capturing || textBehind >= TextChunkSize;
        if (textDue && !indexText(database, pending, insert, advance, &indexedId, &textCaughtUp))
            break;
        caughtUp = false;
        if (!textCaughtUp && !sortKeysOverdue)
            continue;
        bool ok = database.transaction();
        insertKeys.addBindValue(sortedId);
        ok = ok && insertKeys.exec();
        const int added = ok ? insertKeys.numRowsAffected() : 0;
        qint64 newSortedId = sortedId;
        if (ok && added > 0) {
            ok = lastSorted.exec() && lastSorted.next();
            newSortedId = ok ? lastSorted.value(0).toLongLong() : sortedId;
            lastSorted.finish();
            advanceSorted.addBindValue(newSortedId);
            ok = ok && advanceSorted.exec();
        }
        if (!ok || !database.commit()) {
            qCWarning(lcStore, "sort keys stopped: %s",
                      qPrintable(insertKeys.lastError().text() + database.lastError().text()));
            database.rollback();
            break;
        }
        sortedId = newSortedId;
        // The events last, once the text and the sort keys are caught up: each capture is
        // parsed whole, so during a flood they wait (the event: filter works the rest out).
        const bool sortKeysCaughtUp = added < ChunkSize;
        bool analysisCaughtUp = false;
        if (textCaughtUp && sortKeysCaughtUp && !analyzer.analyzeNext(&analysisCaughtUp))
            break;
        caughtUp = textCaughtUp && sortKeysCaughtUp && analysisCaughtUp;
    }
}

bool CaptureIndexer::indexText(QSqlDatabase &database, QSqlQuery &pending, SqliteStatement &insert,
                               QSqlQuery &advance, qint64 *indexedId, bool *caughtUp)
{
    pending.addBindValue(*indexedId);
    if (!pending.exec()) {
        *caughtUp = true;
        return true;
    }
    QList<std::pair<qint64, Text>> chunk;
    qint64 bytes = 0;
    while (bytes < CaptureStore::MaxChunkBytes && pending.next()) {
        const QByteArray raw = pending.value(1).toByteArray();
        bytes += raw.size();
        chunk.append({pending.value(0).toLongLong(), textOf(RequestParser::parseStored(raw))});
    }
    *caughtUp = chunk.size() < TextChunkSize && !pending.isValid();
    pending.finish();
    if (chunk.isEmpty())
        return true;
    bool ok = database.transaction();
    for (const auto &[id, text] : std::as_const(chunk)) {
        if (!ok)
            break;
        insert.bind(1, id);
        insert.bindText(2, text.target);
        insert.bindText(3, text.headers);
        insert.bindText(4, text.body);
        ok = insert.run();
    }
    advance.addBindValue(chunk.last().first);
    if (!ok || !advance.exec() || !database.commit()) {
        qCWarning(lcStore, "indexing stopped: %s", qPrintable(insert.errorMessage()));
        database.rollback();
        return false;
    }
    *indexedId = chunk.last().first;
    return true;
}

} // namespace Hookscope
