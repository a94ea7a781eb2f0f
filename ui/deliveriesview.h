#pragma once

#include "store/deliverylog.h"

#include <QWidget>

class QPushButton;
class QTreeWidget;

namespace Hookscope {

class TextPane;

// Where a capture was forwarded or replayed: a row per target with its outcome, a row under it
// per attempt, and the selected attempt's answer in full. "Retry Now" sends again at once.
class DeliveriesView final : public QWidget
{
    Q_OBJECT
public:
    explicit DeliveriesView(QWidget *parent = nullptr);

    void setDeliveries(const QList<DeliveryRecord> &deliveries);
    const QList<DeliveryRecord> &deliveries() const { return m_deliveries; }
    QTreeWidget *tree() const { return m_tree; }
    TextPane *answer() const { return m_answer; }

signals:
    void retryRequested(qint64 deliveryId);

private:
    void showSelected();
    // The target, with how it was sent when that is not the plain way.
    static QString targetText(const DeliveryRecord &delivery);

    QList<DeliveryRecord> m_deliveries;
    QTreeWidget *m_tree;
    TextPane *m_answer;
    QPushButton *m_retry;
};

} // namespace Hookscope
