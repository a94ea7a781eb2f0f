#pragma once

#include "delivery/retrypolicy.h"
#include "wire/forwardroute.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace Hookscope {

// Edits the forwarding routes: per row the paths it covers, its target and how to send there;
// and how long a target that is down is waited for.
class ForwardingDialog final : public QDialog
{
    Q_OBJECT
public:
    ForwardingDialog(const QList<ForwardRoute> &routes, const RetryPolicy &retry,
                     QWidget *parent = nullptr);

    // The routes as accepted, in ForwardRoute::spec() form.
    QStringList specs() const { return m_specs; }
    // `retry` with the times set here.
    RetryPolicy retryPolicy() const;
    QTableWidget *table() const { return m_table; }
    void addRoute(const ForwardRoute &route);

    // Checks every row; stays open, naming the row and what is wrong, until all are usable.
    void accept() override;

signals:
    // Retry Failed: the failed deliveries to the selected route's target (all when none is).
    void retryFailedRequested(const QString &target);

private:
    enum Column {
        PrefixColumn,
        TargetColumn,
        FixedUrlColumn,
        ProxyColumn,
        KeepHostColumn,
        SelfSignedColumn,
        ResignColumn,
        DeliveryColumn,
        ColumnCount
    };
    QTableWidget *m_table;
    QLabel *m_problem;
    QStringList m_specs;
    RetryPolicy m_retry;
    QSpinBox *m_giveUpHours;
    QSpinBox *m_maxDelaySeconds;
};

// Asks where to replay captures to, and how.
class ReplayTargetDialog final : public QDialog
{
    Q_OBJECT
public:
    ReplayTargetDialog(const QString &target, TargetOptions options, QWidget *parent = nullptr);

    QString target() const;
    TargetOptions options() const;
    // Duplicates, shuffling, waits and seed as written under "Delivered as providers do".
    ChaosOptions chaos() const;
    QLineEdit *delivery() const { return m_delivery; }
    void accept() override;

private:
    QLineEdit *m_target;
    QCheckBox *m_fixedUrl;
    QCheckBox *m_keepHost;
    QCheckBox *m_selfSigned;
    QCheckBox *m_resign;
    QLineEdit *m_delivery;
    QLabel *m_problem;
};

} // namespace Hookscope
