#include "capturelistmodel.h"

#include "store/capturestore.h"
#include "store/capturewriter.h"

#include "offscreen.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;

// The capture list: pages from the store, live captures at the top, and rows found by capture
// id in constant time whichever way rows came in or went.
class TestCaptureListModel final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void rowsAreFoundByIdAsTheyComeAndGo();

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
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.sqlite"));
    CaptureStore store(path);
    QVERIFY(store.open());
    CaptureWriter writer(path);
    QVERIFY(writer.start(nullptr));
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

QTEST_MAIN(TestCaptureListModel)
#include "tst_capturelistmodel.moc"
