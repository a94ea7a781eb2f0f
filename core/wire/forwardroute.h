#pragma once

#include "chaosoptions.h"
#include "outgoingrequest.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace Hookscope {

// Where live captures go: a target, for every path or only those under a prefix, with how to
// send there. Written as the target URL, optionally after "/prefix=" and followed by options:
// "http://localhost:3000", "/stripe=http://localhost:3000/hooks/stripe fixed-url resign",
// "http://localhost:3000 duplicates=2 shuffle=500 delay=100-300 stale=600 concurrency=4 seed=7"
// (delivered as providers do: each capture `duplicates` times, each copy held a random time up
// to `shuffle` ms, so those that arrive within it go out in another order, after a random
// `delay`, re-signed as if `stale` seconds ago, at most `concurrency` in flight to the target).
struct ForwardRoute
{
    QByteArray pathPrefix; // empty: every path
    QString target;
    TargetOptions options;
    // The provider waits for the target's answer and gets it back (status, headers, body),
    // instead of Hookscope's own answer; sent once, never queued.
    bool proxy = false;
    // Duplicates, delays and the seed they are drawn from, the signature's age and the cap on
    // sends in flight; for a route, `shuffleWindow` is a time in milliseconds.
    ChaosOptions chaos;

    // Reads a route as the user wrote it; on a mistake returns nothing and says what is wrong.
    static std::optional<ForwardRoute> parse(const QString &spec, QString *error);
    QString spec() const;
    bool matches(QByteArrayView path) const { return path.startsWith(pathPrefix); }
};

} // namespace Hookscope
