#include "capturelistmodel.h"
#include "capturelistview.h"

#include "store/capturestore.h"
#include "wire/requestparser.h"
#include "store/capturewriter.h"

#include "offscreen.h"

#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;

namespace {

// A store in a folder of its own, and the writer that fills it (without an fsync per batch:
// tens of thousands go in).
struct StoreAndWriter
{
    StoreAndWriter()
        : path(dir.filePath(QStringLiteral("c.sqlite")))
        , store(path)
        , writer(path)
    {
        writer.setDurability(CaptureWriter::Durability::Process);
    }
    bool start() { return store.open() && writer.start(nullptr); }

    QTemporaryDir dir;
    QString path;
    CaptureStore store;
    CaptureWriter writer;
};

} // namespace

// The capture list: pages from the store, live captures at the top, and rows found by capture
// id in constant time whichever way rows came in or went.
class TestCaptureListModel final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void rowsAreFoundByIdAsTheyComeAndGo();
    void liveCapturesLetTheOldestRowsGo();
    void anOldestFirstListFollowsUpToItsLimit();
    void sizesAreInKiB();
    void theSourceSaysWhichTunnelWhoAndWhere();
    void timesSayTheDayWhenItIsNotToday();

private:
    static void append(CaptureWriter &writer, int count);
    static bool rowOfMatchesEveryRow(const CaptureListModel &model);
};

void TestCaptureListModel::append(CaptureWriter &writer, int count)
{
    for (int i = 0; i < count; ++i) {
        CapturedRequest request;
        request.method = "POST";
        request.target = "/n/" + QByteArray::number(i);
        request.raw = "POST " + request.target + " HTTP/1.1\r\n\r\n";
        writer.append(request, 0);
    }
}

bool TestCaptureListModel::rowOfMatchesEveryRow(const CaptureListModel &model)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.rowOf(model.summary(row).id) != row)
            return false;
    }
    return true;
}

