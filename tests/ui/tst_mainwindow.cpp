#include "capturelistmodel.h"
#include "mainwindow.h"

#include "capture/capturestore.h"
#include "capture/capturewriter.h"
#include "http/receiverhost.h"

#include <QAbstractItemModelTester>
#include <QPlainTextEdit>
#include <QProcess>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;

namespace {

// Everything the window needs, on a free loopback port with a store of its own.
struct Session
{
    explicit Session(const QString &path)
        : store(path)
        , writer(path)
    {
        if (!store.open() || !writer.start(nullptr))
            qFatal("cannot open %s", qPrintable(path));
        ReceiverOptions options;
        options.port = 0;
        options.addresses = {QHostAddress(QHostAddress::LocalHost)};
        receiver = std::make_unique<ReceiverHost>(writer, options);
        window = std::make_unique<MainWindow>(store, writer, *receiver);
        window->startListening();
    }
    ~Session()
    {
        window.reset();
        receiver.reset();
        writer.stop();
    }

    CaptureStore store;
    CaptureWriter writer;
    std::unique_ptr<ReceiverHost> receiver;
    std::unique_ptr<MainWindow> window;
};

bool curlPost(const QString &url, const QString &body)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"), {QStringLiteral("-sS"), QStringLiteral("-H"),
                                        QStringLiteral("Content-Type: application/json"),
                                        QStringLiteral("--data-binary"), body, url});
    return curl.waitForFinished(30'000) && curl.exitCode() == 0;
}

} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT
private slots:
    void liveCaptureAppearsAndShowsDetails();
    void historyComesBackAfterRestart();
    void pagesOlderCapturesOnDemand();
};

void TestMainWindow::liveCaptureAppearsAndShowsDetails()
{
    QTemporaryDir dir;
    Session session(dir.filePath(QStringLiteral("c.sqlite")));
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
    const QString detail = session.window->detailView()->toPlainText();
    QVERIFY2(detail.startsWith(QStringLiteral("POST /stripe/webhook?live=1 HTTP/1.1")),
             qPrintable(detail));
    QVERIFY(detail.contains(QStringLiteral("{\"type\":\"invoice.paid\"}")));
}

void TestMainWindow::historyComesBackAfterRestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    {
        Session first(path);
        QVERIFY(curlPost(first.receiver->baseUrl() + QStringLiteral("kept"), QStringLiteral("{}")));
        QTRY_COMPARE(first.window->captureModel()->rowCount(), 1);
    }
    Session second(path);
    QCOMPARE(second.window->captureModel()->rowCount(), 1);
    QCOMPARE(
        second.window->captureModel()->index(0, CaptureListModel::TargetColumn).data().toString(),
        QStringLiteral("/kept"));
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
    CaptureStore store(path);
    QVERIFY(store.open());
    CaptureListModel model(store);
    QCOMPARE(model.rowCount(), CaptureListModel::PageSize);
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    model.fetchMore({});
    QCOMPARE(model.rowCount(), CaptureListModel::PageSize * 2 + 10);
    QVERIFY(!model.canFetchMore({}));
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.index(model.rowCount() - 1, CaptureListModel::TargetColumn).data().toString(),
             QStringLiteral("/n/0"));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
