#pragma once

#include "wire/forwardroute.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QTableWidget;

namespace Hookscope {

// Edits the forwarding routes: per row the paths it covers, its target and how to send there.
class ForwardingDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ForwardingDialog(const QList<ForwardRoute> &routes, QWidget *parent = nullptr);

    // The routes as accepted, in ForwardRoute::spec() form.
    QStringList specs() const { return m_specs; }
    QTableWidget *table() const { return m_table; }
    void addRoute(const ForwardRoute &route);

    // Checks every row; stays open, naming the row and what is wrong, until all are usable.
    void accept() override;

private:
    enum Column {
        PrefixColumn,
        TargetColumn,
        FixedUrlColumn,
        ProxyColumn,
        KeepHostColumn,
        SelfSignedColumn,
        ResignColumn,
        ColumnCount
    };
    QTableWidget *m_table;
    QLabel *m_problem;
    QStringList m_specs;
};

// Asks where to replay captures to, and how.
class ReplayTargetDialog final : public QDialog
{
    Q_OBJECT
public:
    ReplayTargetDialog(const QString &target, TargetOptions options, QWidget *parent = nullptr);

    QString target() const;
    TargetOptions options() const;
    void accept() override;

private:
    QLineEdit *m_target;
    QCheckBox *m_fixedUrl;
    QCheckBox *m_keepHost;
    QCheckBox *m_selfSigned;
    QCheckBox *m_resign;
    QLabel *m_problem;
};

} // namespace Hookscope
