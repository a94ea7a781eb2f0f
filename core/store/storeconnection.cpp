#include "storeconnection.h"

#include "capturestore.h"

#include "wire/logging.h"

#include <QAtomicInteger>
#include <QSqlError>

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
    m_database.close();
    m_database = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_name);
}

bool StoreConnection::open(QString *error)
{
    m_database = CaptureStore::openConnection(m_path, m_name, error);
    return m_database.isOpen();
}

} // namespace Hookscope
