#pragma once

#include "wire/capturedrequest.h"
#include "captureindexer.h"
#include "capturesummary.h"
#include "wire/forwardroute.h"

#include <QObject>
#include <QSqlDatabase>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace Hookscope {

struct CommittedCapture
{
    quint64 ticket = 0;     // as given to append()
    CaptureSummary summary; // summary.id is 0 when the capture could not be stored
};
using CommittedBatch = QList<CommittedCapture>;

// A proxied request's one delivery: sent while its client waited, written with its capture.
struct RelayedDelivery
{
    QString target;
    TargetOptions options;
    DeliveryResult result;
};

// Appends captures to the store from a thread of its own with group commit: everything queued
// while one transaction commits goes into the next. committed() is emitted only after the
// transaction is on disk, and is the caller's cue to answer the client. It also runs the WAL
// checkpoints (on a thread of their own) and the search indexer.
class CaptureWriter final : public QObject
{
    Q_OBJECT
public:
    explicit CaptureWriter(const QString &path, QObject *parent = nullptr);
    ~CaptureWriter() override; // commits whatever is queued first

    struct Entry
    {
        CapturedRequest request;
        quint64 ticket; // handed back with its commit
        std::optional<RelayedDelivery> relayed;
    };

    // What "committed" promises before a request is answered.
    enum class Durability {
        Disk,    // on the disk: survives a power loss or an OS crash (fsync per commit)
        Process, // handed to the OS: survives Hookscope being killed, not a power loss
    };
    // Before start(); Disk by default.
    void setDurability(Durability durability) { m_durability = durability; }

    bool start(QString *error);
    // Thread-safe.
    void append(CapturedRequest request, quint64 ticket,
                std::optional<RelayedDelivery> relayed = std::nullopt);
    // Appends them all at once (one wake-up of the writer thread) and empties `entries`.
    void append(std::vector<Entry> &entries);
    // What the write-ahead log file is cut back to when it starts again during a flood (by
    // default 384 MiB: above the ceiling, so it keeps its size until the flood is over).
    // Before start().
    void setKeptLogSize(qint64 bytes) { m_keptLogBytes = bytes; }
    // How large the log may grow during a flood before the writer waits for it to start again
    // (by default 256 MiB). Before start().
    void setLogCeiling(qint64 bytes) { m_logCeilingBytes = bytes; }
    // Commits what is queued and ends the thread.
    void stop();
    // Every well-formed capture committed from now on also queues a delivery to the target of
    // each route its path matches, in the same transaction (see Forwarder). Proxy routes are
    // the receiver's: their one delivery comes with the capture (RelayedDelivery). Thread-safe.
    void setForwardRoutes(const QList<ForwardRoute> &routes);

signals:
    void committed(const Hookscope::CommittedBatch &batch);
    void writeFailed(const QString &error);

private:
    void run(std::promise<QString> started);
    void commitLoop(QSqlDatabase &database, QString error, std::promise<QString> &started);
    static CaptureSummary summarize(const CapturedRequest &request, const QString &remoteAddress);
    void runCheckpoints();

    QString m_path;
    std::thread m_thread;
    std::thread m_checkpointThread;
    std::mutex m_mutex;
    std::condition_variable m_wake; // the writer thread's
    std::condition_variable m_checkpointWake;
    std::deque<Entry> m_queue;
    QList<ForwardRoute> m_forwardRoutes; // guarded by m_mutex
    quint64 m_forwardRoutesVersion = 0;
    qint64 m_keptLogBytes = 384 * 1024 * 1024;
    qint64 m_logCeilingBytes = 256 * 1024 * 1024;
    Durability m_durability = Durability::Disk;
    bool m_stopping = false;
    quint64 m_commits = 0;
    CaptureIndexer m_indexer;
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::CommittedBatch)
