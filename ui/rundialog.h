#pragma once

#include "collections/collectionrunner.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTreeWidget;

namespace Hookscope {

class SecretStore;

// Shows what a collection's or a folder's requests will send, and where, until Run; then sends
// them in order and shows how each went: status, time, or why it was not sent, and for the
// request picked, each of its expectations met or missed (expected and got); then a summary.
class RunDialog final : public QDialog
{
    Q_OBJECT
public:
    RunDialog(const QString &title, const QList<RunStep> &steps,
              const QHash<QString, QString> &values, SecretStore *secrets,
              QWidget *parent = nullptr);

    void start();
    QTableWidget *table() const { return m_table; }
    QLabel *summary() const { return m_summary; }
    QTreeWidget *checks() const { return m_checks; }
    QSpinBox *pause() const { return m_pause; }
    QLineEdit *delivery() const { return m_delivery; }
    CollectionRunner *runner() const { return m_runner; }

private:
    enum Column { NameColumn, RequestColumn, ResultColumn, TimeColumn, ColumnCount };
    void showResult(int row, const RunResult &result);
    void showSummary(const QList<RunResult> &results);
    void showChecks();

    QList<RunStep> m_steps;
    QHash<QString, QString> m_values;
    CollectionRunner *m_runner;
    QTableWidget *m_table;
    QSpinBox *m_pause;
    QLineEdit *m_delivery;
    qsizetype m_planned = 0; // sends the run will make
    QPushButton *m_startStop;
    QLabel *m_summary;
    QTreeWidget *m_checks;
    QHash<int, RunResult> m_results; // by row, once finished
};

} // namespace Hookscope
