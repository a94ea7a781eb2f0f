#include "signaturechecker.h"

#include "store/capturestore.h"
#include "wire/eventtype.h"
#include "wire/logging.h"

#include <QCryptographicHash>

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

void SignatureChecker::recordVerdicts()
{
    const quint64 generation = m_generation;
    if (m_recording && m_recordingGeneration == generation)
        return; // already under way with these settings
    m_recording = true;
    m_recordingGeneration = generation;
    m_worker.post([this, generation, settings = m_settings](CaptureStore &store) {
        recordBatch(generation, settings, fingerprintOf(settings), store);
    });
}

void SignatureChecker::recordBatch(quint64 generation, const SignatureSettings &settings,
                                   const QByteArray &fingerprint, CaptureStore &store)
{
    // Small enough that a check asked for meanwhile waits a few milliseconds only.
    constexpr int BatchSize = 512;
    // A run for newer settings may have started meanwhile: it is left running.
    const auto finish = [this, generation] {
        if (m_recordingGeneration == generation)
            m_recording = false;
    };
    if (generation != m_generation)
        return finish(); // the settings changed: a run for the new ones takes over
    const qint64 keptUpTo = store.verdictsKeptUpTo(fingerprint);
    const QList<CapturedRequest> requests
        = store.requestsAfter(keptUpTo, BatchSize, CaptureStore::MaxChunkBytes);
    QList<CaptureStore::KeptVerdict> verdicts;
    for (const CapturedRequest &request : requests)
        verdicts.append({request.id, request.receivedAtUs, int(settings.verify(request).outcome)});
    const qint64 upToId = requests.isEmpty() ? keptUpTo : requests.last().id;
    if (!requests.isEmpty() && !store.keepVerdicts(fingerprint, verdicts, upToId)) {
        qCWarning(lcStore, "signature verdicts not kept for the Traffic view: %s",
                  qPrintable(store.errorString()));
        return finish();
    }
    const bool caughtUp = requests.isEmpty(); // a batch may stop short at BatchBytes
    QMetaObject::invokeMethod(this, [this, generation, upToId, caughtUp] {
        if (generation == m_generation)
            emit verdictsRecorded(upToId, caughtUp);
    });
    if (caughtUp)
        return finish();
    // Queued behind the checks asked for meanwhile, which the list waits on.
    m_worker.post([this, generation, settings, fingerprint](CaptureStore &next) {
        recordBatch(generation, settings, fingerprint, next);
    });
}

QByteArray SignatureChecker::fingerprintOf(const SignatureSettings &settings)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const auto add = [&hash](QByteArrayView part) {
        hash.addData(QByteArray::number(part.size()));
        hash.addData(":");
        hash.addData(part);
    };
    for (const SignatureBinding &binding : settings.bindings) {
        add(binding.pathPrefix);
        add(binding.scheme ? binding.scheme->name().toUtf8() : QByteArray());
        add(binding.secretName.toUtf8());
        add(QByteArray::number(binding.toleranceSeconds));
        add(settings.secrets.value(binding.secretName));
    }
    return hash.result();
}

} // namespace Hookscope
