#pragma once

#include "textview.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QStackedWidget;

namespace Hookscope {

// Read-only text that stays selectable when it is small and stays fast when it is huge: up to
// a size it is a QPlainTextEdit, beyond it a TextView that paints only what is visible. Ctrl+F
// in it opens a find bar (Enter: next, Shift+Enter: previous, Esc: close), in either form.
class TextPane final : public QWidget
{
    Q_OBJECT
public:
    static constexpr qsizetype EditorLimit = 1024 * 1024; // characters
    // Colouring is done on the GUI thread: up to this many characters.
    static constexpr qsizetype ColouringLimit = 256 * 1024;
    enum class Syntax { Plain, Json };

    explicit TextPane(QWidget *parent = nullptr);

    // `lines` saves large texts a pass on the GUI thread (see LineIndex).
    void setText(const QString &text, Syntax syntax = Syntax::Plain, LineIndex lines = {});
    QString text() const;
    void setPlaceholderText(const QString &text);
    bool isLazy() const;

    // The find bar: shown with the focus in its field.
    void showFind();
    // The next (or previous) place the find field's text is, case-insensitively, wrapping
    // around; false when it is nowhere.
    bool findNext(bool backward = false);
    QLineEdit *findField() const { return m_findField; }
    QLabel *findResult() const { return m_findResult; }
    // Marks the character at `column` of `line` (counted from 0; where a malformed request
    // broke) and scrolls to it.
    void markAt(qsizetype line, qsizetype column);
    // Where the current match (or the mark) starts in text(), or -1.
    qsizetype matchPosition() const { return m_matchPosition; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QStackedWidget *m_stack;
    QPlainTextEdit *m_editor;
    TextView *m_view;
    class JsonHighlighter *m_highlighter;
    QWidget *m_findBar;
    QLineEdit *m_findField;
    QLabel *m_findResult;
    qsizetype m_matchPosition = -1;
};

} // namespace Hookscope
