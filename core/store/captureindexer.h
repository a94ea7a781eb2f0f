#pragma once

#include "wire/capturedrequest.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace Hookscope {

class SqliteStatement;

// Keeps the full-text search index, the sort keys and the event analysis (EventAnalyzer) in a
// file of its own beside the store, up to date from a thread at idle priority, so indexing never
// competes with capturing: under full load the index lags and catches up as soon as the CPU has
// time. Searches cover the not-yet-indexed tail by scanning it (CaptureStore::search).
class CaptureIndexer final
{
public:
    struct Text
    {
        // UTF-8.
        QByteArray target;
        QByteArray headers;
        QByteArray body;      // empty for binary bodies
        QByteArray eventType; // eventType(), empty when nothing names one
        QByteArray eventId;   // eventId(), the same
    };

    explicit CaptureIndexer(const QString &storePath);
    ~CaptureIndexer();
    CaptureIndexer(const CaptureIndexer &) = delete;
    CaptureIndexer &operator=(const CaptureIndexer &) = delete;

    void start();
    void stop();
    // New captures up to `id` are committed.
    void notify(qint64 id);

    static QString indexPath(const QString &storePath);
    // Creates the index file if needed; an unreadable or outdated one is rebuilt from scratch,
    // since everything in it derives from the store.
    static bool prepareIndexFile(const QString &storePath, QString *error);
    // What is indexed for one capture: its target, headers and decoded text body.
    static Text textOf(const CapturedRequest &request);

private:
    void run();
    void indexLoop(QSqlDatabase &database);
    // Indexes the text of the next chunk of captures after `indexedId`; false when it cannot.
    bool indexText(QSqlDatabase &database, QSqlQuery &pending, SqliteStatement &insert,
                   QSqlQuery &advance, qint64 *indexedId, bool *caughtUp);

    QString m_storePath;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    qint64 m_committedId = 0;
    std::chrono::steady_clock::time_point m_lastNotify;
    bool m_stopping = false;
};

} // namespace Hookscope
