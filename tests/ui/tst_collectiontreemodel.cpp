#include "capturelistmodel.h"
#include "collectiontreemodel.h"

#include "collections/collection.h"
#include "collections/collectiondocument.h"
#include "session/settings.h"

#include "offscreen.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QMimeData>
#include <QSaveFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;

// The collections tree over the open documents: what it shows, where each index points, edits
// and drops, and which files are open and recent across restarts.
class TestCollectionTreeModel final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void initTestCase();
    void init();
    void showsTheDocumentsAsTheyAre();
    void everyIndexLeadsBackToItsPlace();
    void renamesGoToTheDocument();
    void changesInAFileAreShown();
    void capturesDroppedOnAFolderAreReported();
    void openFilesAndRecentOnesAreRemembered();
    void conflictsAreReported();

private:
    static Collection sample();
    QString writeCollection(const QString &name, const Collection &collection);
    QTemporaryDir m_dir;
};

Collection TestCollectionTreeModel::sample()
{
    Collection collection;
    collection.name = QStringLiteral("Webhooks");
    CollectionItem folder;
    folder.name = QStringLiteral("Stripe");
    folder.isFolder = true;
    CollectionItem paid;
    paid.name = QStringLiteral("invoice.paid");
    paid.request.method = "POST";
    paid.request.url = QStringLiteral("{{baseUrl}}/stripe");
    folder.items = {paid};
    CollectionItem ping;
    ping.name = QStringLiteral("ping");
    ping.request.url = QStringLiteral("{{baseUrl}}/ping");
    collection.items = {folder, ping};
    return collection;
}

QString TestCollectionTreeModel::writeCollection(const QString &name, const Collection &collection)
{
    const QString path = m_dir.filePath(name);
    QString error;
    if (!collection.save(path, &error))
        qFatal("%s", qPrintable(error));
    return path;
}

