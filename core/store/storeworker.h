#pragma once

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

namespace Hookscope {

class CaptureStore;

// A thread of its own with a connection of its own to a capture store, for reads that must not
// block whoever asks (the capture list's pages, signature checks): work posted runs there in
// order. The store is opened on the first work and closed on that thread by stop().
class StoreWorker final
{
public:
    StoreWorker(const QString &storePath, const QString &threadName);
    ~StoreWorker(); // stop()s
    StoreWorker(const StoreWorker &) = delete;
    StoreWorker &operator=(const StoreWorker &) = delete;

    // Runs `work` on the worker's thread with its store. A store that cannot be opened is said
    // once on hookscope.store, and `work` finds its reads failing.
    void post(std::function<void(CaptureStore &store)> work);
    // Waits for the work running, closes the store and ends the thread; queued work is dropped
    // unless it finishes first (work checks whether it is still wanted).
    void stop();

private:
    QString m_storePath;
    QThread m_thread;
    QObject m_context;                     // lives on m_thread; posted work runs there
    std::unique_ptr<CaptureStore> m_store; // created, used and destroyed on m_thread
};

} // namespace Hookscope
