#include "collectionrunner.h"

#include "secrets/secretstore.h"

#include <QRandomGenerator>

namespace Hookscope {

CollectionRunner::CollectionRunner(SecretStore *secrets, QObject *parent)
    : QObject(parent)
    , m_secrets(secrets)
{
    m_pause.setSingleShot(true);
    m_pause.setTimerType(Qt::PreciseTimer); // a coarse timer may fire 5% early
    connect(&m_pause, &QTimer::timeout, this, &CollectionRunner::sendNext);
}

QList<RunStep> CollectionRunner::steps(const QList<CollectionItem> &items, const QString &prefix)
{
    QList<RunStep> found;
    for (const CollectionItem &item : items) {
        const QString name
            = prefix.isEmpty() ? item.name : prefix + QStringLiteral(" / ") + item.name;
        if (item.isFolder)
            found.append(steps(item.items, name));
        else
            found.append({name, item.request});
    }
    return found;
}

void CollectionRunner::start(const QList<RunStep> &steps, const QHash<QString, QString> &values,
                             int pauseMs)
{
    m_steps = steps;
    m_values = values;
    m_results.clear();
    m_running = true;
    m_cancelled = false;
    m_pause.setInterval(std::max(0, pauseMs));
    QTimer::singleShot(0, this, &CollectionRunner::sendNext);
}

void CollectionRunner::startChaos(const QList<RunStep> &steps,
                                  const QHash<QString, QString> &values, const ChaosOptions &chaos)
{
    m_steps = steps;
    m_results.clear();
    m_running = true;
    // Drawn now, so it can be told before the secrets are read and the plan is made.
    ChaosOptions planned = chaos;
    if (planned.seed == 0)
        planned.seed = std::max(1u, QRandomGenerator::global()->generate());
    m_chaosSeed = planned.seed;
    delete m_chaos;
    m_chaos = new ChaosSender(this);
    connect(m_chaos, &ChaosSender::sent, this, [this, chaos](const ChaosSend &send) {
        const RunStep &step = m_steps.at(send.planned.delivery);
        RunResult result;
        result.name = chaos.duplicates == 1 ? step.name
                                            : QStringLiteral("%1 (copy %2/%3)")
                                                  .arg(step.name)
                                                  .arg(send.planned.copy + 1)
                                                  .arg(chaos.duplicates);
        result.request = send.request;
        result.error = send.error;
        result.result = send.result;
        Expectations expect = step.request.expect;
        expect.idempotent = Expectations::Idempotency::No;
        if (result.request)
            result.checks = expect.check(result.result, std::nullopt);
        m_results.append(result);
        emit stepFinished(int(m_results.size() - 1), result);
    });
    connect(m_chaos, &ChaosSender::finished, this, [this] {
        m_running = false;
        emit finished(m_results);
    });
    // Every secret is read once, before the first send.
    QStringList secrets;
    for (const RunStep &step : steps)
        secrets.append(step.request.secretNames());
    secrets.removeDuplicates();
    const auto go
        = [this, planned](const QHash<QString, QString> &filled, const QString &secretError) {
              m_values = filled;
              m_chaos->start(
                  int(m_steps.size()), planned,
                  [this, secretError](const PlannedSend &send, qint64 signedAt,
                                      QString *error) -> std::optional<OutgoingRequest> {
                      if (!secretError.isEmpty()) {
                          *error = secretError;
                          return std::nullopt;
                      }
                      return m_steps.at(send.delivery).request.resolve(m_values, error, signedAt);
                  },
                  SendOptions());
          };
    withSecrets(secrets, values, go);
}

void CollectionRunner::cancel()
{
    m_cancelled = true;
    if (m_pause.isActive()) {
        m_pause.stop();
        sendNext();
    }
}

void CollectionRunner::sendNext()
{
    const qsizetype index = m_results.size();
    if (m_cancelled || index >= m_steps.size()) {
        m_running = false;
        emit finished(m_results);
        return;
    }
    const RunStep step = m_steps.at(index);
    const auto send
        = [this, step](const QHash<QString, QString> &values, const QString &secretError) {
              RunResult result;
              result.name = step.name;
              result.error = secretError;
              if (result.error.isEmpty())
                  result.request = step.request.resolve(values, &result.error);
              if (!result.request) {
                  record(result);
                  return;
              }
              m_sender.send(*result.request, SendOptions(),
                            [this, result, step](const DeliveryResult &answer) mutable {
                                result.result = answer;
                                if (step.request.expect.idempotent == Expectations::Idempotency::No
                                    || !answer.succeeded()) {
                                    record(result);
                                    return;
                                }
                                // The same request again, as a provider retries a delivery.
                                m_sender.send(*result.request, SendOptions(),
                                              [this, result](const DeliveryResult &again) mutable {
                                                  result.repeat = again;
                                                  record(result);
                                              });
                            });
          };
    const QStringList secrets = step.request.secretNames();
    withSecrets(secrets, m_values, send);
}

void CollectionRunner::withSecrets(const QStringList &names, const QHash<QString, QString> &values,
                                   const SecretsRead &then)
{
    if (names.isEmpty())
        then(values, {});
    else if (!m_secrets)
        then(values, QStringLiteral("it needs the secret \"%1\", and no keychain is open")
                         .arg(names.first()));
    else
        m_secrets->readPlaceholders(names, values, then);
}

void CollectionRunner::record(RunResult result)
{
    if (result.request)
        result.checks
            = m_steps.at(m_results.size()).request.expect.check(result.result, result.repeat);
    m_results.append(result);
    emit stepFinished(int(m_results.size() - 1), result);
    if (m_pause.interval() > 0 && !m_cancelled && m_results.size() < m_steps.size())
        m_pause.start();
    else
        sendNext();
}

} // namespace Hookscope
