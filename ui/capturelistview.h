#pragma once

#include <QTableView>

namespace Hookscope {

class CaptureListModel;

// The capture list: newest first and followed while the user is at the top, sorted by the store
// on a header click, rows dragged into collections. Across reloads (a new filter or order) the
// current capture stays current when it is still listed.
class CaptureListView final : public QTableView
{
    Q_OBJECT
public:
    explicit CaptureListView(CaptureListModel *model, QWidget *parent = nullptr);

    CaptureListModel *captureModel() const { return m_model; }
    QList<qint64> selectedIds() const;
    // The current capture's id; 0 when there is none.
    qint64 currentId() const;
    // Makes the capture current once the list has loaded (0: the first row).
    void selectWhenLoaded(qint64 id);
    // Moves the current row by `delta`, staying in the list.
    void moveCurrent(int delta);
    // The columns shown until the user picks others (from the header's context menu): those
    // that tell captures apart; size, content type, rule, source and forwarding are a click away.
    static bool shownByDefault(int column);
    // A widget laid over the rows while there are none (what to do first), kept to the
    // viewport's size.
    void setPlaceholder(QWidget *placeholder);

protected:
    void resizeEvent(QResizeEvent *event) override;

    QItemSelectionModel::SelectionFlags selectionCommand(const QModelIndex &index,
                                                         const QEvent *event) const override;

signals:
    // The current capture changed; 0 when there is none.
    void currentCaptureChanged(qint64 id);
    // Reloading takes long enough to say so (true), or has finished (false).
    void loadingShown(bool loading);

private:
    void selectAfterLoad();

    CaptureListModel *m_model;
    QWidget *m_placeholder = nullptr;
    qint64 m_selectWhenLoaded = -1; // capture to select when the list has loaded; 0: the first
};

} // namespace Hookscope
