#include "forwarderhost.h"

namespace Hookscope {

ForwarderHost::ForwarderHost(const QString &storePath, ForwardOptions options, QObject *parent)
    : QObject(parent)
    , m_storePath(storePath)
    , m_options(options)
{
    m_thread.setObjectName(QStringLiteral("forwarder"));
    m_context.moveToThread(&m_thread);
    m_thread.start();
}

ForwarderHost::~ForwarderHost()
{
    QMetaObject::invokeMethod(
        &m_context, [this] { delete std::exchange(m_forwarder, nullptr); },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

bool ForwarderHost::start(QString *error)
{
    bool started = false;
    QMetaObject::invokeMethod(
        &m_context,
        [&] {
            if (m_forwarder)
                return;
            m_forwarder = new Forwarder(m_storePath, m_options);
            m_forwarder->setSignatureSettings(m_signing);
            connect(m_forwarder, &Forwarder::attempted, this, &ForwarderHost::attempted);
            connect(m_forwarder, &Forwarder::gaveUp, this, &ForwarderHost::gaveUp);
            connect(m_forwarder, &Forwarder::writeFailed, this, &ForwarderHost::writeFailed);
            started = m_forwarder->start(error);
        },
        Qt::BlockingQueuedConnection);
    return started;
}

void ForwarderHost::wake()
{
    QMetaObject::invokeMethod(&m_context, [this] {
        if (m_forwarder)
            m_forwarder->wake();
    });
}

void ForwarderHost::retryNow(qint64 deliveryId)
{
    QMetaObject::invokeMethod(&m_context, [this, deliveryId] {
        if (m_forwarder)
            m_forwarder->retryNow(deliveryId);
    });
}

void ForwarderHost::retryFailed(const QString &target)
{
    QMetaObject::invokeMethod(&m_context, [this, target] {
        if (m_forwarder)
            m_forwarder->retryFailed(target);
    });
}

void ForwarderHost::retryFailed(const QList<qint64> &captureIds)
{
    QMetaObject::invokeMethod(&m_context, [this, captureIds] {
        if (m_forwarder)
            m_forwarder->retryFailed(captureIds);
    });
}

void ForwarderHost::setRetryPolicy(const RetryPolicy &policy)
{
    m_options.retry = policy; // for a forwarder not started yet
    QMetaObject::invokeMethod(&m_context, [this, policy] {
        if (m_forwarder)
            m_forwarder->setRetryPolicy(policy);
    });
}

void ForwarderHost::setSignatureSettings(const SignatureSettings &settings)
{
    m_signing = settings; // for a forwarder not started yet
    QMetaObject::invokeMethod(&m_context, [this, settings] {
        if (m_forwarder)
            m_forwarder->setSignatureSettings(settings);
    });
}

} // namespace Hookscope
