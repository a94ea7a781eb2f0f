#include "mainwindow.h"

#include "palettetone.h"

#include "adaptivesplitter.h"
#include "firststeps.h"
#include "importexport.h"
#include "reachactions.h"
#include "focusselection.h"
#include "capturedetailview.h"
#include "captureactions.h"
#include "capturelistmodel.h"
#include "capturelistview.h"
#include "collectionspanel.h"
#include "composeractions.h"
#include "deliveriesview.h"
#include "deliveryactions.h"
#include "rulesdialog.h"
#include "receiverbar.h"
#include "shapesdialog.h"
#include "trafficdialog.h"
#include "signaturesdialog.h"
#include "statuspanel.h"
#include "signatureview.h"
#include "testeventdialog.h"

#include "collections/collectiondocument.h"
#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "store/deliverylog.h"
#include "delivery/forwarderhost.h"
#include "receiver/receiverhost.h"
#include "session/session.h"
#include "session/settings.h"

#include <algorithm>
#include <climits>

#include <QMenuBar>
#include <QMessageBox>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDockWidget>
#include <QDropEvent>
#include <QMimeData>
#include <QHeaderView>
#include <QLineEdit>
#include <QScreen>
#include <QSplitter>
#include <QStatusBar>
#include <QToolBar>

namespace Hookscope {
namespace {

// The list's usual columns (★, time, method, path, status, signature) beside every detail tab
// unshortened: narrower than this, the detail pane goes below the list.
constexpr int ListAndDetailWidth = 1000;

} // namespace

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
    , m_view(new CaptureListView(m_model, this))
    , m_collections(new CollectionsPanel(m_secrets, this))
    , m_detail(new CaptureDetailView(this))
    , m_filter(new QLineEdit(this))
    , m_splitter(new AdaptiveSplitter(ListAndDetailWidth, this))
{
    setWindowTitle(tr("Hookscope"));
    resize(1200, 760);

    m_receiverBar = new ReceiverBar(m_receiver, statusBar(), this);
    addToolBar(m_receiverBar);
    connect(m_receiverBar, &ReceiverBar::message, statusBar(), &QStatusBar::showMessage);
    QToolBar *toolbar = m_receiverBar; // the filter goes beside the receiver's controls
    m_reach = new ReachActions(session, toolbar, this);
    // Once a tunnel or relay brings captures, where each came from is worth a column.
    connect(&session, &Session::tunnelChanged, m_view, [this, &session] {
        if (session.tunnel())
            m_view->setColumnHidden(CaptureListModel::SourceColumn, false);
    });
    toolbar->addSeparator();
    m_filter->setPlaceholderText(
        tr("Filter: words, \"phrases\", method:POST path:/stripe status:4xx type:json"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(340);
    m_filter->setToolTip(filterHelp());
    toolbar->addWidget(m_filter);
    // Esc in the filter clears it, and the whole history shows again.
    auto *clearFilter = new QAction(m_filter);
    clearFilter->setShortcut(QKeySequence(Qt::Key_Escape));
    clearFilter->setShortcutContext(Qt::WidgetShortcut);
    connect(clearFilter, &QAction::triggered, m_filter, &QLineEdit::clear);
    m_filter->addAction(clearFilter);
    // Filter as the user types, once they pause.
    m_filterDelay.setSingleShot(true);
    m_filterDelay.setInterval(200);
    connect(m_filter, &QLineEdit::textChanged, &m_filterDelay, qOverload<>(&QTimer::start));
    connect(&m_filterDelay, &QTimer::timeout, this, &MainWindow::applyFilter);

    m_actions = new CaptureActions(store, m_receiver, m_view, m_detail, this);
    connect(m_actions, &CaptureActions::message, statusBar(), &QStatusBar::showMessage);
    connect(m_detail, &CaptureDetailView::savePartRequested, this, [this](const BodyPart &part) {
        m_actions->saveBytes(part.data, tr("Save Part"), part.suggestedFileName());
    });
    connect(m_detail, &CaptureDetailView::saveBodyRequested, this, [this] {
        m_actions->saveBytes(m_detail->capture().decodedBody(), tr("Save Body"),
                             QStringLiteral("body.bin"));
    });

    auto *collectionsDock = new QDockWidget(tr("Collections"), this);
    collectionsDock->setObjectName(QStringLiteral("collectionsDock"));
    collectionsDock->setWidget(m_collections);
    addDockWidget(Qt::LeftDockWidgetArea, collectionsDock);
    resizeDocks({collectionsDock}, {240}, Qt::Horizontal);
    connect(
        m_collections, &CollectionsPanel::message, this,
        [this](const QString &text, int timeoutMs) { statusBar()->showMessage(text, timeoutMs); });
    connect(m_collections, &CollectionsPanel::collectionOpened, collectionsDock, &QWidget::show);
    m_collections->restoreOpenCollections();
    // Until there is a collection, the captures have the room (View → Collections brings it).
    collectionsDock->setVisible(!m_collections->documents().isEmpty());

    setAcceptDrops(true); // a file dropped on the window is imported
    m_importExport = new ImportExport(
        store, m_writer, m_collections, m_view, [this] { return m_composer->openComposer(false); },
        this);
    connect(m_importExport, &ImportExport::message, statusBar(), &QStatusBar::showMessage);
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_detail);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    // The detail pane a little wider, so its tabs keep their names at 1024 px; the list shows
    // the columns that tell captures apart. Until the user moves it.
    m_splitter->setSizes({520, 680});
    setCentralWidget(m_splitter);
    // Tab moves between parts (focusNextPrevChild), not from cell to cell.
    m_view->setTabKeyNavigation(false);
    // The selection shows where the keyboard is: muted in the views that do not have it.
    showFocusInSelection(m_view);
    for (QAbstractItemView *view : m_detail->findChildren<QAbstractItemView *>())
        showFocusInSelection(view);

    // Forwarding and replays: the queue lives in the store; deliveries an earlier run left
    // pending are sent now.
    QString forwardError;
    if (!m_deliveryLog->open(&forwardError))
        statusBar()->showMessage(tr("Forwarding is unavailable: %1").arg(forwardError));
    m_status = new StatusPanel(statusBar(), session, *m_deliveryLog, this);
    connect(m_receiverBar, &ReceiverBar::stateChanged, m_status, &StatusPanel::refresh);
    connect(&m_receiver, &ReceiverHost::requestRefused, m_status, &StatusPanel::noteRefused);
    connect(m_reach, &ReachActions::lanChanged, this, [this] {
        m_receiverBar->showState();
        m_status->refresh();
    });
    connect(m_forwarder, &ForwarderHost::attempted, this, &MainWindow::showDeliveryAttempt);
    connect(m_forwarder, &ForwarderHost::gaveUp, this, [this](const DeliveryAttempt &last) {
        m_model->addDeliveryAttempt(last);
        if (m_detail->hasCapture() && m_detail->capture().id == last.captureId)
            m_detail->setDeliveries(m_deliveryLog->forCapture(last.captureId));
        m_status->refresh();
    });
    connect(m_forwarder, &ForwarderHost::writeFailed, this,
            [this](const QString &error) { statusBar()->showMessage(error); });
    m_deliveries = new DeliveryActions(session, *m_deliveryLog, m_view, this);
    m_composer = new ComposerActions(store, session, *m_deliveryLog, m_view, m_detail,
                                     m_collections, this);
    connect(m_composer, &ComposerActions::message, statusBar(), &QStatusBar::showMessage);
    connect(m_collections, &CollectionsPanel::openRequested, m_composer,
            &ComposerActions::openCollectionItem);
    connect(m_collections, &CollectionsPanel::capturesDropped, m_composer,
            &ComposerActions::saveCapturesTo);
    // What to do first, over the list while it is empty.
    auto *firstSteps = new FirstSteps(this);
    firstSteps->setObjectName(QStringLiteral("firstSteps"));
    m_view->setPlaceholder(firstSteps);
    connect(firstSteps, &FirstSteps::sendTestRequested, m_deliveries,
            &DeliveryActions::sendTestWebhook);
    connect(firstSteps, &FirstSteps::message, statusBar(), &QStatusBar::showMessage);
    const auto showFirstSteps = [this, firstSteps] {
        firstSteps->setReceiverUrl(m_receiver.isListening() ? m_receiver.baseUrl() : QString());
        firstSteps->setStoreEmpty(m_filter->text().trimmed().isEmpty(), m_filter->text());
        firstSteps->setVisible(m_model->isLoaded() && m_model->rowCount() == 0);
    };
    connect(m_receiverBar, &ReceiverBar::stateChanged, this, showFirstSteps);
    connect(m_model, &CaptureListModel::loaded, this, showFirstSteps);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, showFirstSteps);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, showFirstSteps);
    connect(m_model, &QAbstractItemModel::modelReset, this, showFirstSteps);
    connect(m_deliveries, &DeliveryActions::message, statusBar(), &QStatusBar::showMessage);
    connect(m_deliveries, &DeliveryActions::routesChanged, m_status, &StatusPanel::refresh);
    connect(m_detail->deliveries(), &DeliveriesView::retryRequested, m_deliveries,
            &DeliveryActions::retry);

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
    connect(m_actions, &CaptureActions::capturesRemoved, m_status, &StatusPanel::capturesRemoved);
    connect(m_view, &CaptureListView::currentCaptureChanged, this, &MainWindow::showCapture);
    connect(m_actions, &CaptureActions::captureEdited, this, &MainWindow::showCapture);
    connect(m_view, &CaptureListView::loadingShown, this, [this](bool loading) {
        if (loading)
            statusBar()->showMessage(tr("Loading captures…"));
        else if (statusBar()->currentMessage() == tr("Loading captures…"))
            statusBar()->clearMessage();
    });
    connect(m_model, &CaptureListModel::liveCapturesHidden, this, [this](qint64 count) {
        const int shown = int(std::min<qint64>(count, INT_MAX));
        statusBar()->showMessage(
            m_model->order().isOldestFirst()
                ? tr("%n new capture(s) not listed: the list sorted oldest first is full; sort "
                     "newest first to follow live captures",
                     nullptr, shown)
                : tr("%n new capture(s) not listed while sorted; sort by Time to follow live "
                     "captures",
                     nullptr, shown));
    });

