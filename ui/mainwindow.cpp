#include "mainwindow.h"

#include "capturedetailview.h"
#include "capturelistmodel.h"
#include "collectionspanel.h"
#include "composerdialog.h"
#include "deliveriesview.h"
#include "diffdialog.h"
#include "palettetone.h"
#include "rulesdialog.h"
#include "receiverbar.h"
#include "signaturesdialog.h"
#include "statuspanel.h"
#include "signatureview.h"
#include "targetdialogs.h"

#include "store/datafolder.h"
#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "collections/collectiondocument.h"
#include "collections/curlcommand.h"
#include "collections/har.h"
#include "collections/importer.h"
#include "wire/jsonfile.h"
#include "collections/postman.h"
#include "store/deliverylog.h"
#include "delivery/forwarderhost.h"
#include "receiver/receiverhost.h"
#include "secrets/secretstore.h"
#include "session/session.h"
#include "session/settings.h"

#include <algorithm>
#include <climits>
#include <utility>

#include <QApplication>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QSaveFile>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDockWidget>
#include <QDropEvent>
#include <QMimeData>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>

namespace Hookscope {

MainWindow::MainWindow(CaptureStore &store, Session &session, QWidget *parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_session(session)
    , m_writer(session.writer())
    , m_receiver(session.receiver())
    , m_deliveryLog(std::make_unique<DeliveryLog>(store.path()))
    , m_forwarder(&session.forwarder())
    , m_secrets(&session.secrets())
    , m_checker(&session.checker())
    , m_model(new CaptureListModel(store.path(), this))
    , m_view(new QTableView(this))
    , m_collections(new CollectionsPanel(m_secrets, this))
    , m_detail(new CaptureDetailView(this))
    , m_filter(new QLineEdit(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
{
    setWindowTitle(tr("Hookscope"));
    resize(1200, 760);

    m_receiverBar = new ReceiverBar(m_receiver, statusBar(), this);
    addToolBar(m_receiverBar);
    connect(m_receiverBar, &ReceiverBar::message, statusBar(), &QStatusBar::showMessage);
    QToolBar *toolbar = m_receiverBar; // the filter goes beside the receiver's controls
    toolbar->addSeparator();
    m_filter->setPlaceholderText(
        tr("Filter: words, \"phrases\", method:POST path:/stripe status:4xx type:json"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(420);
    m_filter->setToolTip(tr("Words and \"phrases\" are found in paths, headers and bodies.\n"
                            "Fields: method:POST  path:/prefix  status:404|4xx|none  type:json  "
                            "is:malformed  is:starred"));
    toolbar->addWidget(m_filter);
    // Filter as the user types, once they pause.
    m_filterDelay.setSingleShot(true);
    m_filterDelay.setInterval(200);
    connect(m_filter, &QLineEdit::textChanged, &m_filterDelay, qOverload<>(&QTimer::start));
    connect(&m_filterDelay, &QTimer::timeout, this, &MainWindow::applyFilter);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    // Fixed row heights: the header never measures rows, whatever the number of captures.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setSectionResizeMode(CaptureListModel::TargetColumn,
                                                     QHeaderView::Stretch);
    // Room for typical values; the path takes the rest.
    const QFontMetrics metrics = m_view->fontMetrics();
    const auto widthOf = [&](const char *sample) {
        return metrics.horizontalAdvance(QLatin1String(sample)) + 16;
    };
    m_view->horizontalHeader()->setMinimumSectionSize(metrics.horizontalAdvance(QLatin1String("★"))
                                                      + 12);
    m_view->setColumnWidth(CaptureListModel::StarColumn, 0); // clamped to the minimum
    m_view->setColumnWidth(CaptureListModel::TimeColumn, widthOf("00:00:00.000"));
    m_view->setColumnWidth(CaptureListModel::MethodColumn, widthOf("DELETE"));
    m_view->setColumnWidth(CaptureListModel::StatusColumn, widthOf("Status"));
    m_view->setColumnWidth(CaptureListModel::RuleColumn, widthOf("Rule…"));
    m_view->setColumnWidth(CaptureListModel::SizeColumn, widthOf("1,023 KiB"));
    m_view->setColumnWidth(CaptureListModel::ContentTypeColumn, widthOf("application/json"));
    m_view->setColumnWidth(CaptureListModel::SourceColumn, widthOf("127.000.000.001"));
    m_view->setColumnWidth(CaptureListModel::ForwardColumn, widthOf("-> retrying x5"));
    m_view->setColumnWidth(CaptureListModel::SignatureColumn, widthOf("missing signature"));
    // Newest first until the user clicks a header; the store sorts, so sorting covers all of
    // history, not only the rows loaded.
    m_view->horizontalHeader()->setSortIndicator(CaptureListModel::TimeColumn, Qt::DescendingOrder);
    m_view->setSortingEnabled(true);
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);

    connect(m_detail, &CaptureDetailView::savePartRequested, this, [this](const BodyPart &part) {
        saveBytes(part.data, tr("Save Part"), part.suggestedFileName());
    });
    connect(m_detail, &CaptureDetailView::saveBodyRequested, this, [this] {
        saveBytes(m_detail->capture().decodedBody(), tr("Save Body"), QStringLiteral("body.bin"));
    });

    // Rows dragged from the list go into a collection.
    m_view->setDragEnabled(true);
    m_view->setDragDropMode(QAbstractItemView::DragOnly);
    auto *collectionsDock = new QDockWidget(tr("Collections"), this);
    collectionsDock->setObjectName(QStringLiteral("collectionsDock"));
    collectionsDock->setWidget(m_collections);
    addDockWidget(Qt::LeftDockWidgetArea, collectionsDock);
    resizeDocks({collectionsDock}, {240}, Qt::Horizontal);
    connect(
        m_collections, &CollectionsPanel::message, this,
        [this](const QString &text, int timeoutMs) { statusBar()->showMessage(text, timeoutMs); });
    connect(m_collections, &CollectionsPanel::openRequested, this, &MainWindow::openCollectionItem);
    connect(m_collections, &CollectionsPanel::capturesDropped, this, &MainWindow::saveCapturesTo);
    connect(m_collections, &CollectionsPanel::collectionOpened, collectionsDock, &QWidget::show);
    m_collections->restoreOpenCollections();
    // Until there is a collection, the captures have the room (View → Collections brings it).
    collectionsDock->setVisible(!m_collections->documents().isEmpty());

    setAcceptDrops(true); // a file dropped on the window is imported
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({660, 540}); // the list a little wider, until the user moves it
    setCentralWidget(m_splitter);

    // Forwarding and replays: the queue lives in the store; deliveries an earlier run left
    // pending are sent now.
    QString forwardError;
    if (!m_deliveryLog->open(&forwardError))
        statusBar()->showMessage(tr("Forwarding is unavailable: %1").arg(forwardError));
    m_status = new StatusPanel(statusBar(), session, *m_deliveryLog, this);
    connect(m_receiverBar, &ReceiverBar::stateChanged, m_status, &StatusPanel::refresh);
    connect(m_forwarder, &ForwarderHost::attempted, this, &MainWindow::showDeliveryAttempt);
    connect(m_forwarder, &ForwarderHost::writeFailed, this,
            [this](const QString &error) { statusBar()->showMessage(error); });
    connect(m_detail->deliveries(), &DeliveriesView::retryRequested, this, [this](qint64 id) {
        m_replays.insert(id);
        m_forwarder->retryNow(id);
        statusBar()->showMessage(tr("Sending again…"), 3000);
    });

    // Signatures: verdicts for the rows shown and the selected capture, off this thread.
    m_model->setSignatureChecker(m_checker);
    connect(m_checker, &SignatureChecker::checked, this,
            [this](const QHash<qint64, SignatureVerdict> &verdicts) {
                if (m_detail->hasCapture()) {
                    if (const auto found = verdicts.constFind(m_detail->capture().id);
                        found != verdicts.cend())
                        m_detail->setSignature(*found);
                }
            });
    connect(m_detail->signature(), &SignatureView::editSignaturesRequested, this,
            &MainWindow::signaturesDialog);
    connect(m_secrets, &SecretStore::keychainUnavailable, this, [this](const QString &why) {
        // Kept in view: unlike a message, the next one does not replace it.
        auto *warning = new QLabel(tr("\u26a0 No keychain"), this);
        warning->setToolTip(tr("%1: secrets are kept in memory for this session only").arg(why));
        QPalette palette = warning->palette();
        palette.setColor(QPalette::WindowText, paletteTone(0));
        warning->setPalette(palette);
        statusBar()->insertPermanentWidget(0, warning);
        statusBar()->showMessage(warning->toolTip(), 10'000);
    });
    // Verdicts worked out with other secrets are worked out again.
    connect(&m_session, &Session::signingChanged, this, [this] {
        m_model->clearVerdicts();
        if (m_detail->hasCapture()) {
            m_detail->setSignature(std::nullopt);
            m_checker->check({m_detail->capture().id});
        }
    });

    connect(&m_writer, &CaptureWriter::committed, m_model, &CaptureListModel::addCommitted);
    connect(&m_writer, &CaptureWriter::writeFailed, this,
            [this](const QString &error) { statusBar()->showMessage(error); });
    connect(m_model, &CaptureListModel::rowsPrepended, this, [this] {
        // Follow the newest capture unless the user is reading further down.
        if (m_view->verticalScrollBar()->value() == 0)
            m_view->scrollToTop();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showSelected);
    // A new filter or order reloads the list: keep the capture in view when it is still there.
    connect(m_model, &CaptureListModel::modelAboutToBeReset, this, [this] {
        if (m_selectWhenLoaded < 0)
            m_selectWhenLoaded = m_detail->hasCapture() ? m_detail->capture().id : 0;
    });
    connect(m_model, &CaptureListModel::modelReset, this, [this] {
        // Sorting a long history on a column other than time can take a moment: say so.
        QTimer::singleShot(150, this, [this] {
            if (!m_model->isLoaded())
                statusBar()->showMessage(tr("Loading captures…"));
        });
    });
    connect(m_model, &CaptureListModel::loaded, this, [this] {
        if (statusBar()->currentMessage() == tr("Loading captures…"))
            statusBar()->clearMessage();
        selectAfterLoad();
    });
    connect(m_model, &CaptureListModel::liveCapturesHidden, this, [this](qint64 count) {
        statusBar()->showMessage(tr("%n new capture(s) not listed while sorted; sort by Time to "
                                    "follow live captures",
                                    nullptr, int(std::min<qint64>(count, INT_MAX))));
    });

    createMenus();
    restoreViewState();
}

MainWindow::~MainWindow() = default;

void MainWindow::restoreViewState()
{
    const Settings::WindowLayout layout = Settings().windowLayout();
    restoreGeometry(layout.geometry);
    restoreState(layout.toolbarsAndDocks);
    m_splitter->restoreState(layout.splitter);
    QHeaderView *header = m_view->horizontalHeader();
    header->restoreState(layout.listHeader);
    m_view->sortByColumn(header->sortIndicatorSection(), header->sortIndicatorOrder());
    m_detail->tabs()->setCurrentIndex(layout.detailTab);
    m_detail->bodyTabs()->setCurrentIndex(layout.bodyTab);
    if (!layout.filter.isEmpty()) {
        const QSignalBlocker blocker(m_filter); // apply once, now, not after the typing pause
        m_filter->setText(layout.filter);
        applyFilter();
    }
    m_selectWhenLoaded = layout.selectedId;
    if (m_model->isLoaded())
        selectAfterLoad();
}

void MainWindow::selectAfterLoad()
{
    const qint64 wanted = std::exchange(m_selectWhenLoaded, -1);
    if (m_model->rowCount() == 0) {
        m_detail->clear();
        return;
    }
    // Not in the rows loaded: the first row.
    const int row = wanted > 0 ? std::max(0, m_model->rowOf(wanted)) : 0;
    m_view->setCurrentIndex(m_model->index(row, 0));
    m_view->scrollTo(m_view->currentIndex(), QAbstractItemView::PositionAtCenter);
}

void MainWindow::saveViewState() const
{
    Settings::WindowLayout layout;
    layout.geometry = saveGeometry();
    layout.toolbarsAndDocks = saveState();
    layout.splitter = m_splitter->saveState();
    layout.listHeader = m_view->horizontalHeader()->saveState();
    layout.filter = m_filter->text();
    layout.selectedId = m_detail->hasCapture() ? m_detail->capture().id : 0;
    layout.detailTab = m_detail->tabs()->currentIndex();
    layout.bodyTab = m_detail->bodyTabs()->currentIndex();
    Settings().setWindowLayout(layout);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveViewState();
    QMainWindow::closeEvent(event);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Save &Raw Request…"), QKeySequence::Save, this, [this] {
        if (m_detail->hasCapture())
            saveBytes(m_detail->capture().raw, tr("Save Raw Request"),
                      QStringLiteral("capture-%1.http").arg(m_detail->capture().id));
    });
    file->addSeparator();
    file->addAction(tr("New &Collection…"), this, [this] { m_collections->askNewCollection(); });
    file->addAction(tr("&Open Collection…"), QKeySequence::Open, this,
                    [this] { m_collections->askOpenCollection(); });
    file->addSeparator();
    file->addAction(tr("&Import…"), QKeySequence(Qt::CTRL | Qt::Key_I), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Import"), QString(),
            tr("HAR, Postman, collection or curl files (*.har *.json *.sh *.txt);;All files "
               "(*)"));
        if (!path.isEmpty())
            importFile(path);
    });
    file->addAction(
        tr("&Export HAR…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this, [this] {
            const QString path = QFileDialog::getSaveFileName(
                this, tr("Export HAR"), QStringLiteral("captures.har"), tr("HAR files (*.har)"));
            if (!path.isEmpty())
                exportHar(path);
        });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *find = edit->addAction(tr("&Filter…"), this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    find->setShortcuts({QKeySequence::Find, QKeySequence(Qt::Key_Slash)});

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(
        findChild<QDockWidget *>(QStringLiteral("collectionsDock"))->toggleViewAction());

    QMenu *capture = menuBar()->addMenu(tr("&Capture"));
    capture->addAction(tr("Copy as &cURL"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), this,
                       &MainWindow::copyAsCurl);
    capture->addAction(tr("Copy &Body"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B), this,
                       &MainWindow::copyBody);
    capture->addAction(tr("&Star"), QKeySequence(Qt::CTRL | Qt::Key_D), this,
                       &MainWindow::toggleStar);
    capture->addAction(tr("Co&mpare Two Selected"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D),
                       this, &MainWindow::compareSelected);
    capture->addAction(tr("&Note…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), this,
                       &MainWindow::editNote);
    capture->addSeparator();
    m_replayAgain = capture->addAction(QString(), QKeySequence(Qt::CTRL | Qt::Key_R), this, [this] {
        const Settings settings;
        const QString last = settings.replayTarget();
        if (last.isEmpty())
            askReplayTarget();
        else
            replaySelected(last, settings.replayOptions());
    });
    const QString lastTarget = Settings().replayTarget();
    m_replayAgain->setText(lastTarget.isEmpty() ? tr("&Replay…")
                                                : tr("&Replay to %1").arg(lastTarget));
    capture->addAction(tr("Replay &To…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R), this,
                       &MainWindow::askReplayTarget);
    capture->addAction(tr("&Forwarding…"), this, &MainWindow::forwardingDialog);
    capture->addAction(tr("Mock &Rules…"), this, &MainWindow::rulesDialog);
    capture->addAction(tr("Si&gnatures…"), this, &MainWindow::signaturesDialog);
    capture->addAction(tr("&Edit and Resend…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                       [this] { openComposer(true); });
    capture->addAction(tr("New Re&quest…"), QKeySequence::New, this,
                       [this] { openComposer(false); });
    capture->addAction(
        tr("Save to Co&llection…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S), this, [this] {
            const QList<qint64> ids = selectedIds();
            if (ids.isEmpty())
                return;
            if (const auto place = m_collections->chooseFolder(tr("Save to Collection")))
                saveCapturesTo(*place, ids);
        });
    capture->addSeparator();
    QAction *next = capture->addAction(tr("&Next"), QKeySequence(Qt::Key_J), this, [this] {
        m_view->setCurrentIndex(
            m_model->index(std::min(m_view->currentIndex().row() + 1, m_model->rowCount() - 1), 0));
    });
    QAction *previous = capture->addAction(tr("&Previous"), QKeySequence(Qt::Key_K), this, [this] {
        m_view->setCurrentIndex(m_model->index(std::max(m_view->currentIndex().row() - 1, 0), 0));
    });
    // j and k move only while the list has focus, so they can still be typed elsewhere.
    for (QAction *action : {next, previous}) {
        action->setShortcutContext(Qt::WidgetShortcut);
        m_view->addAction(action);
    }
    capture->addSeparator();
    QAction *remove = capture->addAction(tr("&Delete"), QKeySequence::Delete, this,
                                         &MainWindow::deleteSelected);
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(remove);
    capture->addAction(tr("C&lear All…"), this, [this] {
        const std::optional<qint64> count = m_status->captureCount();
        const QString question
            = !count ? tr("Delete all captures from %1? This cannot be undone.").arg(m_store.path())
                     : tr("Delete all %n capture(s) from %1? This cannot be undone.", nullptr,
                          int(std::min<qint64>(*count, INT_MAX)))
                           .arg(m_store.path());
        if (QMessageBox::question(this, tr("Clear All Captures"), question) != QMessageBox::Yes)
            return;
        if (!m_store.clear()) {
            QMessageBox::warning(this, tr("Clear All Captures"), m_store.errorString());
            return;
        }
        m_model->reload();
        m_detail->clear();
        m_status->storeCleared();
    });
}

void MainWindow::applyFilter()
{
    m_filterDelay.stop();
    QString error;
    const CaptureQuery query = CaptureQuery::parse(m_filter->text(), &error);
    if (!error.isEmpty()) {
        statusBar()->showMessage(error);
        return;
    }
    statusBar()->clearMessage();
    m_model->setQuery(query);
}

QList<qint64> MainWindow::selectedIds() const
{
    QList<qint64> ids;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        ids.append(m_model->summary(index.row()).id);
    return ids;
}

void MainWindow::copyAsCurl()
{
    if (!m_detail->hasCapture())
        return;
    const QString base = m_receiver.isListening() ? m_receiver.baseUrl()
                                                  : QStringLiteral("http://127.0.0.1:4747/");
    QApplication::clipboard()->setText(CurlCommand::fromCapture(m_detail->capture(), base));
    statusBar()->showMessage(tr("Copied capture #%1 as a cURL command").arg(m_detail->capture().id),
                             3000);
}

void MainWindow::copyBody()
{
    if (!m_detail->hasCapture())
        return;
    const QByteArray body = m_detail->capture().decodedBody();
    QApplication::clipboard()->setText(QString::fromUtf8(body));
    statusBar()->showMessage(tr("Copied the body of capture #%1").arg(m_detail->capture().id),
                             3000);
}

void MainWindow::editNote()
{
    if (!m_detail->hasCapture())
        return;
    bool accepted = false;
    const QString note = QInputDialog::getMultiLineText(
        this, tr("Note on Capture #%1").arg(m_detail->capture().id), tr("Note:"),
        m_detail->capture().note, &accepted);
    if (accepted)
        setNote(note);
}

void MainWindow::setNote(const QString &note)
{
    if (!m_detail->hasCapture())
        return;
    const qint64 id = m_detail->capture().id;
    if (!m_store.setNote(id, note)) {
        statusBar()->showMessage(tr("Could not save the note: capture #%1 is gone.").arg(id), 4000);
        return;
    }
    showSelected();
}

void MainWindow::compareSelected()
{
    QList<qint64> ids = selectedIds();
    if (ids.size() != 2) {
        statusBar()->showMessage(tr("Select exactly two captures to compare (Ctrl+click)."), 4000);
        return;
    }
    std::sort(ids.begin(), ids.end()); // older on the left
    const std::optional<CapturedRequest> left = m_store.capture(ids[0]);
    const std::optional<CapturedRequest> right = m_store.capture(ids[1]);
    if (!left || !right)
        return;
    auto *dialog = new DiffDialog(*left, *right, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::toggleStar()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    // Like a mail client: if any selected capture is unstarred, star them all.
    bool star = false;
    for (const QModelIndex &index : rows)
        star = star || !m_model->summary(index.row()).starred;
    for (const qint64 id : selectedIds()) {
        if (m_store.setStarred(id, star))
            m_model->setStarred(id, star);
    }
}

void MainWindow::deleteSelected()
{
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    const int nextRow = m_view->selectionModel()->selectedRows().constFirst().row();
    qint64 removed = 0;
    for (const qint64 id : ids) {
        removed += m_store.remove(id) ? 1 : 0;
        m_model->removeCapture(id);
    }
    if (m_model->rowCount() > 0)
        m_view->setCurrentIndex(m_model->index(std::min(nextRow, m_model->rowCount() - 1), 0));
    else
        m_detail->clear();
    m_status->capturesRemoved(removed);
    statusBar()->showMessage(tr("Deleted %n capture(s)", nullptr, int(ids.size())), 3000);
}

void MainWindow::saveBytes(const QByteArray &bytes, const QString &title,
                           const QString &suggestedName)
{
    const QString path = QFileDialog::getSaveFileName(this, title, suggestedName);
    if (path.isEmpty())
        return;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        QMessageBox::warning(this, title,
                             tr("Could not save %1: %2").arg(path, file.errorString()));
        return;
    }
    statusBar()->showMessage(tr("Saved %1").arg(path), 3000);
}

void MainWindow::startListening()
{
    m_receiverBar->startListening();
}

ComposerDialog *MainWindow::openComposer(bool fromSelected)
{
    std::optional<OutgoingRequest> request;
    if (fromSelected) {
        if (!m_detail->hasCapture())
            return nullptr;
        const Settings settings;
        QString error;
        request = OutgoingRequest::replay(m_detail->capture(), QUrl(replayTargetOrDefault()),
                                          settings.replayOptions(), &error);
        if (!request) {
            statusBar()->showMessage(tr("Cannot edit and resend: %1").arg(error));
            return nullptr;
        }
    }
    auto *composer = new ComposerDialog(m_store.path(), this);
    composer->setAttribute(Qt::WA_DeleteOnClose);
    composer->setSecrets(m_secrets);
    connect(composer, &ComposerDialog::saveRequested, this,
            [this, composer](const RequestTemplate &kept) { keepComposedRequest(composer, kept); });
    if (request) {
        composer->load(*request);
        // Signed as its path's binding says, so the edited body still verifies at the target.
        const CapturedRequest &capture = m_detail->capture();
        if (const SignatureBinding *binding = m_checker->settings().bindingFor(capture.path()))
            composer->setSigning(binding->scheme ? binding->scheme
                                                 : SignatureScheme::detect(capture.headers),
                                 binding->secretName);
    }
    composer->show();
    return composer;
}

void MainWindow::askReplayTarget()
{
    ReplayTargetDialog dialog(replayTargetOrDefault(), Settings().replayOptions(), this);
    if (dialog.exec() == QDialog::Accepted)
        replaySelected(dialog.target(), dialog.options());
}

void MainWindow::replaySelected(const QString &target, TargetOptions options)
{
    if (const QString problem = OutgoingRequest::targetProblem(QUrl(target)); !problem.isEmpty()) {
        statusBar()->showMessage(tr("Cannot replay: %1").arg(problem));
        return;
    }
    const QList<qint64> ids = selectedIds();
    if (ids.isEmpty())
        return;
    Settings settings;
    settings.setReplayTarget(target);
    settings.setReplayOptions(options);
    m_replayAgain->setText(tr("&Replay to %1").arg(target));
    for (const qint64 id : ids) {
        if (const qint64 delivery = m_deliveryLog->add(id, target, options))
            m_replays.insert(delivery);
    }
    m_forwarder->wake();
    statusBar()->showMessage(
        tr("Replaying %n capture(s) to %1…", nullptr, int(ids.size())).arg(target), 3000);
}

QStringList MainWindow::forwardTargets() const
{
    return m_session.forwardRouteSpecs();
}

const MockRules &MainWindow::mockRules() const
{
    return m_session.mockRules();
}

bool MainWindow::setForwardTargets(const QStringList &targets)
{
    QString problem;
    if (!m_session.setForwardRoutes(targets, &problem)) {
        statusBar()->showMessage(tr("Not forwarding: %1").arg(problem));
        return false;
    }
    m_status->refresh();
    return true;
}

ForwardingDialog *MainWindow::forwardingDialog()
{
    auto *dialog = new ForwardingDialog(m_session.forwardRoutes(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QStringList targets = dialog->specs();
        if (setForwardTargets(targets))
            statusBar()->showMessage(
                targets.isEmpty() ? tr("Forwarding is off")
                                  : tr("Forwarding to %1").arg(targets.join(QStringLiteral(", "))),
                5000);
    });
    dialog->open();
    return dialog;
}

void MainWindow::showDeliveryAttempt(const DeliveryAttempt &attempt)
{
    m_status->noteDeliveryAttempt(attempt);
    m_model->addDeliveryAttempt(attempt);
    if (m_detail->hasCapture() && m_detail->capture().id == attempt.captureId)
        m_detail->setDeliveries(m_deliveryLog->forCapture(attempt.captureId));
    if (!m_replays.contains(attempt.deliveryId))
        return;
    if (attempt.state != DeliveryAttempt::State::Pending)
        m_replays.remove(attempt.deliveryId);
    const DeliveryResult &result = attempt.result;
    statusBar()->showMessage(
        tr("#%1 \u2192 %2: %3")
            .arg(attempt.captureId)
            .arg(attempt.target, result.status
                                     ? tr("%1 in %2 ms")
                                           .arg(result.status)
                                           .arg(double(result.durationUs) / 1000, 0, 'f', 1)
                                     : result.error),
        10'000);
}

void MainWindow::showSelected()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid()) {
        m_detail->clear();
        return;
    }
    const std::optional<CapturedRequest> request
        = m_store.capture(m_model->summary(current.row()).id);
    if (!request) {
        m_detail->clear();
        statusBar()->showMessage(tr("This capture is no longer in the store."), 3000);
        return;
    }
    m_detail->showCapture(*request, m_receiver.isListening() ? m_receiver.baseUrl()
                                                             : QStringLiteral("http://127.0.0.1"));
    m_detail->setDeliveries(m_deliveryLog->forCapture(request->id));
    m_checker->check({request->id});
}

bool MainWindow::importFile(const QString &path)
{
    QString error;
    const std::optional<QByteArray> bytes = JsonFile::read(path, &error);
    const QString fileName = QFileInfo(path).fileName();
    const auto fail = [this, &fileName](const QString &why) {
        statusBar()->showMessage(tr("Nothing imported from %1: %2").arg(fileName, why));
        return false;
    };
    if (!bytes)
        return fail(error);
    switch (Importer::detect(*bytes)) {
    case Importer::Format::Collection:
        if (!m_collections->openCollection(path, &error))
            return fail(error);
        statusBar()->showMessage(tr("Opened the collection %1").arg(fileName), 5000);
        return true;
    case Importer::Format::Postman: {
        QStringList warnings;
        const std::optional<Collection> imported = Postman::read(*bytes, &warnings, &error);
        if (!imported)
            return fail(error);
        const QString collectionPath = CollectionsPanel::newFilePath(
            imported->name.isEmpty() ? QFileInfo(path).completeBaseName() : imported->name);
        if (!m_collections->createCollection(collectionPath, *imported, &error))
            return fail(error);
        statusBar()->showMessage(
            tr("Imported the Postman collection %1 as %2%3")
                .arg(fileName, collectionPath,
                     warnings.isEmpty()
                         ? QString()
                         : QStringLiteral(" — ") + warnings.join(QStringLiteral("; "))),
            15000);
        return true;
    }
    case Importer::Format::Curl: {
        ComposerDialog *composer = openComposer(false);
        return composer->pasteCurl(QString::fromUtf8(*bytes))
                   ? true
                   : fail(composer->answerStatus()->text());
    }
    case Importer::Format::Har: break;
    case Importer::Format::Unknown:
        return fail(tr("not a HAR file, Postman collection, Hookscope collection or curl "
                       "command"));
    }
    std::optional<QList<CapturedRequest>> captures = Har::read(*bytes, &error);
    QStringList skipped;
    if (!captures) {
        // Some entries cannot be read: the others only if the user says so.
        QString unreadable;
        captures = Har::read(*bytes, &unreadable, &skipped);
        if (!captures || captures->isEmpty())
            return fail(error);
        const auto answer = QMessageBox::question(
            this, tr("Import"),
            tr("%1: %n entry(s) cannot be read (%2).\n\nImport the %3 that can?", nullptr,
               int(skipped.size()))
                .arg(fileName, skipped.first())
                .arg(captures->size()));
        if (answer != QMessageBox::Yes)
            return fail(error);
    }
    for (const CapturedRequest &capture : std::as_const(*captures))
        m_writer.append(capture, 0); // they appear as they are stored, like live ones
    statusBar()->showMessage(
        tr("Imported %n capture(s) from %1", nullptr, int(captures->size())).arg(fileName)
            + (skipped.isEmpty() ? QString()
                                 : tr("; skipped %1").arg(skipped.join(QStringLiteral("; ")))),
        skipped.isEmpty() ? 5000 : 0);
    return true;
}

QString MainWindow::replayTargetOrDefault()
{
    const QString last = Settings().replayTarget();
    return last.isEmpty() ? QStringLiteral("http://localhost:3000") : last;
}

RulesDialog *MainWindow::rulesDialog()
{
    std::optional<CapturedRequest> selected;
    if (m_detail->hasCapture())
        selected = m_detail->capture();
    auto *dialog = new RulesDialog(m_session.mockRules(), selected, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { setMockRules(dialog->rules()); });
    dialog->show();
    return dialog;
}

void MainWindow::setMockRules(const MockRules &rules)
{
    QString error;
    if (!m_session.setMockRules(rules, &error))
        statusBar()->showMessage(tr("The rules apply now but could not be kept: %1").arg(error));
    showMockRuleCount();
}

void MainWindow::showSetupProblems(const QStringList &problems)
{
    if (!problems.isEmpty())
        statusBar()->showMessage(problems.join(QStringLiteral("; ")));
}

void MainWindow::showMockRuleCount()
{
    m_status->refresh();
}

void MainWindow::saveCapturesTo(const CollectionPlace &folder, const QList<qint64> &ids)
{
    if (!folder.document)
        return;
    QList<CapturedRequest> captures;
    for (const qint64 id : ids) {
        if (std::optional<CapturedRequest> capture = m_store.capture(id))
            captures.append(*capture);
    }
    // Their baseUrl is added when the collection has none.
    m_collections->addRequests(folder, Collection::fromCaptures(captures, {}));
}

ComposerDialog *MainWindow::openCollectionItem(CollectionDocument *document, const QList<int> &path)
{
    const CollectionItem *item = document ? document->collection().item(path) : nullptr;
    if (!item || item->isFolder)
        return nullptr;
    ComposerDialog *composer = openComposer(false);
    composer->load(item->request);
    composer->setVariables(m_collections->valuesFor(document));
    composer->setOrigin(item->name);
    composer->setProperty("originDocument", QVariant::fromValue<QObject *>(document));
    QVariantList originPath;
    for (const int index : path)
        originPath.append(index);
    composer->setProperty("originPath", originPath);
    composer->setProperty("originName", item->name);
    return composer;
}

void MainWindow::keepComposedRequest(ComposerDialog *composer, const RequestTemplate &request)
{
    // Back where it came from, while that item is still there under its name.
    auto *origin = qobject_cast<CollectionDocument *>(
        composer->property("originDocument").value<QObject *>());
    QList<int> path;
    for (const QVariant &index : composer->property("originPath").toList())
        path.append(index.toInt());
    if (origin && m_collections->documents().contains(origin)) {
        const CollectionItem *item = origin->collection().item(path);
        if (item && !item->isFolder && item->name == composer->property("originName").toString()) {
            origin->setRequest(path, request);
            statusBar()->showMessage(
                tr("Saved %1 to %2").arg(item->name, origin->collection().name), 4000);
            return;
        }
    }
    const std::optional<CollectionPlace> place
        = m_collections->chooseFolder(tr("Save to Collection"));
    if (!place)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(composer, tr("Save to Collection"), tr("Name:"),
                                               QLineEdit::Normal, QUrl(request.url).path(), &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    Collection kept;
    CollectionItem item;
    item.name = name.trimmed();
    item.request = request;
    kept.items = {item};
    m_collections->addRequests(*place, kept);
}

void MainWindow::exportHar(const QString &path)
{
    // The selected captures when several are, else every one the filter shows; written on a
    // pool thread with a store connection of its own.
    const QList<qint64> selected = selectedIds();
    const CaptureQuery query = m_model->query();
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher] {
        watcher->deleteLater();
        statusBar()->showMessage(watcher->result(), 8000);
        emit harExported();
    });
    watcher->setFuture(QtConcurrent::run([storePath = m_store.path(), selected, query, path] {
        QList<qint64> ids = selected;
        if (ids.size() < 2) {
            CaptureStore store(storePath);
            ids = store.open() ? store.idsMatching(query) : QList<qint64>();
        } else {
            std::sort(ids.begin(), ids.end());
        }
        QString error;
        const qsizetype written = Har::write(storePath, ids, path, &error);
        return written < 0 ? tr("Not exported: %1").arg(error)
                           : tr("Exported %n capture(s) to %1", nullptr, int(written))
                                 .arg(QFileInfo(path).fileName());
    }));
}

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            importFile(url.toLocalFile());
    }
    event->acceptProposedAction();
}

void MainWindow::setSignatureBindings(const QList<SignatureBinding> &bindings)
{
    m_session.setSignatureBindings(bindings);
}

SignaturesDialog *MainWindow::signaturesDialog()
{
    auto *dialog = new SignaturesDialog(m_session.signatureBindings(), *m_secrets, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SignaturesDialog::secretsChanged, this,
            [this] { m_session.setSignatureBindings(m_session.signatureBindings()); });
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { setSignatureBindings(dialog->bindings()); });
    dialog->open();
    return dialog;
}

} // namespace Hookscope
