#include "collectiondocument.h"

#include "importer.h"
#include "wire/jsonfile.h"

#include <QFileInfo>

namespace Hookscope {

CollectionDocument::CollectionDocument(QObject *parent)
    : QObject(parent)
{
    m_autosave.setSingleShot(true);
    m_autosave.setInterval(DefaultAutosaveDelayMs);
    connect(&m_autosave, &QTimer::timeout, this, [this] {
        QString error;
        if (!saveNow(&error))
            emit problem(error);
    });
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &CollectionDocument::fileChanged);
}

CollectionDocument::~CollectionDocument()
{
    if (m_dirty && !m_inConflict) {
        QString error;
        saveNow(&error);
    }
}

bool CollectionDocument::open(const QString &path, QString *error)
{
    m_path = QFileInfo(path).absoluteFilePath();
    return reload(error);
}

bool CollectionDocument::create(const QString &path, const Collection &collection, QString *error)
{
    m_path = QFileInfo(path).absoluteFilePath();
    m_collection = collection;
    m_dirty = true;
    return saveNow(error);
}

void CollectionDocument::addItem(const QList<int> &parent, const CollectionItem &item)
{
    if (QList<CollectionItem> *items = m_collection.itemsAt(parent)) {
        items->append(item);
        edited();
    }
}

void CollectionDocument::removeItem(const QList<int> &path)
{
    QList<CollectionItem> *items = m_collection.itemsAt(path.mid(0, path.size() - 1));
    if (items && !path.isEmpty() && path.last() >= 0 && path.last() < items->size()) {
        items->removeAt(path.last());
        edited();
    }
}

void CollectionDocument::renameItem(const QList<int> &path, const QString &name)
{
    if (CollectionItem *item = m_collection.item(path); item && item->name != name) {
        item->name = name;
        edited();
    }
}

void CollectionDocument::setRequest(const QList<int> &path, const RequestTemplate &request)
{
    if (CollectionItem *item = m_collection.item(path); item && !item->isFolder) {
        item->request = request;
        edited();
    }
}

void CollectionDocument::setName(const QString &name)
{
    m_collection.name = name;
    edited();
}

void CollectionDocument::setVariables(const QList<Variable> &variables,
                                      const QList<Environment> &environments)
{
    m_collection.variables = variables;
    m_collection.environments = environments;
    edited();
}

void CollectionDocument::merge(const Collection &other, const QList<int> &folder)
{
    Importer::merge(other, &m_collection, folder);
    edited();
}

bool CollectionDocument::saveNow(QString *error)
{
    m_autosave.stop();
    const QByteArray bytes = m_collection.toJson();
    if (!JsonFile::writeAtomically(m_path, bytes, error))
        return false;
    m_savedBytes = bytes;
    m_dirty = false;
    m_inConflict = false;
    watch(); // the file is a new one: the old one's watch went with it
    return true;
}

bool CollectionDocument::reload(QString *error)
{
    m_autosave.stop();
    const std::optional<QByteArray> bytes = JsonFile::read(m_path, error);
    if (!bytes)
        return false;
    QString problem;
    std::optional<Collection> collection = Collection::fromJson(*bytes, &problem);
    if (!collection) {
        *error = m_path + QStringLiteral(": ") + problem;
        return false;
    }
    m_collection = *collection;
    m_savedBytes = *bytes;
    m_dirty = false;
    m_inConflict = false;
    watch();
    emit changed();
    return true;
}

void CollectionDocument::edited()
{
    m_dirty = true;
    if (!m_inConflict)
        m_autosave.start();
    emit changed();
}

void CollectionDocument::watch()
{
    if (!m_watcher.files().isEmpty())
        m_watcher.removePaths(m_watcher.files());
    if (QFileInfo::exists(m_path))
        m_watcher.addPath(m_path);
}

void CollectionDocument::fileChanged()
{
    QString error;
    const std::optional<QByteArray> bytes = JsonFile::read(m_path, &error);
    watch(); // an editor that saves by replacing the file ends the old watch
    if (!bytes) {
        emit problem(QStringLiteral("%1 was removed or cannot be read outside Hookscope; "
                                    "what is shown is kept in memory")
                         .arg(m_path));
        return;
    }
    if (*bytes == m_savedBytes)
        return; // our own save, or no change
    if (m_dirty) {
        m_inConflict = true;
        m_autosave.stop();
        emit conflict();
        return;
    }
    if (!reload(&error)) {
        emit problem(QStringLiteral("%1 changed outside Hookscope and cannot be read (%2); "
                                    "nothing is saved over it until it is fixed or reloaded")
                         .arg(m_path, error));
        m_inConflict = true;
        emit conflict();
        return;
    }
    emit reloadedFromDisk();
}

} // namespace Hookscope
