#include "bodypartsview.h"
#include "deliveriesview.h"
#include "deliveryactions.h"
#include "capturedetailview.h"
#include "composerdialog.h"
#include "captureactions.h"
#include "capturelistmodel.h"
#include "capturelistview.h"
#include "collectionspanel.h"
#include "conflictbar.h"
#include "firststeps.h"
#include "importexport.h"
#include "landialog.h"
#include "publicurldialog.h"
#include "reachactions.h"
#include "qrcodeview.h"
#include "responseview.h"
#include "rulesdialog.h"
#include "rundialog.h"
#include "diffdialog.h"
#include "hexview.h"
#include "textpane.h"
#include "composeractions.h"
#include "shapesdialog.h"
#include "mainwindow.h"
#include "signaturesdialog.h"
#include "signatureview.h"
#include "targetdialogs.h"

#include "body/hexdump.h"
#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "receiver/receiveraccess.h"
#include "receiver/receiverhost.h"
#include "wire/requestparser.h"
#include "collections/collectiondocument.h"
#include "collections/collectionfolder.h"
#include "collections/har.h"
#include "store/sendhistory.h"
#include "secrets/secretstore.h"

#include "mock/mockrules.h"
#include "receiver/tlsidentity.h"
#include "session/session.h"
#include "session/settings.h"

#include "offscreen.h"

#include <QAbstractItemModelTester>
#include <QDockWidget>
#include <QDir>
#include <QFileInfo>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>
#include <QSaveFile>
#include <QScrollBar>
#include <QTimer>
#include <QDateTime>
#include <QDropEvent>
#include <QMimeData>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QComboBox>
#include <QLabel>
#include <QListWidget>
#include <QLineEdit>
#include <QStatusBar>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QTextBlock>
#include <QTextLayout>
#include <QTreeView>
#include <QTreeWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QSpinBox>
#include <QTcpServer>
#include <QTcpSocket>
#include <QAction>
#include <QSplitter>
#include <QTabBar>
#include <QTableView>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Hookscope;
using namespace Qt::StringLiterals;

namespace {

// Everything the window needs, on a free loopback port with a store of its own.
// The window on a running Session, started as the application starts it.
struct Running
{
    explicit Running(const QString &path, quint16 port = 0)
        : store(path)
    {
        Hookscope::Session::Options options;
        options.receiver.port = port;
        options.receiver.addresses = {QHostAddress(QHostAddress::LocalHost)};
        options.remembers = true;
        session = std::make_unique<Hookscope::Session>(path, options);
        if (!store.open() || !session->start(nullptr))
            qFatal("cannot open %s", qPrintable(path));
        receiver = &session->receiver();
        const QStringList problems = session->useSavedSetup();
        window = std::make_unique<MainWindow>(store, *session);
        window->showSetupProblems(problems);
        window->startListening();
    }
    ~Running()
    {
        window.reset();
        session.reset();
    }

    CaptureStore store;
    std::unique_ptr<Hookscope::Session> session;
    ReceiverHost *receiver = nullptr;
    std::unique_ptr<MainWindow> window;
};

bool curlPost(const QString &url, const QString &body,
              const QString &contentType = QStringLiteral("application/json"))
{
    QProcess curl;
    curl.start(QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("-H"),
                                        QStringLiteral("Content-Type: ") + contentType,
                                        QStringLiteral("--data-binary"), body, url});
    return curl.waitForFinished(30'000) && curl.exitCode() == 0;
}

// The status curl got for a POST to `url`, or 0.
int curlStatus(const QString &url)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                QStringLiteral("-w"), QStringLiteral("%{http_code}"), QStringLiteral("-d"),
                QStringLiteral("{}"), url});
    return curl.waitForFinished(30'000) ? curl.readAllStandardOutput().toInt() : 0;
}

// The window's action with this text (as in its menu, with its & marker).
QAction *menuAction(const MainWindow &window, const QString &text)
{
    const QList<QAction *> actions = window.findChildren<QAction *>();
    const auto found = std::find_if(actions.cbegin(), actions.cend(),
                                    [&](const QAction *action) { return action->text() == text; });
    return found == actions.cend() ? nullptr : *found;
}

bool statusBarShows(const MainWindow &window, const QString &text)
{
    const QList<QLabel *> labels = window.statusBar()->findChildren<QLabel *>();
    return std::any_of(labels.cbegin(), labels.cend(),
                       [&text](const QLabel *label) { return label->text() == text; });
}

} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void liveCaptureAppearsAndShowsDetails();
    void eventsAreNamedAndTheirDuplicatesSaid();
    void driftIsMarkedInTheListAndSaid();
    void theLanDialogLetsOtherMachinesSendWithTheToken();
    void aPublicUrlFromATunnelHookscopeStarts();
    void httpsFromTheLanDialog();
    void binaryBodyOpensInHex();
    void jsonOpensAsColouredTextAndTree();
    void multipartAndFormBodiesListTheirParts();
    void deleteRemovesFromListAndStore();
    void detailPaneShowsTheCurrentRow();
    void starredCapturesAreKeptAndFiltered();
    void compareShowsWhatDiffers();
    void filterNarrowsHistoryAndLiveCaptures();
    void initTestCase();
    void init();
    void historyComesBackAfterRestart();
    void busyPortOffersAnotherOne();
    void receiverStopsStartsAndMoves();
    void viewStateComesBackAfterRestart();
    void windowFitsTheScreen();
    void tabsAndColumnsStayInSightAtEverySize();
    void theSplitterDoesNotMoveForWhatItShows();
    void theKeyboardReachesEveryPart();
    void aFirstLaunchSaysWhatToDo();
    void theJsonTreeCopiesValuesAndPaths();
    void theStopIconShowsOnADarkPalette();
    void aMalformedRequestShowsWhereItBroke();
    void aSecretIsAddedAndBoundInOneDialog();
    void theSelectionShowsWhereTheFocusIs();
    void aBinaryPartsHexIsWholeAt1024();
    void pagesOlderCapturesOnDemand();
    void forwardingAndReplayShowTheirDeliveries();
    void forwardingDialogSetsEachTargetsWay();
    void aTargetDownKeepsItsDeliveriesAndFailedOnesAreRetried();
    void responseTabShowsWhatWasAnsweredAndWhoChoseIt();
    void composerEditsAndResends();
    void signaturesAreCheckedAndExplained();
    void editAndResendSignsAgain();
    void harFilesImportAndExport();
    void sortingCoversTheWholeHistory();
    void capturesGoIntoCollectionsAndRun();
    void collectionRequestsEditInTheComposer();
    void collectionFilesFollowOutsideChanges();
    void importTellsFormatsApart();
    void mockRulesAreEditedTriedAndApplied();
};

void TestMainWindow::liveCaptureAppearsAndShowsDetails()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QAbstractItemModelTester tester(session.window->captureModel(),
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(session.receiver->isListening());
    QCOMPARE(session.window->captureModel()->rowCount(), 0);

    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("stripe/webhook?live=1"),
                     QStringLiteral("{\"type\":\"invoice.paid\"}")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("github"), QStringLiteral("{}")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 2);

    CaptureListModel *model = session.window->captureModel();
    QCOMPARE(model->index(0, CaptureListModel::TargetColumn).data().toString(),
             QStringLiteral("/github"));
    QCOMPARE(model->index(1, CaptureListModel::TargetColumn).data().toString(),
             QStringLiteral("/stripe/webhook?live=1"));
    QCOMPARE(model->index(1, CaptureListModel::MethodColumn).data().toString(),
             QStringLiteral("POST"));
    QCOMPARE(model->index(1, CaptureListModel::StatusColumn).data().toString(),
             QStringLiteral("200"));
    QCOMPARE(model->index(1, CaptureListModel::ContentTypeColumn).data().toString(),
             QStringLiteral("application/json"));

    session.window->captureView()->setCurrentIndex(model->index(1, 0));
    CaptureDetailView *detail = session.window->detailView();
    QVERIFY(detail->hasCapture());
    QVERIFY2(detail->overviewText().contains(QStringLiteral("POST http://127.0.0.1:")),
             qPrintable(detail->overviewText()));
    QVERIFY(detail->overviewText().contains(QStringLiteral("/stripe/webhook?live=1")));
    QVERIFY(detail->overviewText().contains(QStringLiteral("200 OK")));

    // Headers in received order, as curl sent them.
    QTableWidget *headers = detail->headersTable();
    QCOMPARE(headers->item(0, 0)->text(), QStringLiteral("Host"));
    QCOMPARE(headers->item(headers->rowCount() - 1, 0)->text(), QStringLiteral("Content-Length"));
    QCOMPARE(detail->queryTable()->rowCount(), 1);
    QCOMPARE(detail->queryTable()->item(0, 1)->text(), QStringLiteral("1"));

    QCOMPARE(detail->prettyBody()->text(), QStringLiteral("{\n  \"type\": \"invoice.paid\"\n}"));
    QCOMPARE(detail->hexBody()->bytes(), QByteArray("{\"type\":\"invoice.paid\"}"));
    QCOMPARE(detail->bodyTabs()->currentIndex(), int(CaptureDetailView::PrettyBody));

    session.window->captureActions()->copyAsCurl();
    const QString curl = QGuiApplication::clipboard()->text();
    QVERIFY2(curl.startsWith(QStringLiteral("curl '") + session.receiver->baseUrl()
                             + QStringLiteral("stripe/webhook?live=1'")),
             qPrintable(curl));
    QVERIFY(curl.contains(QStringLiteral("--data-binary '{\"type\":\"invoice.paid\"}'")));
}

void TestMainWindow::binaryBodyOpensInHex()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    QFile file(dir.filePath(QStringLiteral("image.png")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(png);
    file.close();
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("png"),
                     QLatin1Char('@') + file.fileName(), QStringLiteral("image/png")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));
    CaptureDetailView *detail = session.window->detailView();
    QCOMPARE(detail->hexBody()->bytes(), png);
    QCOMPARE(detail->bodyTabs()->currentIndex(), int(CaptureDetailView::HexBody));
    QVERIFY(!detail->bodyTabs()->isTabEnabled(CaptureDetailView::PrettyBody));
    QVERIFY(!detail->rawBody()->text().contains(QStringLiteral("PNG")));
}

void TestMainWindow::jsonOpensAsColouredTextAndTree()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("json"),
                     QStringLiteral(R"({"zeta":1,"alpha":{"list":[true,"two"],"none":[ ]}})")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));
    CaptureDetailView *detail = session.window->detailView();

    // Pretty text carries colours: the line `"zeta": 1,` has formats for the key and number.
    auto *editor = detail->prettyBody()->findChild<QPlainTextEdit *>();
    QTextBlock zetaLine = editor->document()->findBlockByNumber(1);
    QCOMPARE(zetaLine.text().trimmed(), QStringLiteral("\"zeta\": 1,"));
    QCOMPARE(zetaLine.layout()->formats().size(), 2);

    // The tree keeps the sent order (not QJsonObject's sorted keys) and opens level by level.
    QVERIFY(detail->bodyTabs()->isTabEnabled(CaptureDetailView::TreeBody));
    QAbstractItemModel *tree = detail->jsonTree()->model();
    QAbstractItemModelTester tester(tree, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(tree->rowCount(), 2);
    QCOMPARE(tree->index(0, 0).data().toString(), QStringLiteral("zeta"));
    QCOMPARE(tree->index(0, 1).data().toString(), QStringLiteral("1"));
    const QModelIndex alpha = tree->index(1, 0);
    QCOMPARE(alpha.data().toString(), QStringLiteral("alpha"));
    QVERIFY(tree->hasChildren(alpha));
    const QModelIndex list = tree->index(0, 0, alpha);
    QCOMPARE(list.data().toString(), QStringLiteral("list"));
    QCOMPARE(tree->rowCount(list), 2);
    QCOMPARE(tree->index(1, 1, list).data().toString(), QStringLiteral("\"two\""));
    QCOMPARE(tree->index(1, 0, list).data().toString(), QStringLiteral("[1]"));
    QCOMPARE(tree->index(0, 1, alpha).data().toString(), QStringLiteral("[2 item(s)]"));
    QCOMPARE(tree->index(1, 1, alpha).data().toString(), QStringLiteral("[]"));
    QVERIFY(!tree->hasChildren(tree->index(1, 0, alpha)));

    // The tab the user picks is kept for the next JSON capture.
    detail->bodyTabs()->setCurrentIndex(CaptureDetailView::TreeBody);
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("text"), QStringLiteral("hi"),
                     QStringLiteral("text/plain")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("json2"),
                     QStringLiteral(R"({"b":2})")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 3);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(1, 0));
    QCOMPARE(detail->bodyTabs()->currentIndex(), int(CaptureDetailView::PrettyBody));
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));
    QCOMPARE(detail->bodyTabs()->currentIndex(), int(CaptureDetailView::TreeBody));
}

void TestMainWindow::multipartAndFormBodiesListTheirParts()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    const QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    QFile file(dir.filePath(QStringLiteral("logo.png")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(png);
    file.close();
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("-F"), QStringLiteral("event=invoice.paid"),
                QStringLiteral("-F"),
                QStringLiteral("upload=@%1;type=image/png").arg(file.fileName()),
                session.receiver->baseUrl() + QStringLiteral("upload")});
    QVERIFY(curl.waitForFinished(30'000) && curl.exitCode() == 0);
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));
    CaptureDetailView *detail = session.window->detailView();
    // A body with a PNG inside is binary, yet it opens on its parts rather than hex.
    QCOMPARE(detail->bodyTabs()->currentIndex(), int(CaptureDetailView::PartsBody));
    BodyPartsView *parts = detail->bodyParts();
    QCOMPARE(parts->table()->rowCount(), 2);
    QCOMPARE(parts->table()->item(0, 0)->text(), QStringLiteral("event"));
    QCOMPARE(parts->textPreview()->text(), QStringLiteral("invoice.paid"));
    QCOMPARE(parts->table()->item(1, 1)->text(), QStringLiteral("logo.png"));
    QCOMPARE(parts->table()->item(1, 2)->text(), QStringLiteral("image/png"));
    parts->table()->setCurrentCell(1, 0);
    QCOMPARE(parts->hexPreview()->bytes(), png);
    QCOMPARE(parts->parts().at(1).data, png);

    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("form"),
                     QStringLiteral("token=a%2Bb&text=hello+world"),
                     QStringLiteral("application/x-www-form-urlencoded")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 2);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));
    QVERIFY(detail->bodyTabs()->isTabEnabled(CaptureDetailView::PartsBody));
    QCOMPARE(parts->table()->rowCount(), 2);
    QCOMPARE(parts->parts().at(0).data, QByteArray("a+b"));
    QCOMPARE(parts->parts().at(1).data, QByteArray("hello world"));
}

