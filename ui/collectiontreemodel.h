#pragma once

#include <QAbstractItemModel>
#include <QHash>
#include <QMetaType>

#include <optional>

namespace Hookscope {

class CollectionDocument;
struct Collection;
struct CollectionItem;

// Where a request goes in a collection: the collection and a folder's path (empty: the top).
struct CollectionPlace
{
    CollectionDocument *document = nullptr;
    QList<int> path;
};

// The open collections as a tree: each file at the top, its folders and requests below. The
// documents are the only data: an index points into a document's collection, and the model is
// reset whenever a document changes. Names are edited in place; capture rows dropped on a
// collection or folder are reported through capturesDropped(). Which files are open, and were
// lately, is kept across restarts.
class CollectionTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    explicit CollectionTreeModel(QObject *parent = nullptr);
    ~CollectionTreeModel() override; // deletes the documents; each saves what it has not yet

    const QList<CollectionDocument *> &documents() const { return m_documents; }
    // Opens the file (listed last), or finds it when it is open already; null with the reason
    // in `error`.
    CollectionDocument *open(const QString &path, QString *error);
    // Writes `collection` to a new file at `path` and opens it.
    CollectionDocument *create(const QString &path, const Collection &collection, QString *error);
    // Saves and closes it.
    void close(CollectionDocument *document);
    // Closes it and moves its file to the trash; false, saying why, when the file stays.
    bool moveToTrash(CollectionDocument *document, QString *error);
    // The files open at the last exit, opened again; what could not be, said in `problems`.
    void reopenLast(QStringList *problems);
    // The files opened lately, the latest first.
    static QStringList recent();
    // The first document changed here and outside (see CollectionDocument::conflict()).
    CollectionDocument *firstInConflict() const;

    CollectionPlace placeOf(const QModelIndex &index) const;
    QModelIndex indexOf(const CollectionPlace &place) const;
    // The collection's name, or its file's when it has none.
    static QString displayName(const CollectionDocument *document);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    Qt::DropActions supportedDropActions() const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

signals:
    void opened(Hookscope::CollectionDocument *document);
    // A document read in its file changed outside, or could not save or read it.
    void message(const QString &text, int timeoutMs);
    // A document went into conflict, or out of it.
    void conflictsChanged();
    // Capture rows were dropped on `place` (no document: on no collection in particular).
    void capturesDropped(const Hookscope::CollectionPlace &place, const QList<qint64> &ids);

private:
    CollectionDocument *adopt(CollectionDocument *document);
    void rememberOpen() const;
    CollectionDocument *documentAt(const QModelIndex &index) const;
    const CollectionItem *itemAt(const QModelIndex &index) const;
    // Where an item of an open document is, found by its address.
    std::optional<CollectionPlace> locate(const CollectionItem *item) const;

    QList<CollectionDocument *> m_documents;
    // Each item's place, worked out on the first locate() after the documents changed.
    mutable QHash<const CollectionItem *, CollectionPlace> m_places;
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::CollectionPlace)
