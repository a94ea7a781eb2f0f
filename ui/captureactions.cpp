#include "captureactions.h"

#include "capturedetailview.h"
#include "capturelistmodel.h"
#include "capturelistview.h"
#include "diffdialog.h"

#include "collections/curlcommand.h"
#include "receiver/receiverhost.h"
#include "store/capturestore.h"

#include <algorithm>

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QInputDialog>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>

namespace Hookscope {

CaptureActions::CaptureActions(CaptureStore &store, const ReceiverHost &receiver,
                               CaptureListView *list, CaptureDetailView *detail, QWidget *window)
    : QObject(window)
    , m_store(store)
    , m_receiver(receiver)
    , m_list(list)
    , m_detail(detail)
    , m_window(window)
{}

void CaptureActions::copyAsCurl()
{
    if (!m_detail->hasCapture())
        return;
    QApplication::clipboard()->setText(
        CurlCommand::fromCapture(m_detail->capture(), m_receiver.baseUrlFor(m_detail->capture())));
    emit message(tr("Copied capture #%1 as a cURL command").arg(m_detail->capture().id), 3000);
}

void CaptureActions::copyBody()
{
    if (!m_detail->hasCapture())
        return;
    QApplication::clipboard()->setText(QString::fromUtf8(m_detail->capture().decodedBody()));
    emit message(tr("Copied the body of capture #%1").arg(m_detail->capture().id), 3000);
}

void CaptureActions::editNote()
{
    if (!m_detail->hasCapture())
        return;
    bool accepted = false;
    const QString note = QInputDialog::getMultiLineText(
        m_window, tr("Note on Capture #%1").arg(m_detail->capture().id), tr("Note:"),
        m_detail->capture().note, &accepted);
    if (accepted)
        setNote(note);
}

void CaptureActions::setNote(const QString &note)
{
    if (!m_detail->hasCapture())
        return;
    const qint64 id = m_detail->capture().id;
    if (!m_store.setNote(id, note)) {
        emit message(tr("Could not save the note: capture #%1 is gone.").arg(id), 4000);
        return;
    }
    emit captureEdited(id);
}

void CaptureActions::compareSelected()
{
    QList<qint64> ids = m_list->selectedIds();
    if (ids.size() != 2) {
        emit message(tr("Select exactly two captures to compare (Ctrl+click)."), 4000);
        return;
    }
    std::sort(ids.begin(), ids.end()); // older on the left
    const std::optional<CapturedRequest> left = m_store.capture(ids[0]);
    const std::optional<CapturedRequest> right = m_store.capture(ids[1]);
    if (!left || !right) {
        emit message(tr("One of them is no longer in the store."), 4000);
        return;
    }
    auto *dialog = new DiffDialog(*left, *right, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void CaptureActions::toggleStar()
{
    CaptureListModel *model = m_list->captureModel();
    const QModelIndexList rows = m_list->selectionModel()->selectedRows();
    const bool star = std::any_of(rows.cbegin(), rows.cend(), [model](const QModelIndex &index) {
        return !model->summary(index.row()).starred;
    });
    for (const qint64 id : m_list->selectedIds()) {
        if (m_store.setStarred(id, star))
            model->setStarred(id, star);
    }
}

void CaptureActions::deleteSelected()
{
    const QList<qint64> ids = m_list->selectedIds();
    if (ids.isEmpty())
        return;
    // One capture goes at once; more (a Ctrl+A slipped before Delete) only when confirmed, as
    // a delete cannot be undone.
    if (ids.size() > 1) {
        QMessageBox confirm(QMessageBox::Question, tr("Delete Captures"),
                            tr("Delete the %n selected capture(s)? They are removed from the "
                               "store for good.",
                               nullptr, int(ids.size())),
                            QMessageBox::Cancel, m_window);
        QPushButton *remove = confirm.addButton(tr("Delete"), QMessageBox::DestructiveRole);
        confirm.setDefaultButton(QMessageBox::Cancel);
        confirm.exec();
        if (confirm.clickedButton() != remove)
            return;
    }
    CaptureListModel *model = m_list->captureModel();
    const int nextRow = m_list->selectionModel()->selectedRows().constFirst().row();
    qint64 removed = 0;
    for (const qint64 id : ids) {
        removed += m_store.remove(id) ? 1 : 0;
        model->removeCapture(id);
    }
    if (model->rowCount() > 0)
        m_list->setCurrentIndex(model->index(std::min(nextRow, model->rowCount() - 1), 0));
    else
        m_detail->clear();
    emit capturesRemoved(removed);
    emit message(tr("Deleted %n capture(s)", nullptr, int(ids.size())), 3000);
}

void CaptureActions::saveRawRequest()
{
    if (m_detail->hasCapture())
        saveBytes(m_detail->capture().raw, tr("Save Raw Request"),
                  QStringLiteral("capture-%1.http").arg(m_detail->capture().id));
}

void CaptureActions::saveBytes(const QByteArray &bytes, const QString &title,
                               const QString &suggestedName)
{
    const QString path = QFileDialog::getSaveFileName(m_window, title, suggestedName);
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        QMessageBox::warning(m_window, title,
                             tr("Could not save %1: %2").arg(path, file.errorString()));
        return;
    }
    emit message(tr("Saved %1").arg(path), 3000);
}

} // namespace Hookscope