void TestMainWindow::deleteRemovesFromListAndStore()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    for (const char *path : {"one", "two", "three"})
        QVERIFY(curlPost(session.receiver->baseUrl() + QLatin1String(path), QStringLiteral("{}")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 3);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(1, 0));
    const qint64 id = session.window->captureModel()->summary(1).id;
    session.window->captureActions()->deleteSelected();
    QCOMPARE(session.window->captureModel()->rowCount(), 2);
    QVERIFY(!session.store.capture(id));
    QCOMPARE(session.store.count(), 2);
    // The next capture is selected and shown.
    QCOMPARE(session.window->detailView()->capture().target, QByteArray("/one"));

    // More than one: only once confirmed (Cancel is the default), since it cannot be undone.
    session.window->captureView()->selectAll();
    const auto answer = [this](const QString &button, QString *asked) {
        QTimer::singleShot(0, this, [button, asked] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box)
                return;
            *asked = box->text();
            QCOMPARE(box->defaultButton(), box->button(QMessageBox::Cancel));
            for (QAbstractButton *choice : box->buttons()) {
                if (choice->text() == button)
                    choice->click();
            }
        });
    };
    QString asked;
    answer(QStringLiteral("Cancel"), &asked);
    session.window->captureActions()->deleteSelected();
    QCOMPARE(asked, QStringLiteral("Delete the 2 selected capture(s)? They are removed from the "
                                   "store for good."));
    QCOMPARE(session.window->captureModel()->rowCount(), 2);
    QCOMPARE(session.store.count(), 2);
    answer(QStringLiteral("Delete"), &asked);
    session.window->captureActions()->deleteSelected();
    QCOMPARE(session.window->captureModel()->rowCount(), 0);
    QCOMPARE(session.store.count(), 0);
}

// However the current row changes, the pane shows it and it is the one row highlighted (Ctrl
// with a movement key used to move the current row alone: the pane then showed another row
// than the highlighted one).
void TestMainWindow::detailPaneShowsTheCurrentRow()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    for (int i = 0; i < 30; ++i)
        QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("n/%1").arg(i),
                         QStringLiteral("{}")));
    CaptureListModel *model = session.window->captureModel();
    CaptureListView *view = session.window->captureView();
    QTRY_COMPARE(model->rowCount(), 30);
    session.window->resize(1024, 700);
    session.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(session.window.get()));
    view->setFocus();
    view->setCurrentIndex(model->index(0, 0));
    const auto shownIsCurrent = [&]() -> QByteArray {
        const QModelIndexList highlighted = view->selectionModel()->selectedRows();
        const qint64 current = view->currentId();
        const qint64 shown = session.window->detailView()->hasCapture()
                                 ? session.window->detailView()->capture().id
                                 : 0;
        if (current != 0 && shown == current && highlighted.size() == 1
            && model->summary(highlighted.first().row()).id == current)
            return {};
        return "current #" + QByteArray::number(current) + ", shown #" + QByteArray::number(shown)
               + ", " + QByteArray::number(highlighted.size()) + " row(s) highlighted";
    };
    const QList<std::pair<Qt::Key, Qt::KeyboardModifiers>> keys{
        {Qt::Key_Down, Qt::NoModifier},
        {Qt::Key_PageDown, Qt::NoModifier},
        {Qt::Key_PageDown, Qt::ControlModifier},
        {Qt::Key_Up, Qt::ControlModifier},
        {Qt::Key_End, Qt::ControlModifier},
        {Qt::Key_Home, Qt::NoModifier},
        {Qt::Key_Down, Qt::ControlModifier},
        {Qt::Key_J, Qt::NoModifier},
        {Qt::Key_K, Qt::NoModifier},
        {Qt::Key_PageUp, Qt::ControlModifier},
        {Qt::Key_End, Qt::NoModifier},
        {Qt::Key_Home, Qt::ControlModifier}};
    for (const auto &[key, modifiers] : keys) {
        QTest::keyClick(view, key, modifiers);
        const QByteArray problem = shownIsCurrent();
        const QByteArray pressed = QKeySequence(key | modifiers).toString().toUtf8();
        QVERIFY2(problem.isEmpty(), QByteArray(pressed + ": " + problem).constData());
    }
    QTest::keyClick(view, Qt::Key_Down);
    QTest::keyClick(view, Qt::Key_Down);
    const qint64 chosen = view->currentId();

    // Captures arriving at the top: the same one stays current and shown.
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("late"), QStringLiteral("{}")));
    QTRY_COMPARE(model->rowCount(), 31);
    QCOMPARE(view->currentId(), chosen);
    QVERIFY2(shownIsCurrent().isEmpty(), shownIsCurrent().constData());

    // Sorted, then filtered: still there, so still current and shown.
    view->sortByColumn(CaptureListModel::TargetColumn, Qt::AscendingOrder);
    QTRY_VERIFY(model->isLoaded() && view->currentId() == chosen);
    QVERIFY2(shownIsCurrent().isEmpty(), shownIsCurrent().constData());
    session.window->filterEdit()->setText(QStringLiteral("path:/n/2"));
    session.window->applyFilter();
    QTRY_VERIFY(model->isLoaded() && model->rowCount() == 11); // /n/2 and /n/20-29
    QVERIFY2(shownIsCurrent().isEmpty(), shownIsCurrent().constData());
}

void TestMainWindow::compareShowsWhatDiffers()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    const QString url = session.receiver->baseUrl() + QStringLiteral("stripe");
    QVERIFY(curlPost(url, QStringLiteral(R"({"id":"evt_1","type":"invoice.paid","amount":100})")));
    QVERIFY(curlPost(url, QStringLiteral(R"({"id":"evt_2","type":"invoice.paid","amount":100})")));
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 2);
    QItemSelectionModel *selection = session.window->captureView()->selectionModel();
    selection->select(model->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->select(model->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    session.window->captureActions()->compareSelected();
    auto *dialog = session.window->findChild<DiffDialog *>();
    QVERIFY(dialog);
    QStringList changed;
    for (const DiffRow &row : dialog->rows()) {
        if (row.kind != DiffRow::Kind::Same)
            changed.append(row.left + QStringLiteral(" | ") + row.right);
    }
    // Same headers (curl sends the same ones), one body line differs.
    QCOMPARE(changed, QStringList{QStringLiteral(R"(  "id": "evt_1", |   "id": "evt_2",)")});
    QCOMPARE(dialog->table()->item(0, 0)->text(), QStringLiteral("POST /stripe"));
}

void TestMainWindow::starredCapturesAreKeptAndFiltered()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    for (const char *path : {"plain", "keeper"})
        QVERIFY(curlPost(session.receiver->baseUrl() + QLatin1String(path), QStringLiteral("{}")));
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 2);
    session.window->captureView()->setCurrentIndex(model->index(0, 0));
    session.window->captureActions()->toggleStar();
    QCOMPARE(model->index(0, CaptureListModel::StarColumn).data().toString(), QStringLiteral("★"));
    QVERIFY(session.store.summaries(0, 1).first().starred);
    session.window->filterEdit()->setText(QStringLiteral("is:starred"));
    session.window->applyFilter();
    QTRY_VERIFY(model->isLoaded());
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->summary(0).target, QByteArray("/keeper"));
    session.window->captureActions()->toggleStar(); // and off again
    QVERIFY(!session.store.summaries(0, 1).first().starred);

    session.window->captureActions()->setNote(QStringLiteral("retried by Stripe after our 500"));
    QVERIFY(session.window->detailView()->overviewText().contains(
        QStringLiteral("Note: retried by Stripe after our 500")));
    QCOMPARE(session.store.capture(model->summary(0).id)->note,
             QStringLiteral("retried by Stripe after our 500"));
    session.window->captureActions()->setNote(QString());
    QVERIFY(session.store.capture(model->summary(0).id)->note.isEmpty());
}

void TestMainWindow::filterNarrowsHistoryAndLiveCaptures()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    CaptureListModel *model = session.window->captureModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString base = session.receiver->baseUrl();
    QVERIFY(
        curlPost(base + QStringLiteral("stripe"), QStringLiteral(R"({"type":"invoice.paid"})")));
    QVERIFY(curlPost(base + QStringLiteral("github"), QStringLiteral(R"({"action":"opened"})")));
    QTRY_COMPARE(model->rowCount(), 2);

    // Typed into the box, applied after the pause.
    QTest::keyClicks(session.window->filterEdit(), QStringLiteral("invoice.paid"));
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(model->summary(0).target, QByteArray("/stripe"));

    // Live captures pass through the same filter.
    QVERIFY(curlPost(base + QStringLiteral("github"), QStringLiteral(R"({"action":"closed"})")));
    QVERIFY(
        curlPost(base + QStringLiteral("stripe2"), QStringLiteral(R"({"type":"invoice.paid"})")));
    QTRY_COMPARE(model->rowCount(), 2);
    QCOMPARE(model->summary(0).target, QByteArray("/stripe2"));

    session.window->filterEdit()->setText(QStringLiteral("method:POST path:/git"));
    session.window->applyFilter();
    QTRY_VERIFY(model->isLoaded());
    QCOMPARE(model->rowCount(), 2);
    QCOMPARE(model->summary(0).target, QByteArray("/github"));

    session.window->filterEdit()->clear();
    session.window->applyFilter();
    QTRY_VERIFY(model->isLoaded());
    QCOMPARE(model->rowCount(), 4);

    // A mistake is said where it was typed and in the status bar; the list stays as it was.
    session.window->filterEdit()->setText(QStringLiteral("stauts:500"));
    session.window->applyFilter();
    QVERIFY(session.window->statusBar()->currentMessage().contains(
        QStringLiteral("did you mean status:?")));
    QCOMPARE(session.window->filterEdit()->toolTip(),
             session.window->statusBar()->currentMessage());
    QCOMPARE(model->rowCount(), 4);
    session.window->filterEdit()->setText(QStringLiteral("status:200"));
    session.window->applyFilter();
    QVERIFY(session.window->filterEdit()->toolTip().startsWith(QStringLiteral("Words and")));
    QTRY_VERIFY(model->isLoaded());
    QCOMPARE(model->rowCount(), 4);
}

void TestMainWindow::initTestCase()
{
    // Settings go to a test location, never the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("hookscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("hookscope")); // the file Settings uses
}

void TestMainWindow::init()
{
    Settings().clear(); // each test starts from a first launch
    QDir(CollectionFolder::path()).removeRecursively();
    QFile::remove(Settings::rulesPath());
}

// LAN… switches the receiver to every address at once (same port), shows the LAN URL with its
// QR code; a request from the LAN address with the URL is captured, one without the token is
// counted as refused in the status bar; switched off, only loopback is listened on again.
void TestMainWindow::theLanDialogLetsOtherMachinesSendWithTheToken()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    MainWindow &window = *session.window;
    const quint16 port = session.receiver->port();
    LanDialog *dialog = window.reachActions()->lanDialog();
    QVERIFY(!dialog->lanSwitch()->isChecked());
    QCOMPARE(dialog->urls()->count(), 0);

    dialog->lanSwitch()->setChecked(true);
    QVERIFY(session.session->listensOnLan());
    QVERIFY(Settings().listensOnLan());
    QCOMPARE(session.receiver->port(), port);
    QVERIFY(menuAction(window, QStringLiteral("L&AN…"))->isChecked());
    QVERIFY(statusBarShows(window, QStringLiteral("Listening on port %1 and the LAN").arg(port)));
    QHostAddress lan;
    for (const QHostAddress &address : ReceiverAccess::lanAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol && lan.isNull())
            lan = address;
    }
    if (lan.isNull()) {
        QVERIFY(
            dialog->problem()->text().contains(QLatin1String("no address other than loopback")));
        QSKIP("this machine has no IPv4 address other than loopback to connect from");
    }
    const QString lanRoot = QStringLiteral("http://%1:%2/").arg(lan.toString()).arg(port);
    QVERIFY(dialog->urls()->findText(lanRoot, Qt::MatchStartsWith) >= 0);
    dialog->urls()->setCurrentIndex(dialog->urls()->findText(lanRoot, Qt::MatchStartsWith));
    const QString url = dialog->urls()->currentText();
    QVERIFY2(url.contains(QLatin1String("/t/")), qPrintable(url));
    QVERIFY(dialog->qrCode()->moduleCount() >= 21); // the smallest QR code
    QVERIFY(dialog->qrCode()->isVisible() || !window.isVisible());

    QVERIFY(curlPost(url + QStringLiteral("from-lan"), QStringLiteral("{}")));
    QTRY_COMPARE(window.captureModel()->rowCount(), 1);
    QCOMPARE(window.captureModel()->index(0, CaptureListModel::TargetColumn).data().toString(),
             QStringLiteral("/from-lan"));
    QCOMPARE(curlStatus(lanRoot + QStringLiteral("no-token")), 401);
    QTRY_VERIFY(statusBarShows(
        window, QStringLiteral("Listening on port %1 and the LAN \u00b7 1 refused").arg(port)));
    QCOMPARE(window.captureModel()->rowCount(), 1);

    // A network that cannot be read is said; nothing changes.
    dialog->networks()->setText(QStringLiteral("my-home"));
    dialog->networks()->setModified(true);
    emit dialog->networks()->editingFinished();
    QVERIFY(dialog->problem()->text().contains(QLatin1String("\"my-home\" is not a network")));
    QVERIFY(session.session->listensOnLan());

    dialog->networks()->clear();
    dialog->lanSwitch()->setChecked(false);
    QVERIFY(!session.session->listensOnLan());
    QVERIFY(!Settings().listensOnLan());
    QCOMPARE(dialog->urls()->count(), 0);
    QCOMPARE(curlStatus(lanRoot + QStringLiteral("again")), 0); // nothing listens there now
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("local"), QStringLiteral("{}")));
    QTRY_COMPARE(window.captureModel()->rowCount(), 2);
}

