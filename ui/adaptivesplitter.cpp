#include "adaptivesplitter.h"

#include <QResizeEvent>

#include <numeric>

namespace Hookscope {
namespace {

constexpr int Slack = 40; // px either side of the width it turns at

} // namespace

AdaptiveSplitter::AdaptiveSplitter(int sideBySideWidth, QWidget *parent)
    : QSplitter(Qt::Horizontal, parent)
    , m_sideBySideWidth(sideBySideWidth)
{
    setChildrenCollapsible(false);
}

void AdaptiveSplitter::resizeEvent(QResizeEvent *event)
{
    const int width = event->size().width();
    const Qt::Orientation wanted = width >= m_sideBySideWidth + Slack  ? Qt::Horizontal
                                   : width < m_sideBySideWidth - Slack ? Qt::Vertical
                                                                       : orientation();
    if (wanted != orientation()) {
        // Each side keeps its share of the space when it turns.
        const QList<int> before = sizes();
        const int total = std::max(1, std::accumulate(before.cbegin(), before.cend(), 0));
        setOrientation(wanted);
        const int length = wanted == Qt::Horizontal ? width : event->size().height();
        QList<int> after;
        for (const int size : before)
            after.append(size * length / total);
        QSplitter::resizeEvent(event);
        setSizes(after);
        return;
    }
    QSplitter::resizeEvent(event);
}

} // namespace Hookscope
