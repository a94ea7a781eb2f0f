#pragma once

#include <QAbstractScrollArea>

namespace Hookscope {

// Where each line of a text starts, and the longest line: worked out off the GUI thread for
// large texts, so showing them costs no pass over the text.
struct LineIndex
{
    QList<qsizetype> starts;
    qsizetype longest = 0;
    static LineIndex of(const QString &text);
};

// Read-only monospaced text of any size: keeps the text and where each line starts, and paints
// only the visible lines, so 20 MB of JSON (or one 20 MB line) opens and scrolls without a
// freeze. QPlainTextEdit lays out the whole document up front. No selection: bodies this
// large are copied or saved whole.
class TextView final : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit TextView(QWidget *parent = nullptr);

    // `index` is computed here when not given.
    void setText(const QString &text, LineIndex index = {});
    const QString &text() const { return m_text; }
    qsizetype lineCount() const { return m_lines.starts.size(); }
    QStringView line(qsizetype index) const;
    // Scrolls to the text at `position` and marks `length` characters there (a find's match);
    // a negative position clears the mark.
    void showMatch(qsizetype position, qsizetype length);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateScrollBars();

    QString m_text;
    LineIndex m_lines;
    qsizetype m_matchPosition = -1;
    qsizetype m_matchLength = 0;
};

} // namespace Hookscope
