#include "storeconnection.h"

#include "capturestore.h"
#include "sqlitestatement.h"

#include "wire/logging.h"

#include <QAtomicInteger>
#include <QSqlError>

#include <sqlite3.h>

#include <chrono>
#include <thread>

namespace Hookscope {
namespace {

QAtomicInteger<quint64> connectionCounter;

} // namespace

bool runQuery(QSqlQuery &query)
{
    if (query.exec())
        return true;
    if (query.lastError().nativeErrorCode() == QLatin1String("9")) // SQLITE_INTERRUPT: cancelled
        return false;
    qCWarning(lcStore).noquote() << "failed:" << query.lastQuery().simplified() << "--"
                                 << query.lastError().text();
    return false;
}

StoreConnection::StoreConnection(const QString &path)
    : m_path(path)
    , m_name(QStringLiteral("hookscope-connection-%1").arg(++connectionCounter))
{}

StoreConnection::~StoreConnection()
{
    close();
}

void StoreConnection::close()
{
    if (!m_database.isValid())
        return;
    m_database.close();
    m_database = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

bool StoreConnection::open(QString *error, bool exclusive)
{
    close();
    m_database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    QSqlDatabase &database = m_database;
    database.setDatabaseName(m_path);
    database.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000"));
    if (!database.open()) {
        if (error)
            *error = database.lastError().text();
        return false;
    }
    // Writers wait for each other (the capture writer, the checkpoint, the forwarder): SQLite's
    // own busy handler sleeps 1, 2, 5 … up to 100 ms between tries, so each wait cost up to a
    // tenth of a second (p99 over 100 ms while the log starts again). This tries every 0.2 ms,
    // for up to 10 s as before.
    sqlite3_busy_handler(
        SqliteStatement::handleOf(database),
        [](void *, int tries) {
            if (tries >= 50'000)
                return 0;
            std::this_thread::sleep_for(std::chrono::microseconds(200));
            return 1;
        },
        nullptr);
    // WAL without a sync per commit for readers and housekeeping; the capture writer chooses
    // its own (CaptureWriter::Durability).
    if ((exclusive
         && !CaptureStore::execute(database, QStringLiteral("PRAGMA locking_mode=EXCLUSIVE"),
                                   error))
        || !CaptureStore::execute(database, QStringLiteral("PRAGMA synchronous=NORMAL"), error))
        database.close();
    return database.isOpen();
}

} // namespace Hookscope