// LAN and HTTPS: the HTTPS switch listens on the port chosen at once, says which file clients
// trust, and the status bar says so; a request over TLS trusting that file is captured.
void TestMainWindow::httpsFromTheLanDialog()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    MainWindow &window = *session.window;
    LanDialog *dialog = window.reachActions()->lanDialog();
    QVERIFY(!dialog->httpsSwitch()->isChecked());
    QTcpServer free;
    QVERIFY(free.listen(QHostAddress::LocalHost));
    const quint16 port = free.serverPort();
    free.close();
    dialog->httpsPort()->setValue(port);
    dialog->httpsSwitch()->setChecked(true);
    QVERIFY2(dialog->problem()->text().isEmpty(), qPrintable(dialog->problem()->text()));
    QCOMPARE(session.receiver->httpsPort(), port);
    const QString authority = TlsIdentity::authorityFile(Session::tlsFolder());
    QVERIFY2(dialog->authority()->text().contains(authority),
             qPrintable(dialog->authority()->text()));
    QTRY_VERIFY(statusBarShows(
        window,
        QStringLiteral("Listening on port %1 (HTTPS %2)").arg(session.receiver->port()).arg(port)));
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("--cacert"), authority, QStringLiteral("-d"),
                QStringLiteral("{}"), QStringLiteral("https://localhost:%1/tls").arg(port)});
    QVERIFY(curl.waitForFinished(30'000));
    QVERIFY2(curl.exitCode() == 0, curl.readAllStandardError().constData());
    QTRY_COMPARE(window.captureModel()->rowCount(), 1);
    QCOMPARE(Settings().httpsPort(), std::optional<quint16>(port));
    // It shows where it was sent: the HTTPS port.
    window.captureView()->setCurrentIndex(window.captureModel()->index(0, 0));
    const QString overview = window.detailView()->overviewText();
    QVERIFY2(overview.contains(QStringLiteral("POST https://127.0.0.1:%1/tls").arg(port))
                 && overview.contains(QLatin1String("HTTP/1.1 over TLS")),
             qPrintable(overview));

    // The user's own certificate: a file that is none is said and changes nothing.
    QVERIFY(!dialog->localCertificateButton()->isVisibleTo(dialog));
    const QString tls = Session::tlsFolder();
    dialog->useCertificate(CertificateFiles{authority, tls + QStringLiteral("/missing.pem")});
    QVERIFY2(dialog->problem()->text().contains(QLatin1String("cannot read the key")),
             qPrintable(dialog->problem()->text()));
    QVERIFY(!session.session->httpsCertificate());
    const QString mine = tls + QStringLiteral("/localhost.pem");
    dialog->useCertificate(CertificateFiles{mine, tls + QStringLiteral("/localhost-key.pem")});
    QVERIFY2(dialog->problem()->text().isEmpty(), qPrintable(dialog->problem()->text()));
    QVERIFY2(
        dialog->authority()->text().contains(QLatin1String("presents your certificate ") + mine),
        qPrintable(dialog->authority()->text()));
    QVERIFY(dialog->localCertificateButton()->isVisibleTo(dialog));
    QCOMPARE(dialog->ownCertificateButton()->text(), QStringLiteral("Use Another…"));
    dialog->localCertificateButton()->click();
    QVERIFY(!Settings().httpsCertificate());
    QVERIFY(dialog->authority()->text().contains(authority));

    dialog->httpsSwitch()->setChecked(false);
    QCOMPARE(session.receiver->httpsPort(), quint16(0));
    QVERIFY(!Settings().httpsPort());
}

// Public URL…: cloudflared (a stand-in first on PATH) is started, its URL shows in the dialog
// and the status bar, its output in the log; Stop ends it. A tool not installed is said.
void TestMainWindow::aPublicUrlFromATunnelHookscopeStarts()
{
    const QByteArray path = qgetenv("PATH");
    const auto restorePath = qScopeGuard([&path] { qputenv("PATH", path); });
    qputenv("PATH", QByteArray(HOOKSCOPE_STANDINS) + ':' + path);
    QTemporaryDir dir;
    qputenv("HOOKSCOPE_STANDIN_DIR", QFile::encodeName(dir.path()));
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    MainWindow &window = *session.window;
    PublicUrlDialog *dialog = window.reachActions()->publicUrlDialog();
    QCOMPARE(dialog->tool()->currentData().toString(), QStringLiteral("cloudflared"));
    QVERIFY(dialog->url()->text().isEmpty());

    dialog->startStop()->click();
    QVERIFY2(dialog->problem()->text().isEmpty(), qPrintable(dialog->problem()->text()));
    QCOMPARE(dialog->startStop()->text(), QStringLiteral("Stop"));
    QTRY_VERIFY_WITH_TIMEOUT(dialog->url()->text().startsWith(QLatin1String("https://standin-")),
                             10'000);
    const QString url = dialog->url()->text();
    QVERIFY(url.endsWith(QLatin1String(".trycloudflare.com")));
    QVERIFY(dialog->log()->toPlainText().contains(
        QLatin1String("Your quick Tunnel has been created!")));
    QVERIFY(menuAction(window, QStringLiteral("&Public URL…"))->isChecked());
    // From the keyboard as well as the toolbar.
    QCOMPARE(menuAction(window, QStringLiteral("&Public URL…"))->shortcut(),
             QKeySequence(QStringLiteral("Ctrl+Shift+U")));
    QCOMPARE(menuAction(window, QStringLiteral("L&AN…"))->shortcut(),
             QKeySequence(QStringLiteral("Ctrl+Shift+L")));
    QTRY_VERIFY(statusBarShows(window, QStringLiteral("Listening on port %1 \u00b7 public: %2")
                                           .arg(session.receiver->port())
                                           .arg(url)));
    QFile pidFile(dir.filePath(QStringLiteral("cloudflared.pid")));
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const pid_t pid = pid_t(pidFile.readAll().trimmed().toLongLong());
    QVERIFY(::kill(pid, 0) == 0);

    dialog->startStop()->click();
    QVERIFY(!session.session->tunnel());
    QVERIFY(dialog->url()->text().isEmpty());
    QCOMPARE(dialog->startStop()->text(), QStringLiteral("Start"));
    QVERIFY(!menuAction(window, QStringLiteral("&Public URL…"))->isChecked());
    QTRY_VERIFY(::kill(pid, 0) != 0); // stopped with it

    // The Stripe CLI: no public URL; where its events arrive, and where its secret is kept.
    dialog->tool()->setCurrentIndex(dialog->tool()->findData(QStringLiteral("stripe")));
    dialog->startStop()->click();
    const QString forwardUrl = session.receiver->baseUrl() + QStringLiteral("stripe");
    QTRY_COMPARE_WITH_TIMEOUT(dialog->url()->text(), forwardUrl, 10'000);
    QTRY_VERIFY(dialog->secretNote()->text().contains(
        QLatin1String("as \"stripe-cli\": what arrives at /stripe is verified with it.")));
    QVERIFY(!dialog->log()->toPlainText().contains(QLatin1String("whsec_")));
    QTRY_VERIFY(statusBarShows(window, QStringLiteral("Listening on port %1 \u00b7 stripe "
                                                      "forwarding to /stripe")
                                           .arg(session.receiver->port())));
    // Opened again, the dialog shows what runs; after Stop, what ran last is offered.
    dialog->tool()->setCurrentIndex(0);
    PublicUrlDialog *again = window.reachActions()->publicUrlDialog();
    QCOMPARE(again->tool()->currentData().toString(), QStringLiteral("stripe"));
    QVERIFY(!again->tool()->isEnabled());
    again->startStop()->click();
    QVERIFY(!session.session->tunnel());
    again->close();
    QCOMPARE(window.reachActions()->publicUrlDialog()->tool()->currentData().toString(),
             QStringLiteral("stripe"));

    // A smee channel started last is offered again, channel and all.
    Settings().setLastSource(QStringLiteral("smee:https://smee.io/Zq3xK9vLm2Pt8RwA"));
    PublicUrlDialog *smee = window.reachActions()->publicUrlDialog();
    QCOMPARE(smee->tool()->currentData().toString(), QStringLiteral("smee"));
    QCOMPARE(smee->channel()->text(), QStringLiteral("https://smee.io/Zq3xK9vLm2Pt8RwA"));
    smee->close();

    // Not installed: said, with where to get it.
    QTemporaryDir empty;
    qputenv("PATH", QFile::encodeName(empty.path()));
    dialog->tool()->setCurrentIndex(dialog->tool()->findData(QStringLiteral("ngrok")));
    dialog->startStop()->click();
    QVERIFY2(dialog->problem()->text().startsWith(
                 QLatin1String("ngrok is not installed (not found on PATH): get it from "
                               "https://ngrok.com/download")),
             qPrintable(dialog->problem()->text()));
    QVERIFY(!session.session->tunnel());
}

void TestMainWindow::viewStateComesBackAfterRestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    qint64 selectedId = 0;
    {
        Running first(path);
        for (const char *target : {"a", "b", "c"})
            QVERIFY(
                curlPost(first.receiver->baseUrl() + QLatin1String(target), QStringLiteral("{}")));
        QTRY_COMPARE(first.window->captureModel()->rowCount(), 3);
        first.window->captureView()->setColumnWidth(CaptureListModel::StatusColumn, 123);
        QHeaderView *header = first.window->captureView()->horizontalHeader();
        header->moveSection(header->visualIndex(CaptureListModel::SourceColumn), 0);
        first.window->filterEdit()->setText(QStringLiteral("method:POST"));
        first.window->applyFilter();
        QTRY_VERIFY(first.window->captureModel()->isLoaded());
        first.window->captureView()->setCurrentIndex(first.window->captureModel()->index(1, 0));
        selectedId = first.window->detailView()->capture().id;
        first.window->detailView()->tabs()->setCurrentIndex(CaptureDetailView::HeadersTab);
        first.window->close();
    }
    Running second(path);
    QTableView *view = second.window->captureView();
    QCOMPARE(view->columnWidth(CaptureListModel::StatusColumn), 123);
    QCOMPARE(view->horizontalHeader()->visualIndex(CaptureListModel::SourceColumn), 0);
    QCOMPARE(second.window->filterEdit()->text(), QStringLiteral("method:POST"));
    QTRY_COMPARE(second.window->detailView()->capture().id, selectedId);
    QCOMPARE(second.window->detailView()->tabs()->currentIndex(),
             int(CaptureDetailView::HeadersTab));
}

void TestMainWindow::eventsAreNamedAndTheirDuplicatesSaid()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    // A Standard Webhooks event delivered twice (the same webhook-id), then a CloudEvent.
    const auto post = [&](const QStringList &headers, const QString &body) {
        QStringList arguments{QStringLiteral("-sS"), QStringLiteral("--data-binary"), body};
        for (const QString &header : headers)
            arguments << QStringLiteral("-H") << header;
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   arguments << session.receiver->baseUrl() + QStringLiteral("hooks"));
        return curl.waitForFinished(30'000) && curl.exitCode() == 0;
    };
    const QStringList standard{u"Content-Type: application/json"_s, u"webhook-id: msg_1"_s,
                               u"webhook-timestamp: 1674087231"_s};
    const QString contact = uR"({"type":"contact.created","data":{}})"_s;
    QVERIFY(post(standard, contact));
    QVERIFY(post(standard, contact));
    QVERIFY(post({u"Content-Type: text/plain"_s, u"ce-specversion: 1.0"_s, u"ce-id: c-9"_s,
                  u"ce-source: /crm"_s, u"ce-type: com.example.contact.merged"_s},
                 u"merged"_s));
    QVERIFY(post({u"Content-Type: application/json"_s}, u"{}"_s));
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 4);
    // The Event column: the type each names, or the method and path.
    QTRY_COMPARE(model->index(3, CaptureListModel::EventColumn).data().toString(),
                 u"contact.created"_s);
    QTRY_COMPARE(model->index(1, CaptureListModel::EventColumn).data().toString(),
                 u"com.example.contact.merged"_s);
    QTRY_COMPARE(model->index(0, CaptureListModel::EventColumn).data().toString(),
                 u"POST /hooks"_s);
    const QList<qint64> firstAndSecond{model->summary(3).id, model->summary(2).id};
    QTRY_COMPARE(session.store.sameEvent(firstAndSecond[0], u"msg_1"_s),
                 QList<qint64>{firstAndSecond[1]});

    // The first delivery says the event came again, with its envelope.
    session.window->captureView()->setCurrentIndex(model->index(3, 0));
    const QString first = session.window->detailView()->overviewText();
    QVERIFY2(first.contains(u"Event: contact.created, id msg_1"_s), qPrintable(first));
    QVERIFY2(first.contains(u"Duplicate: the same event, again as #%1\n"_s.arg(firstAndSecond[1])),
             qPrintable(first));
    QVERIFY(first.contains(u"Envelope: Standard Webhooks\nid: msg_1\ntimestamp: 1674087231 ("_s));
    session.window->captureView()->setCurrentIndex(model->index(2, 0));
    QVERIFY(session.window->detailView()->overviewText().contains(
        u"Duplicate: the same event, delivered before as #%1\n"_s.arg(firstAndSecond[0])));
    session.window->captureView()->setCurrentIndex(model->index(1, 0));
    const QString cloudEvent = session.window->detailView()->overviewText();
    QVERIFY2(cloudEvent.contains(u"Envelope: CloudEvents, binary mode\nspecversion: 1.0\nid: "
                                 "c-9\nsource: /crm\ntype: com.example.contact.merged\n"
                                 "datacontenttype: text/plain"_s),
             qPrintable(cloudEvent));
    QVERIFY(!cloudEvent.contains(u"Duplicate:"_s));
}

void TestMainWindow::driftIsMarkedInTheListAndSaid()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    for (int i = 0; i < 6; ++i)
        QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("shop"),
                         u"{\"type\":\"order.paid\",\"total\":%1}"_s.arg(10 + i)));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("shop"),
                     u"{\"type\":\"order.paid\",\"total\":\"16\"}"_s));
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 7);
    // Shown at once with its type, marked once the index has judged it (live, no reload).
    QTRY_COMPARE(model->index(1, CaptureListModel::EventColumn).data().toString(), u"order.paid"_s);
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, CaptureListModel::EventColumn).data().toString(),
                              u"\u25B3 order.paid"_s, 10'000);
    QVERIFY(model->index(0, CaptureListModel::EventColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .endsWith(u":\ntotal is string, was integer"_s));
    session.window->captureView()->setCurrentIndex(model->index(0, 0));
    const QString overview = session.window->detailView()->overviewText();
    QVERIFY2(overview.contains(u"Drift: differs from the order.paid payloads before it (filter: "
                               "is:drift):\ntotal is string, was integer"_s),
             qPrintable(overview));
    session.window->captureView()->setCurrentIndex(model->index(1, 0));
    QVERIFY(!session.window->detailView()->overviewText().contains(u"Drift:"_s));

    // View → Event Shapes…: the type, its fields, exports, and its drifted captures listed.
    ShapesDialog *shapes = session.window->shapesDialog();
    QCOMPARE(shapes->types()->count(), 1);
    QCOMPARE(shapes->types()->item(0)->text(), u"order.paid  (7)"_s);
    QTreeWidget *fields = shapes->fields();
    QCOMPARE(fields->topLevelItemCount(), 2);
    QCOMPARE(fields->topLevelItem(0)->text(0), u"total"_s); // by name, as JSON objects keep them
    QCOMPARE(fields->topLevelItem(0)->text(1), u"integer or string"_s);
    QCOMPARE(fields->topLevelItem(0)->text(2), u"always"_s);
    QVERIFY(shapes->exportTo(dir.filePath(u"order.schema.json"_s), false));
    QFile schema(dir.filePath(u"order.schema.json"_s));
    QVERIFY(schema.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(schema.readAll()).object().value(u"title"_s).toString(),
             u"order.paid"_s);
    QVERIFY(!shapes->exportTo(dir.filePath(u"no/such/folder/x.ts"_s), true));
    const auto buttons = shapes->findChildren<QPushButton *>();
    const auto showDrift = std::find_if(buttons.cbegin(), buttons.cend(), [](QPushButton *button) {
        return button->text() == u"Show &Drift"_s;
    });
    QVERIFY(showDrift != buttons.cend());
    (*showDrift)->click();
    QCOMPARE(session.window->filterEdit()->text(), u"event:order.paid is:drift"_s);
    QTRY_COMPARE(model->rowCount(), 1);
    shapes->close();
}

void TestMainWindow::busyPortOffersAnotherOne()
{
    QTcpServer occupant;
    QVERIFY(occupant.listen(QHostAddress::LocalHost));
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")), occupant.serverPort());
    QVERIFY(!session.receiver->isListening());
    auto *portBox = session.window->findChild<QSpinBox *>(QStringLiteral("receiverPort"));
    QCOMPARE(portBox->value(), occupant.serverPort()); // the port tried, not the box's minimum
    auto *button = session.window->findChild<QPushButton *>(QStringLiteral("useAnotherPort"));
    QVERIFY(button);
    session.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(session.window.get()));
    QVERIFY(button->isVisible());
    QTest::mouseClick(button, Qt::LeftButton);
    QVERIFY(session.receiver->isListening());
    QVERIFY(session.receiver->port() != occupant.serverPort());
    QCOMPARE(portBox->value(), session.receiver->port());
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("after"), QStringLiteral("{}")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    // For this run only, and said so: the next launch tries the usual port again.
    QCOMPARE(Settings().port(), std::nullopt);
    auto *note = session.window->findChild<QLabel *>(QStringLiteral("temporaryPortNote"));
    QVERIFY(note);
    QCOMPARE(note->text(),
             QStringLiteral("(this run only: %1 was busy) ").arg(occupant.serverPort()));
}

