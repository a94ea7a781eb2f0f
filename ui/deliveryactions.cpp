#include "deliveryactions.h"

#include "capturelistview.h"
#include "targetdialogs.h"

#include <QDateTime>
#include <QRandomGenerator>

#include "delivery/forwarderhost.h"
#include "session/session.h"
#include "session/settings.h"
#include "store/deliverylog.h"

#include <QAction>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace Hookscope {

DeliveryActions::DeliveryActions(Session &session, DeliveryLog &log, CaptureListView *list,
                                 QWidget *window)
    : QObject(window)
    , m_session(session)
    , m_log(log)
    , m_list(list)
    , m_window(window)
    , m_replayAgain(new QAction(this))
{
    m_replayAgain->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    const QString last = Settings().replayTarget();
    m_replayAgain->setText(last.isEmpty() ? tr("&Replay…") : tr("&Replay to %1").arg(last));
    connect(m_replayAgain, &QAction::triggered, this, [this] {
        const Settings settings;
        if (settings.replayTarget().isEmpty())
            askReplayTarget();
        else
            replaySelected(settings.replayTarget(), settings.replayOptions());
    });
}

QString DeliveryActions::replayTargetOrDefault()
{
    const QString last = Settings().replayTarget();
    return last.isEmpty() ? QStringLiteral("http://localhost:3000") : last;
}

void DeliveryActions::askReplayTarget()
{
    ReplayTargetDialog dialog(replayTargetOrDefault(), Settings().replayOptions(), m_window);
    if (dialog.exec() == QDialog::Accepted)
        replaySelected(dialog.target(), dialog.options(), dialog.chaos());
}

void DeliveryActions::replaySelected(const QString &target, TargetOptions options,
                                     const ChaosOptions &chaos)
{
    if (const QString problem = OutgoingRequest::targetProblem(QUrl(target)); !problem.isEmpty()) {
        emit message(tr("Cannot replay: %1").arg(problem), 0);
        return;
    }
    const QList<qint64> ids = m_list->selectedIds();
    if (ids.isEmpty())
        return;
    Settings settings;
    settings.setReplayTarget(target);
    settings.setReplayOptions(options);
    m_replayAgain->setText(tr("&Replay to %1").arg(target));
    // In the planned order, each after the waits before it; plain: all due now, in list order.
    ChaosOptions planned = chaos;
    if (!chaos.isPlain() && planned.seed == 0)
        planned.seed = std::max(1u, QRandomGenerator::global()->generate());
    const qint64 nowUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    qint64 waitedUs = 0;
    for (const PlannedSend &send : chaosPlan(int(ids.size()), planned)) {
        waitedUs += qint64(send.delayMs) * 1000;
        if (const qint64 delivery = m_log.add(ids.at(send.delivery), target, options,
                                              waitedUs ? nowUs + waitedUs : 0, planned))
            m_asked.insert(delivery);
    }
    m_session.forwarder().wake();
    emit message(chaos.isPlain()
                     ? tr("Replaying %n capture(s) to %1…", nullptr, int(ids.size())).arg(target)
                     : tr("Replaying %n capture(s) to %1 as providers deliver (%2)…", nullptr,
                          int(ids.size()))
                           .arg(target, planned.toString()),
                 chaos.isPlain() ? 3000 : 0);
}

void DeliveryActions::retryFailedSelected()
{
    const QList<qint64> ids = m_list->selectedIds();
    if (ids.isEmpty())
        return;
    m_session.forwarder().retryFailed(ids);
    emit message(
        tr("Sending the failed deliveries of %n capture(s) again…", nullptr, int(ids.size())),
        5000);
}

void DeliveryActions::sendTestWebhook(const QString &receiverUrl)
{
    OutgoingRequest request;
    request.method = "POST";
    request.url = QUrl(receiverUrl).resolved(QUrl(QStringLiteral("hookscope-test")));
    request.headers = {{"Content-Type", "application/json"}, {"User-Agent", "Hookscope"}};
    request.body
        = QJsonDocument(QJsonObject{{QStringLiteral("type"), QStringLiteral("hookscope.test")},
                                    {QStringLiteral("message"),
                                     QStringLiteral("A test webhook sent by Hookscope")},
                                    {QStringLiteral("sent_at"),
                                     QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}})
              .toJson(QJsonDocument::Compact);
    m_sender.send(request, SendOptions(), [this](const DeliveryResult &result) {
        if (!result.succeeded())
            emit message(tr("The test webhook was not captured: %1")
                             .arg(result.status ? QString::number(result.status) : result.error),
                         0);
    });
}

void DeliveryActions::retry(qint64 deliveryId)
{
    m_asked.insert(deliveryId);
    m_session.forwarder().retryNow(deliveryId);
    emit message(tr("Sending again…"), 3000);
}

QStringList DeliveryActions::forwardTargets() const
{
    return m_session.forwardRouteSpecs();
}

bool DeliveryActions::setForwardTargets(const QStringList &targets)
{
    QString problem;
    if (!m_session.setForwardRoutes(targets, &problem)) {
        emit message(tr("Not forwarding: %1").arg(problem), 0);
        return false;
    }
    emit routesChanged();
    return true;
}

ForwardingDialog *DeliveryActions::forwardingDialog()
{
    auto *dialog
        = new ForwardingDialog(m_session.forwardRoutes(), m_session.forwardRetry(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ForwardingDialog::retryFailedRequested, this, [this](const QString &target) {
        m_session.forwarder().retryFailed(target);
        emit message(target.isEmpty()
                         ? tr("Sending every failed delivery again…")
                         : tr("Sending the failed deliveries to %1 again…").arg(target),
                     5000);
    });
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_session.setForwardRetry(dialog->retryPolicy());
        const QStringList targets = dialog->specs();
        if (setForwardTargets(targets))
            emit message(targets.isEmpty()
                             ? tr("Forwarding is off")
                             : tr("Forwarding to %1").arg(targets.join(QStringLiteral(", "))),
                         5000);
    });
    dialog->open();
    return dialog;
}

void DeliveryActions::noteAttempt(const DeliveryAttempt &attempt)
{
    if (!m_asked.contains(attempt.deliveryId))
        return;
    if (attempt.state != DeliveryAttempt::State::Pending)
        m_asked.remove(attempt.deliveryId);
    const DeliveryResult &result = attempt.result;
    emit message(tr("#%1 \u2192 %2: %3")
                     .arg(attempt.captureId)
                     .arg(attempt.target,
                          result.status ? tr("%1 in %2 ms")
                                              .arg(result.status)
                                              .arg(double(result.durationUs) / 1000, 0, 'f', 1)
                                        : result.error),
                 10'000);
}

} // namespace Hookscope
