#pragma once

#include <QByteArrayView>
#include <QString>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

namespace Hookscope {

// A prepared statement on the SQLite handle under a QSQLITE connection. Only the capture
// writer's inserts use it: they run tens of thousands of times a second, and binding UTF-8 and
// blobs in place avoids QVariant and UTF-16 round trips. Bound bytes must outlive run().
class SqliteStatement final
{
public:
    // The sqlite3 handle of an open QSQLITE connection, or nullptr.
    static sqlite3 *handleOf(const QSqlDatabase &database);

    SqliteStatement(sqlite3 *database, const char *sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement &) = delete;
    SqliteStatement &operator=(const SqliteStatement &) = delete;

    bool isValid() const { return m_statement != nullptr; }
    // Indexes start at 1, as in SQLite.
    void bind(int index, qint64 value);
    void bindText(int index, QByteArrayView utf8);
    void bindBlob(int index, QByteArrayView bytes);
    void bindNull(int index);
    // NULL for empty values.
    void bindTextOrNull(int index, QByteArrayView utf8);
    void bindBlobOrNull(int index, QByteArrayView bytes);
    // Runs the statement to completion and resets it for the next use.
    bool run();
    QString errorMessage() const;

private:
    sqlite3 *m_database;
    sqlite3_stmt *m_statement = nullptr;
    QString m_prepareError; // why the statement could not be prepared
};

} // namespace Hookscope
