#pragma once

#include "collection.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QTimer>

namespace Hookscope {

// An open collection file: every change is saved shortly after it is made (atomically), and a
// change made to the file by someone else — a git pull, an editor — is read in. When both
// changed, nothing is overwritten: conflict() asks which to keep.
class CollectionDocument final : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultAutosaveDelayMs = 300;

    explicit CollectionDocument(QObject *parent = nullptr);
    ~CollectionDocument() override; // saves what is not saved yet

    bool open(const QString &path, QString *error);
    // A new file at `path` holding `collection` (which may already have items, e.g. imported).
    bool create(const QString &path, const Collection &collection, QString *error);

    QString path() const { return m_path; }
    const Collection &collection() const { return m_collection; }
    bool hasUnsavedChanges() const { return m_dirty; }
    // Changed here and outside (see conflict()) until saveNow() or reload() settles it.
    bool isInConflict() const { return m_inConflict; }

    void setAutosaveDelay(int milliseconds) { m_autosave.setInterval(milliseconds); }

    // Changes, each saved a moment later (the autosave delay). `parent` is a folder's path (empty:
    // the top).
    void addItem(const QList<int> &parent, const CollectionItem &item);
    void removeItem(const QList<int> &path);
    void renameItem(const QList<int> &path, const QString &name);
    void setRequest(const QList<int> &path, const RequestTemplate &request);
    void setName(const QString &name);
    void setVariables(const QList<Variable> &variables, const QList<Environment> &environments);
    // Adds `other`'s items to the folder at `folder`, and its variables not defined here.
    void merge(const Collection &other, const QList<int> &folder = {});

    bool saveNow(QString *error);
    // Throws away what is not saved and reads the file again.
    bool reload(QString *error);

signals:
    void changed();
    // The file was changed by someone else and has been read in.
    void reloadedFromDisk();
    // The file was changed by someone else while changes made here were not saved yet: nothing
    // is saved until saveNow() (keep these) or reload() (take the file's).
    void conflict();
    // Saving or reading it again failed; the collection in memory is kept.
    void problem(const QString &message);

private:
    void edited();
    void fileChanged();
    void watch();

    QString m_path;
    Collection m_collection;
    QByteArray m_savedBytes; // what the file held when last read or written here
    bool m_dirty = false;
    bool m_inConflict = false;
    QTimer m_autosave;
    QFileSystemWatcher m_watcher;
};

} // namespace Hookscope