void TestMainWindow::receiverStopsStartsAndMoves()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(session.receiver->isListening());
    const quint16 first = session.receiver->port();
    auto *startStop = session.window->findChild<QAction *>(QStringLiteral("startStopReceiver"));
    auto *portBox = session.window->findChild<QSpinBox *>(QStringLiteral("receiverPort"));
    QVERIFY(startStop && portBox);
    QCOMPARE(portBox->value(), first);

    startStop->trigger();
    QVERIFY(!session.receiver->isListening());
    QTcpSocket refused;
    refused.connectToHost(QHostAddress::LocalHost, first);
    QVERIFY(!refused.waitForConnected(5000));
    QCOMPARE(startStop->text(), QStringLiteral("Start"));

    startStop->trigger();
    QVERIFY(session.receiver->isListening());
    QCOMPARE(session.receiver->port(), first);
    QCOMPARE(startStop->text(), QStringLiteral("Stop"));

    // A port typed in the toolbar moves the receiver there and is kept for the next launch.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost));
    const quint16 next = probe.serverPort();
    probe.close();
    portBox->setValue(next);
    QCOMPARE(session.receiver->port(), next);
    QCOMPARE(Settings().port(), std::optional<quint16>(next));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("moved"), QStringLiteral("{}")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
}

void TestMainWindow::historyComesBackAfterRestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    {
        Running first(path);
        QVERIFY(curlPost(first.receiver->baseUrl() + QStringLiteral("kept"), QStringLiteral("{}")));
        QTRY_COMPARE(first.window->captureModel()->rowCount(), 1);
    }
    Running second(path);
    QTRY_COMPARE(second.window->captureModel()->rowCount(), 1);
    QCOMPARE(
        second.window->captureModel()->index(0, CaptureListModel::TargetColumn).data().toString(),
        QStringLiteral("/kept"));
    // The status bar counts the history (off the GUI thread) plus what arrives.
    QTRY_VERIFY(statusBarShows(*second.window, QStringLiteral("1 capture(s)")));
    QVERIFY(curlPost(second.receiver->baseUrl() + QStringLiteral("new"), QStringLiteral("{}")));
    QTRY_VERIFY(statusBarShows(*second.window, QStringLiteral("2 capture(s)")));
}

// Opened at its first size on a small screen, or with a size saved on a larger one, the window
// fits the screen: nothing of it is off the edges (issue 16, point 13).
// Every detail tab keeps its whole name and every column shown by default is in sight (no
// horizontal scrolling), at 1024x700, with the Collections dock open, and at 1920x1080.
void TestMainWindow::tabsAndColumnsStayInSightAtEverySize()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("stripe/webhook"),
                     QStringLiteral("{}")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    MainWindow &window = *session.window;
    CaptureListView *list = window.captureView();
    list->setCurrentIndex(window.captureModel()->index(0, 0));
    // What a user needs to tell captures apart is shown; the rest is a right-click away.
    for (int column = 0; column < CaptureListModel::ColumnCount; ++column)
        QCOMPARE(list->isColumnHidden(column), !CaptureListView::shownByDefault(column));
    QVERIFY(!list->isColumnHidden(CaptureListModel::SignatureColumn));
    QVERIFY(list->isColumnHidden(CaptureListModel::ContentTypeColumn));

    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("collectionsDock"));
    QVERIFY(dock);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const auto allInSight = [&](const QString &where) {
        // Its size hint is what the tabs take with their whole names.
        const QTabBar *tabs = window.detailView()->tabs()->tabBar();
        if (tabs->sizeHint().width() > tabs->width())
            return QString(where
                           + QStringLiteral(": the tabs are cut (%1 px for %2)")
                                 .arg(tabs->width())
                                 .arg(tabs->sizeHint().width()));
        for (int column = 0; column < CaptureListModel::ColumnCount; ++column) {
            if (list->isColumnHidden(column))
                continue;
            const int right = list->columnViewportPosition(column) + list->columnWidth(column);
            if (list->columnViewportPosition(column) < 0 || right > list->viewport()->width())
                return QString(where + QStringLiteral(": column %1 is out of sight").arg(column));
        }
        return QString();
    };
    for (const QSize size : {QSize(1024, 700), QSize(1920, 1080), QSize(1440, 900)}) {
        for (const bool collectionsOpen : {false, true}) {
            dock->setVisible(collectionsOpen);
            window.resize(size);
            const QString where
                = QStringLiteral("%1x%2%3")
                      .arg(size.width())
                      .arg(size.height())
                      .arg(collectionsOpen ? QStringLiteral(" with collections") : QString());
            QTRY_VERIFY2(allInSight(where).isEmpty(), qPrintable(allInSight(where)));
        }
    }
}

void TestMainWindow::theSplitterDoesNotMoveForWhatItShows()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    const QString longPath = QStringLiteral("p/") + QString(3000, QLatin1Char('x'));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("short"), QStringLiteral("{}")));
    QVERIFY(curlPost(session.receiver->baseUrl() + longPath,
                     QStringLiteral("{\"k\":\"%1\"}").arg(QString(5000, QLatin1Char('v')))));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 2);
    session.window->resize(1024, 700);
    session.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(session.window.get()));
    auto *splitter = session.window->findChild<QSplitter *>();
    QVERIFY(splitter);
    CaptureListView *list = session.window->captureView();
    list->setCurrentIndex(session.window->captureModel()->index(1, 0)); // the short one
    QCoreApplication::processEvents();
    const QList<int> before = splitter->sizes();
    for (int tab = 0; tab < session.window->detailView()->tabs()->count(); ++tab) {
        list->setCurrentIndex(session.window->captureModel()->index(0, 0)); // the long one
        session.window->detailView()->tabs()->setCurrentIndex(tab);
        QCoreApplication::processEvents();
        QCOMPARE(splitter->sizes(), before);
        list->setCurrentIndex(session.window->captureModel()->index(1, 0));
        QCoreApplication::processEvents();
        QCOMPARE(splitter->sizes(), before);
    }
}

void TestMainWindow::theKeyboardReachesEveryPart()
{
    QTcpServer app; // a forwarding target, for Retry Now
    QVERIFY(app.listen(QHostAddress::LocalHost));
    connect(&app, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = app.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            socket->write("HTTP/1.1 204 No Content\r\n\r\n");
        });
    });
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    MainWindow &window = *session.window;
    QVERIFY(window.deliveryActions()->setForwardTargets(
        {QStringLiteral("http://127.0.0.1:%1").arg(app.serverPort())}));
    for (const char *path : {"a", "b"})
        QVERIFY(curlPost(session.receiver->baseUrl() + QLatin1String(path), QStringLiteral("{}")));
    QTRY_COMPARE(window.captureModel()->rowCount(), 2);
    window.resize(1024, 700); // the filter in the toolbar, not in its overflow menu
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    CaptureListView *list = window.captureView();
    list->setFocus();
    list->setCurrentIndex(window.captureModel()->index(0, CaptureListModel::TimeColumn));

    // Tab leaves the list for the detail pane (not the next cell); Shift+Tab goes back to the
    // list, and once more to the filter.
    QTest::keyClick(list, Qt::Key_Tab);
    QVERIFY2(window.detailView()->isAncestorOf(QApplication::focusWidget()),
             QApplication::focusWidget()->metaObject()->className());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Backtab);
    QCOMPARE(QApplication::focusWidget(), list);
    QTest::keyClick(list, Qt::Key_Backtab);
    auto *filter = qobject_cast<QLineEdit *>(QApplication::focusWidget());
    QVERIFY2(filter && filter->placeholderText().startsWith(QStringLiteral("Filter")),
             QApplication::focusWidget()->metaObject()->className());

    // Esc clears what was typed there, and the list shows everything again.
    QTest::keyClicks(filter, QStringLiteral("/a"));
    QTRY_COMPARE(window.captureModel()->rowCount(), 1);
    QTest::keyClick(filter, Qt::Key_Escape);
    QCOMPARE(filter->text(), QString());
    QTRY_COMPARE(window.captureModel()->rowCount(), 2);

    // Alt+digit: a detail tab, from wherever the focus is.
    QTest::keyClick(filter, Qt::Key_3, Qt::AltModifier);
    QCOMPARE(window.detailView()->tabs()->currentIndex(), int(CaptureDetailView::QueryTab));
    QTest::keyClick(filter, Qt::Key_7, Qt::AltModifier);
    QCOMPARE(window.detailView()->tabs()->currentIndex(), int(CaptureDetailView::DeliveriesTab));

    // Retry Now pressed from the keyboard keeps the focus once the attempt is shown.
    list->setCurrentIndex(window.captureModel()->index(0, 0));
    DeliveriesView *deliveries = window.detailView()->deliveries();
    QTRY_COMPARE(deliveries->deliveries().size(), 1);
    QTRY_COMPARE(deliveries->deliveries().at(0).results.size(), 1);
    deliveries->tree()->setCurrentItem(deliveries->tree()->topLevelItem(0));
    auto *retry = deliveries->findChild<QPushButton *>();
    retry->setFocus();
    QTest::keyClick(retry, Qt::Key_Space);
    QTRY_COMPARE(deliveries->deliveries().at(0).results.size(), 2);
    QCOMPARE(QApplication::focusWidget(), retry);
}

void TestMainWindow::aFirstLaunchSaysWhatToDo()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    MainWindow &window = *session.window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *firstSteps = window.findChild<FirstSteps *>(QStringLiteral("firstSteps"));
    QVERIFY(firstSteps);
    // The blank list says where to send, with a curl line, and how to reach it from a provider.
    QTRY_VERIFY(firstSteps->isVisible());
    const QString url = session.receiver->baseUrl();
    QVERIFY2(firstSteps->text().contains(url), qPrintable(firstSteps->text()));
    QCOMPARE(
        firstSteps->curlLine(),
        QStringLiteral("curl -H 'Content-Type: application/json' -d '{\"hello\":\"webhooks\"}' "
                       "%1hello")
            .arg(url));
    QVERIFY(firstSteps->text().contains(firstSteps->curlLine()));
    QVERIFY(
        firstSteps->text().contains(QStringLiteral("stripe listen --forward-to 127.0.0.1:%1/stripe")
                                        .arg(session.receiver->port())));
    QVERIFY(firstSteps->text().contains(QStringLiteral("README")));

    // The curl line, run as it is, is captured.
    QProcess shell;
    shell.start(
        QStringLiteral("sh"),
        {QStringLiteral("-c"), firstSteps->curlLine() + QStringLiteral(" -s -o /dev/null")});
    QVERIFY(shell.waitForFinished(15'000));
    QCOMPARE(shell.exitCode(), 0);
    QTRY_COMPARE(window.captureModel()->rowCount(), 1);
    QVERIFY(!firstSteps->isVisible());

    // A filter that matches nothing says so, rather than showing the first steps again.
    QLineEdit *filter = nullptr;
    const QList<QLineEdit *> edits = window.findChildren<QLineEdit *>();
    for (QLineEdit *edit : edits) {
        if (edit->placeholderText().startsWith(QStringLiteral("Filter")))
            filter = edit;
    }
    QVERIFY(filter);
    filter->setText(QStringLiteral("path:/nothing-here"));
    QTRY_VERIFY(firstSteps->isVisible());
    QVERIFY(firstSteps->text().contains(QStringLiteral("No capture matches")));
    filter->clear();
    QTRY_VERIFY(!firstSteps->isVisible());

    // Send a Test Webhook: one click, and a capture arrives.
    Running fresh(dir.filePath(QStringLiteral("fresh.sqlite")));
    fresh.window->show();
    auto *freshSteps = fresh.window->findChild<FirstSteps *>(QStringLiteral("firstSteps"));
    QTRY_VERIFY(freshSteps->isVisible());
    freshSteps->sendTestButton()->click();
    QTRY_COMPARE(fresh.window->captureModel()->rowCount(), 1);
    QCOMPARE(
        fresh.window->captureModel()->index(0, CaptureListModel::TargetColumn).data().toString(),
        QStringLiteral("/hookscope-test"));
    QVERIFY(!freshSteps->isVisible());
}

void TestMainWindow::theJsonTreeCopiesValuesAndPaths()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("json"),
                     QStringLiteral(R"({"data":{"object":{"lines":[{"amount":5}],)"
                                    R"("odd key":"a\"b"}}})")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));
    QTreeView *tree = session.window->detailView()->jsonTree();
    const auto action = [tree](const QString &text) -> QAction * {
        for (QAction *candidate : tree->actions()) {
            if (candidate->text() == text)
                return candidate;
        }
        return nullptr;
    };
    QVERIFY(action(QStringLiteral("Expand All")) && action(QStringLiteral("Collapse All")));
    action(QStringLiteral("Expand All"))->trigger();
    // Every level is open: the deepest member has a row of its own.
    QAbstractItemModel *model = tree->model();
    const QModelIndex object = model->index(0, 0, model->index(0, 0)); // $.data.object
    QVERIFY(tree->isExpanded(object));
    const QModelIndex amount = model->index(0, 0, model->index(0, 0, model->index(0, 0, object)));
    QCOMPARE(amount.data().toString(), QStringLiteral("amount"));
    QVERIFY(tree->isExpanded(amount.parent()));

    tree->setCurrentIndex(amount);
    action(QStringLiteral("Copy Path"))->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("$.data.object.lines[0].amount"));
    action(QStringLiteral("Copy Value"))->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("5"));
    const QModelIndex odd = model->index(1, 0, object);
    tree->setCurrentIndex(odd);
    action(QStringLiteral("Copy Path"))->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral(R"($.data.object["odd key"])"));
    action(QStringLiteral("Copy Value"))->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral(R"(a"b)")); // unescaped
    tree->setCurrentIndex(object);
    action(QStringLiteral("Copy Value"))->trigger();
    QCOMPARE(QApplication::clipboard()->text(),
             QStringLiteral(R"({"lines":[{"amount":5}],"odd key":"a\"b"})"));
    action(QStringLiteral("Collapse All"))->trigger();
    QVERIFY(!tree->isExpanded(object));
}

void TestMainWindow::theStopIconShowsOnADarkPalette()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    auto *startStop = session.window->findChild<QAction *>(QStringLiteral("startStopReceiver"));
    QVERIFY(startStop);
    const auto iconColor = [startStop] {
        return startStop->icon().pixmap(16, 16).toImage().pixelColor(8, 8);
    };
    QPalette dark = QApplication::palette();
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    const QPalette before = QApplication::palette();
    QApplication::setPalette(dark);
    QTRY_VERIFY2(iconColor().lightness() > 150, qPrintable(iconColor().name()));
    QApplication::setPalette(before);
    QTRY_VERIFY2(iconColor().lightness() < 100, qPrintable(iconColor().name()));
}

