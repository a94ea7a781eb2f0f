#pragma once

#include "signaturesettings.h"
#include "store/storeworker.h"

#include <QHash>
#include <QObject>

#include <atomic>

namespace Hookscope {

// Verifies captures on its own thread, with its own connection to the store, so that hashing
// long bodies never holds up the caller; it tells their event type (eventType()) from the same
// read. New settings drop the checks still queued.
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

signals:
    // An event type is empty when the capture names none.
    void checked(const QHash<qint64, Hookscope::SignatureVerdict> &verdicts,
                 const QHash<qint64, QString> &eventTypes);

private:
    SignatureSettings m_settings; // the caller's copy
    std::atomic<quint64> m_generation{0};
    StoreWorker m_worker;
};

} // namespace Hookscope
