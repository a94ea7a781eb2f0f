#pragma once

#include "delivery/sender.h"

#include "wire/chaosoptions.h"

#include <QObject>
#include <QSet>

class QAction;
class QWidget;

namespace Hookscope {

class CaptureListView;
class DeliveryLog;
class ForwardingDialog;
class Session;
struct DeliveryAttempt;

// Sending captures on: replays of the selected ones (to the last target, or one asked for) and
// the forwarding routes every capture follows. The outcome of a delivery the user asked for is
// reported through message() once it is known.
class DeliveryActions final : public QObject
{
    Q_OBJECT
public:
    DeliveryActions(Session &session, DeliveryLog &log, CaptureListView *list, QWidget *window);

    // Capture → Replay: to the last target, or asks for one before the first replay.
    QAction *replayAgainAction() const { return m_replayAgain; }
    void askReplayTarget();
    // Sends the selected captures to `target` (a base URL; their paths are appended), through
    // the forwarding queue: attempts are recorded and shown in Deliveries. With `chaos`, as
    // providers deliver: each capture `duplicates` times, in the order and with the waits its
    // seed plans (each copy a delivery of its own).
    void replaySelected(const QString &target, TargetOptions options = {},
                        const ChaosOptions &chaos = {});
    // Sends a delivery again now.
    void retry(qint64 deliveryId);
    // Capture → Retry Failed Deliveries: those of the selected captures, to any target.
    void retryFailedSelected();
    // A small JSON webhook sent to this receiver (`receiverUrl`), to see a capture arrive.
    void sendTestWebhook(const QString &receiverUrl);
    // The last replay target, or a usual local app's address before the first replay.
    static QString replayTargetOrDefault();

    // Every capture from now on is also sent to these base URLs; kept across restarts.
    // Returns false, saying why, when one is not a usable URL.
    bool setForwardTargets(const QStringList &targets);
    QStringList forwardTargets() const;
    // Opens the Forwarding dialog on the current routes; accepting it applies them.
    ForwardingDialog *forwardingDialog();

    // Reports the attempt when the user asked for its delivery.
    void noteAttempt(const DeliveryAttempt &attempt);

signals:
    void message(const QString &text, int timeoutMs);
    void routesChanged();

private:
    Session &m_session;
    DeliveryLog &m_log;
    CaptureListView *m_list;
    QWidget *m_window;
    QAction *m_replayAgain;
    QSet<qint64> m_asked; // deliveries the user asked for: their outcome is reported
    Sender m_sender;      // test webhooks
};

} // namespace Hookscope
