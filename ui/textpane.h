#pragma once

#include "textview.h"

#include <QStackedWidget>

class QPlainTextEdit;

namespace Hookscope {

// Read-only text that stays selectable when it is small and stays fast when it is huge: up to
// a size it is a QPlainTextEdit, beyond it a TextView that paints only what is visible.
class TextPane final : public QStackedWidget
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

private:
    QPlainTextEdit *m_editor;
    TextView *m_view;
    class JsonHighlighter *m_highlighter;
};

} // namespace Hookscope
