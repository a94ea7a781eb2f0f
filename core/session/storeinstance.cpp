#include "storeinstance.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QLocalSocket>
#include <QStandardPaths>

namespace Hookscope {
namespace {

constexpr int AnswerWithinMs = 1000;

} // namespace

StoreInstance::StoreInstance(const QString &storePath, QObject *parent)
    : QObject(parent)
{
    // XDG_RUNTIME_DIR is the user's own (0700): no one else can take the name first.
    QString folder = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (folder.isEmpty())
        folder = QDir::tempPath();
    const QByteArray key = QDir::cleanPath(QFileInfo(storePath).absoluteFilePath()).toUtf8();
    m_socketPath = folder + QStringLiteral("/hookscope-")
                   + QString::fromLatin1(
                       QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16))
                   + QStringLiteral(".sock");
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    connect(&m_server, &QLocalServer::newConnection, this, [this] {
        while (QLocalSocket *later = m_server.nextPendingConnection()) {
            connect(later, &QLocalSocket::disconnected, later, &QObject::deleteLater);
            later->disconnectFromServer();
            emit raiseRequested();
        }
    });
}

bool StoreInstance::claim()
{
    QLocalSocket first;
    first.connectToServer(m_socketPath);
    if (first.waitForConnected(AnswerWithinMs)) {
        first.waitForDisconnected(AnswerWithinMs); // it has heard
        return false;
    }
    // Nobody answers: a socket file left by one that crashed is in the way, not an instance.
    QLocalServer::removeServer(m_socketPath);
    // Listening can still fail (an unwritable folder): then this one runs alone, unguarded.
    m_server.listen(m_socketPath);
    return true;
}

} // namespace Hookscope
