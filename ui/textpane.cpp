#include "textpane.h"

#include "jsonhighlighter.h"
#include "textview.h"

#include <QFontDatabase>
#include <QPlainTextEdit>

namespace Hookscope {

TextPane::TextPane(QWidget *parent)
    : QStackedWidget(parent)
    , m_editor(new QPlainTextEdit(this))
    , m_view(new TextView(this))
    , m_highlighter(new JsonHighlighter(nullptr))
{
    m_highlighter->setParent(this);
    m_editor->setReadOnly(true);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    addWidget(m_editor);
    addWidget(m_view);
}

void TextPane::setText(const QString &text, Syntax syntax, LineIndex lines)
{
    // Attached before the text goes in, so the text is coloured once, not twice.
    const bool colour = syntax == Syntax::Json && text.size() <= ColouringLimit;
    m_highlighter->setDocument(colour ? m_editor->document() : nullptr);
    if (text.size() <= EditorLimit) {
        m_view->setText(QString());
        m_editor->setPlainText(text);
        setCurrentWidget(m_editor);
    } else {
        m_editor->clear();
        m_view->setText(text, std::move(lines));
        setCurrentWidget(m_view);
    }
}

QString TextPane::text() const
{
    return isLazy() ? m_view->text() : m_editor->toPlainText();
}

void TextPane::setPlaceholderText(const QString &text)
{
    m_editor->setPlaceholderText(text);
}

bool TextPane::isLazy() const
{
    return currentWidget() == m_view;
}

} // namespace Hookscope
