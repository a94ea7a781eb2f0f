#include "composeractions.h"

#include "capturedetailview.h"
#include "capturelistview.h"
#include "collectionspanel.h"
#include "composerdialog.h"
#include "deliveryactions.h"
#include "saveastestdialog.h"

#include "collections/collectiondocument.h"
#include "collections/collectionfolder.h"
#include "session/session.h"
#include "session/settings.h"
#include "store/capturestore.h"

#include <QPointer>

namespace Hookscope {

ComposerActions::ComposerActions(CaptureStore &store, Session &session, DeliveryLog &log,
                                 CaptureListView *list, CaptureDetailView *detail,
                                 CollectionsPanel *collections, QWidget *window)
    : QObject(window)
    , m_store(store)
    , m_session(session)
    , m_log(log)
    , m_list(list)
    , m_detail(detail)
    , m_collections(collections)
    , m_window(window)
{}

ComposerDialog *ComposerActions::newComposer(const CollectionPlace &origin,
                                             const QString &originName)
{
    auto *composer = new ComposerDialog(m_store.path(), m_window);
    composer->setAttribute(Qt::WA_DeleteOnClose);
    composer->setSecrets(&m_session.secrets());
    // "Save" goes back to the item it came from (when that is still there), else where the
    // user says; a collection closed meanwhile is not written to.
    const QPointer<CollectionDocument> document = origin.document;
    connect(
        composer, &ComposerDialog::saveRequested, this,
        [this, composer, document, path = origin.path, originName](const RequestTemplate &kept) {
            m_collections->keepRequest({document, path}, originName, kept, composer);
        });
    return composer;
}

ComposerDialog *ComposerActions::openComposer(bool fromSelected)
{
    std::optional<OutgoingRequest> request;
    if (fromSelected) {
        if (!m_detail->hasCapture())
            return nullptr;
        const Settings settings;
        QString error;
        request = OutgoingRequest::replay(m_detail->capture(),
                                          QUrl(DeliveryActions::replayTargetOrDefault()),
                                          settings.replayOptions(), &error);
        if (!request) {
            emit message(tr("Cannot edit and resend: %1").arg(error), 0);
            return nullptr;
        }
    }
    ComposerDialog *composer = newComposer({}, {});
    if (request) {
        composer->load(*request);
        // Signed as its path's binding says, so the edited body still verifies at the target.
        const CapturedRequest &capture = m_detail->capture();
        if (const SignatureBinding *binding
            = m_session.checker().settings().bindingFor(capture.path()))
            composer->setSigning(binding->scheme ? binding->scheme
                                                 : SignatureScheme::detect(capture.headers),
                                 binding->secretName);
    }
    composer->show();
    return composer;
}

ComposerDialog *ComposerActions::openCollectionItem(CollectionDocument *document,
                                                    const QList<int> &path)
{
    const CollectionItem *item = document ? document->collection().item(path) : nullptr;
    if (!item || item->isFolder)
        return nullptr;
    ComposerDialog *composer = newComposer({document, path}, item->name);
    composer->load(item->request);
    composer->setVariables(m_collections->valuesFor(document));
    composer->setOrigin(item->name);
    composer->show();
    return composer;
}

void ComposerActions::saveCapturesTo(const CollectionPlace &folder, const QList<qint64> &ids)
{
    if (!folder.document)
        return;
    QList<CapturedRequest> captures;
    for (const qint64 id : ids) {
        if (std::optional<CapturedRequest> capture = m_store.capture(id))
            captures.append(*capture);
    }
    // Sent to the app under development, as replays are (not back to this receiver); the
    // baseUrl is added when the collection has none.
    m_collections->addRequests(
        folder, Collection::fromCaptures(captures, {DeliveryActions::replayTargetOrDefault()}, {},
                                         m_session.signatureBindings()));
}

void ComposerActions::askSaveToCollection()
{
    const QList<qint64> ids = m_list->selectedIds();
    if (ids.isEmpty())
        return;
    if (const auto place = m_collections->chooseFolder(tr("Save to Collection")))
        saveCapturesTo(*place, ids);
}

void ComposerActions::askSaveAsTest()
{
    const QList<qint64> ids = m_list->selectedIds();
    if (ids.isEmpty())
        return;
    SaveAsTestDialog dialog(
        SaveAsTestDialog::sourcesFor(ids, m_store, m_log, DeliveryActions::replayTargetOrDefault()),
        m_window);
    if (dialog.exec() == QDialog::Accepted)
        if (const auto place = m_collections->chooseFolder(tr("Save as Test")))
            m_collections->addRequests(*place, dialog.tests(m_session.signatureBindings()));
}

} // namespace Hookscope
