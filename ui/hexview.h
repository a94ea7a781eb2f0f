#pragma once

#include <QAbstractScrollArea>

namespace Hookscope {

// Offset / hex / ASCII view of any number of bytes. Paints only the visible rows, so a 20 MB
// body scrolls as smoothly as a small one.
class HexView final : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit HexView(QWidget *parent = nullptr);

    void setBytes(const QByteArray &bytes);
    const QByteArray &bytes() const { return m_bytes; }
    // The row at the top of the viewport.
    qsizetype firstVisibleRow() const;
    // Marks the byte at `offset` (where a malformed request broke) and scrolls to it; -1: none.
    void markByte(qsizetype offset);
    qsizetype markedByte() const { return m_marked; }

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateScrollBars();
    qsizetype m_marked = -1;
    int rowHeight() const;

    QByteArray m_bytes;
};

} // namespace Hookscope
