#pragma once

#include <QHeaderView>
#include <QTableWidget>

namespace Hookscope {

// A table of rows the user types in (headers, variables, expectations): no row numbers, the
// last column taking the rest of the width.
inline QTableWidget *makeEditableTable(const QStringList &labels, QWidget *parent)
{
    auto *table = new QTableWidget(0, int(labels.size()), parent);
    table->setHorizontalHeaderLabels(labels);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setColumnWidth(0, 200);
    return table;
}

} // namespace Hookscope
