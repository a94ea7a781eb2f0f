#include "textview.h"

#include <algorithm>

#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>

namespace Hookscope {
namespace {

// Characters drawn per line at most: a line longer than any screen is cut, not laid out whole.
constexpr qsizetype MaxPaintedColumns = 4000;

} // namespace

TextView::TextView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
}

LineIndex LineIndex::of(const QString &text)
{
    LineIndex index;
    index.starts = {0};
    qsizetype start = 0;
    for (qsizetype at = text.indexOf(QLatin1Char('\n')); at >= 0;
         at = text.indexOf(QLatin1Char('\n'), start)) {
        index.longest = std::max(index.longest, at - start);
        start = at + 1;
        index.starts.append(start);
    }
    index.longest = std::max(index.longest, text.size() - start);
    return index;
}

void TextView::setText(const QString &text, LineIndex index)
{
    m_text = text;
    m_lines = index.starts.isEmpty() ? LineIndex::of(text) : std::move(index);
    verticalScrollBar()->setValue(0);
    m_matchPosition = -1;
    horizontalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

QStringView TextView::line(qsizetype index) const
{
    const qsizetype start = m_lines.starts.at(index);
    const qsizetype end
        = index + 1 < m_lines.starts.size() ? m_lines.starts.at(index + 1) - 1 : m_text.size();
    return QStringView(m_text).mid(start, end - start);
}

void TextView::updateScrollBars()
{
    const int lineHeight = fontMetrics().height();
    const int visibleLines = std::max(1, viewport()->height() / lineHeight);
    verticalScrollBar()->setRange(0, int(std::max<qsizetype>(0, lineCount() - visibleLines)));
    verticalScrollBar()->setPageStep(visibleLines);
    const int charWidth = fontMetrics().horizontalAdvance(QLatin1Char('m'));
    const int visibleColumns = std::max(1, viewport()->width() / charWidth);
    const qsizetype columns = std::min(m_lines.longest, MaxPaintedColumns);
    horizontalScrollBar()->setRange(0, int(std::max<qsizetype>(0, columns - visibleColumns + 1)));
    horizontalScrollBar()->setPageStep(visibleColumns);
}

void TextView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    painter.setPen(palette().color(QPalette::Text));
    const int lineHeight = fontMetrics().height();
    const int ascent = fontMetrics().ascent();
    const int charWidth = fontMetrics().horizontalAdvance(QLatin1Char('m'));
    const qsizetype firstColumn = horizontalScrollBar()->value();
    const qsizetype columns = viewport()->width() / charWidth + 2;
    int y = 0;
    for (qsizetype index = verticalScrollBar()->value();
         index < lineCount() && y < viewport()->height(); ++index, y += lineHeight) {
        const QStringView text = line(index);
        // The find's match, behind its characters.
        const qsizetype lineStart = m_lines.starts.at(index);
        if (m_matchPosition >= lineStart && m_matchPosition <= lineStart + text.size()) {
            const qsizetype column = m_matchPosition - lineStart - firstColumn;
            painter.fillRect(
                QRect(4 + int(column) * charWidth, y, int(m_matchLength) * charWidth, lineHeight),
                palette().color(QPalette::Highlight));
        }
        if (firstColumn < text.size() && firstColumn < MaxPaintedColumns)
            painter.drawText(4, y + ascent, text.mid(firstColumn, columns).toString());
    }
}

void TextView::showMatch(qsizetype position, qsizetype length)
{
    m_matchPosition = position;
    m_matchLength = length;
    if (position >= 0 && lineCount() > 0) {
        const auto after
            = std::upper_bound(m_lines.starts.cbegin(), m_lines.starts.cend(), position);
        const qsizetype line = std::max<qsizetype>(0, (after - m_lines.starts.cbegin()) - 1);
        const int visibleLines = std::max(1, viewport()->height() / fontMetrics().height());
        verticalScrollBar()->setValue(int(std::max<qsizetype>(0, line - visibleLines / 2)));
        const qsizetype column = position - m_lines.starts.at(line);
        const int visibleColumns
            = std::max(1, viewport()->width() / fontMetrics().horizontalAdvance(QLatin1Char('m')));
        if (column < horizontalScrollBar()->value()
            || column + length > horizontalScrollBar()->value() + visibleColumns)
            horizontalScrollBar()->setValue(
                int(std::max<qsizetype>(0, column - visibleColumns / 4)));
    }
    viewport()->update();
}

void TextView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

} // namespace Hookscope
