#include "datafolder.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace Hookscope {

QString DataFolder::path()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
           + QStringLiteral("/hookscope");
}

bool DataFolder::ensure(const QString &folder, QString *error)
{
    constexpr QFile::Permissions ownerOnly = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
    const QString absolute = QDir::cleanPath(QDir(folder).absolutePath());
    // The missing folders, outermost first.
    QStringList missing;
    for (QString at = absolute; !QFileInfo::exists(at); at = QFileInfo(at).absolutePath()) {
        missing.prepend(at);
        if (at == QFileInfo(at).absolutePath())
            break; // the root
    }
    for (const QString &made : std::as_const(missing)) {
        if (!QDir().mkdir(made, ownerOnly) && !QFileInfo(made).isDir()) {
            if (error)
                *error = QStringLiteral("Cannot create the folder %1").arg(made);
            return false;
        }
    }
    if (absolute == QDir::cleanPath(path()))
        QFile::setPermissions(absolute, ownerOnly);
    return true;
}

} // namespace Hookscope
