#pragma once

#include "collections/collection.h"

#include <QDialog>

class QListWidget;
class QTableWidget;

namespace Hookscope {

// A collection's variables and its environments ("dev", "staging"): an environment's value
// replaces the collection's of the same name when that environment is chosen.
class VariablesDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit VariablesDialog(const Collection &collection, QWidget *parent = nullptr);

    QList<Variable> variables() const;
    QList<Environment> environments() const;
    QListWidget *sets() const { return m_sets; }
    QTableWidget *table() const { return m_table; }
    void addEnvironment(const QString &name);

private:
    void storeTable();
    void showSet(int row);

    QList<Environment> m_values; // the first: the collection's own variables
    int m_shown = -1;
    QListWidget *m_sets;
    QTableWidget *m_table;
};

} // namespace Hookscope
