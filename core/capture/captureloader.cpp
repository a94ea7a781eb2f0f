#include "captureloader.h"

#include "capturestore.h"

namespace Hookscope {

CaptureLoader::CaptureLoader(const QString &storePath, QObject *parent)
    : QObject(parent)
    , m_storePath(storePath)
{
    m_thread.setObjectName(QStringLiteral("capture-loader"));
    m_context.moveToThread(&m_thread);
    m_thread.start();
}

CaptureLoader::~CaptureLoader()
{
    QMetaObject::invokeMethod(
        &m_context, [this] { m_store.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

template<typename Work>
void CaptureLoader::run(quint64 generation, Work work)
{
    if (generation > m_latestGeneration)
        m_latestGeneration = generation;
    QMetaObject::invokeMethod(&m_context, [this, generation, work = std::move(work)] {
        if (generation < m_latestGeneration)
            return;
        if (!m_store) {
            m_store = std::make_unique<CaptureStore>(m_storePath);
            m_store->open();
        }
        work(*m_store);
    });
}

void CaptureLoader::requestPage(quint64 generation, const CaptureQuery &query,
                                const CaptureOrder &order,
                                const std::optional<CaptureSummary> &after, int limit)
{
    run(generation, [this, generation, query, order, after, limit](CaptureStore &store) {
        emit pageLoaded(generation, store.find(query, order, after ? &*after : nullptr, limit));
    });
}

void CaptureLoader::requestRange(quint64 generation, const CaptureQuery &query, qint64 firstId,
                                 qint64 lastId)
{
    run(generation, [this, generation, query, firstId, lastId](CaptureStore &store) {
        CaptureSummary after;
        after.id = lastId + 1;
        emit rangeLoaded(generation, store.find(query, CaptureOrder(), &after,
                                                int(lastId - firstId + 1), firstId));
    });
}

} // namespace Hookscope
