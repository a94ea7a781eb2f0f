#pragma once

#include "collection.h"
#include "delivery/chaos.h"
#include "delivery/sender.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace Hookscope {

class SecretStore;

// One request of a run, named by its folders: "Webhooks / invoice.paid".
struct RunStep
{
    QString name;
    RequestTemplate request;
};

struct RunResult
{
    QString name;
    std::optional<OutgoingRequest> request; // none when it could not be filled in
    DeliveryResult result;
    QString error;                        // why it was not sent (a missing variable or secret)
    std::optional<DeliveryResult> repeat; // the second answer, when it had to be idempotent
    QList<CheckResult> checks;            // its expectations (at least the status), checked

    // Sent, and every expectation met (without any: answered with a 2xx or 3xx).
    bool passed() const
    {
        return error.isEmpty() && request
               && std::all_of(checks.cbegin(), checks.cend(),
                              [](const CheckResult &check) { return check.passed; });
    }
};

// Sends the requests of a collection or folder one after the other, each once the one before
// has been answered (and an optional pause has passed), with {{variables}} filled in and
// {{secret:NAME}} read from the keychain just before the request goes.
class CollectionRunner final : public QObject
{
    Q_OBJECT
public:
    // Without `secrets`, requests that refer to a secret fail with a message.
    explicit CollectionRunner(SecretStore *secrets, QObject *parent = nullptr);

    // The requests under `items`, depth first, in order.
    static QList<RunStep> steps(const QList<CollectionItem> &items, const QString &prefix = {});

    void start(const QList<RunStep> &steps, const QHash<QString, QString> &values, int pauseMs);
    // The steps delivered as `chaos` says (duplicated, shuffled, stale, several at once) instead
    // of one after the other; each send is a result, named with its copy ("… (copy 2/3)").
    // Sending twice is what duplicates are for: "idempotent" is not checked again per send.
    void startChaos(const QList<RunStep> &steps, const QHash<QString, QString> &values,
                    const ChaosOptions &chaos);
    // The seed a chaos run was planned from.
    quint32 chaosSeed() const { return m_chaosSeed; }
    // Stops after the request in flight; finished() still comes, with what was done.
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void stepFinished(int index, const Hookscope::RunResult &result);
    void finished(const QList<Hookscope::RunResult> &results);

private:
    using SecretsRead
        = std::function<void(const QHash<QString, QString> &values, const QString &error)>;
    // `values` with the secrets `names` added ("secret:NAME"), or the reason none could be read.
    void withSecrets(const QStringList &names, const QHash<QString, QString> &values,
                     const SecretsRead &then);
    void sendNext();
    void record(RunResult result);

    QPointer<SecretStore> m_secrets;
    ChaosSender *m_chaos = nullptr;
    quint32 m_chaosSeed = 0;
    Sender m_sender;
    QTimer m_pause;
    QList<RunStep> m_steps;
    QHash<QString, QString> m_values;
    QList<RunResult> m_results;
    bool m_running = false;
    bool m_cancelled = false;
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::RunResult)
