#pragma once

#include "capturesummary.h"

#include <QVariant>

namespace Hookscope {

// How a list of captures is sorted. Ties are broken by id in the same direction, so every
// capture has one place and pages can continue after the last row shown (keyset paging).
struct CaptureOrder
{
    enum class Key {
        Received,
        Method,
        Target,
        Status,
        BodySize,
        ContentType,
        Source,
        Starred,
        Rule
    };

    Key key = Key::Received;
    bool descending = true;

    bool isNewestFirst() const { return key == Key::Received && descending; }
    bool isOldestFirst() const { return key == Key::Received && !descending; }
    // The column of `captures c` sorted on.
    QString sqlExpression() const;
    // The value of that column for `summary`, for binding.
    QVariant keyOf(const CaptureSummary &summary) const;

    friend bool operator==(const CaptureOrder &a, const CaptureOrder &b)
    {
        return a.key == b.key && a.descending == b.descending;
    }
};

} // namespace Hookscope
