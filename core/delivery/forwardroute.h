#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <optional>

namespace Hookscope {

// Where live captures go: a target base URL, for every path or only those under a prefix.
// Written "http://localhost:3000" or "/stripe=http://localhost:3000".
struct ForwardRoute
{
    QByteArray pathPrefix; // empty: every path
    QString target;

    // Reads a route as the user wrote it; on a mistake returns nothing and says what is wrong.
    static std::optional<ForwardRoute> parse(const QString &spec, QString *error);
    QString spec() const;
    bool matches(QByteArrayView path) const { return path.startsWith(pathPrefix); }
};

} // namespace Hookscope
