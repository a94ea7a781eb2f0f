#pragma once

#include "signaturesettings.h"
#include "store/storeworker.h"

#include <QHash>
#include <QObject>

#include <atomic>
#include <optional>

namespace Hookscope {

// What a capture delivers, as the list shows it beside its verdict.
struct EventFacts
{
    QString type; // eventType(); empty when nothing names one
    // How its payload differed from its type's shape (CaptureStore::driftOf); nothing while
    // the index has not reached it.
    std::optional<QStringList> drift;
};

// Verifies captures on its own thread, with its own connection to the store, so that hashing
// long bodies never holds up the caller; it tells what event each delivers from the same read. New
// settings drop the checks still queued.
class SignatureChecker final : public QObject
{
    Q_OBJECT
public:
    explicit SignatureChecker(const QString &storePath, QObject *parent = nullptr);
    ~SignatureChecker() override;

    void setSettings(const SignatureSettings &settings);
    const SignatureSettings &settings() const { return m_settings; }
    // Verdicts and event types for these captures, answered by checked() (captures gone are
    // left out).
    void check(const QList<qint64> &ids);

    // Works out the verdict of every capture not yet kept for these settings, oldest first, a
    // batch at a time between checks, and keeps it in the store for the Traffic view's chart
    // (CaptureStore::keepVerdicts). Asked again while it runs, it goes on; new settings start
    // it over.
    void recordVerdicts();
    // The fingerprint the verdicts kept with `settings` are filed under: it changes with any
    // binding or secret. (A hash of the secrets beside captures signed with them tells no more
    // than the signatures there do.)
    static QByteArray fingerprintOf(const SignatureSettings &settings);

signals:
    // The verdicts kept reach the captures up to `upToId`; `caughtUp` once they reach the last.
    void verdictsRecorded(qint64 upToId, bool caughtUp);
    void checked(const QHash<qint64, Hookscope::SignatureVerdict> &verdicts,
                 const QHash<qint64, Hookscope::EventFacts> &events);

private:
    void recordBatch(quint64 generation, const SignatureSettings &settings,
                     const QByteArray &fingerprint, CaptureStore &store);

    SignatureSettings m_settings; // the caller's copy
    std::atomic<quint64> m_generation{0};
    std::atomic<bool> m_recording{false};
    std::atomic<quint64> m_recordingGeneration{0}; // the settings the run under way uses
    StoreWorker m_worker;
};

} // namespace Hookscope
