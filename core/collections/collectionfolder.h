#pragma once

#include <QString>

namespace Hookscope {

// Where new and imported collections are put unless the user says otherwise: "collections" in
// the data folder.
namespace CollectionFolder {

QString path();
// A file in path() for a collection named `name` that no file has yet (the folder is made).
QString newFilePath(const QString &name);

} // namespace CollectionFolder
} // namespace Hookscope
