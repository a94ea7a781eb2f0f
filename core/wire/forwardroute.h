#pragma once

#include "outgoingrequest.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Hookscope {

// Where live captures go: a target, for every path or only those under a prefix, with how to
// send there. Written as the target URL, optionally after "/prefix=" and followed by options:
// "http://localhost:3000", "/stripe=http://localhost:3000/hooks/stripe fixed-url resign".
struct ForwardRoute
{
    QByteArray pathPrefix; // empty: every path
    QString target;
    TargetOptions options;
    // The provider waits for the target's answer and gets it back (status, headers, body),
    // instead of Hookscope's own answer; sent once, never queued.
    bool proxy = false;

    // Reads a route as the user wrote it; on a mistake returns nothing and says what is wrong.
    static std::optional<ForwardRoute> parse(const QString &spec, QString *error);
    QString spec() const;
    bool matches(QByteArrayView path) const { return path.startsWith(pathPrefix); }
};

} // namespace Hookscope
