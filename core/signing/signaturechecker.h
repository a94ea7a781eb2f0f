#pragma once

#include "signature.h"

#include <QHash>
#include <QObject>
#include <QThread>

#include <atomic>
#include <memory>

namespace Hookscope {

class CaptureStore;

// Which scheme and secret check the captures under a path.
struct SignatureBinding
{
    QByteArray pathPrefix;                 // empty: every path
    std::optional<SignatureScheme> scheme; // none: recognised from the headers
    QString secretName;
    int toleranceSeconds = Signatures::DefaultToleranceSeconds;
};

// What verifying captures takes: the bindings and the values of the secrets they name.
struct SignatureSettings
{
    QList<SignatureBinding> bindings;
    QHash<QString, QByteArray> secrets; // by name, read from the keychain

    // The binding with the longest prefix the path starts with, if any.
    const SignatureBinding *bindingFor(QByteArrayView path) const;
    // A capture's verdict: by its path's binding, or by the scheme its headers show (then
    // "no secret" unless a binding for every path names one). NotSigned when neither applies.
    SignatureVerdict verify(const CapturedRequest &capture, qint64 nowSeconds) const;
};

// Verifies captures on its own thread, with its own connection to the store, so that hashing
// long bodies never holds up the caller. New settings drop the checks still queued.
class SignatureChecker final : public QObject
{
    Q_OBJECT
public:
    explicit SignatureChecker(const QString &storePath, QObject *parent = nullptr);
    ~SignatureChecker() override;

    void setSettings(const SignatureSettings &settings);
    const SignatureSettings &settings() const { return m_settings; }
    // Verdicts for these captures, answered by checked() (captures gone are left out).
    void check(const QList<qint64> &ids);

signals:
    void checked(const QHash<qint64, Hookscope::SignatureVerdict> &verdicts);

private:
    QString m_storePath;
    SignatureSettings m_settings; // the caller's copy
    QThread m_thread;
    QObject m_context;                     // lives on m_thread
    std::unique_ptr<CaptureStore> m_store; // created, used and destroyed on m_thread
    std::atomic<quint64> m_generation{0};
};

} // namespace Hookscope
