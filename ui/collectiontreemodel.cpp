#include "collectiontreemodel.h"

#include "capturelistmodel.h"

#include "collections/collectiondocument.h"
#include "session/settings.h"

#include <QApplication>
#include <QFileInfo>
#include <QFont>
#include <QStyle>

#include <functional>
#include <memory>

namespace Hookscope {
namespace {

constexpr int MaxRecent = 10;

} // namespace

CollectionTreeModel::CollectionTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

CollectionTreeModel::~CollectionTreeModel()
{
    qDeleteAll(m_documents);
}

CollectionDocument *CollectionTreeModel::open(const QString &path, QString *error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (CollectionDocument *document : std::as_const(m_documents)) {
        if (document->path() == absolute)
            return document;
    }
    auto document = std::make_unique<CollectionDocument>();
    if (!document->open(path, error))
        return nullptr;
    return adopt(document.release());
}

CollectionDocument *CollectionTreeModel::create(const QString &path, const Collection &collection,
                                                QString *error)
{
    auto document = std::make_unique<CollectionDocument>();
    if (!document->create(path, collection, error))
        return nullptr;
    return adopt(document.release());
}

CollectionDocument *CollectionTreeModel::adopt(CollectionDocument *document)
{
    const int row = int(m_documents.size());
    beginInsertRows({}, row, row);
    m_documents.append(document);
    m_places.clear();
    endInsertRows();
    // Any change may move every item below it: indexes are made again.
    connect(document, &CollectionDocument::changed, this, [this] {
        beginResetModel();
        m_places.clear();
        endResetModel();
    });
    connect(document, &CollectionDocument::reloadedFromDisk, this, [this, document] {
        emit message(tr("%1 changed on disk and was read in again")
                         .arg(QFileInfo(document->path()).fileName()),
                     5000);
    });
    connect(document, &CollectionDocument::conflict, this, &CollectionTreeModel::conflictsChanged);
    connect(document, &CollectionDocument::problem, this,
            [this](const QString &problem) { emit message(problem, 10000); });
    Settings settings;
    QStringList recent = settings.recentCollections();
    recent.removeAll(document->path());
    recent.prepend(document->path());
    settings.setRecentCollections(recent.mid(0, MaxRecent));
    rememberOpen();
    emit opened(document);
    return document;
}

void CollectionTreeModel::close(CollectionDocument *document)
{
    const int row = int(m_documents.indexOf(document));
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_documents.removeAt(row);
    m_places.clear();
    endRemoveRows();
    delete document; // saves first
    rememberOpen();
    emit conflictsChanged();
}

bool CollectionTreeModel::moveToTrash(CollectionDocument *document, QString *error)
{
    const QString path = document->path();
    close(document);
    if (!QFile::moveToTrash(path)) {
        *error = tr("%1 could not be moved to the trash; it is closed but still there").arg(path);
        return false;
    }
    Settings settings;
    QStringList recent = settings.recentCollections();
    recent.removeAll(path);
    settings.setRecentCollections(recent);
    return true;
}

void CollectionTreeModel::reopenLast(QStringList *problems)
{
    for (const QString &path : Settings().openCollections()) {
        QString error;
        if (!open(path, &error))
            problems->append(error);
    }
}

QStringList CollectionTreeModel::recent()
{
    return Settings().recentCollections();
}

void CollectionTreeModel::rememberOpen() const
{
    QStringList paths;
    for (const CollectionDocument *document : m_documents)
        paths.append(document->path());
    Settings().setOpenCollections(paths);
}

CollectionDocument *CollectionTreeModel::firstInConflict() const
{
    for (CollectionDocument *document : m_documents) {
        if (document->isInConflict())
            return document;
    }
    return nullptr;
}

QString CollectionTreeModel::displayName(const CollectionDocument *document)
{
    return document->collection().name.isEmpty() ? QFileInfo(document->path()).completeBaseName()
                                                 : document->collection().name;
}

CollectionDocument *CollectionTreeModel::documentAt(const QModelIndex &index) const
{
    if (!index.isValid())
        return nullptr;
    auto *document = static_cast<CollectionDocument *>(index.internalPointer());
    return m_documents.contains(document) ? document : nullptr;
}

const CollectionItem *CollectionTreeModel::itemAt(const QModelIndex &index) const
{
    if (!index.isValid() || documentAt(index))
        return nullptr;
    return static_cast<const CollectionItem *>(index.internalPointer());
}

std::optional<CollectionPlace> CollectionTreeModel::locate(const CollectionItem *item) const
{
    if (m_places.isEmpty()) {
        // Every item's place at once: views ask for parents of each row they lay out.
        QList<int> path;
        CollectionDocument *document = nullptr;
        const std::function<void(const QList<CollectionItem> &)> walk
            = [&](const QList<CollectionItem> &items) {
                  for (int row = 0; row < items.size(); ++row) {
                      path.append(row);
                      m_places.insert(&items[row], CollectionPlace{document, path});
                      walk(items[row].items);
                      path.removeLast();
                  }
              };
        for (CollectionDocument *each : m_documents) {
            document = each;
            walk(each->collection().items);
        }
    }
    const auto found = m_places.constFind(item);
    return found == m_places.cend() ? std::nullopt : std::optional(*found);
}

CollectionPlace CollectionTreeModel::placeOf(const QModelIndex &index) const
{
    if (CollectionDocument *document = documentAt(index))
        return {document, {}};
    if (const CollectionItem *item = itemAt(index))
        return locate(item).value_or(CollectionPlace());
    return {};
}

QModelIndex CollectionTreeModel::indexOf(const CollectionPlace &place) const
{
    const int row = int(m_documents.indexOf(place.document));
    if (row < 0)
        return {};
    QModelIndex found = index(row, 0);
    for (const int child : place.path) {
        if (child < 0 || child >= rowCount(found))
            return {};
        found = index(child, 0, found);
    }
    return found;
}

QModelIndex CollectionTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (row < 0 || column != 0)
        return {};
    if (!parent.isValid())
        return row < m_documents.size() ? createIndex(row, 0, m_documents.at(row)) : QModelIndex();
    const QList<CollectionItem> *items = nullptr;
    if (const CollectionDocument *document = documentAt(parent))
        items = &document->collection().items;
    else if (const CollectionItem *folder = itemAt(parent))
        items = &folder->items;
    if (!items || row >= items->size())
        return {};
    return createIndex(row, 0, const_cast<CollectionItem *>(&items->at(row)));
}

