#include "captureloader.h"

#include "capturestore.h"

namespace Hookscope {

CaptureLoader::CaptureLoader(const QString &storePath, QObject *parent)
    : QObject(parent)
    , m_worker(storePath, QStringLiteral("capture-loader"))
{}

CaptureLoader::~CaptureLoader()
{
    // Queued and running work is dropped: a scan in progress stops at its next check.
    m_latestGeneration = std::numeric_limits<quint64>::max();
    m_worker.stop();
}

template<typename Work>
void CaptureLoader::run(quint64 generation, Work work)
{
    if (generation > m_latestGeneration)
        m_latestGeneration = generation;
    m_worker.post([this, generation, work = std::move(work)](CaptureStore &store) {
        if (generation < m_latestGeneration)
            return;
        // A newer request makes this one's queries stop early; nobody waits for them now.
        store.setCancellation([this, generation] { return generation < m_latestGeneration; });
        work(store);
    });
}

void CaptureLoader::requestPage(quint64 generation, const CaptureQuery &query,
                                const CaptureOrder &order,
                                const std::optional<CaptureSummary> &after, int limit)
{
    run(generation, [this, generation, query, order, after, limit](CaptureStore &store) {
        const QList<CaptureSummary> page
            = store.find(query, order, after ? &*after : nullptr, limit);
        if (generation >= m_latestGeneration) // else interrupted, or no longer wanted
            emit pageLoaded(generation, page);
    });
}

void CaptureLoader::requestRange(quint64 generation, const CaptureQuery &query, qint64 firstId,
                                 qint64 lastId)
{
    run(generation, [this, generation, query, firstId, lastId](CaptureStore &store) {
        CaptureSummary after;
        after.id = lastId + 1;
        const QList<CaptureSummary> matches
            = store.find(query, CaptureOrder(), &after, int(lastId - firstId + 1), firstId);
        if (generation >= m_latestGeneration)
            emit rangeLoaded(generation, matches);
    });
}

} // namespace Hookscope
