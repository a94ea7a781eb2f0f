#pragma once

#include <QList>
#include <QStringList>

namespace Hookscope {

struct DiffRow
{
    enum class Kind { Same, Removed, Added, Changed };
    Kind kind = Kind::Same;
    QString left;  // empty for Added
    QString right; // empty for Removed
};

// Line-by-line comparison for the side-by-side diff of two captures: the longest common
// subsequence of lines, with a removed line next to an added one paired as Changed.
class LineDiff final
{
public:
    // Past this many line pairs the comparison would take too long on the GUI thread; the
    // texts are then shown as wholly changed.
    static constexpr qint64 MaxCells = 16'000'000;

    static QList<DiffRow> compare(const QStringList &left, const QStringList &right);
};

} // namespace Hookscope
