#include "linediff.h"

#include <vector>

namespace Hookscope {

QList<DiffRow> LineDiff::compare(const QStringList &left, const QStringList &right)
{
    // Common head and tail first: most pairs of webhooks differ in a few lines in the middle.
    qsizetype head = 0;
    while (head < left.size() && head < right.size() && left[head] == right[head])
        ++head;
    qsizetype tail = 0;
    while (tail < left.size() - head && tail < right.size() - head
           && left[left.size() - 1 - tail] == right[right.size() - 1 - tail])
        ++tail;
    const qsizetype n = left.size() - head - tail;
    const qsizetype m = right.size() - head - tail;

    QList<DiffRow> rows;
    for (qsizetype i = 0; i < head; ++i)
        rows.append({DiffRow::Kind::Same, left[i], right[i]});

    // Edit script for the middle: Same, Removed (left only) and Added (right only) lines.
    QList<DiffRow> middle;
    if (qint64(n) * qint64(m) <= MaxCells) {
        // lcs[i][j]: length of the longest common subsequence of left[i..] and right[j..].
        std::vector<std::vector<quint32>> lcs(size_t(n + 1),
                                              std::vector<quint32>(size_t(m + 1), 0));
        for (qsizetype i = n - 1; i >= 0; --i) {
            for (qsizetype j = m - 1; j >= 0; --j) {
                lcs[size_t(i)][size_t(j)]
                    = left[head + i] == right[head + j]
                          ? lcs[size_t(i + 1)][size_t(j + 1)] + 1
                          : std::max(lcs[size_t(i + 1)][size_t(j)], lcs[size_t(i)][size_t(j + 1)]);
            }
        }
        qsizetype i = 0;
        qsizetype j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && left[head + i] == right[head + j]) {
                middle.append({DiffRow::Kind::Same, left[head + i++], right[head + j++]});
            } else if (j < m
                       && (i == n
                           || lcs[size_t(i)][size_t(j + 1)] >= lcs[size_t(i + 1)][size_t(j)])) {
                middle.append({DiffRow::Kind::Added, {}, right[head + j++]});
            } else {
                middle.append({DiffRow::Kind::Removed, left[head + i++], {}});
            }
        }
    } else {
        for (qsizetype i = 0; i < n; ++i)
            middle.append({DiffRow::Kind::Removed, left[head + i], {}});
        for (qsizetype j = 0; j < m; ++j)
            middle.append({DiffRow::Kind::Added, {}, right[head + j]});
    }

    // Pair each run of removed lines with the run of added lines around it, row by row.
    for (qsizetype k = 0; k < middle.size();) {
        if (middle[k].kind == DiffRow::Kind::Same) {
            rows.append(middle[k++]);
            continue;
        }
        QStringList removed;
        QStringList added;
        while (k < middle.size() && middle[k].kind != DiffRow::Kind::Same) {
            if (middle[k].kind == DiffRow::Kind::Removed)
                removed.append(middle[k].left);
            else
                added.append(middle[k].right);
            ++k;
        }
        const qsizetype paired = std::min(removed.size(), added.size());
        for (qsizetype p = 0; p < paired; ++p)
            rows.append({DiffRow::Kind::Changed, removed[p], added[p]});
        for (qsizetype p = paired; p < removed.size(); ++p)
            rows.append({DiffRow::Kind::Removed, removed[p], {}});
        for (qsizetype p = paired; p < added.size(); ++p)
            rows.append({DiffRow::Kind::Added, {}, added[p]});
    }

    for (qsizetype i = left.size() - tail; i < left.size(); ++i)
        rows.append({DiffRow::Kind::Same, left[i], right[right.size() - left.size() + i]});
    return rows;
}

} // namespace Hookscope
