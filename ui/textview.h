#pragma once

#include <QAbstractScrollArea>

namespace Hookscope {

// Read-only monospaced text of any size: keeps the text and where each line starts, and paints
// only the visible lines, so 20 MB of JSON (or one 20 MB line) opens and scrolls without a
// freeze. QPlainTextEdit lays out the whole document up front. No selection: bodies this
// large are copied or saved whole.
class TextView final : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit TextView(QWidget *parent = nullptr);

    void setText(const QString &text);
    const QString &text() const { return m_text; }
    qsizetype lineCount() const { return m_lineStarts.size(); }
    QStringView line(qsizetype index) const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateScrollBars();

    QString m_text;
    QList<qsizetype> m_lineStarts;
    qsizetype m_longestLine = 0;
};

} // namespace Hookscope