QModelIndex CollectionTreeModel::parent(const QModelIndex &child) const
{
    const CollectionItem *item = itemAt(child);
    if (!item)
        return {};
    const std::optional<CollectionPlace> place = locate(item);
    if (!place)
        return {};
    return indexOf({place->document, place->path.mid(0, place->path.size() - 1)});
}

int CollectionTreeModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_documents.size());
    if (const CollectionDocument *document = documentAt(parent))
        return int(document->collection().items.size());
    const CollectionItem *item = itemAt(parent);
    return item ? int(item->items.size()) : 0;
}

int CollectionTreeModel::columnCount(const QModelIndex &) const
{
    return 1;
}

QVariant CollectionTreeModel::data(const QModelIndex &index, int role) const
{
    if (const CollectionDocument *document = documentAt(index)) {
        switch (role) {
        case Qt::DisplayRole:
        case Qt::EditRole: return displayName(document);
        case Qt::ToolTipRole: return document->path();
        case Qt::DecorationRole: return QApplication::style()->standardIcon(QStyle::SP_DirHomeIcon);
        case Qt::FontRole: {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        default: return {};
        }
    }
    const CollectionItem *item = itemAt(index);
    if (!item)
        return {};
    const QString method = QString::fromUtf8(item->request.method);
    switch (role) {
    case Qt::DisplayRole:
        return item->isFolder ? item->name : method + QStringLiteral("  ") + item->name;
    case Qt::EditRole: return item->name;
    case Qt::ToolTipRole:
        return item->isFolder ? QVariant()
                              : QVariant(method + QLatin1Char(' ') + item->request.url);
    case Qt::DecorationRole:
        return item->isFolder ? QVariant(QApplication::style()->standardIcon(QStyle::SP_DirIcon))
                              : QVariant();
    default: return {};
    }
}

bool CollectionTreeModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    const QString name = value.toString().trimmed();
    const CollectionPlace place = placeOf(index);
    if (role != Qt::EditRole || name.isEmpty() || !place.document)
        return false;
    if (place.path.isEmpty())
        place.document->setName(name);
    else
        place.document->renameItem(place.path, name);
    return true;
}

Qt::ItemFlags CollectionTreeModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::ItemIsDropEnabled; // dropped below the last row: the selected collection
    const CollectionItem *item = itemAt(index);
    const Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsEditable;
    return item && !item->isFolder ? flags : flags | Qt::ItemIsDropEnabled;
}

QStringList CollectionTreeModel::mimeTypes() const
{
    return {QString::fromLatin1(CaptureListModel::IdsMimeType)};
}

Qt::DropActions CollectionTreeModel::supportedDropActions() const
{
    return Qt::CopyAction;
}

bool CollectionTreeModel::dropMimeData(const QMimeData *data, Qt::DropAction, int, int,
                                       const QModelIndex &parent)
{
    const QList<qint64> ids = CaptureListModel::idsFrom(data);
    if (ids.isEmpty())
        return false;
    emit capturesDropped(placeOf(parent), ids);
    return true;
}

} // namespace Hookscope
