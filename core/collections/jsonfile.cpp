#include "jsonfile.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

namespace Hookscope {

std::optional<QByteArray> JsonFile::read(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > MaxBytes) {
        *error = QStringLiteral("%1 is %2 MB; files up to %3 MB can be imported")
                     .arg(path)
                     .arg(file.size() / (1024 * 1024))
                     .arg(MaxBytes / (1024 * 1024));
        return std::nullopt;
    }
    return file.readAll();
}

std::optional<QJsonObject> JsonFile::parseObject(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt's offset is just past the character that did not fit.
        *error = QStringLiteral("not valid JSON at %1: %2")
                     .arg(lineAndColumn(json, std::max(0, parseError.offset - 1)),
                          parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("the JSON is not an object at line 1");
        return std::nullopt;
    }
    return document.object();
}

QString JsonFile::lineAndColumn(const QByteArray &json, qsizetype offset)
{
    const QByteArray before = json.left(offset);
    const qsizetype lastLine = before.lastIndexOf('\n');
    return QStringLiteral("line %1, column %2").arg(before.count('\n') + 1).arg(offset - lastLine);
}

bool JsonFile::writeAtomically(const QString &path, const QByteArray &bytes, QString *error,
                               Access access)
{
    QSaveFile file(path);
    // Private before the first byte is written, whatever mode a file it replaces had.
    const bool opened = file.open(QIODevice::WriteOnly)
                        && (access == Access::Shared
                            || file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    if (!opened || file.write(bytes) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool JsonFile::isText(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes).toUtf8() == bytes && !bytes.contains('\0');
}

} // namespace Hookscope
