#include "diffdialog.h"

#include "wire/capturedrequest.h"
#include "store/capturetext.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

// A tint of `hue` over the palette's base colour, readable in light and dark themes.
QColor tint(const QPalette &palette, int hue)
{
    const QColor base = palette.color(QPalette::Base);
    const bool dark = base.lightness() < 128;
    return QColor::fromHsl(hue, dark ? 90 : 140, dark ? 50 : 225);
}

} // namespace

DiffDialog::DiffDialog(const CapturedRequest &left, const CapturedRequest &right, QWidget *parent)
    : QDialog(parent)
    , m_rows(LineDiff::compare(CaptureText::comparableLines(left),
                               CaptureText::comparableLines(right)))
    , m_table(new QTableWidget(int(m_rows.size()), 2, this))
{
    setWindowTitle(tr("Compare #%1 and #%2").arg(left.id).arg(right.id));
    resize(1100, 700);
    m_table->setHorizontalHeaderLabels({tr("#%1").arg(left.id), tr("#%1").arg(right.id)});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 2);

    const QColor removed = tint(palette(), 0);
    const QColor added = tint(palette(), 120);
    const QColor changed = tint(palette(), 45);
    int differences = 0;
    for (int row = 0; row < m_rows.size(); ++row) {
        const DiffRow &diff = m_rows.at(row);
        auto *leftItem = new QTableWidgetItem(diff.left);
        auto *rightItem = new QTableWidgetItem(diff.right);
        switch (diff.kind) {
        case DiffRow::Kind::Same: break;
        case DiffRow::Kind::Removed: leftItem->setBackground(removed); break;
        case DiffRow::Kind::Added: rightItem->setBackground(added); break;
        case DiffRow::Kind::Changed:
            leftItem->setBackground(changed);
            rightItem->setBackground(changed);
            break;
        }
        differences += diff.kind != DiffRow::Kind::Same;
        m_table->setItem(row, 0, leftItem);
        m_table->setItem(row, 1, rightItem);
    }

    auto *summary
        = new QLabel(differences == 0 ? tr("The two requests are the same, line for line.")
                                      : tr("%n line(s) differ.", nullptr, differences),
                     this);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(summary);
    layout->addWidget(m_table);
    layout->addWidget(buttons);
}

} // namespace Hookscope
