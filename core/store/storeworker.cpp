#include "storeworker.h"

#include "capturestore.h"
#include "wire/logging.h"

namespace Hookscope {

StoreWorker::StoreWorker(const QString &storePath, const QString &threadName)
    : m_storePath(storePath)
{
    m_thread.setObjectName(threadName);
    m_context.moveToThread(&m_thread);
    m_thread.start();
}

StoreWorker::~StoreWorker()
{
    stop();
}

void StoreWorker::post(std::function<void(CaptureStore &store)> work)
{
    QMetaObject::invokeMethod(&m_context, [this, work = std::move(work)] {
        if (!m_store) {
            m_store = std::make_unique<CaptureStore>(m_storePath);
            if (!m_store->open())
                qCWarning(lcStore).noquote()
                    << m_thread.objectName() << "cannot read the store:" << m_store->errorString();
        }
        work(*m_store);
    });
}

void StoreWorker::stop()
{
    if (!m_thread.isRunning())
        return;
    QMetaObject::invokeMethod(
        &m_context, [this] { m_store.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

} // namespace Hookscope
