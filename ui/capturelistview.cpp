#include "capturelistview.h"

#include "capturelistmodel.h"

#include <algorithm>
#include <utility>

#include <QHeaderView>
#include <QKeyEvent>
#include <QMenu>
#include <QScrollBar>
#include <QTimer>

namespace Hookscope {

CaptureListView::CaptureListView(CaptureListModel *model, QWidget *parent)
    : QTableView(parent)
    , m_model(model)
{
    connect(m_model, &QAbstractItemModel::rowsAboutToBeRemoved, this,
            [this](const QModelIndex &, int first, int last) {
                // The oldest rows let go while captures pour in may hold the current one: the
                // list lets go of it quietly, and the detail pane keeps showing it. Connected
                // before the selection model is, which would make a neighbouring row current.
                const int row = currentIndex().row();
                if (row < first || row > last || first != m_model->rowCount() - (last - first + 1))
                    return;
                const QSignalBlocker quietly(selectionModel());
                selectionModel()->clearCurrentIndex();
                viewport()->update();
            });
    setModel(m_model);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    verticalHeader()->hide();
    // Fixed row heights: the header never measures rows, whatever the number of captures.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    horizontalHeader()->setSectionsMovable(true);
    horizontalHeader()->setHighlightSections(false);
    horizontalHeader()->setSectionResizeMode(CaptureListModel::TargetColumn, QHeaderView::Stretch);
    // Room for typical values; the path takes the rest.
    const QFontMetrics metrics = fontMetrics();
    const auto widthOf = [&](const char *sample) {
        return metrics.horizontalAdvance(QLatin1String(sample)) + 16;
    };
    horizontalHeader()->setMinimumSectionSize(metrics.horizontalAdvance(QLatin1String("★")) + 12);
    setColumnWidth(CaptureListModel::StarColumn, 0); // clamped to the minimum
    setColumnWidth(CaptureListModel::TimeColumn, widthOf("Sep 30 00:00:00"));
    setColumnWidth(CaptureListModel::MethodColumn, widthOf("DELETE"));
    setColumnWidth(CaptureListModel::StatusColumn, widthOf("Status"));
    setColumnWidth(CaptureListModel::RuleColumn, widthOf("Rule…"));
    setColumnWidth(CaptureListModel::SizeColumn, widthOf("1,023 KiB"));
    setColumnWidth(CaptureListModel::ContentTypeColumn, widthOf("application/json"));
    setColumnWidth(CaptureListModel::SourceColumn, widthOf("127.000.000.001"));
    setColumnWidth(CaptureListModel::ForwardColumn, widthOf("-> retrying x5"));
    // Longer verdicts are elided, with the whole in their tooltip.
    setColumnWidth(CaptureListModel::SignatureColumn, widthOf("Signature"));
    // Beside the path, which it often says more than; longer types are elided.
    setColumnWidth(CaptureListModel::EventColumn, widthOf("invoice.paid.x"));
    horizontalHeader()->moveSection(horizontalHeader()->visualIndex(CaptureListModel::EventColumn),
                                    horizontalHeader()->visualIndex(CaptureListModel::TargetColumn)
                                        + 1);
    for (int column = 0; column < CaptureListModel::ColumnCount; ++column)
        setColumnHidden(column, !shownByDefault(column));
    // Right-click on the header: a column to show or hide, ticked when shown.
    horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(horizontalHeader(), &QHeaderView::customContextMenuRequested, this,
            [this](const QPoint &at) {
                QMenu menu(this);
                for (int column = 0; column < CaptureListModel::ColumnCount; ++column) {
                    if (column == CaptureListModel::TargetColumn)
                        continue; // the path stays: without it a row says little
                    QAction *toggle = menu.addAction(
                        m_model->headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString());
                    if (toggle->text().isEmpty())
                        toggle->setText(m_model->headerData(column, Qt::Horizontal).toString());
                    toggle->setCheckable(true);
                    toggle->setChecked(!isColumnHidden(column));
                    connect(toggle, &QAction::toggled, this,
                            [this, column](bool shown) { setColumnHidden(column, !shown); });
                }
                menu.exec(horizontalHeader()->viewport()->mapToGlobal(at));
            });
    // Newest first until the user clicks a header; the store sorts, so sorting covers all of
    // history, not only the rows loaded.
    horizontalHeader()->setSortIndicator(CaptureListModel::TimeColumn, Qt::DescendingOrder);
    setSortingEnabled(true);
    setShowGrid(false);
    setAlternatingRowColors(true);
    setWordWrap(false);
    // Rows dragged from the list go into a collection.
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);