    createMenus();
    restoreViewState();
}

MainWindow::~MainWindow() = default;

void MainWindow::restoreViewState()
{
    const Settings::WindowLayout layout = Settings().windowLayout();
    restoreGeometry(layout.geometry);
    // Fitted to the screen it opens on: the first size, or one saved on a larger screen, may
    // not fit (its status bar and the ends of the toolbar would be off-screen).
    if (const QScreen *screen = this->screen()) {
        const QSize available = screen->availableGeometry().size();
        if (width() > available.width() || height() > available.height())
            resize(size().boundedTo(available));
    }
    restoreState(layout.toolbarsAndDocks);
    m_splitter->restoreState(layout.splitter); // turned again by the width it opens at
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
    m_view->selectWhenLoaded(layout.selectedId);
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

bool MainWindow::focusNextPrevChild(bool next)
{
    // The filter, the list and the detail pane, in that order, whatever Qt's focus chain became
    // (the toolbar moves its widgets in and out of its overflow menu as the window narrows).
    const QWidget *focus = QApplication::focusWidget();
    QWidget *to = nullptr;
    if (focus == m_filter && next)
        to = m_view;
    else if (focus == m_view)
        to = next ? static_cast<QWidget *>(m_detail->tabs()->tabBar()) : m_filter;
    else if (focus == m_detail->tabs()->tabBar() && !next)
        to = m_view;
    if (!to || !to->isVisible() || !to->isEnabled())
        return QMainWindow::focusNextPrevChild(next);
    to->setFocus(next ? Qt::TabFocusReason : Qt::BacktabFocusReason);
    return true;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveViewState();
    QMainWindow::closeEvent(event);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Save &Raw Request…"), QKeySequence::Save, m_actions,
                    &CaptureActions::saveRawRequest);
    file->addSeparator();
    file->addAction(tr("New &Collection…"), this, [this] { m_collections->askNewCollection(); });
    file->addAction(tr("&Open Collection…"), QKeySequence::Open, this,
                    [this] { m_collections->askOpenCollection(); });
    file->addSeparator();
    file->addAction(tr("&Import…"), QKeySequence(Qt::CTRL | Qt::Key_I), m_importExport,
                    &ImportExport::askImport);
    file->addAction(tr("&Export HAR…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E),
                    m_importExport, &ImportExport::askExportHar);
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
    view->addAction(tr("Event &Shapes…"), this, &MainWindow::shapesDialog);
    view->addAction(tr("&Traffic…"), this, &MainWindow::trafficDialog);
    // Alt+1 to Alt+8: a detail tab at once, from wherever the focus is.
    view->addSeparator();
    QTabWidget *tabs = m_detail->tabs();
    for (int tab = 0; tab < tabs->count() && tab < 9; ++tab) {
        QAction *show = view->addAction(tabs->tabText(tab), this,
                                        [this, tab] { m_detail->tabs()->setCurrentIndex(tab); });
        show->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + tab)));
    }

    QMenu *capture = menuBar()->addMenu(tr("&Capture"));
    capture->addAction(tr("Copy as &cURL"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C),
                       m_actions, &CaptureActions::copyAsCurl);
    capture->addAction(tr("Copy &Body"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B), m_actions,
                       &CaptureActions::copyBody);
    capture->addAction(tr("&Star"), QKeySequence(Qt::CTRL | Qt::Key_D), m_actions,
                       &CaptureActions::toggleStar);
    capture->addAction(tr("Co&mpare Two Selected"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D),
                       m_actions, &CaptureActions::compareSelected);
    capture->addAction(tr("&Note…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N), m_actions,
                       &CaptureActions::editNote);
    capture->addSeparator();
    capture->addAction(m_deliveries->replayAgainAction());
    capture->addAction(tr("Replay &To…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                       m_deliveries, &DeliveryActions::askReplayTarget);
    capture->addAction(tr("&Forwarding…"), m_deliveries, &DeliveryActions::forwardingDialog);
    capture->addAction(tr("Retry Failed &Deliveries"), m_deliveries,
                       &DeliveryActions::retryFailedSelected);
    capture->addAction(tr("Mock &Rules…"), this, &MainWindow::rulesDialog);
    capture->addAction(tr("Si&gnatures…"), this, &MainWindow::signaturesDialog);
    capture->addAction(tr("Send &Test Event…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T),
                       this, &MainWindow::testEventDialog);
    capture->addActions(m_reach->actions());
    capture->addAction(tr("&Edit and Resend…"), QKeySequence(Qt::CTRL | Qt::Key_E), m_composer,
                       [this] { m_composer->openComposer(true); });
    capture->addAction(tr("New Re&quest…"), QKeySequence::New, m_composer,
                       [this] { m_composer->openComposer(false); });
    capture->addAction(tr("Save to Co&llection…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                       m_composer, &ComposerActions::askSaveToCollection);
    capture->addAction(tr("Save as &Test…"), m_composer, &ComposerActions::askSaveAsTest);
    capture->addSeparator();
    QAction *next = capture->addAction(tr("&Next"), QKeySequence(Qt::Key_J), this,
                                       [this] { m_view->moveCurrent(1); });
    QAction *previous = capture->addAction(tr("&Previous"), QKeySequence(Qt::Key_K), this,
                                           [this] { m_view->moveCurrent(-1); });
    // j and k move only while the list has focus, so they can still be typed elsewhere.
    for (QAction *action : {next, previous}) {
        action->setShortcutContext(Qt::WidgetShortcut);
        m_view->addAction(action);
    }
    capture->addSeparator();
    QAction *remove = capture->addAction(tr("&Delete"), QKeySequence::Delete, m_actions,
                                         &CaptureActions::deleteSelected);
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
    // Said where it was typed too: the box in red, the mistake as its tooltip.
    QPalette palette = m_filter->parentWidget()->palette();
    if (!error.isEmpty())
        palette.setColor(QPalette::Text, paletteTone(0));
    m_filter->setPalette(palette);
    m_filter->setToolTip(error.isEmpty() ? filterHelp() : error);
    if (!error.isEmpty()) {
        statusBar()->showMessage(error);
        return;
    }
    statusBar()->clearMessage();
    m_model->setQuery(query);
}

QString MainWindow::filterHelp()
{
    return tr("Words and \"phrases\" are found in paths, headers and bodies.\n"
              "Fields: method:POST  path:/prefix  status:404|4xx|none  type:json  "
              "event:invoice.paid  is:malformed  is:starred");
}

void MainWindow::startListening()
{
    m_receiverBar->startListening();
}

const MockRules &MainWindow::mockRules() const
{
    return m_session.mockRules();
}

void MainWindow::showDeliveryAttempt(const DeliveryAttempt &attempt)
{
    m_status->noteDeliveryAttempt(attempt);
    m_model->addDeliveryAttempt(attempt);
    if (m_detail->hasCapture() && m_detail->capture().id == attempt.captureId)
        m_detail->setDeliveries(m_deliveryLog->forCapture(attempt.captureId));
    m_deliveries->noteAttempt(attempt);
}

void MainWindow::showCapture(qint64 id)
{
    const std::optional<CapturedRequest> request = id ? m_store.capture(id) : std::nullopt;
    if (!request) {
        m_detail->clear();
        if (id)
            statusBar()->showMessage(tr("This capture is no longer in the store."), 3000);
        return;
    }
    m_detail->showCapture(*request, m_receiver.baseUrlFor(*request));
    m_detail->setDeliveries(m_deliveryLog->forCapture(request->id));
    m_detail->setEventHistory(m_store.sameEvent(request->id, m_detail->eventId()),
                              m_store.driftOf(request->id));
    m_checker->check({request->id});
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

void MainWindow::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent *event)
{
    for (const QUrl &url : event->mimeData()->urls()) {
        if (url.isLocalFile())
            m_importExport->importFile(url.toLocalFile());
    }
    event->acceptProposedAction();
}

void MainWindow::setSignatureBindings(const QList<SignatureBinding> &bindings)
{
    m_session.setSignatureBindings(bindings);
}

ShapesDialog *MainWindow::shapesDialog()
{
    auto *dialog = new ShapesDialog(m_store, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ShapesDialog::filterRequested, this, [this](const QString &filter) {
        m_filter->setText(filter);
        applyFilter();
    });
    dialog->show();
    return dialog;
}

TrafficDialog *MainWindow::trafficDialog()
{
    auto *dialog = new TrafficDialog(m_session.storePath(), m_session.checker(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &TrafficDialog::filterRequested, this, [this](const QString &filter) {
        m_filter->setText(filter);
        applyFilter();
    });
    dialog->show();
    return dialog;
}

TestEventDialog *MainWindow::testEventDialog()
{
    auto *dialog = new TestEventDialog(m_receiver.isListening() ? m_receiver.baseUrl() : QString(),
                                       m_session.signatureBindings(), *m_secrets, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &TestEventDialog::bindingAdded, this, [this](const SignatureBinding &binding) {
        QList<SignatureBinding> bindings = m_session.signatureBindings();
        setSignatureBindings(bindings << binding);
    });
    dialog->show();
    return dialog;
}

SignaturesDialog *MainWindow::signaturesDialog()
{
    auto *dialog = new SignaturesDialog(m_session.signatureBindings(), *m_secrets, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // A secret added now is offered for the selected capture's path and scheme.
    if (m_detail->hasCapture()) {
        SignatureBinding suggestion;
        suggestion.pathPrefix = m_detail->capture().path();
        suggestion.scheme = SignatureScheme::detect(m_detail->capture().headers);
        dialog->setSuggestedBinding(suggestion);
    }
    connect(dialog, &SignaturesDialog::secretsChanged, this,
            [this] { m_session.setSignatureBindings(m_session.signatureBindings()); });
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { setSignatureBindings(dialog->bindings()); });
    dialog->open();
    return dialog;
}

} // namespace Hookscope