void TestMainWindow::aMalformedRequestShowsWhereItBroke()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    const auto sendRaw = [&](const QByteArray &bytes) {
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, session.receiver->port());
        QVERIFY(client.waitForConnected());
        client.write(bytes);
        QVERIFY(client.waitForBytesWritten());
        QVERIFY(client.waitForReadyRead(10'000)); // the 400 answer
    };
    // A header line without a colon: the parser stops at its end.
    const QByteArray text = "POST /x HTTP/1.1\r\nHost: a\r\nNo colon here\r\n\r\n";
    sendRaw(text);
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 1);
    session.window->captureView()->setCurrentIndex(model->index(0, 0));
    const CapturedRequest &shown = session.window->detailView()->capture();
    const qsizetype brokeAt = shown.parseErrorOffset();
    QVERIFY2(brokeAt > text.indexOf("No colon") && brokeAt < text.size(),
             qPrintable(shown.parseError));
    TextPane *wire = session.window->detailView()->wireText();
    // The end of the line without a colon, as the editor holds it (CR LF as one line break).
    auto *editor = wire->findChild<QPlainTextEdit *>();
    QCOMPARE(editor->textCursor().blockNumber(), 2);
    QCOMPARE(editor->textCursor().positionInBlock(), int(QByteArray("No colon here").size()));
    QCOMPARE(editor->extraSelections().size(), 2);
    QVERIFY(session.window->detailView()
                ->tabs()
                ->tabToolTip(CaptureDetailView::WireTab)
                .contains(shown.parseError));

    // Binary garbage: shown in hex, the byte marked there.
    QByteArray binary("POST /y HTTP/1.1\r\nHost: a\r\nX: ", 31);
    binary += QByteArray("\x01\x02\x7f\xff\x00\r\n\r\n", 9);
    sendRaw(binary);
    QTRY_COMPARE(model->rowCount(), 2);
    session.window->captureView()->setCurrentIndex(model->index(0, 0));
    const CapturedRequest &garbled = session.window->detailView()->capture();
    QVERIFY2(garbled.parseErrorOffset() >= 31, qPrintable(garbled.parseError));
    QCOMPARE(session.window->detailView()->wireHex()->markedByte(), garbled.parseErrorOffset());
}

void TestMainWindow::aSecretIsAddedAndBoundInOneDialog()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("hooks/stripe"),
                     QStringLiteral("{}"), QStringLiteral("application/json")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));
    SignaturesDialog *dialog = session.window->signaturesDialog();
    QDialog *form = dialog->askNewSecret();
    auto *path = form->findChild<QLineEdit *>(QStringLiteral("path"));
    auto *bind = form->findChild<QCheckBox *>(QStringLiteral("bind"));
    // Pre-filled from the selected capture: verify what arrives on its path with it.
    QCOMPARE(path->text(), QStringLiteral("/hooks/stripe"));
    QVERIFY(bind->isChecked());
    const QString name = QStringLiteral("hookscope-ui-test one dialog");
    form->findChild<QLineEdit *>(QStringLiteral("name"))->setText(name);
    form->findChild<QLineEdit *>(QStringLiteral("value"))->setText(QStringLiteral("whsec_1"));
    form->accept();
    // The binding is there to accept with the others; the secret is in the keychain.
    QTableWidget *table = dialog->bindingsTable();
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("/hooks/stripe"));
    QCOMPARE(qobject_cast<QComboBox *>(table->cellWidget(0, 2))->currentText(), name);
    QTRY_VERIFY(!dialog->secretList()->findItems(name, Qt::MatchExactly).isEmpty());
    dialog->accept();
    QCOMPARE(session.session->signatureBindings().size(), 1);
    QCOMPARE(session.session->signatureBindings().first().secretName, name);
    // Removed synchronously: a keychain job still running when the window goes would call back
    // into it.
    QCOMPARE(session.window->secrets()->removeNow(name), QString());
}

// Qt paints a selected row the same whether its view has the focus or not: the keyboard's
// place was invisible. The views without it now show a muted selection, in either palette.
void TestMainWindow::theSelectionShowsWhereTheFocusIs()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    MainWindow &window = *session.window;
    window.resize(1024, 700);
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("a"), QStringLiteral("{}")));
    QTRY_COMPARE(window.captureModel()->rowCount(), 1);
    CaptureListView *list = window.captureView();
    list->setCurrentIndex(window.captureModel()->index(0, 0));
    window.detailView()->tabs()->setCurrentIndex(CaptureDetailView::HeadersTab);
    QTableWidget *headers = window.detailView()->headersTable();
    const auto highlight = [](const QWidget *view) {
        return view->palette().color(QPalette::Active, QPalette::Highlight);
    };
    const QPalette light = QApplication::palette();
    QPalette dark = light;
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    for (const QPalette &palette : {light, dark}) {
        QApplication::setPalette(palette);
        list->setFocus();
        QTRY_COMPARE(highlight(list), palette.color(QPalette::Active, QPalette::Highlight));
        QVERIFY(highlight(headers) != palette.color(QPalette::Active, QPalette::Highlight));
        headers->setFocus();
        QTRY_COMPARE(highlight(headers), palette.color(QPalette::Active, QPalette::Highlight));
        QVERIFY(highlight(list) != palette.color(QPalette::Active, QPalette::Highlight));
    }
    QApplication::setPalette(light);
}

// The hex preview of a binary multipart part used to lose its text column on the right.
void TestMainWindow::aBinaryPartsHexIsWholeAt1024()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    const QString binary = dir.filePath(QStringLiteral("blob.bin"));
    QFile file(binary);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray("\x7f"
                          "ELF\x02\x01\x01\x00",
                          8)
                   .repeated(40));
    file.close();
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("-F"), QStringLiteral("meta=hello"),
                QStringLiteral("-F"),
                QStringLiteral("blob=@%1;type=application/octet-stream").arg(binary),
                session.receiver->baseUrl() + QStringLiteral("upload")});
    QVERIFY(curl.waitForFinished(30'000) && curl.exitCode() == 0);
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    session.window->resize(1024, 700);
    session.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(session.window.get()));
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));
    CaptureDetailView *detail = session.window->detailView();
    detail->tabs()->setCurrentIndex(CaptureDetailView::BodyTab);
    detail->bodyTabs()->setCurrentIndex(CaptureDetailView::PartsBody);
    BodyPartsView *parts = detail->bodyParts();
    QTRY_COMPARE(parts->table()->rowCount(), 2);
    parts->table()->selectRow(1);
    HexView *hex = parts->hexPreview();
    QTRY_VERIFY(hex->isVisible());
    // Every column of a row, the characters on the right included, without scrolling.
    const int rowWidth = hex->fontMetrics().horizontalAdvance(
        HexDump::row(QByteArray(HexDump::BytesPerRow, 'x'), 0));
    QVERIFY2(
        hex->viewport()->width() >= rowWidth,
        qPrintable(QStringLiteral("%1 px for %2").arg(hex->viewport()->width()).arg(rowWidth)));
    QCOMPARE(hex->horizontalScrollBar()->maximum(), 0);
}

void TestMainWindow::windowFitsTheScreen()
{
    QTemporaryDir dir;
    const QSize available = QGuiApplication::primaryScreen()->availableGeometry().size();
    {
        Running session(dir.filePath(QStringLiteral("c.sqlite")));
        QVERIFY2(session.window->width() <= available.width()
                     && session.window->height() <= available.height(),
                 qPrintable(QStringLiteral("%1x%2 on %3x%4")
                                .arg(session.window->width())
                                .arg(session.window->height())
                                .arg(available.width())
                                .arg(available.height())));
        session.window->resize(available * 2); // as if saved on a screen twice the size
        session.window->saveViewState();
    }
    Running again(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(again.window->width() <= available.width());
    QVERIFY(again.window->height() <= available.height());
}

void TestMainWindow::pagesOlderCapturesOnDemand()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    {
        CaptureStore store(path);
        QVERIFY(store.open());
        CaptureWriter writer(path);
        QVERIFY(writer.start(nullptr));
        for (int i = 0; i < CaptureListModel::PageSize * 2 + 10; ++i) {
            CapturedRequest request;
            request.method = "POST";
            request.target = "/n/" + QByteArray::number(i);
            request.raw = "POST " + request.target + " HTTP/1.1\r\n\r\n";
            writer.append(request, 0);
        }
    }
    CaptureListModel model(path);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(model.rowCount(), CaptureListModel::PageSize);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QVERIFY(!model.canFetchMore({})); // one page in flight at a time
    QTRY_COMPARE(model.rowCount(), CaptureListModel::PageSize * 2);
    model.fetchMore({});
    QTRY_COMPARE(model.rowCount(), CaptureListModel::PageSize * 2 + 10);
    QVERIFY(!model.canFetchMore({}));
    QCOMPARE(model.index(model.rowCount() - 1, CaptureListModel::TargetColumn).data().toString(),
             QStringLiteral("/n/0"));
}

void TestMainWindow::forwardingAndReplayShowTheirDeliveries()
{
    // The app under development: answers 201 and keeps the request lines it got.
    QTcpServer app;
    QVERIFY(app.listen(QHostAddress::LocalHost));
    QList<QByteArray> requestLines;
    connect(&app, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = app.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, &requestLines] {
            const QByteArray data = socket->readAll();
            if (data.contains(" HTTP/1.1\r\n"))
                requestLines.append(data.left(data.indexOf("\r\n")));
            socket->write("HTTP/1.1 201 Created\r\nContent-Length: 7\r\n\r\ncreated");
        });
    });
    const QString appUrl = QStringLiteral("http://127.0.0.1:%1").arg(app.serverPort());

    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(!session.window->deliveryActions()->setForwardTargets(
        {QStringLiteral("ftp://example.com/")}));
    QVERIFY(session.window->deliveryActions()->forwardTargets().isEmpty());
    QVERIFY(session.window->deliveryActions()->setForwardTargets({appUrl}));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("stripe?x=1"),
                     QStringLiteral(R"({"id":"evt_1"})")));
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 1);
    // The list shows the outcome once the app answered.
    QTRY_COMPARE(model->index(0, CaptureListModel::ForwardColumn).data().toString(),
                 QStringLiteral("\u2192 201"));
    QCOMPARE(requestLines, QList<QByteArray>{"POST /stripe?x=1 HTTP/1.1"});

    session.window->captureView()->setCurrentIndex(model->index(0, 0));
    DeliveriesView *deliveries = session.window->detailView()->deliveries();
    QCOMPARE(deliveries->deliveries().size(), 1);
    QCOMPARE(deliveries->deliveries().at(0).results.size(), 1);
    QVERIFY(deliveries->answer()->text().startsWith(QStringLiteral("HTTP/1.1 201 Created")));
    QVERIFY(deliveries->answer()->text().endsWith(QStringLiteral("\n\ncreated")));

    // Replay to another base: a second delivery beside the first, shown as it completes.
    session.window->deliveryActions()->replaySelected(appUrl + QStringLiteral("/v2"));
    QTRY_COMPARE(deliveries->deliveries().size(), 2);
    QTRY_COMPARE(deliveries->deliveries().at(1).results.size(), 1);
    QCOMPARE(requestLines.last(), QByteArray("POST /v2/stripe?x=1 HTTP/1.1"));

    // Retry Now sends the selected delivery once more.
    deliveries->tree()->setCurrentItem(deliveries->tree()->topLevelItem(0));
    auto *retry = deliveries->findChild<QPushButton *>();
    QVERIFY(retry && retry->isEnabled());
    retry->click();
    QTRY_COMPARE(deliveries->deliveries().at(0).results.size(), 2);
    QCOMPARE(requestLines.size(), 3);

    // Replayed as providers deliver: twice, the second copy after its wait, each a delivery.
    ChaosOptions twice;
    twice.duplicates = 2;
    twice.minDelayMs = twice.maxDelayMs = 100;
    twice.seed = 3;
    session.window->deliveryActions()->replaySelected(appUrl + QStringLiteral("/v3"), {}, twice);
    QTRY_COMPARE(deliveries->deliveries().size(), 4);
    QTRY_COMPARE(requestLines.size(), 5);
    QCOMPARE(requestLines.mid(3),
             (QList<QByteArray>{"POST /v3/stripe?x=1 HTTP/1.1", "POST /v3/stripe?x=1 HTTP/1.1"}));
    // The dialog takes them as written (a stale signature is made afresh: re-signed), and
    // says what it cannot read.
    ReplayTargetDialog ask(appUrl, {});
    ask.delivery()->setText(QStringLiteral("duplicates=3 shuffle seed=9"));
    QCOMPARE(ask.chaos().duplicates, 3);
    QCOMPARE(ask.chaos().shuffleWindow, -1);
    QVERIFY(!ask.options().resign);
    ask.delivery()->setText(QStringLiteral("stale=60 concurrency=2"));
    QCOMPARE(ask.chaos().staleSeconds, 60);
    QCOMPARE(ask.chaos().concurrency, 2);
    QVERIFY(ask.options().resign);
    ask.delivery()->setText(QStringLiteral("stale=soon"));
    ask.accept();
    QCOMPARE(ask.result(), int(QDialog::Rejected));
    const QList<QLabel *> said = ask.findChildren<QLabel *>();
    QVERIFY(std::any_of(said.cbegin(), said.cend(), [](const QLabel *label) {
        return label->text() == QStringLiteral("stale=soon: how many seconds old the signature is");
    }));
    // What it was sent with shows beside its target.
    ask.delivery()->setText(QStringLiteral("stale=600 concurrency=2"));
    session.window->deliveryActions()->replaySelected(appUrl + QStringLiteral("/v4"), ask.options(),
                                                      ask.chaos());
    QTRY_COMPARE(deliveries->deliveries().size(), 5);
    QCOMPARE(deliveries->tree()->topLevelItem(4)->text(0),
             appUrl + QStringLiteral("/v4 (re-signed 10 min old, at most 2 in flight)"));

    // Forwarding is remembered for the next launch.
    QCOMPARE(Settings().forwardRoutes(), QStringList{appUrl});
}

