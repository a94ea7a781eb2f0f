#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>

namespace Hookscope {

// Runs a prepared query; when it fails, says which statement and why on hookscope.store, since
// a read that returns nothing would otherwise look like an empty store.
bool runQuery(QSqlQuery &query);

// A connection of its own to a capture store file (one per thread that reads or writes it),
// with the pragmas every Hookscope connection uses, removed from Qt's registry when done.
class StoreConnection final
{
public:
    explicit StoreConnection(const QString &path);
    ~StoreConnection();
    StoreConnection(const StoreConnection &) = delete;
    StoreConnection &operator=(const StoreConnection &) = delete;

    // Opens the file (again, when it was open) with the pragmas every Hookscope connection
    // uses. `exclusive`: SQLite keeps its log index in memory instead of a -shm file beside the
    // store, which it could not create on a full disk; the connection then locks the store.
    bool open(QString *error, bool exclusive = false);
    void close();
    QSqlDatabase &database() { return m_database; }

private:
    QString m_path;
    QString m_name;
    QSqlDatabase m_database;
};

} // namespace Hookscope