    connect(m_model, &CaptureListModel::rowsPrepended, this, [this] {
        // Follow the newest capture unless the user is reading further down.
        if (verticalScrollBar()->value() == 0)
            scrollToTop();
    });
    connect(selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { emit currentCaptureChanged(currentId()); });
    connect(m_model, &CaptureListModel::modelAboutToBeReset, this, [this] {
        if (m_selectWhenLoaded < 0)
            m_selectWhenLoaded = currentId();
    });
    connect(m_model, &CaptureListModel::modelReset, this, [this] {
        // Sorting a long history on a column other than time can take a moment: say so.
        QTimer::singleShot(150, this, [this] {
            if (!m_model->isLoaded())
                emit loadingShown(true);
        });
    });
    connect(m_model, &CaptureListModel::loaded, this, [this] {
        emit loadingShown(false);
        selectAfterLoad();
    });
}

QItemSelectionModel::SelectionFlags CaptureListView::selectionCommand(const QModelIndex &index,
                                                                      const QEvent *event) const
{
    // Ctrl with a movement key would move the current row alone, leaving the highlight behind:
    // the detail pane (which shows the current row) and the highlighted row would part.
    if (event && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<const QKeyEvent *>(event);
        if (key->modifiers().testFlag(Qt::ControlModifier)
            && !key->modifiers().testFlag(Qt::ShiftModifier) && key->key() != Qt::Key_Space)
            return QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows;
    }
    return QTableView::selectionCommand(index, event);
}

void CaptureListView::setPlaceholder(QWidget *placeholder)
{
    m_placeholder = placeholder;
    placeholder->setParent(viewport());
    placeholder->setGeometry(viewport()->rect());
}

void CaptureListView::resizeEvent(QResizeEvent *event)
{
    QTableView::resizeEvent(event);
    if (m_placeholder)
        m_placeholder->setGeometry(viewport()->rect());
}

bool CaptureListView::shownByDefault(int column)
{
    switch (column) {
    case CaptureListModel::StarColumn:
    case CaptureListModel::TimeColumn:
    case CaptureListModel::TargetColumn:
    case CaptureListModel::StatusColumn:
    case CaptureListModel::EventColumn:
    case CaptureListModel::SignatureColumn: return true;
    default: return false;
    }
}

QList<qint64> CaptureListView::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : selectionModel()->selectedRows())
        ids.append(m_model->summary(index.row()).id);
    return ids;
}

qint64 CaptureListView::currentId() const
{
    const QModelIndex current = currentIndex();
    return current.isValid() ? m_model->summary(current.row()).id : 0;
}

void CaptureListView::selectWhenLoaded(qint64 id)
{
    m_selectWhenLoaded = id;
    if (m_model->isLoaded())
        selectAfterLoad();
}

void CaptureListView::moveCurrent(int delta)
{
    if (m_model->rowCount() == 0)
        return;
    const int row = std::clamp(currentIndex().row() + delta, 0, m_model->rowCount() - 1);
    setCurrentIndex(m_model->index(row, 0));
}

void CaptureListView::selectAfterLoad()
{
    const qint64 wanted = std::exchange(m_selectWhenLoaded, -1);
    if (m_model->rowCount() == 0) {
        emit currentCaptureChanged(0);
        return;
    }
    // Not in the rows loaded: the first row.
    const int row = wanted > 0 ? std::max(0, m_model->rowOf(wanted)) : 0;
    setCurrentIndex(m_model->index(row, 0));
    scrollTo(currentIndex(), QAbstractItemView::PositionAtCenter);
}

} // namespace Hookscope
