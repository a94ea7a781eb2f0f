#pragma once

#include <QByteArrayView>
#include <QString>

class QSqlDatabase;
struct sqlite3;
struct sqlite3_stmt;

namespace Hookscope {

// A prepared statement on the SQLite handle under a QSQLITE connection, for what runs tens of
// thousands of times a second (the capture writer's inserts) or reads a million rows (the
// Traffic view's counts): binding and reading UTF-8 and blobs in place avoids QVariant and
// UTF-16 round trips. Bound bytes must outlive run() or the last next().
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
    // Steps a query to its next row: false, and reset for the next use, after the last one or
    // on an error (then failed() says so until the next step).
    bool next();
    bool failed() const { return m_failed; }
    // The current row's columns, which start at 0 as in SQLite; text is valid until the next
    // step.
    qint64 int64At(int column) const;
    QByteArrayView textAt(int column) const;
    QString errorMessage() const;

private:
    sqlite3 *m_database;
    sqlite3_stmt *m_statement = nullptr;
    QString m_prepareError; // why the statement could not be prepared
    bool m_failed = false;
};

} // namespace Hookscope
