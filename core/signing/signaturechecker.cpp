#include "signaturechecker.h"

#include "store/capturestore.h"
#include "wire/logging.h"

#include <QDateTime>

namespace Hookscope {

SignatureChecker::SignatureChecker(const QString &storePath, QObject *parent)
    : QObject(parent)
    , m_storePath(storePath)
{
    qRegisterMetaType<QHash<qint64, Hookscope::SignatureVerdict>>();
    m_thread.setObjectName(QStringLiteral("signature-checker"));
    m_context.moveToThread(&m_thread);
    m_thread.start();
}

SignatureChecker::~SignatureChecker()
{
    m_generation = std::numeric_limits<quint64>::max();
    QMetaObject::invokeMethod(
        &m_context, [this] { m_store.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void SignatureChecker::setSettings(const SignatureSettings &settings)
{
    m_settings = settings;
    ++m_generation;
}

void SignatureChecker::check(const QList<qint64> &ids)
{
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(&m_context, [this, ids, generation, settings = m_settings] {
        if (!m_store) {
            m_store = std::make_unique<CaptureStore>(m_storePath);
            if (!m_store->open())
                qCWarning(lcSigning)
                    << "no verdicts: the store cannot be read:" << m_store->errorString();
        }
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QHash<qint64, SignatureVerdict> verdicts;
        for (const qint64 id : ids) {
            if (generation != m_generation)
                return; // the settings changed: these answers would be stale
            if (const std::optional<CapturedRequest> capture = m_store->capture(id))
                verdicts.insert(id, settings.verify(*capture, now));
        }
        // Delivered on the caller's thread, and only if the settings are still these.
        QMetaObject::invokeMethod(this, [this, generation, verdicts] {
            if (generation == m_generation)
                emit checked(verdicts);
        });
    });
}

} // namespace Hookscope
