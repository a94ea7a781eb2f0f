#pragma once

#include "body/linediff.h"

#include <QDialog>

class QTableWidget;

namespace Hookscope {

struct CapturedRequest;

// Two captures side by side, headers and pretty bodies, with changed lines marked.
class DiffDialog final : public QDialog
{
    Q_OBJECT
public:
    DiffDialog(const CapturedRequest &left, const CapturedRequest &right,
               QWidget *parent = nullptr);

    const QList<DiffRow> &rows() const { return m_rows; }
    QTableWidget *table() const { return m_table; }

private:
    QList<DiffRow> m_rows;
    QTableWidget *m_table;
};

} // namespace Hookscope
