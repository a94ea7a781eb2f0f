#include "signaturechecker.h"

#include "store/capturestore.h"
#include "wire/eventtype.h"
#include "wire/logging.h"

namespace Hookscope {

SignatureChecker::SignatureChecker(const QString &storePath, QObject *parent)
    : QObject(parent)
    , m_worker(storePath, QStringLiteral("signature-checker"))
{
    qRegisterMetaType<QHash<qint64, Hookscope::SignatureVerdict>>();
    qRegisterMetaType<QHash<qint64, Hookscope::EventFacts>>();
}

SignatureChecker::~SignatureChecker()
{
    m_generation = std::numeric_limits<quint64>::max();
    m_worker.stop();
}

void SignatureChecker::setSettings(const SignatureSettings &settings)
{
    m_settings = settings;
    ++m_generation;
}

void SignatureChecker::check(const QList<qint64> &ids)
{
    const quint64 generation = m_generation;
    m_worker.post([this, ids, generation, settings = m_settings](CaptureStore &store) {
        QHash<qint64, SignatureVerdict> verdicts;
        QHash<qint64, EventFacts> events;
        for (const qint64 id : ids) {
            if (generation != m_generation)
                return; // the settings changed: these answers would be stale
            if (const std::optional<CapturedRequest> capture = store.capture(id)) {
                verdicts.insert(id, settings.verify(*capture));
                events.insert(id, {eventType(*capture), store.driftOf(id)});
            }
        }
        // Delivered on the caller's thread, and only if the settings are still these.
        QMetaObject::invokeMethod(this, [this, generation, verdicts, events] {
            if (generation == m_generation)
                emit checked(verdicts, events);
        });
    });
}

} // namespace Hookscope
