#pragma once

#include <QHash>
#include <QObject>
#include <QTimer>

#include <optional>

class QLabel;
class QStatusBar;

namespace Hookscope {

class DeliveryLog;
class Session;
struct DeliveryAttempt;

// The status bar's lasting part: the mock rules that answer, how many captures there are and
// how fast they come, the store's size, forwarding (what waits, which targets are down) and
// the receiver's state. Refreshed once a second, whatever the capture rate.
class StatusPanel final : public QObject
{
    Q_OBJECT
public:
    StatusPanel(QStatusBar *bar, Session &session, DeliveryLog &deliveries,
                QObject *parent = nullptr);

    // Counts the captures in the store again, off this thread.
    void recount();
    // None while counting.
    std::optional<qint64> captureCount() const;
    // After the store was cleared: none, whatever a count still running finds.
    void storeCleared();
    void capturesRemoved(qint64 count);
    // A target is down from a failed attempt that may pass to its next success.
    void noteDeliveryAttempt(const DeliveryAttempt &attempt);
    // A request from another machine was refused (ReceiverAccess): counted, the latest said.
    void noteRefused(const QString &what);
    // Shows the latest state of all it presents.
    void refresh();

private:
    void showMockRules();

    Session &m_session;
    DeliveryLog &m_deliveries;
    QLabel *m_rules;
    QLabel *m_count;
    QLabel *m_rate;
    QLabel *m_store;
    QLabel *m_forwarding;
    QLabel *m_receiver;
    struct TargetProblem
    {
        qint64 sinceUs;
        QString reason;
    };
    QHash<QString, TargetProblem> m_downTargets; // by delivery target, from the attempts seen
    qint64 m_captureCount = -1;                  // -1 while counting
    QList<qint64> m_uncountedIds;                // committed while counting
    int m_countRequest = 0;
    qint64 m_capturesSinceTick = 0;
    qint64 m_capturesPerSecond = 0;
    qint64 m_refused = 0;
    QString m_lastRefused;
    QTimer m_tick;
};

} // namespace Hookscope
