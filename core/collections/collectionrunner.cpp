#include "collectionrunner.h"

#include "secrets/secretstore.h"

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
    if (secrets.isEmpty())
        send(m_values, {});
    else if (!m_secrets)
        send(m_values, QStringLiteral("it needs the secret \"%1\", and no keychain is open")
                           .arg(secrets.first()));
    else
        m_secrets->readPlaceholders(secrets, m_values, send);
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