void TestMainWindow::forwardingDialogSetsEachTargetsWay()
{
    QTcpServer app; // answers 201 to whatever it is sent
    QVERIFY(app.listen(QHostAddress::LocalHost));
    QList<QByteArray> requestLines;
    connect(&app, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = app.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, &requestLines] {
            const QByteArray data = socket->readAll();
            requestLines.append(data.left(data.indexOf("\r\n")));
            socket->write("HTTP/1.1 201 Created\r\nX-App: 1\r\nContent-Length: 7\r\n\r\ncreated");
        });
    });
    QTcpServer gone; // a port nobody listens on any more: a target that is down
    QVERIFY(gone.listen(QHostAddress::LocalHost));
    const quint16 downPort = gone.serverPort();
    gone.close();

    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    ForwardingDialog *dialog = session.window->deliveryActions()->forwardingDialog();
    QTableWidget *table = dialog->table();
    QCOMPARE(table->rowCount(), 0);
    ForwardRoute proxy;
    proxy.pathPrefix = "/stripe";
    proxy.target = QStringLiteral("http://127.0.0.1:%1/hooks/stripe").arg(app.serverPort());
    dialog->addRoute(proxy);
    table->item(0, 2)->setCheckState(Qt::Checked); // Fixed URL
    table->item(0, 3)->setCheckState(Qt::Checked); // Proxy
    ForwardRoute down;
    down.pathPrefix = "/github";
    down.target = QStringLiteral("localhost:%1").arg(downPort); // no scheme: refused
    dialog->addRoute(down);
    dialog->accept();
    QVERIFY(dialog->isVisible());
    const QList<QLabel *> labels = dialog->findChildren<QLabel *>();
    QVERIFY(std::any_of(labels.cbegin(), labels.cend(), [](const QLabel *label) {
        return label->isVisible() && label->text().startsWith(QStringLiteral("Route 2: "));
    }));
    QCOMPARE(table->currentRow(), 1);
    table->item(1, 1)->setText(QStringLiteral("http://127.0.0.1:%1").arg(downPort));
    // Delivered as providers do: a mistake there is said and points at the cell.
    table->item(1, 7)->setText(QStringLiteral("duplicates=x"));
    dialog->accept();
    QVERIFY(dialog->isVisible());
    QCOMPARE(table->currentColumn(), 7);
    QVERIFY(std::any_of(labels.cbegin(), labels.cend(), [](const QLabel *label) {
        return label->isVisible()
               && label->text()
                      == QStringLiteral("Route 2: duplicates=x: how many times each is sent, 1 "
                                        "to 100");
    }));
    table->item(1, 7)->setText(QStringLiteral("seed=5"));
    dialog->accept();
    QVERIFY(!dialog->isVisible());
    QCOMPARE(session.window->deliveryActions()->forwardTargets(),
             (QStringList{QStringLiteral("/stripe=%1 fixed-url proxy").arg(proxy.target),
                          QStringLiteral("/github=http://127.0.0.1:%1 seed=5").arg(downPort)}));

    // Proxied: the provider (curl) gets the app's answer, and the list shows it at once.
    QProcess curl;
    QSignalSpy curlDone(&curl, &QProcess::finished);
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-s"), QStringLiteral("-i"), QStringLiteral("--data-binary"),
                QStringLiteral("{}"), session.receiver->baseUrl() + QStringLiteral("stripe/x")});
    QVERIFY(curlDone.wait(15'000));
    const QByteArray answer = curl.readAllStandardOutput();
    QVERIFY2(answer.startsWith("HTTP/1.1 201 Created") && answer.contains("X-App: 1")
                 && answer.endsWith("created"),
             answer.constData());
    QCOMPARE(requestLines, QList<QByteArray>{"POST /hooks/stripe HTTP/1.1"});
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, CaptureListModel::ForwardColumn).data().toString(),
             QStringLiteral("\u2192 201"));
    session.window->captureView()->setCurrentIndex(model->index(0, 0));
    DeliveriesView *deliveries = session.window->detailView()->deliveries();
    QTRY_COMPARE(deliveries->deliveries().size(), 1);
    QCOMPARE(deliveries->tree()->topLevelItem(0)->text(0),
             proxy.target
                 + QStringLiteral(" (proxied: its answer went to the provider, fixed URL)"));

    // The target that is down says so in the status bar, with what waits for it.
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("github"), QStringLiteral("{}")));
    QTRY_VERIFY(
        statusBarShows(*session.window,
                       QStringLiteral("\u26a0 127.0.0.1:%1 down \u00b7 1 waiting").arg(downPort)));

    // Replay To keeps its choices for the next replay.
    QTRY_COMPARE(model->rowCount(), 2);
    session.window->captureView()->setCurrentIndex(model->index(1, 0)); // the /stripe one
    session.window->deliveryActions()->replaySelected(proxy.target,
                                                      TargetOptions{true, true, false});
    QTRY_COMPARE(requestLines.size(), 2);
    QCOMPARE(requestLines.last(), QByteArray("POST /hooks/stripe HTTP/1.1"));
    QCOMPARE(Settings().replayOptions().flags(), (TargetOptions{true, true, false}.flags()));
}

void TestMainWindow::aTargetDownKeepsItsDeliveriesAndFailedOnesAreRetried()
{
    QTcpServer app; // refuses the first two requests with a final 400, then takes them
    int answered = 0;
    connect(&app, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = app.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, &answered] {
            socket->readAll();
            socket->write(++answered <= 2 ? "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"
                                          : "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        });
    });
    QVERIFY(app.listen(QHostAddress::LocalHost));
    const quint16 port = app.serverPort();
    app.close(); // down at first
    const QString appUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);

    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    ForwardingDialog *dialog = session.window->deliveryActions()->forwardingDialog();
    auto *giveUpHours = dialog->findChild<QSpinBox *>(QStringLiteral("giveUpHours"));
    auto *maxDelaySeconds = dialog->findChild<QSpinBox *>(QStringLiteral("maxDelaySeconds"));
    QVERIFY(giveUpHours && maxDelaySeconds);
    // A day, and 30 s at most between tries, unless set otherwise.
    QCOMPARE(giveUpHours->value(), 24);
    QCOMPARE(maxDelaySeconds->value(), 30);
    giveUpHours->setValue(48);
    maxDelaySeconds->setValue(1);
    ForwardRoute route;
    route.target = appUrl;
    dialog->addRoute(route);
    dialog->accept();
    QCOMPARE(Settings().forwardRetry().giveUpAfterMs, 48 * 3'600'000);
    QCOMPARE(session.session->forwardRetry().maxDelayMs, 1'000);

    // Down: the first capture is tried, the second waits for the target without a try.
    CaptureListModel *model = session.window->captureModel();
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("a"), QStringLiteral("{}")));
    QTRY_VERIFY(statusBarShows(
        *session.window, QStringLiteral("\u26a0 127.0.0.1:%1 down \u00b7 1 waiting").arg(port)));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("b"), QStringLiteral("{}")));
    QTRY_COMPARE(model->rowCount(), 2);
    session.window->captureView()->setCurrentIndex(model->index(0, 0)); // the newest, /b
    DeliveriesView *deliveries = session.window->detailView()->deliveries();
    QTRY_COMPARE(deliveries->tree()->topLevelItemCount(), 1);
    QTRY_COMPARE(deliveries->tree()->topLevelItem(0)->text(1),
                 QStringLiteral("waiting for the target"));
    QCOMPARE(deliveries->deliveries().at(0).results.size(), 0);

    // It comes back: both go out within the longest wait, and get a final 400 each.
    QVERIFY(app.listen(QHostAddress::LocalHost, port));
    QTRY_COMPARE_WITH_TIMEOUT(model->index(0, CaptureListModel::ForwardColumn).data().toString(),
                              QStringLiteral("\u2192 failed \u00d71"), 10'000);
    QTRY_COMPARE(answered, 2);
    QTRY_VERIFY(!statusBarShows(*session.window, QStringLiteral("down")));

    // Retry Failed Deliveries for the selection: the one selected only.
    session.window->captureView()->setCurrentIndex(model->index(0, 0));
    QAction *retryFailed = menuAction(*session.window, QStringLiteral("Retry Failed &Deliveries"));
    QVERIFY(retryFailed);
    retryFailed->trigger();
    QTRY_COMPARE(model->index(0, CaptureListModel::ForwardColumn).data().toString(),
                 QStringLiteral("\u2192 201"));
    QCOMPARE(answered, 3);
    // (It was tried while the target was down too: how often depends on the backoff's draw.)
    QVERIFY(model->index(1, CaptureListModel::ForwardColumn)
                .data()
                .toString()
                .startsWith(QStringLiteral("\u2192 failed \u00d7")));

    // The Forwarding dialog's Retry Failed: those of the selected route's target.
    dialog = session.window->deliveryActions()->forwardingDialog();
    dialog->table()->setCurrentCell(0, 1);
    const QList<QPushButton *> buttons = dialog->findChildren<QPushButton *>();
    const auto again
        = std::find_if(buttons.cbegin(), buttons.cend(), [](const QPushButton *button) {
              return button->text() == QStringLiteral("Retry &Failed");
          });
    QVERIFY(again != buttons.cend());
    (*again)->click();
    QTRY_COMPARE(answered, 4);
    dialog->reject();
}

void TestMainWindow::responseTabShowsWhatWasAnsweredAndWhoChoseIt()
{
    QTcpServer app; // the proxy target: answers 202 with a JSON body
    QVERIFY(app.listen(QHostAddress::LocalHost));
    connect(&app, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = app.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            socket->write("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
                          "Content-Length: 15\r\n\r\n{\"queued\":true}");
        });
    });
    const QString appUrl = QStringLiteral("http://127.0.0.1:%1").arg(app.serverPort());
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QString error;
    const std::optional<MockRules> rules = MockRules::fromJson(
        R"({"format": "hookscope-rules", "version": 1, "rules": [{"name": "teapot",)"
        R"( "match": {"path": "/mocked"}, "respond": {"status": 418,)"
        R"( "headers": {"Content-Type": "application/json"}, "body": "{\"short\":1}"}}]})",
        &error);
    QVERIFY2(rules, qPrintable(error));
    QVERIFY2(session.session->setMockRules(*rules, &error), qPrintable(error));
    QVERIFY(session.window->deliveryActions()->setForwardTargets(
        {QStringLiteral("/proxied=%1 proxy").arg(appUrl)}));

    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("plain"), QStringLiteral("{}")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("mocked"), QStringLiteral("{}")));
    // The target answers on this thread: curl runs beside the event loop, not blocking it.
    QProcess curl;
    QSignalSpy curlDone(&curl, &QProcess::finished);
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-s"), QStringLiteral("--data-binary"), QStringLiteral("{}"),
                session.receiver->baseUrl() + QStringLiteral("proxied")});
    QVERIFY(curlDone.wait(15'000));
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 3);
    CaptureDetailView *detail = session.window->detailView();
    QCOMPARE(detail->tabs()->tabText(CaptureDetailView::ResponseTab), QStringLiteral("Response"));
    // Not two tabs called "Raw": the whole request is "Wire", the body's own stays "Raw".
    QCOMPARE(detail->tabs()->tabText(CaptureDetailView::WireTab), QStringLiteral("Wire"));
    ResponseView *response = detail->response();
    const auto show = [&](const QString &path) {
        for (int row = 0; row < model->rowCount(); ++row) {
            if (model->index(row, CaptureListModel::TargetColumn).data().toString() == path)
                session.window->captureView()->setCurrentIndex(model->index(row, 0));
        }
        return detail->capture().target == path.toUtf8();
    };

    QVERIFY(show(QStringLiteral("/plain")));
    QVERIFY2(response->sourceText().startsWith(QStringLiteral("Answered with the default answer")),
             qPrintable(response->sourceText()));
    QVERIFY2(response->text()->text().startsWith(QStringLiteral("HTTP/1.1 200 OK\n")),
             qPrintable(response->text()->text().left(200)));

    QVERIFY(show(QStringLiteral("/mocked")));
    QCOMPARE(response->sourceText(), QStringLiteral("Answered by the mock rule \"teapot\"."));
    QVERIFY2(response->text()->text().startsWith(QStringLiteral("HTTP/1.1 418 ")),
             qPrintable(response->text()->text()));
    QVERIFY2(response->text()->text().endsWith(QStringLiteral("{\n  \"short\": 1\n}")),
             qPrintable(response->text()->text()));

    QVERIFY(show(QStringLiteral("/proxied")));
    QTRY_COMPARE(response->sourceText(),
                 QStringLiteral("Answered with what %1 answered (a proxy route).").arg(appUrl));
    QVERIFY2(response->text()->text().startsWith(QStringLiteral("HTTP/1.1 202 Accepted\n")),
             qPrintable(response->text()->text()));
    QVERIFY(response->text()->text().contains(QStringLiteral("\"queued\": true")));
}

void TestMainWindow::composerEditsAndResends()
{
    QTcpServer app;
    QVERIFY(app.listen(QHostAddress::LocalHost));
    QList<QByteArray> received;
    connect(&app, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = app.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, &received] {
            received.append(socket->readAll());
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: 11\r\n\r\n{\"ok\":true}");
        });
    });
    const QString appUrl = QStringLiteral("http://127.0.0.1:%1").arg(app.serverPort());
    Settings().setReplayTarget(appUrl);

    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("hooks/stripe"),
                     QStringLiteral(R"({"id":"evt_1"})")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    session.window->captureView()->setCurrentIndex(session.window->captureModel()->index(0, 0));

    ComposerDialog *composer = session.window->composerActions()->openComposer(true);
    QVERIFY(composer);
    QCOMPARE(composer->method()->currentText(), QStringLiteral("POST"));
    QCOMPARE(composer->url()->text(), appUrl + QStringLiteral("/hooks/stripe"));
    QCOMPARE(composer->body()->toPlainText(), QStringLiteral(R"({"id":"evt_1"})"));
    QStringList headerNames;
    for (int row = 0; row < composer->headers()->rowCount(); ++row)
        headerNames.append(composer->headers()->item(row, 0)->text());
    QVERIFY(headerNames.contains(QStringLiteral("Content-Type")));
    QVERIFY(!headerNames.contains(QStringLiteral("Host")));

    // Sent to the app (the editing itself: tst_composerdialog).
    composer->send();
    QTRY_VERIFY(composer->answerStatus()->text().startsWith(QStringLiteral("200 OK")));
    QVERIFY(received.join().endsWith(R"({"id":"evt_1"})"));
    QCOMPARE(composer->history()->count(), 1);
}

void TestMainWindow::sortingCoversTheWholeHistory()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    const int total = CaptureListModel::PageSize + 50;
    {
        CaptureStore store(path);
        QVERIFY(store.open());
        CaptureWriter writer(path);
        QVERIFY(writer.start(nullptr));
        for (int i = 0; i < total; ++i) {
            // Sizes in a scrambled order, so neither arrival order sorts them.
            const int size = (i * 37) % total;
            CapturedRequest request;
            request.method = i % 2 ? "PUT" : "POST";
            request.target = "/s/" + QByteArray::number(size);
            request.body = QByteArray(size, 'x');
            request.raw = "POST " + request.target + " HTTP/1.1\r\n\r\n" + request.body;
            writer.append(request, 0);
        }
    }
    Running session(path);
    CaptureListModel *model = session.window->captureModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // The first page; the tester's own fetchMore() may have asked for the next one already.
    QTRY_VERIFY(model->rowCount() >= CaptureListModel::PageSize);

    // Largest body first, across pages: each row no larger than the one before, none twice.
    session.window->captureView()->sortByColumn(CaptureListModel::SizeColumn, Qt::DescendingOrder);
    QTRY_VERIFY(model->isLoaded());
    QCOMPARE(model->summary(0).bodySize, total - 1);
    model->fetchMore({});
    QTRY_COMPARE(model->rowCount(), total);
    QSet<qint64> seen;
    for (int row = 0; row < model->rowCount(); ++row) {
        QCOMPARE(model->summary(row).bodySize, total - 1 - row);
        seen.insert(model->summary(row).id);
    }
    QCOMPARE(seen.size(), total);

    // A capture arriving meanwhile is kept in the store and announced, not slotted in unsorted.
    QSignalSpy hidden(model, &CaptureListModel::liveCapturesHidden);
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("late"), QStringLiteral("{}")));
    QTRY_COMPARE(hidden.size(), 1);
    QCOMPARE(model->rowCount(), total);

    // Oldest first, with the late one at the end once the last page is in; then newest first.
    session.window->captureView()->sortByColumn(CaptureListModel::TimeColumn, Qt::AscendingOrder);
    QTRY_VERIFY(model->isLoaded());
    QVERIFY(model->summary(0).id < model->summary(1).id);
    session.window->captureView()->sortByColumn(CaptureListModel::TimeColumn, Qt::DescendingOrder);
    QTRY_VERIFY(model->isLoaded());
    QCOMPARE(model->summary(0).target, QByteArray("/late"));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("live"), QStringLiteral("{}")));
    QTRY_COMPARE(model->summary(0).target, QByteArray("/live"));

    // The chosen order comes back after a restart.
    session.window->captureView()->sortByColumn(CaptureListModel::MethodColumn, Qt::AscendingOrder);
    session.window->saveViewState();
    Running second(path);
    QTRY_VERIFY(second.window->captureModel()->isLoaded());
    QCOMPARE(second.window->captureModel()->order().key, CaptureOrder::Key::Method);
    QCOMPARE(second.window->captureModel()->summary(0).method, QByteArray("POST"));
}

