#include "sqlitestatement.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QVariant>

#include <sqlite3.h>

namespace Hookscope {

sqlite3 *SqliteStatement::handleOf(const QSqlDatabase &database)
{
    const QVariant handle = database.driver() ? database.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

SqliteStatement::SqliteStatement(sqlite3 *database, const char *sql)
    : m_database(database)
{
    if (m_database
        && sqlite3_prepare_v3(m_database, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
               != SQLITE_OK) {
        m_statement = nullptr;
        // Kept now: the connection's last message is another statement's once one succeeds.
        m_prepareError = QString::fromUtf8(sqlite3_errmsg(m_database));
    }
}

SqliteStatement::~SqliteStatement()
{
    sqlite3_finalize(m_statement);
}

void SqliteStatement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_statement, index, value);
}

void SqliteStatement::bindText(int index, QByteArrayView utf8)
{
    // A zero-length text is still text, not NULL: the pointer must not be null.
    sqlite3_bind_text(m_statement, index, utf8.isNull() ? "" : utf8.data(), int(utf8.size()),
                      SQLITE_STATIC);
}

void SqliteStatement::bindBlob(int index, QByteArrayView bytes)
{
    sqlite3_bind_blob64(m_statement, index, bytes.isNull() ? "" : bytes.data(),
                        sqlite3_uint64(bytes.size()), SQLITE_STATIC);
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_statement, index);
}

void SqliteStatement::bindTextOrNull(int index, QByteArrayView utf8)
{
    if (utf8.isEmpty())
        bindNull(index);
    else
        bindText(index, utf8);
}

void SqliteStatement::bindBlobOrNull(int index, QByteArrayView bytes)
{
    if (bytes.isEmpty())
        bindNull(index);
    else
        bindBlob(index, bytes);
}

bool SqliteStatement::run()
{
    int status = SQLITE_ROW;
    while (status == SQLITE_ROW)
        status = sqlite3_step(m_statement);
    sqlite3_reset(m_statement);
    return status == SQLITE_DONE;
}

bool SqliteStatement::next()
{
    if (!m_statement) {
        m_failed = true;
        return false;
    }
    const int status = sqlite3_step(m_statement);
    if (status == SQLITE_ROW) {
        m_failed = false;
        return true;
    }
    m_failed = status != SQLITE_DONE;
    sqlite3_reset(m_statement);
    return false;
}

qint64 SqliteStatement::int64At(int column) const
{
    return sqlite3_column_int64(m_statement, column);
}

QByteArrayView SqliteStatement::textAt(int column) const
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column));
    return QByteArrayView(text, sqlite3_column_bytes(m_statement, column));
}

QString SqliteStatement::errorMessage() const
{
    if (!m_prepareError.isEmpty())
        return m_prepareError;
    return QString::fromUtf8(m_database ? sqlite3_errmsg(m_database) : "no database handle");
}

} // namespace Hookscope
