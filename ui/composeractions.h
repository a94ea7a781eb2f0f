#pragma once

#include <QList>
#include <QObject>

class QWidget;

namespace Hookscope {

class CaptureDetailView;
class CaptureListView;
class CaptureStore;
class CollectionDocument;
class CollectionsPanel;
class ComposerDialog;
class DeliveryLog;
class Session;
struct CollectionPlace;

// Requests made by hand and kept: the composer (empty, from the selected capture, or from a
// collection's request, whose "Save" writes it back) and captures saved into a collection, as
// they are or as tests that expect what the app answered.
class ComposerActions final : public QObject
{
    Q_OBJECT
public:
    ComposerActions(CaptureStore &store, Session &session, DeliveryLog &log, CaptureListView *list,
                    CaptureDetailView *detail, CollectionsPanel *collections, QWidget *window);

    // Opens the composer: empty, or with the selected capture ready to edit and send again.
    ComposerDialog *openComposer(bool fromSelected);
    // Opens a collection's request in the composer; "Save" there writes it back.
    ComposerDialog *openCollectionItem(CollectionDocument *document, const QList<int> &path);
    // Keeps the captures with these ids as requests in a collection's folder.
    void saveCapturesTo(const CollectionPlace &folder, const QList<qint64> &ids);
    // Capture → Save to Collection… and Save as Test…: the selected captures, where the user
    // says.
    void askSaveToCollection();
    void askSaveAsTest();

signals:
    void message(const QString &text, int timeoutMs);

private:
    // A composer whose "Save" goes back to the collection item at `origin` (none: asks where).
    ComposerDialog *newComposer(const CollectionPlace &origin, const QString &originName);

    CaptureStore &m_store;
    Session &m_session;
    DeliveryLog &m_log;
    CaptureListView *m_list;
    CaptureDetailView *m_detail;
    CollectionsPanel *m_collections;
    QWidget *m_window;
};

} // namespace Hookscope