void TestMainWindow::signaturesAreCheckedAndExplained()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    SecretStore *secrets = session.window->secrets();
    const QString secretName = QStringLiteral("hookscope-ui-test stripe");
    const QByteArray secret = "whsec_ui_test";
    QCOMPARE(secrets->writeNow(secretName, secret), QString());
    // Without a keychain (no Secret Service on the bus), the window keeps saying so.
    if (!secrets->keychainProblem().isEmpty())
        QTRY_VERIFY(statusBarShows(*session.window, QStringLiteral("\u26a0 No keychain")));

    // Signed now with the secret; one more with a changed body; and one not signed at all.
    const QByteArray body = R"({"id":"evt_1","type":"invoice.paid"})";
    SignatureScheme stripe;
    stripe.kind = SignatureScheme::Kind::Stripe;
    SignedRequest signedRequest;
    signedRequest.body = body;
    QString error;
    const HeaderList signature = Signatures::sign(stripe, secret, signedRequest,
                                                  QDateTime::currentSecsSinceEpoch(), {}, &error);
    const QString header = QStringLiteral("Stripe-Signature: ")
                           + QString::fromLatin1(headerValue(signature, "Stripe-Signature"));
    const auto post = [&](const QString &path, const QByteArray &data) {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-sS"), QStringLiteral("-H"), header,
                    QStringLiteral("--data-binary"), QString::fromUtf8(data),
                    session.receiver->baseUrl() + path});
        return curl.waitForFinished(30'000) && curl.exitCode() == 0;
    };
    QVERIFY(post(QStringLiteral("stripe/hooks"), body));
    QVERIFY(post(QStringLiteral("stripe/hooks"), QByteArray(body).replace("paid", "void")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("health"), QStringLiteral("{}")));
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 3);
    const auto verdictAt = [model](int row) {
        return model->index(row, CaptureListModel::SignatureColumn).data().toString();
    };
    // Signed but nothing bound yet: the list says the secret is missing.
    QTRY_COMPARE(verdictAt(2), QStringLiteral("no secret"));
    QTRY_COMPARE(verdictAt(0), QString()); // not signed

    SignatureBinding binding;
    binding.pathPrefix = "/stripe";
    binding.secretName = secretName;
    session.window->setSignatureBindings({binding});
    QTRY_COMPARE(verdictAt(2), QStringLiteral("\u2713 valid"));
    QTRY_COMPARE(verdictAt(1), QStringLiteral("\u2717 invalid"));
    QCOMPARE(model->index(1, CaptureListModel::SignatureColumn).data(Qt::ToolTipRole).toString(),
             QStringLiteral("The signature in Stripe-Signature does not match the secret: the "
                            "body, the secret or the signed parts differ"));

    // The Signature tab explains: scheme, header, expected and received, the signed bytes.
    session.window->captureView()->setCurrentIndex(model->index(1, 0));
    SignatureView *view = session.window->detailView()->signature();
    QTRY_COMPARE(view->outcome()->text(), QStringLiteral("\u2717 invalid"));
    const QString details = view->detailsText();
    QVERIFY2(details.contains(QStringLiteral("Scheme: stripe")), qPrintable(details));
    QVERIFY(details.contains(QStringLiteral("Header: Stripe-Signature")));
    QVERIFY(details.contains(QStringLiteral("Expected: ")));
    QVERIFY(view->signedBytes()->text().endsWith(
        QStringLiteral(R"(.{"id":"evt_1","type":"invoice.void"})")));
    QCOMPARE(session.window->detailView()->tabs()->tabText(CaptureDetailView::SignatureTab),
             QStringLiteral("Signature \u2717"));
    // The verdict's tab stays in sight with the detail pane as narrow as it goes (its tabs
    // overflowed into scroll arrows before, hiding this one).
    session.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(session.window.get()));
    auto *splitter = qobject_cast<QSplitter *>(session.window->detailView()->parentWidget());
    QVERIFY(splitter);
    splitter->setSizes({1000, 100});
    QTabBar *tabBar = session.window->detailView()->tabs()->tabBar();
    QTRY_VERIFY(tabBar->tabRect(CaptureDetailView::SignatureTab).right() < tabBar->width());

    // The secrets manager: reveal on demand; a rename carries the binding along; the verdicts
    // follow the secret.
    SignaturesDialog *dialog = session.window->signaturesDialog();
    QVERIFY(!dialog->secretList()->findItems(secretName, Qt::MatchExactly).isEmpty());
    QVERIFY(dialog->revealed()->text().isEmpty());
    dialog->revealSecret(secretName);
    QTRY_COMPARE(dialog->revealed()->text(), QString::fromUtf8(secret));
    const QString renamed = QStringLiteral("hookscope-ui-test stripe live");
    dialog->renameSecret(secretName, renamed);
    QTRY_VERIFY(!dialog->secretList()->findItems(renamed, Qt::MatchExactly).isEmpty());
    dialog->accept();
    QCOMPARE(dialog->bindings().value(0).secretName, renamed);
    QTRY_COMPARE(verdictAt(2), QStringLiteral("\u2713 valid"));
    // Deleted from the keychain: the bound secret is gone, and the list says so.
    QCOMPARE(secrets->removeNow(renamed), QString());
    binding.secretName = renamed;
    session.window->setSignatureBindings({binding});
    QTRY_COMPARE(verdictAt(2), QStringLiteral("no secret"));
}

void TestMainWindow::editAndResendSignsAgain()
{
    QTcpServer app; // keeps the request it gets, answers 200
    QVERIFY(app.listen(QHostAddress::LocalHost));
    QByteArray received;
    connect(&app, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = app.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, &received] {
            received += socket->readAll();
            if (received.contains("invoice"))
                socket->write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        });
    });
    Settings().setReplayTarget(QStringLiteral("http://127.0.0.1:%1").arg(app.serverPort()));
    Settings().setReplayOptions(TargetOptions());

    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    const QString secretName = QStringLiteral("hookscope-ui-test resign");
    const QByteArray secret = "whsec_test_secret";
    QCOMPARE(session.window->secrets()->writeNow(secretName, secret), QString());
    SignatureBinding binding;
    binding.pathPrefix = "/stripe";
    binding.secretName = secretName;
    session.window->setSignatureBindings({binding});
    // Stripe's test vector: signed in 2023.
    QProcess curl;
    curl.start(
        QStringLiteral("curl"),
        {QStringLiteral("-sS"), QStringLiteral("-H"),
         QStringLiteral("Content-Type: application/json"), QStringLiteral("-H"),
         QStringLiteral("Stripe-Signature: t=1700000000,v1=92a67d03f3996371aee723f680b97"
                        "033696bcd5bb8a1826c465e55a4d569d2c1"),
         QStringLiteral("--data-binary"),
         QStringLiteral(R"({"id":"evt_test_webhook","object":"event","type":"invoice.paid"})"),
         session.receiver->baseUrl() + QStringLiteral("stripe/hooks")});
    QVERIFY(curl.waitForFinished(30'000) && curl.exitCode() == 0);
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 1);
    session.window->captureView()->setCurrentIndex(model->index(0, 0));

    // The composer signs as the path's binding says; the edited body is signed anew.
    ComposerDialog *composer = session.window->composerActions()->openComposer(true);
    QVERIFY(composer);
    QCOMPARE(composer->signScheme()->currentText(), QStringLiteral("stripe"));
    QCOMPARE(composer->signSecret()->currentText(), secretName);
    composer->body()->setPlainText(composer->body()->toPlainText().replace(
        QStringLiteral("invoice.paid"), QStringLiteral("invoice.voided")));
    composer->send();
    QTRY_VERIFY(composer->answerStatus()->text().startsWith(QStringLiteral("200 ")));
    const CapturedRequest sent = RequestParser::parseStored(received);
    QVERIFY(sent.body.contains("invoice.voided"));
    const QByteArray header = headerValue(sent.headers, "Stripe-Signature");
    QVERIFY2(!header.startsWith("t=1700000000,"), header.constData());
    SignatureScheme stripe;
    stripe.kind = SignatureScheme::Kind::Stripe;
    const SignatureVerdict verdict = Signatures::verify(
        stripe, secret, SignedRequest::fromCapture(sent), QDateTime::currentSecsSinceEpoch());
    QVERIFY2(verdict.outcome == SignatureVerdict::Outcome::Valid, qPrintable(verdict.reason));
    // The Headers tab shows the signature that went out.
    QStringList shown;
    for (int row = 0; row < composer->headers()->rowCount(); ++row)
        shown.append(composer->headers()->item(row, 1)->text());
    QVERIFY(shown.contains(QString::fromUtf8(header)));

    // A replay can be signed again too, by the forwarder, with the bound secret.
    received.clear();
    TargetOptions resign;
    resign.resign = true;
    session.window->deliveryActions()->replaySelected(
        QStringLiteral("http://127.0.0.1:%1").arg(app.serverPort()), resign);
    QTRY_VERIFY(received.contains("invoice.paid"));
    const CapturedRequest replayed = RequestParser::parseStored(received);
    QVERIFY(!headerValue(replayed.headers, "Stripe-Signature").startsWith("t=1700000000,"));
    const SignatureVerdict replayVerdict = Signatures::verify(
        stripe, secret, SignedRequest::fromCapture(replayed), QDateTime::currentSecsSinceEpoch());
    QVERIFY2(replayVerdict.outcome == SignatureVerdict::Outcome::Valid,
             qPrintable(replayVerdict.reason));
    QCOMPARE(session.window->secrets()->removeNow(secretName), QString());
}

