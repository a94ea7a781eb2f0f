#include "collectionfolder.h"

#include "store/datafolder.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace Hookscope::CollectionFolder {

QString path()
{
    return DataFolder::path() + QStringLiteral("/collections");
}

QString newFilePath(const QString &name)
{
    const QString folder = path();
    DataFolder::ensure(folder);
    QString base = name;
    base.replace(QRegularExpression(QStringLiteral("[^\\w .-]+")), QStringLiteral("-"));
    base = base.trimmed().isEmpty() ? QStringLiteral("collection") : base.trimmed();
    QString file = folder + QLatin1Char('/') + base + QStringLiteral(".json");
    for (int number = 2; QFileInfo::exists(file); ++number)
        file = folder + QLatin1Char('/') + base + QStringLiteral(" %1.json").arg(number);
    return file;
}

} // namespace Hookscope::CollectionFolder
