#pragma once

#include "wire/payloadshape.h"

#include "wire/capturedrequest.h"
#include "capturesummary.h"
#include "storeconnection.h"
#include "trafficstats.h"

#include <QSqlDatabase>
#include <QSqlQuery>

#include <functional>
#include <optional>

namespace Hookscope {

// The capture history: one SQLite file (WAL) shared by the GUI and the CLI. This class opens
// and migrates the file and answers reads on the calling thread; CaptureWriter appends.
class CaptureStore final
{
public:
    static constexpr int SchemaVersion = 13;
    // Bodies a pass over stored captures (indexing, checking signatures) holds at once: a
    // chunk stops early past it, so 2,048 bodies of 20 MB are never all in memory.
    static constexpr qint64 MaxChunkBytes = 32 * 1024 * 1024;

    // Unreadable: it cannot be reached (permissions, a missing folder); the others are about
    // the file itself, which can be kept aside for a fresh store.
    enum class OpenError { None, Unreadable, NotAStore, Damaged, NewerVersion };

    explicit CaptureStore(const QString &path);
    ~CaptureStore();
    CaptureStore(const CaptureStore &) = delete;
    CaptureStore &operator=(const CaptureStore &) = delete;

    // HOOKSCOPE_STORE, or captures.sqlite in the per-user data folder.
    static QString defaultPath();
    // Renames a store that cannot be opened (with its -wal and -shm files) so a fresh one can
    // be started; returns the new name, or an empty string and `error`.
    static QString moveAside(const QString &path, QString *error);

    // Creates the file (mode 0600) or migrates it forward. On failure, nothing was changed.
    bool open();
    OpenError openError() const { return m_openError; }
    // Opened on a full disk: what is there can be read, nothing can be changed.
    bool isReadingOnly() const { return m_readingOnly; }
    // SQLite's quick_check for at most `timeLimitMs` (a large store is checked in part):
    // false, with openError() Damaged and errorString() saying so, when pages are damaged.
    bool checkIntegrity(int timeLimitMs);
    QString errorString() const { return m_error; }
    QString path() const { return m_path; }

    // Newest first; `beforeId` 0 starts at the newest capture.
    QList<CaptureSummary> summaries(qint64 beforeId, int limit);
    // Newest first, matching `query`; `beforeId` pages on as in summaries().
    QList<CaptureSummary> find(const class CaptureQuery &query, qint64 beforeId, int limit);
    // Matching `query`, sorted by `order`, continuing after the row `after` (nullptr: from the
    // first), only captures with an id of at least `minId`.
    QList<CaptureSummary> find(const CaptureQuery &query, const struct CaptureOrder &order,
                               const CaptureSummary *after, int limit, qint64 minId = 0);
    std::optional<CapturedRequest> capture(qint64 id);
    // The ids of every capture matching `query`, oldest first.
    QList<qint64> idsMatching(const CaptureQuery &query);
    qint64 count();
    // How many captures there are and the newest id, read at one instant.
    struct Tally
    {
        qint64 count = 0;
        qint64 newestId = 0;
    };
    Tally tally();
    bool setStarred(qint64 id, bool starred);
    // The user's note on a capture; an empty note removes it.
    bool setNote(qint64 id, const QString &note);
    bool remove(qint64 id);
    bool clear();

    // Runs one statement; on failure fills `error` (when given) and returns false.
    static bool execute(QSqlDatabase &database, const QString &statement, QString *error);
    // The FTS5 query for those terms, each quoted so none is read as FTS5 syntax.
    static QString fullTextQuery(const QStringList &terms);
    // Captures up to this id are in the full-text index.
    qint64 indexedUpTo();
    // The sort keys the index holds cover the captures up to this id (see find()).
    qint64 sortKeysUpTo();
    // The captures other than `captureId` that deliver the event `eventId` (eventId()), oldest
    // first, as far as the index has reached: duplicates and retries of one event.
    QList<qint64> sameEvent(qint64 captureId, const QString &eventId);
    // How the capture's payload differed from its event type's shape as learnt from the
    // captures before it (PayloadShape::differences), one line each; empty when it did not.
    // Nothing when the index has not reached it yet.
    std::optional<QStringList> driftOf(qint64 captureId);
    // Each event type whose payloads have a shape, with how many payloads it was learnt from,
    // most first; the first 1,000 (a sender naming a new type each time makes many).
    QList<std::pair<QString, qint64>> eventTypes();
    // The shape learnt for `eventType`; empty (no payloads) when there is none.
    PayloadShape shapeOf(const QString &eventType);
    // A chart of the Traffic view, counted over these stretches of time, and when the first
    // and last captures arrived (TrafficStats).
    TrafficReport traffic(const TrafficBuckets &buckets, TrafficChart chart);
    std::optional<std::pair<qint64, qint64>> trafficSpan();

    // A capture's signature verdict kept for the Traffic view (SignatureVerdict::Outcome's
    // number).
    struct KeptVerdict
    {
        qint64 id = 0;
        qint64 receivedUs = 0;
        int outcome = 0;
    };
    // How far the verdicts kept with the settings of `fingerprint` reach: the captures up to
    // this id. Verdicts kept with other settings are dropped first, as stale.
    qint64 verdictsKeptUpTo(const QByteArray &fingerprint);
    // Keeps these verdicts, of the captures up to `upToId`; false when the verdicts kept have
    // been dropped for other settings meanwhile.
    bool keepVerdicts(const QByteArray &fingerprint, const QList<KeptVerdict> &verdicts,
                      qint64 upToId);
    // Up to `limit` captures after `afterId`, oldest first, with their bytes and arrival time
    // only (what a signature covers); no more once their bytes reach `maxBytes` (at least one).
    QList<CapturedRequest> requestsAfter(qint64 afterId, int limit, qint64 maxBytes);

    // Reads on this connection check `cancelled` every few thousand steps and stop early
    // (returning what they have) once it says so: a search scanning a long unindexed backlog
    // gives way to the next one. Empty: never cancelled.
    void setCancellation(std::function<bool()> cancelled);

private:
    bool fail(OpenError error, const QString &message);
    // open() as it is or, after a full disk, for reading only (m_readingOnly).
    bool openOwnConnection();
    bool createSchema();
    bool migrate(int fromVersion);
    // Inside an open transaction: the steps after `fromVersion`, then commit (or roll back).
    bool upgradeAndCommit(int fromVersion);
    QList<CaptureSummary> readSummaries(class QSqlQuery &query);
    QList<CaptureSummary> findNewestWithText(const CaptureQuery &query, qint64 beforeId, int limit,
                                             qint64 minId);

    QString m_path;
    StoreConnection m_connection;
    QSqlDatabase &m_database; // m_connection's
    std::function<bool()> m_cancelled;
    std::optional<QSqlQuery> m_captureQuery;
    OpenError m_openError = OpenError::None;
    bool m_readingOnly = false; // opened on a full disk: reads work, nothing else does
    QString m_error;
};

} // namespace Hookscope