void TestCollectionTreeModel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QCoreApplication::setOrganizationName(QStringLiteral("hookscope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("hookscope"));
}

void TestCollectionTreeModel::init()
{
    Settings().clear();
}

void TestCollectionTreeModel::showsTheDocumentsAsTheyAre()
{
    CollectionTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    const QString path = writeCollection(QStringLiteral("webhooks.json"), sample());
    CollectionDocument *document = model.open(path, &error);
    QVERIFY2(document, qPrintable(error));
    Collection unnamed;
    QVERIFY(model.create(m_dir.filePath(QStringLiteral("scratch.json")), unnamed, &error));

    QCOMPARE(model.rowCount(), 2);
    const QModelIndex top = model.index(0, 0);
    QCOMPARE(top.data().toString(), QStringLiteral("Webhooks"));
    QCOMPARE(top.data(Qt::ToolTipRole).toString(), document->path());
    QVERIFY(top.data(Qt::FontRole).value<QFont>().bold());
    QCOMPARE(model.index(1, 0).data().toString(), QStringLiteral("scratch")); // the file's name
    QCOMPARE(model.rowCount(top), 2);
    const QModelIndex folder = model.index(0, 0, top);
    QCOMPARE(folder.data().toString(), QStringLiteral("Stripe"));
    QVERIFY(model.flags(folder) & Qt::ItemIsDropEnabled);
    const QModelIndex paid = model.index(0, 0, folder);
    QCOMPARE(paid.data().toString(), QStringLiteral("POST  invoice.paid"));
    QCOMPARE(paid.data(Qt::EditRole).toString(), QStringLiteral("invoice.paid"));
    QCOMPARE(paid.data(Qt::ToolTipRole).toString(), QStringLiteral("POST {{baseUrl}}/stripe"));
    QVERIFY(!(model.flags(paid) & Qt::ItemIsDropEnabled));
    QCOMPARE(model.parent(paid), folder);
    QCOMPARE(model.parent(folder), top);
    QCOMPARE(model.rowCount(paid), 0);

    // Opening a file that is open already gives the same document, not a second row.
    QCOMPARE(model.open(path, &error), document);
    QCOMPARE(model.rowCount(), 2);
    QVERIFY(!model.open(m_dir.filePath(QStringLiteral("missing.json")), &error));
    QVERIFY2(error.contains(QStringLiteral("missing.json")), qPrintable(error));
}

void TestCollectionTreeModel::everyIndexLeadsBackToItsPlace()
{
    CollectionTreeModel model;
    QString error;
    CollectionDocument *document
        = model.open(writeCollection(QStringLiteral("a.json"), sample()), &error);
    QVERIFY(document);
    const QList<QList<int>> paths{{}, {0}, {0, 0}, {1}};
    for (const QList<int> &path : paths) {
        const QModelIndex index = model.indexOf({document, path});
        QVERIFY(index.isValid());
        const CollectionPlace place = model.placeOf(index);
        QCOMPARE(place.document, document);
        QCOMPARE(place.path, path);
    }
    QVERIFY(!model.indexOf({document, {5}}).isValid());
    QVERIFY(!model.indexOf({nullptr, {}}).isValid());
    QVERIFY(!model.placeOf({}).document);
}

void TestCollectionTreeModel::renamesGoToTheDocument()
{
    CollectionTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    CollectionDocument *document
        = model.open(writeCollection(QStringLiteral("b.json"), sample()), &error);
    QVERIFY(document);
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QVERIFY(model.setData(model.indexOf({document, {0, 0}}), QStringLiteral("  invoice.sent ")));
    QCOMPARE(document->collection().item({0, 0})->name, QStringLiteral("invoice.sent"));
    QCOMPARE(resets.size(), 1);
    QCOMPARE(model.indexOf({document, {0, 0}}).data().toString(),
             QStringLiteral("POST  invoice.sent"));
    QVERIFY(model.setData(model.indexOf({document, {}}), QStringLiteral("Renamed")));
    QCOMPARE(document->collection().name, QStringLiteral("Renamed"));
    // An empty name is not a name.
    QVERIFY(!model.setData(model.indexOf({document, {1}}), QStringLiteral("   ")));
    QCOMPARE(document->collection().item({1})->name, QStringLiteral("ping"));
    QVERIFY(document->saveNow(&error));
    QCOMPARE(Collection::load(document->path(), &error)->item({0, 0})->name,
             QStringLiteral("invoice.sent"));
}

void TestCollectionTreeModel::changesInAFileAreShown()
{
    CollectionTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    const QString path = writeCollection(QStringLiteral("c.json"), sample());
    CollectionDocument *document = model.open(path, &error);
    QVERIFY(document);
    QSignalSpy messages(&model, &CollectionTreeModel::message);

    // Added here: shown at once.
    CollectionItem added;
    added.name = QStringLiteral("added");
    document->addItem({0}, added);
    QCOMPARE(model.rowCount(model.indexOf({document, {0}})), 2);
    QVERIFY(document->saveNow(&error));

    // Changed in the file by someone else (a git pull): read in and shown.
    Collection outside = *Collection::load(path, &error);
    outside.items.removeFirst();
    QSaveFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(outside.toJson());
    QVERIFY(file.commit());
    QTRY_COMPARE(model.rowCount(model.indexOf({document, {}})), 1);
    QCOMPARE(model.indexOf({document, {0}}).data().toString(), QStringLiteral("GET  ping"));
    QVERIFY(!messages.isEmpty());
    QVERIFY(messages.last().first().toString().contains(QStringLiteral("read in again")));
}

void TestCollectionTreeModel::capturesDroppedOnAFolderAreReported()
{
    CollectionTreeModel model;
    QString error;
    CollectionDocument *document
        = model.open(writeCollection(QStringLiteral("d.json"), sample()), &error);
    QVERIFY(document);
    QVERIFY(model.mimeTypes().contains(QString::fromLatin1(CaptureListModel::IdsMimeType)));
    QSignalSpy dropped(&model, &CollectionTreeModel::capturesDropped);
    QMimeData data;
    data.setData(QString::fromLatin1(CaptureListModel::IdsMimeType), "7,9");
    QVERIFY(model.dropMimeData(&data, Qt::CopyAction, -1, 0, model.indexOf({document, {0}})));
    QCOMPARE(dropped.size(), 1);
    const auto place = dropped.first().at(0).value<CollectionPlace>();
    QCOMPARE(place.document, document);
    QCOMPARE(place.path, QList<int>{0});
    QCOMPARE(dropped.first().at(1).value<QList<qint64>>(), (QList<qint64>{7, 9}));

    // Something else dropped: nothing happens.
    QMimeData text;
    text.setText(QStringLiteral("7,9"));
    QVERIFY(!model.dropMimeData(&text, Qt::CopyAction, -1, 0, model.indexOf({document, {0}})));
    QCOMPARE(dropped.size(), 1);
}

void TestCollectionTreeModel::openFilesAndRecentOnesAreRemembered()
{
    const QString first = writeCollection(QStringLiteral("e.json"), sample());
    const QString second = writeCollection(QStringLiteral("f.json"), sample());
    QString error;
    {
        CollectionTreeModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.open(first, &error));
        CollectionDocument *closing = model.open(second, &error);
        QVERIFY(closing);
        QCOMPARE(CollectionTreeModel::recent(), (QStringList{second, first}));
        model.close(closing);
        QCOMPARE(model.rowCount(), 1);
    }
    CollectionTreeModel again;
    QStringList problems;
    again.reopenLast(&problems);
    QVERIFY(problems.isEmpty());
    QCOMPARE(again.documents().size(), 1);
    QCOMPARE(again.documents().first()->path(), first);

    // A file gone meanwhile is named, not silently dropped.
    QVERIFY(QFile::remove(first));
    CollectionTreeModel third;
    third.reopenLast(&problems);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.first().contains(QStringLiteral("e.json")), qPrintable(problems.first()));
}

void TestCollectionTreeModel::conflictsAreReported()
{
    CollectionTreeModel model;
    QString error;
    const QString path = writeCollection(QStringLiteral("g.json"), sample());
    CollectionDocument *document = model.open(path, &error);
    QVERIFY(document);
    document->setAutosaveDelay(60'000); // the change made here stays unsaved
    QSignalSpy conflicts(&model, &CollectionTreeModel::conflictsChanged);
    document->renameItem({1}, QStringLiteral("mine"));
    Collection theirs = sample();
    theirs.items[1].name = QStringLiteral("theirs");
    QSaveFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(theirs.toJson());
    QVERIFY(file.commit());
    QTRY_COMPARE(conflicts.size(), 1);
    QCOMPARE(model.firstInConflict(), document);
    QVERIFY(document->saveNow(&error));
    QCOMPARE(model.firstInConflict(), nullptr);
}

QTEST_MAIN(TestCollectionTreeModel)
#include "tst_collectiontreemodel.moc"