void TestCaptureListModel::rowsAreFoundByIdAsTheyComeAndGo()
{
    StoreAndWriter fixture;
    QVERIFY(fixture.start());
    auto &[dir, path, store, writer] = fixture;
    const int stored = CaptureListModel::PageSize + 30;
    append(writer, stored);
    QTRY_COMPARE(store.count(), qint64(stored));

    CaptureListModel model(path);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    connect(&writer, &CaptureWriter::committed, &model, &CaptureListModel::addCommitted);
    QTRY_VERIFY(model.isLoaded());
    while (model.canFetchMore({}))
        model.fetchMore({});
    QTRY_COMPARE(model.rowCount(), stored); // pages appended at the bottom
    QVERIFY(rowOfMatchesEveryRow(model));

    append(writer, 25); // live, taken in at the top
    QTRY_COMPARE(model.rowCount(), stored + 25);
    QVERIFY(rowOfMatchesEveryRow(model));
    QCOMPARE(model.rowOf(model.summary(0).id), 0);

    const qint64 removed = model.summary(40).id;
    model.removeCapture(removed);
    QCOMPARE(model.rowCount(), stored + 24);
    QCOMPARE(model.rowOf(removed), -1);
    QVERIFY(rowOfMatchesEveryRow(model));
    QCOMPARE(model.rowOf(999'999), -1);

    model.reload(); // the tester may ask for the next page at once
    QTRY_VERIFY(model.isLoaded());
    QVERIFY(model.rowCount() >= CaptureListModel::PageSize);
    QVERIFY(rowOfMatchesEveryRow(model));
    writer.stop();
}

// However long captures keep arriving, the list keeps MaxRowsKept rows; the older ones come back
// from the store when the view scrolls down to them. The row current in the view, let go with
// them, is let go quietly: what the detail pane shows stays.
void TestCaptureListModel::liveCapturesLetTheOldestRowsGo()
{
    StoreAndWriter fixture;
    QVERIFY(fixture.start());
    auto &[dir, path, store, writer] = fixture;
    auto *model = new CaptureListModel(path);
    CaptureListView view(model);
    model->setParent(&view);
    connect(&writer, &CaptureWriter::committed, model, &CaptureListModel::addCommitted);
    QTRY_VERIFY(model->isLoaded());

    append(writer, 100);
    QTRY_COMPARE(model->rowCount(), 100);
    const qint64 oldest = model->summary(99).id;
    view.setCurrentIndex(model->index(99, 0));
    QCOMPARE(view.currentId(), oldest);
    QSignalSpy currentChanges(&view, &CaptureListView::currentCaptureChanged);

    const int total = CaptureListModel::MaxRowsKept + 3 * CaptureListModel::PageSize;
    append(writer, total - 100);
    QTRY_COMPARE_WITH_TIMEOUT(store.count(), qint64(total), 60'000);
    QTRY_VERIFY(model->rowCount() > 0 && model->summary(0).id == store.summaries(0, 1)[0].id);
    // A page at a time, down to MaxRowsKept.
    QVERIFY(model->rowCount() >= CaptureListModel::MaxRowsKept);
    QVERIFY(model->rowCount() < CaptureListModel::MaxRowsKept + CaptureListModel::PageSize);
    QCOMPARE(model->rowOf(oldest), -1);
    QVERIFY(rowOfMatchesEveryRow(*model));
    QVERIFY(model->canFetchMore({}));
    QVERIFY(!view.currentIndex().isValid());
    QVERIFY(currentChanges.isEmpty());

    // Scrolled down to them, they come back in order.
    const auto scrolledToTheEnd = [model, total] {
        model->fetchMore({}); // as the view does while the last row shows
        return model->rowCount() == total;
    };
    QTRY_VERIFY_WITH_TIMEOUT(scrolledToTheEnd(), 20'000);
    QCOMPARE(model->rowOf(oldest), total - 1);
    for (int row = 1; row < model->rowCount(); ++row)
        QVERIFY(model->summary(row - 1).id > model->summary(row).id);
    writer.stop();
}

// Sorted oldest first and scrolled to the end, the list takes live captures at the bottom until
// it holds MaxRowsKept rows; later ones are counted as not listed, never kept in memory.
void TestCaptureListModel::anOldestFirstListFollowsUpToItsLimit()
{
    StoreAndWriter fixture;
    QVERIFY(fixture.start());
    auto &[dir, path, store, writer] = fixture;
    append(writer, 300);
    QTRY_COMPARE(store.count(), qint64(300));
    CaptureListModel model(path);
    connect(&writer, &CaptureWriter::committed, &model, &CaptureListModel::addCommitted);
    QSignalSpy hidden(&model, &CaptureListModel::liveCapturesHidden);
    model.sort(CaptureListModel::TimeColumn, Qt::AscendingOrder);
    QTRY_VERIFY(model.isLoaded());
    QTRY_VERIFY((model.fetchMore({}), !model.canFetchMore({}) && model.rowCount() == 300));
    const qint64 oldest = model.summary(0).id;

    const int beyond = 250;
    append(writer, CaptureListModel::MaxRowsKept - 300 + beyond);
    QTRY_COMPARE_WITH_TIMEOUT(store.count(), qint64(CaptureListModel::MaxRowsKept + beyond),
                              60'000);
    QTRY_VERIFY(!hidden.isEmpty() && hidden.last().at(0).toLongLong() == beyond);
    QCOMPARE(model.rowCount(), CaptureListModel::MaxRowsKept);
    QCOMPARE(model.summary(0).id, oldest);
    for (int row = 1; row < model.rowCount(); ++row)
        QVERIFY(model.summary(row - 1).id < model.summary(row).id);
    QCOMPARE(model.summary(model.rowCount() - 1).id, oldest + CaptureListModel::MaxRowsKept - 1);
    QVERIFY(rowOfMatchesEveryRow(model));
    writer.stop();
}

// One unit system in the window: the list's sizes are in KiB like the Overview's and the status
// bar's (the list said "KB" for the same 1024 bytes).
// An imported capture from another day must not look like one that just arrived.
void TestCaptureListModel::timesSayTheDayWhenItIsNotToday()
{
    const QDate today(2026, 11, 30);
    const auto at = [](const QDate &day, const QTime &time) {
        return QDateTime(day, time).toMSecsSinceEpoch() * 1000;
    };
    QCOMPARE(CaptureListModel::timeText(at(today, QTime(9, 5, 7, 42)), today),
             QStringLiteral("09:05:07.042"));
    QCOMPARE(CaptureListModel::timeText(at(QDate(2026, 11, 28), QTime(10, 0, 0)), today),
             QStringLiteral("Nov 28 10:00:00"));
    QCOMPARE(CaptureListModel::timeText(at(QDate(2025, 3, 1), QTime(23, 59, 0)), today),
             QStringLiteral("2025-03-01 23:59"));
}

void TestCaptureListModel::sizesAreInKiB()
{
    StoreAndWriter fixture;
    QVERIFY(fixture.start());
    auto &[dir, path, store, writer] = fixture;
    CapturedRequest request;
    request.method = "POST";
    request.target = "/big";
    request.body = QByteArray(3 * 1024, 'x');
    request.raw = "POST /big HTTP/1.1\r\n\r\n" + request.body;
    writer.append(request, 0);
    QTRY_COMPARE(store.count(), qint64(1));
    CaptureListModel model(path);
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, CaptureListModel::SizeColumn).data().toString(),
             QLocale::system().formattedDataSize(3 * 1024, 1, QLocale::DataSizeIecFormat));
    QVERIFY(model.index(0, CaptureListModel::SizeColumn)
                .data()
                .toString()
                .endsWith(QStringLiteral("KiB")));
    writer.stop();
}

// Through a tunnel: the tunnel and the client in the column, the public URL in its tooltip;
// straight from a client: its address.
void TestCaptureListModel::theSourceSaysWhichTunnelWhoAndWhere()
{
    StoreAndWriter fixture;
    QVERIFY(fixture.start());
    auto &[dir, path, store, writer] = fixture;
    CapturedRequest tunnelled
        = RequestParser::parseStored("POST /hook HTTP/1.1\r\nHost: quiet-sky.trycloudflare.com\r\n"
                                     "CF-Connecting-IP: 203.0.113.7\r\n\r\n");
    tunnelled.remoteAddress = QHostAddress::LocalHost;
    writer.append(tunnelled, 0);
    CapturedRequest direct = RequestParser::parseStored("POST /direct HTTP/1.1\r\n\r\n");
    direct.remoteAddress = QHostAddress(QStringLiteral("192.168.1.20"));
    writer.append(direct, 0);
    QTRY_COMPARE(store.count(), qint64(2));
    CaptureListModel model(path);
    QTRY_COMPARE(model.rowCount(), 2);
    const QModelIndex viaTunnel = model.index(1, CaptureListModel::SourceColumn); // oldest last
    QCOMPARE(viaTunnel.data().toString(), QStringLiteral("cloudflared \u00b7 203.0.113.7"));
    QCOMPARE(viaTunnel.data(Qt::ToolTipRole).toString(),
             QStringLiteral("Came through cloudflared \u00b7 203.0.113.7, sent to "
                            "https://quiet-sky.trycloudflare.com/hook"));
    QCOMPARE(model.index(0, CaptureListModel::SourceColumn).data().toString(),
             QStringLiteral("192.168.1.20"));
    writer.stop();
}

QTEST_MAIN(TestCaptureListModel)
#include "tst_capturelistmodel.moc"
