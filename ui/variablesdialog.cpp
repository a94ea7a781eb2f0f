#include "variablesdialog.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Hookscope {

VariablesDialog::VariablesDialog(const Collection &collection, QWidget *parent)
    : QDialog(parent)
    , m_sets(new QListWidget(this))
    , m_table(new QTableWidget(0, 2, this))
{
    setWindowTitle(tr("Variables — %1").arg(collection.name));
    resize(760, 420);
    m_values.append({tr("Collection"), collection.variables, {}});
    m_values.append(collection.environments);
    for (const Environment &set : std::as_const(m_values))
        m_sets->addItem(set.name);
    m_sets->item(0)->setToolTip(tr("Used whatever the environment; an environment's value of "
                                   "the same name wins"));
    m_table->setHorizontalHeaderLabels({tr("Variable"), tr("Value")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnWidth(0, 200);

    auto *addEnvironmentButton = new QPushButton(tr("Add Environment…"), this);
    auto *removeEnvironment = new QPushButton(tr("Remove"), this);
    connect(addEnvironmentButton, &QPushButton::clicked, this, [this] {
        const QString name
            = QInputDialog::getText(this, tr("Add Environment"), tr("Name:")).trimmed();
        if (!name.isEmpty())
            addEnvironment(name);
    });
    connect(removeEnvironment, &QPushButton::clicked, this, [this] {
        const int row = m_sets->currentRow();
        if (row <= 0)
            return; // the collection's own variables stay
        m_shown = -1;
        m_values.removeAt(row);
        delete m_sets->takeItem(row);
    });
    auto *addVariable = new QPushButton(tr("Add Variable"), this);
    auto *removeVariable = new QPushButton(tr("Remove"), this);
    connect(addVariable, &QPushButton::clicked, this, [this] {
        m_table->insertRow(m_table->rowCount());
        m_table->setCurrentCell(m_table->rowCount() - 1, 0);
        m_table->editItem(m_table->currentItem());
    });
    connect(removeVariable, &QPushButton::clicked, this, [this] {
        m_table->removeRow(m_table->currentRow());
        storeTable();
    });
    connect(m_table, &QTableWidget::itemChanged, this, &VariablesDialog::storeTable);
    connect(m_sets, &QListWidget::currentRowChanged, this, &VariablesDialog::showSet);

    auto *setsColumn = new QVBoxLayout;
    setsColumn->addWidget(m_sets);
    auto *setButtons = new QHBoxLayout;
    setButtons->addWidget(addEnvironmentButton);
    setButtons->addWidget(removeEnvironment);
    setsColumn->addLayout(setButtons);
    auto *tableColumn = new QVBoxLayout;
    tableColumn->addWidget(m_table);
    auto *variableButtons = new QHBoxLayout;
    variableButtons->addWidget(addVariable);
    variableButtons->addWidget(removeVariable);
    variableButtons->addStretch();
    tableColumn->addLayout(variableButtons);
    auto *note = new QLabel(tr("Use them as {{name}} in URLs, headers and bodies. Secrets do not "
                               "belong here: write {{secret:name}} and keep the value in the "
                               "keychain (Capture → Signatures… → Secrets)."),
                            this);
    note->setWordWrap(true);
    auto *columns = new QHBoxLayout;
    columns->addLayout(setsColumn, 1);
    columns->addLayout(tableColumn, 3);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(note);
    layout->addWidget(buttons);
    m_sets->setCurrentRow(0);
}

void VariablesDialog::addEnvironment(const QString &name)
{
    m_values.append({name, {}, {}});
    m_sets->addItem(name);
    m_sets->setCurrentRow(m_sets->count() - 1);
}

void VariablesDialog::storeTable()
{
    if (m_shown < 0 || m_shown >= m_values.size())
        return;
    QList<Variable> variables;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QTableWidgetItem *name = m_table->item(row, 0);
        const QTableWidgetItem *value = m_table->item(row, 1);
        if (name && !name->text().trimmed().isEmpty())
            variables.append({name->text().trimmed(), value ? value->text() : QString()});
    }
    m_values[m_shown].variables = variables;
}

void VariablesDialog::showSet(int row)
{
    const QSignalBlocker blocker(m_table); // filling it is not editing it
    m_shown = row;
    m_table->setRowCount(0);
    if (row < 0 || row >= m_values.size())
        return;
    for (const Variable &variable : std::as_const(m_values[row].variables)) {
        const int at = m_table->rowCount();
        m_table->insertRow(at);
        m_table->setItem(at, 0, new QTableWidgetItem(variable.name));
        m_table->setItem(at, 1, new QTableWidgetItem(variable.value));
    }
}

QList<Variable> VariablesDialog::variables() const
{
    return m_values.first().variables;
}

QList<Environment> VariablesDialog::environments() const
{
    return m_values.mid(1);
}

} // namespace Hookscope
