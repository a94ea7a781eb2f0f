#include "hexview.h"

#include "palettetone.h"

#include "body/hexdump.h"

#include <QEvent>
#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>

namespace Hookscope {

HexView::HexView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
}

void HexView::setBytes(const QByteArray &bytes)
{
    m_bytes = bytes;
    m_marked = -1;
    verticalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

int HexView::rowHeight() const
{
    return fontMetrics().height();
}

qsizetype HexView::firstVisibleRow() const
{
    return verticalScrollBar()->value();
}

void HexView::updateScrollBars()
{
    const qsizetype rows = HexDump::rowCount(m_bytes.size());
    const int visibleRows = std::max(1, viewport()->height() / rowHeight());
    verticalScrollBar()->setRange(0, int(std::max<qsizetype>(0, rows - visibleRows)));
    verticalScrollBar()->setPageStep(visibleRows);
    const int lineWidth = fontMetrics().horizontalAdvance(HexDump::row(QByteArray(16, 'x'), 0)) + 8;
    horizontalScrollBar()->setRange(0, std::max(0, lineWidth - viewport()->width()));
    horizontalScrollBar()->setPageStep(viewport()->width());
}

void HexView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    const int height = rowHeight();
    const int ascent = fontMetrics().ascent();
    const qsizetype rows = HexDump::rowCount(m_bytes.size());
    const int x = 4 - horizontalScrollBar()->value();
    const int offsetWidth = fontMetrics().horizontalAdvance(QStringLiteral("00000000 "));
    int y = 0;
    for (qsizetype row = firstVisibleRow(); row < rows && y < viewport()->height();
         ++row, y += height) {
        const QString line = HexDump::row(m_bytes, row);
        if (m_marked >= row * HexDump::BytesPerRow && m_marked < (row + 1) * HexDump::BytesPerRow) {
            // Its two hex digits and its character, in the columns HexDump::row() writes.
            const int column = int(m_marked - row * HexDump::BytesPerRow);
            const int charWidth = fontMetrics().horizontalAdvance(QLatin1Char('0'));
            const int hexColumn = 9 + 3 * column + 1 + (column >= HexDump::BytesPerRow / 2);
            const int textColumn = 9 + 3 * HexDump::BytesPerRow + 1 + 2 + column;
            const QColor mark = paletteTone(0);
            painter.fillRect(QRect(x + hexColumn * charWidth, y, 2 * charWidth, height), mark);
            painter.fillRect(QRect(x + textColumn * charWidth, y, charWidth, height), mark);
        }
        // The offset column is secondary: drawn in the palette's placeholder colour.
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(x, y + ascent, line.left(9));
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(x + offsetWidth, y + ascent, line.mid(9));
    }
}

void HexView::markByte(qsizetype offset)
{
    m_marked = offset;
    if (offset >= 0)
        verticalScrollBar()->setValue(int(offset / HexDump::BytesPerRow));
    viewport()->update();
}

void HexView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void HexView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateScrollBars();
}

} // namespace Hookscope
