#include "collections/collectiondocument.h"

#include <QFile>
#include <QSaveFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;

class TestCollectionDocument final : public QObject
{
    Q_OBJECT
private slots:
    void changesAreSavedAutomatically();
    void outsideChangesAreReadIn();
    void whenBothChangedNothingIsOverwritten();
    void aBrokenOutsideEditIsNotOverwritten();
};

namespace {

CollectionItem item(const QString &name)
{
    CollectionItem item;
    item.name = name;
    item.request.url = QStringLiteral("http://h/") + name;
    return item;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// As an editor or `git pull` would: a new file put in place of the old.
void writeOutside(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
    QVERIFY(file.commit());
}

} // namespace

void TestCollectionDocument::changesAreSavedAutomatically()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.json"));
    QString error;
    {
        CollectionDocument document;
        Collection empty;
        empty.name = QStringLiteral("c");
        QVERIFY2(document.create(path, empty, &error), qPrintable(error));
        QSignalSpy changed(&document, &CollectionDocument::changed);
        CollectionItem folder = item(QStringLiteral("folder"));
        folder.isFolder = true;
        document.addItem({}, folder);
        document.addItem({0}, item(QStringLiteral("a")));
        document.renameItem({0, 0}, QStringLiteral("renamed"));
        QCOMPARE(changed.size(), 3);
        QVERIFY(document.hasUnsavedChanges());
        QTRY_VERIFY(!document.hasUnsavedChanges());
        const std::optional<Collection> saved = Collection::load(path, &error);
        QVERIFY2(saved, qPrintable(error));
        QCOMPARE(saved->item({0, 0})->name, QStringLiteral("renamed"));

        document.setAutosaveDelay(60'000);
        document.removeItem({0, 0});
        QVERIFY(document.hasUnsavedChanges());
    } // closing saves what was not saved yet
    const std::optional<Collection> closed = Collection::load(path, &error);
    QVERIFY2(closed, qPrintable(error));
    QVERIFY(closed->item({0})->items.isEmpty());
}

void TestCollectionDocument::outsideChangesAreReadIn()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.json"));
    Collection collection;
    collection.items = {item(QStringLiteral("a"))};
    QString error;
    QVERIFY(collection.save(path, &error));
    CollectionDocument document;
    QVERIFY2(document.open(path, &error), qPrintable(error));
    QSignalSpy reloaded(&document, &CollectionDocument::reloadedFromDisk);

    // Its own save is not taken for someone else's change.
    document.addItem({}, item(QStringLiteral("b")));
    QVERIFY(document.saveNow(&error));

    collection.items
        = {item(QStringLiteral("x")), item(QStringLiteral("y")), item(QStringLiteral("z"))};
    writeOutside(path, collection.toJson());
    QTRY_COMPARE(reloaded.size(), 1);
    QCOMPARE(document.collection().items.size(), 3);
    QCOMPARE(document.collection().items[0].name, QStringLiteral("x"));

    // And again: the watch outlives the file being replaced.
    collection.items.removeLast();
    writeOutside(path, collection.toJson());
    QTRY_COMPARE(reloaded.size(), 2);
    QCOMPARE(document.collection().items.size(), 2);
}

void TestCollectionDocument::whenBothChangedNothingIsOverwritten()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.json"));
    Collection collection;
    QString error;
    QVERIFY(collection.save(path, &error));
    CollectionDocument document;
    QVERIFY(document.open(path, &error));
    document.setAutosaveDelay(60'000); // an edit here is still unsaved when the file changes
    QSignalSpy conflict(&document, &CollectionDocument::conflict);

    document.addItem({}, item(QStringLiteral("mine")));
    collection.items = {item(QStringLiteral("theirs"))};
    const QByteArray theirs = collection.toJson();
    writeOutside(path, theirs);
    QTRY_COMPARE(conflict.size(), 1);
    QCOMPARE(readAll(path), theirs);
    QCOMPARE(document.collection().items[0].name, QStringLiteral("mine"));

    // Taking the file's.
    QVERIFY(document.reload(&error));
    QCOMPARE(document.collection().items[0].name, QStringLiteral("theirs"));
    QVERIFY(!document.hasUnsavedChanges());

    // Keeping mine.
    document.addItem({}, item(QStringLiteral("mine again")));
    writeOutside(path, Collection().toJson());
    QTRY_COMPARE(conflict.size(), 2);
    QVERIFY(document.saveNow(&error));
    const std::optional<Collection> saved = Collection::load(path, &error);
    QCOMPARE(saved->items.size(), 2);
    QCOMPARE(saved->items[1].name, QStringLiteral("mine again"));
}

void TestCollectionDocument::aBrokenOutsideEditIsNotOverwritten()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("c.json"));
    QString error;
    QVERIFY(Collection().save(path, &error));
    CollectionDocument document;
    QVERIFY(document.open(path, &error));
    document.setAutosaveDelay(0);
    QSignalSpy problem(&document, &CollectionDocument::problem);
    QSignalSpy conflict(&document, &CollectionDocument::conflict);
    const QByteArray broken = "{\n  \"format\": \"hookscope-collection\",\n  \"items\": [\n";
    writeOutside(path, broken);
    QTRY_COMPARE(problem.size(), 1);
    QCOMPARE(conflict.size(), 1);
    QVERIFY2(problem.first().first().toString().contains(
                 QLatin1String("changed outside Hookscope and cannot be read")),
             qPrintable(problem.first().first().toString()));
    document.addItem({}, item(QStringLiteral("a")));
    QVERIFY(document.hasUnsavedChanges());
    QCoreApplication::processEvents(); // a zero-delay autosave would run here
    QCoreApplication::processEvents();
    QVERIFY(document.hasUnsavedChanges());
    QCOMPARE(readAll(path), broken);
}

QTEST_GUILESS_MAIN(TestCollectionDocument)
#include "tst_collectiondocument.moc"