void TestMainWindow::harFilesImportAndExport()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("stripe"), QStringLiteral("{}")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("github"), QStringLiteral("[]")));
    CaptureListModel *model = session.window->captureModel();
    QTRY_COMPARE(model->rowCount(), 2);

    // Nothing selected: everything the filter shows.
    const QString har = dir.filePath(QStringLiteral("out.har"));
    QSignalSpy exported(session.window->importExport(), &ImportExport::harExported);
    session.window->importExport()->exportHar(har);
    QVERIFY(exported.wait());
    QCOMPARE(session.window->statusBar()->currentMessage(),
             QStringLiteral("Exported 2 capture(s) to out.har"));
    QFile file(har);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QString error;
    QCOMPARE(Har::read(file.readAll(), &error)->size(), 2);

    QVERIFY(session.window->importExport()->importFile(har));
    QTRY_COMPARE(model->rowCount(), 4);
    QCOMPARE(session.window->statusBar()->currentMessage(),
             QStringLiteral("Imported 2 capture(s) from out.har"));
    QCOMPARE(model->index(0, CaptureListModel::TargetColumn).data().toString(),
             QStringLiteral("/github"));

    // A broken file imports nothing and says where it breaks.
    QFile bad(dir.filePath(QStringLiteral("bad.har")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("{\"log\": [");
    bad.close();
    QVERIFY(!session.window->importExport()->importFile(bad.fileName()));
    QVERIFY(session.window->statusBar()->currentMessage().startsWith(
        QStringLiteral("Nothing imported from bad.har: not valid JSON at line 1, column ")));

    // Dropped on the window (entered first, as a real drag does), a file is imported.
    QMimeData data;
    data.setUrls({QUrl::fromLocalFile(har)});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(session.window.get(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(session.window.get(), &drop);
    QTRY_COMPARE(model->rowCount(), 6);
}

namespace {

// As an editor or `git pull` would: a new file put in place of the old.
void replaceFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    QVERIFY(file.commit());
}

QByteArray fileBytes(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

void TestMainWindow::capturesGoIntoCollectionsAndRun()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    CaptureListModel *model = session.window->captureModel();
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("stripe?x=1"),
                     QStringLiteral(R"({"type":"invoice.paid"})")));
    QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("github"), QStringLiteral("[]")));
    QTRY_COMPARE(model->rowCount(), 2);

    CollectionsPanel *panel = session.window->collections();
    Collection empty;
    empty.name = QStringLiteral("Webhooks");
    const QString path = dir.filePath(QStringLiteral("webhooks.json"));
    QString error;
    CollectionDocument *document = panel->createCollection(path, empty, &error);
    QVERIFY2(document, qPrintable(error));
    panel->addFolder({document, {}}, QStringLiteral("Payments"));
    CollectionTreeModel *tree = panel->model();
    QCOMPARE(tree->index(0, 0, tree->index(0, 0)).data().toString(), QStringLiteral("Payments"));

    // Saved requests go where replays go (here, this receiver again), not to Hookscope itself.
    QString base = session.receiver->baseUrl();
    base.chop(1);
    Settings().setReplayTarget(base);

    // Both rows dragged from the list onto the folder (entered, moved over, dropped).
    session.window->show();
    QVERIFY(QTest::qWaitForWindowExposed(session.window.get()));
    std::unique_ptr<QMimeData> data(model->mimeData({model->index(1, 0), model->index(0, 0)}));
    const QModelIndex folderNode = tree->index(0, 0, tree->index(0, 0));
    const QPoint onFolder = panel->tree()->visualRect(folderNode).center();
    QWidget *viewport = panel->tree()->viewport();
    QDragEnterEvent enter(onFolder, Qt::CopyAction, data.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewport, &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(onFolder, Qt::CopyAction, data.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewport, &move);
    QVERIFY(move.isAccepted());
    QDropEvent drop(onFolder, Qt::CopyAction, data.get(), Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(viewport, &drop);
    QVERIFY(drop.isAccepted());

    const CollectionItem *folder = document->collection().item({0});
    QCOMPARE(folder->items.size(), 2);
    // Named by the event they carry, else by their path.
    QCOMPARE(folder->items[0].name, QStringLiteral("invoice.paid"));
    QCOMPARE(folder->items[0].request.url, QStringLiteral("{{baseUrl}}/stripe?x=1"));
    QCOMPARE(folder->items[0].request.body, QByteArray(R"({"type":"invoice.paid"})"));
    QCOMPARE(folder->items[1].name, QStringLiteral("/github"));
    QCOMPARE(document->collection().valuesFor({}).value(QStringLiteral("baseUrl")), base);
    QTRY_VERIFY(!document->hasUnsavedChanges()); // saved to the file on its own
    QCOMPARE(Collection::load(path, &error)->item({0})->items.size(), 2);

    // An environment sends them elsewhere: here, to another path on the same receiver.
    document->setVariables(document->collection().variables,
                           {{QStringLiteral("replay"),
                             {{QStringLiteral("baseUrl"), base + QStringLiteral("/again")}},
                             {}}});
    panel->setEnvironment(document, QStringLiteral("replay"));
    QCOMPARE(panel->environmentBox()->currentText(), QStringLiteral("replay"));

    panel->select(document, {0});
    RunDialog *run = panel->runCurrent();
    QVERIFY(run);
    // Nothing is sent before Run: the dialog shows what will go where.
    QCOMPARE(run->summary()->text(),
             QStringLiteral("2 request(s) to %1, sent one after the other once you press Run.")
                 .arg(QUrl(base).authority()));
    QCOMPARE(run->table()->item(0, 1)->text(),
             QStringLiteral("POST %1/again/stripe?x=1").arg(base));
    QCOMPARE(run->table()->item(0, 2)->text(), QStringLiteral("waiting"));
    QCOMPARE(model->rowCount(), 2);
    run->start();
    QTRY_COMPARE(run->summary()->text(), QStringLiteral("2 of 2 sent: 2 passed, 0 failed"));
    QCOMPARE(run->table()->item(0, 2)->text(), QStringLiteral("200 OK"));
    QTRY_COMPARE(model->rowCount(), 4);
    QCOMPARE(model->index(0, CaptureListModel::TargetColumn).data().toString(),
             QStringLiteral("/again/github"));
    QCOMPARE(model->index(1, CaptureListModel::TargetColumn).data().toString(),
             QStringLiteral("/again/stripe?x=1"));

    // Copy as cURL gives the request as the environment makes it.
    panel->select(document, {0, 0});
    QVERIFY(
        panel->curlForCurrent().startsWith(QStringLiteral("curl '%1/again/stripe?x=1'").arg(base)));

    // "Save to Collection" from the Capture menu for the selected capture.
    session.window->captureView()->setCurrentIndex(model->index(0, 0));
    session.window->composerActions()->saveCapturesTo({document, {}}, {model->summary(0).id});
    QCOMPARE(document->collection().items.size(), 2);
    QCOMPARE(document->collection().items[1].request.url,
             QStringLiteral("{{baseUrl}}/again/github"));

    // Open again at the next start.
    session.window.reset();
    Running again(dir.filePath(QStringLiteral("c.sqlite")));
    QCOMPARE(again.window->collections()->documents().size(), 1);
    QCOMPARE(again.window->collections()->documents().first()->collection().items.size(), 2);
    QVERIFY(CollectionTreeModel::recent().contains(QFileInfo(path).absoluteFilePath()));
}

void TestMainWindow::collectionRequestsEditInTheComposer()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    const QString secretName = QStringLiteral("hookscope-test-collection-token");
    QCOMPARE(session.window->secrets()->writeNow(secretName, "tok-456"), QString());

    Collection collection;
    collection.name = QStringLiteral("App");
    collection.variables = {{QStringLiteral("baseUrl"), session.receiver->baseUrl()}};
    CollectionItem item;
    item.name = QStringLiteral("refund");
    item.request.method = "POST";
    item.request.url = QStringLiteral("{{baseUrl}}refunds");
    item.request.headers = {{"Content-Type", "application/json", true},
                            {"X-Token", "{{secret:" + secretName.toUtf8() + "}}", true}};
    item.request.body = R"({"id":1})";
    item.request.auth = {RequestAuth::Kind::Bearer, {}, {}, QStringLiteral("b-{{baseUrl}}")};
    collection.items = {item};
    const QString path = dir.filePath(QStringLiteral("app.json"));
    QString error;
    CollectionDocument *document
        = session.window->collections()->createCollection(path, collection, &error);
    QVERIFY2(document, qPrintable(error));

    ComposerDialog *composer = session.window->composerActions()->openCollectionItem(document, {0});
    QVERIFY(composer);
    QCOMPARE(composer->windowTitle(), QStringLiteral("refund — Compose Request"));
    QCOMPARE(composer->url()->text(), QStringLiteral("{{baseUrl}}refunds"));
    QCOMPARE(composer->authKind()->currentIndex(), int(RequestAuth::Kind::Bearer));
    QCOMPARE(composer->variables()->rowCount(), 1);
    QCOMPARE(composer->saveButton()->text(), QStringLiteral("Save"));

    // Sent with the secret read from the keychain at send time, and the variable filled in.
    composer->send();
    QTRY_VERIFY(composer->answerStatus()->text().startsWith(QStringLiteral("200 OK")));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    const std::optional<CapturedRequest> sent
        = session.store.capture(session.window->captureModel()->summary(0).id);
    QVERIFY(sent);
    QCOMPARE(headerValue(sent->headers, "X-Token"), QByteArray("tok-456"));
    QCOMPARE(headerValue(sent->headers, "Authorization"),
             "Bearer b-" + session.receiver->baseUrl().toUtf8());
    // The send history keeps the placeholder, not the value.
    SendHistory history(dir.filePath(QStringLiteral("c.sqlite")));
    QVERIFY(history.open(&error));
    const QList<SentRequest> recorded = history.recent(1);
    QCOMPARE(recorded.size(), 1);
    QCOMPARE(headerValue(recorded.first().request.headers, "X-Token"),
             "{{secret:" + secretName.toUtf8() + "}}");

    // Edited and saved back to its item; the file keeps the placeholders, never the secret.
    composer->body()->setPlainText(QStringLiteral(R"({"id":2})"));
    composer->saveButton()->click();
    QCOMPARE(document->collection().item({0})->request.body, QByteArray(R"({"id":2})"));
    QTRY_VERIFY(!document->hasUnsavedChanges());
    const QByteArray saved = fileBytes(path);
    QVERIFY(saved.contains(R"({\"id\":2})"));
    QVERIFY(saved.contains(QByteArray("{{secret:" + secretName.toUtf8() + "}}")));
    QVERIFY(!saved.contains("tok-456"));

    // A curl command pasted into a new composer; Save there asks which folder and name.
    ComposerDialog *pasted = session.window->composerActions()->openComposer(false);
    QVERIFY(!pasted->pasteCurl(QStringLiteral("wget http://x/")));
    QCOMPARE(pasted->answerStatus()->text(),
             QStringLiteral("Not a usable curl command: not a curl command: it starts with "
                            "\"wget\""));
    QVERIFY(pasted->pasteCurl(QStringLiteral("curl 'http://localhost:3000/api' \\\n"
                                             "  -H 'content-type: application/json' \\\n"
                                             "  --data-raw '{\"a\":1}'")));
    QCOMPARE(pasted->method()->currentText(), QStringLiteral("POST"));
    QCOMPARE(pasted->url()->text(), QStringLiteral("http://localhost:3000/api"));
    QCOMPARE(pasted->body()->toPlainText(), QStringLiteral("{\"a\":1}"));
    int dialogs = 0;
    const std::function<void()> answer = [&] {
        auto *input = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
        if (!input) {
            QTimer::singleShot(20, answer);
            return;
        }
        if (dialogs++ == 1)
            input->setTextValue(QStringLiteral("pasted"));
        input->accept();
        if (dialogs < 2)
            QTimer::singleShot(20, answer);
    };
    QTimer::singleShot(20, answer);
    pasted->saveButton()->click();
    QCOMPARE(dialogs, 2);
    QCOMPARE(document->collection().items.size(), 2);
    QCOMPARE(document->collection().items[1].name, QStringLiteral("pasted"));
    QCOMPARE(document->collection().items[1].request.body, QByteArray("{\"a\":1}"));
    QCOMPARE(session.window->secrets()->removeNow(secretName), QString());
}

void TestMainWindow::collectionFilesFollowOutsideChanges()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    CollectionsPanel *panel = session.window->collections();
    Collection collection;
    collection.name = QStringLiteral("Shared");
    CollectionItem item;
    item.name = QStringLiteral("one");
    item.request.url = QStringLiteral("http://h/");
    collection.items = {item};
    const QString path = dir.filePath(QStringLiteral("shared.json"));
    QString error;
    CollectionDocument *document = panel->createCollection(path, collection, &error);
    QVERIFY2(document, qPrintable(error));

    // A colleague's change arrives (a git pull): it is read in and shown.
    collection.items[0].name = QStringLiteral("renamed outside");
    replaceFile(path, collection.toJson());
    QTRY_COMPARE(panel->model()->index(0, 0, panel->model()->index(0, 0)).data().toString(),
                 QStringLiteral("GET  renamed outside"));
    QVERIFY(session.window->statusBar()->currentMessage().contains(
        QStringLiteral("changed on disk and was read in again")));

    // Both changed: nothing is overwritten until the user chooses.
    document->setAutosaveDelay(60'000);
    panel->select(document, {0});
    panel->renameCurrent(QStringLiteral("mine"));
    collection.items[0].name = QStringLiteral("theirs");
    const QByteArray theirs = collection.toJson();
    replaceFile(path, theirs);
    QTRY_VERIFY(panel->conflictBar()->isVisibleTo(panel));
    QCOMPARE(fileBytes(path), theirs);
    panel->conflictBar()->keepMineButton()->click();
    QVERIFY(!panel->conflictBar()->isVisibleTo(panel));
    QCOMPARE(Collection::load(path, &error)->items[0].name, QStringLiteral("mine"));

    panel->renameCurrent(QStringLiteral("mine again"));
    replaceFile(path, theirs);
    QTRY_VERIFY(panel->conflictBar()->isVisibleTo(panel));
    panel->conflictBar()->takeTheirsButton()->click();
    QCOMPARE(document->collection().items[0].name, QStringLiteral("theirs"));
    QCOMPARE(fileBytes(path), theirs);

    // Deleted: closed, and the file goes to the trash (not gone for good).
    QVERIFY(panel->trashCollection(document));
    QVERIFY(panel->documents().isEmpty());
    QVERIFY(!QFile::exists(path));
    QVERIFY(!CollectionTreeModel::recent().contains(path));
}

void TestMainWindow::importTellsFormatsApart()
{
    QTemporaryDir dir;
    Running session(dir.filePath(QStringLiteral("c.sqlite")));
    CollectionsPanel *panel = session.window->collections();

    // Postman: a new collection, saved in the collections folder and opened.
    QVERIFY(session.window->importExport()->importFile(QFINDTESTDATA("../data/postman-v21.json")));
    QCOMPARE(panel->documents().size(), 1);
    CollectionDocument *imported = panel->documents().first();
    QCOMPARE(imported->collection().name, QStringLiteral("Payments API"));
    QVERIFY(imported->path().startsWith(CollectionFolder::path()));
    QVERIFY(session.window->statusBar()->currentMessage().contains(
        QStringLiteral("the file field \"file\" is left out")));

    // Our own collection file opens as it is.
    const QString own = dir.filePath(QStringLiteral("own.json"));
    QString error;
    QVERIFY(Collection().save(own, &error));
    QVERIFY(session.window->importExport()->importFile(own));
    QCOMPARE(panel->documents().size(), 2);

    // A curl command opens in the composer.
    const QString curl = dir.filePath(QStringLiteral("request.sh"));
    replaceFile(curl, "curl -X PUT http://localhost:3000/x -d 'a=1'\n");
    QVERIFY(session.window->importExport()->importFile(curl));
    auto composers = session.window->findChildren<ComposerDialog *>();
    QCOMPARE(composers.size(), 1);
    QCOMPARE(composers.first()->method()->currentText(), QStringLiteral("PUT"));
    QCOMPARE(composers.first()->body()->toPlainText(), QStringLiteral("a=1"));

    // A HAR with an entry that cannot be read: the others after asking.
    const QString partly = dir.filePath(QStringLiteral("partly.har"));
    replaceFile(partly, R"({"log":{"entries":[
      {"request":{"method":"GET","url":"http://h/kept","headers":[]}},
      {"request":{"method":"GET","url":"no-host","headers":[]}}]}})");
    QString asked;
    QTimer::singleShot(0, this, [&asked] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box)
            return;
        asked = box->text();
        box->button(QMessageBox::Yes)->click();
    });
    QVERIFY(session.window->importExport()->importFile(partly));
    QCOMPARE(asked, QStringLiteral("partly.har: 1 entry(s) cannot be read (entry 2: request needs "
                                   "a method and an absolute url).\n\nImport the 1 that can?"));
    QTRY_COMPARE(session.window->captureModel()->rowCount(), 1);
    QCOMPARE(session.window->statusBar()->currentMessage(),
             QStringLiteral("Imported 1 capture(s) from partly.har; skipped entry 2: request "
                            "needs a method and an absolute url"));

    // Anything else is refused, saying what it is not.
    const QString other = dir.filePath(QStringLiteral("notes.txt"));
    replaceFile(other, "hello");
    QVERIFY(!session.window->importExport()->importFile(other));
    QCOMPARE(session.window->statusBar()->currentMessage(),
             QStringLiteral("Nothing imported from notes.txt: not a HAR file, Postman "
                            "collection, Hookscope collection or curl command"));
}

void TestMainWindow::mockRulesAreEditedTriedAndApplied()
{
    QTemporaryDir dir;
    const QString storePath = dir.filePath(QStringLiteral("c.sqlite"));
    const QString paid = QStringLiteral(R"({"type":"invoice.paid","data":{"id":"in_1"}})");
    {
        Running session(storePath);
        QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("stripe"), paid));
        CaptureListModel *model = session.window->captureModel();
        QTRY_COMPARE(model->rowCount(), 1);
        session.window->captureView()->setCurrentIndex(model->index(0, 0));

        RulesDialog *dialog = session.window->rulesDialog();
        dialog->addRule(QJsonDocument::fromJson(R"({"name": "paid",
            "match": {"path": "/stripe", "json": [{"path": "$.type", "equals": "invoice.paid"}]},
            "respond": {"status": 201, "body": "got {{request.json.data.id}}"}})")
                            .object());
        dialog->list()->setCurrentRow(0);
        // Tried on the capture selected in the window (the editing itself: tst_rulesdialog).
        QVERIFY(session.window->mockRules().isEmpty());
        dialog->tryOnSelected();
        QCOMPARE(
            dialog->tryResult()->toPlainText(),
            QStringLiteral("Matches capture #%1 (POST /stripe).\nAnswers 201 Created\n\ngot in_1")
                .arg(model->summary(0).id));
        dialog->accept();
        QCOMPARE(session.window->mockRules().rules.size(), 1);

        // Applied: the next request gets the rule's answer, and the list and Overview say so.
        QVERIFY(curlPost(session.receiver->baseUrl() + QStringLiteral("stripe"), paid));
        QTRY_COMPARE(model->rowCount(), 2);
        QCOMPARE(model->index(0, CaptureListModel::StatusColumn).data().toString(),
                 QStringLiteral("201"));
        QCOMPARE(model->index(0, CaptureListModel::RuleColumn).data().toString(),
                 QStringLiteral("paid"));
        session.window->captureView()->setCurrentIndex(model->index(0, 0));
        QVERIFY(session.window->detailView()->overviewText().contains(
            QStringLiteral("201 Created — by the mock rule \"paid\"")));
        // Sorted by rule in the store: the rule-less capture first, ascending.
        session.window->captureView()->sortByColumn(CaptureListModel::RuleColumn,
                                                    Qt::AscendingOrder);
        QTRY_VERIFY(model->isLoaded() && model->rowCount() == 2
                    && model->summary(0).rule.isEmpty());
        QCOMPARE(model->summary(1).rule, QStringLiteral("paid"));
    }
    // Kept for the next start.
    Running again(storePath);
    QCOMPARE(again.window->mockRules().rules.size(), 1);
    // And the status bar says they answer, from the start.
    QVERIFY(statusBarShows(*again.window, QStringLiteral("\u2691 1 mock rule(s)")));
    QVERIFY(curlPost(again.receiver->baseUrl() + QStringLiteral("stripe"), paid));
    QTRY_COMPARE(again.window->captureModel()->rowCount(), 3);
    QCOMPARE(
        again.window->captureModel()->index(0, CaptureListModel::StatusColumn).data().toString(),
        QStringLiteral("201"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
