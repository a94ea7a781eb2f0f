#pragma once

#include <QObject>

class QWidget;

namespace Hookscope {

class CaptureDetailView;
class CaptureListView;
class CaptureStore;
class ReceiverHost;

// What the Capture menu does to the capture shown (copy, note, save) and to the selected ones
// (star, compare, delete). Outcomes are reported through message().
class CaptureActions final : public QObject
{
    Q_OBJECT
public:
    CaptureActions(CaptureStore &store, const ReceiverHost &receiver, CaptureListView *list,
                   CaptureDetailView *detail, QWidget *window);

    void copyAsCurl();
    void copyBody();
    // Asks for the shown capture's note; setNote() stores it.
    void editNote();
    void setNote(const QString &note);
    // Opens a side-by-side diff of the two selected captures.
    void compareSelected();
    // Like a mail client: if any selected capture is unstarred, star them all.
    void toggleStar();
    void deleteSelected();
    void saveRawRequest();
    // Asks where, then writes `bytes` there atomically.
    void saveBytes(const QByteArray &bytes, const QString &title, const QString &suggestedName);

signals:
    void message(const QString &text, int timeoutMs);
    // The shown capture changed in the store (its note): show it again.
    void captureEdited(qint64 id);
    void capturesRemoved(qint64 count);

private:
    CaptureStore &m_store;
    const ReceiverHost &m_receiver;
    CaptureListView *m_list;
    CaptureDetailView *m_detail;
    QWidget *m_window;
};

} // namespace Hookscope
