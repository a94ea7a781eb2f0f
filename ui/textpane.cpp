#include "textpane.h"

#include "jsonhighlighter.h"
#include "palettetone.h"
#include "textview.h"

#include <algorithm>

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QTextEdit>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>
#include <QVBoxLayout>

namespace Hookscope {

TextPane::TextPane(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget(this))
    , m_editor(new QPlainTextEdit(this))
    , m_view(new TextView(this))
    , m_highlighter(new JsonHighlighter(nullptr))
    , m_findBar(new QWidget(this))
    , m_findField(new QLineEdit(m_findBar))
    , m_findResult(new QLabel(m_findBar))
{
    m_highlighter->setParent(this);
    m_editor->setReadOnly(true);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_stack->addWidget(m_editor);
    m_stack->addWidget(m_view);
    m_findField->setPlaceholderText(tr("Find in this text"));
    m_findField->setClearButtonEnabled(true);
    auto *findLayout = new QHBoxLayout(m_findBar);
    findLayout->setContentsMargins(4, 2, 4, 2);
    findLayout->addWidget(m_findField, 1);
    findLayout->addWidget(m_findResult);
    m_findBar->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_findBar);
    // Ctrl+F reaches the text before the window's own Ctrl+F (the capture filter) takes it.
    for (QObject *watched : {static_cast<QObject *>(m_editor), static_cast<QObject *>(m_view),
                             static_cast<QObject *>(m_findField)})
        watched->installEventFilter(this);
    connect(m_findField, &QLineEdit::textEdited, this, [this] {
        m_matchPosition = -1; // from the start, as the text is typed
        findNext();
    });
}

void TextPane::setText(const QString &text, Syntax syntax, LineIndex lines)
{
    m_matchPosition = -1;
    m_findResult->clear();
    m_editor->setExtraSelections({});
    // Attached before the text goes in, so the text is coloured once, not twice.
    const bool colour = syntax == Syntax::Json && text.size() <= ColouringLimit;
    m_highlighter->setDocument(colour ? m_editor->document() : nullptr);
    if (text.size() <= EditorLimit) {
        m_view->setText(QString());
        m_editor->setPlainText(text);
        m_stack->setCurrentWidget(m_editor);
    } else {
        m_editor->clear();
        m_view->setText(text, std::move(lines));
        m_stack->setCurrentWidget(m_view);
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
    return m_stack->currentWidget() == m_view;
}

void TextPane::showFind()
{
    m_findBar->show();
    m_findField->setFocus(Qt::ShortcutFocusReason);
    m_findField->selectAll();
}

bool TextPane::findNext(bool backward)
{
    const QString needle = m_findField->text();
    if (needle.isEmpty()) {
        m_findResult->clear();
        return false;
    }
    const QString haystack = text();
    qsizetype at = -1;
    if (backward) {
        const qsizetype from = m_matchPosition > 0 ? m_matchPosition - 1 : haystack.size();
        at = haystack.lastIndexOf(needle, from, Qt::CaseInsensitive);
        if (at < 0) // wraps around to the end
            at = haystack.lastIndexOf(needle, -1, Qt::CaseInsensitive);
    } else {
        at = haystack.indexOf(needle, m_matchPosition + 1, Qt::CaseInsensitive);
        if (at < 0) // wraps around to the start
            at = haystack.indexOf(needle, 0, Qt::CaseInsensitive);
    }
    m_matchPosition = at;
    m_findResult->setText(at < 0 ? tr("not found") : QString());
    if (isLazy()) {
        m_view->showMatch(at, needle.size());
    } else if (at >= 0) {
        QTextCursor match(m_editor->document());
        match.setPosition(int(at));
        match.setPosition(int(at + needle.size()), QTextCursor::KeepAnchor);
        m_editor->setTextCursor(match);
        m_editor->ensureCursorVisible();
    }
    return at >= 0;
}

void TextPane::markAt(qsizetype line, qsizetype column)
{
    if (isLazy()) {
        const qsizetype lastLine = std::max<qsizetype>(0, m_view->lineCount() - 1);
        const QStringView text = m_view->line(std::min(line, lastLine));
        m_matchPosition
            = (text.data() - m_view->text().constData()) + std::min(column, text.size());
        m_view->showMatch(m_matchPosition, 1);
        return;
    }
    const QTextBlock block = m_editor->document()->findBlockByNumber(int(line));
    if (!block.isValid())
        return;
    QTextCursor cursor(m_editor->document());
    cursor.setPosition(block.position() + int(std::min<qsizetype>(column, block.length() - 1)));
    m_matchPosition = cursor.position();
    // The whole line, lightly, so a break at its end (an invisible CR) still shows; the
    // character itself strongly.
    QTextEdit::ExtraSelection wholeLine;
    wholeLine.cursor = cursor;
    wholeLine.format.setBackground(paletteTone(0).lighter(175));
    wholeLine.format.setProperty(QTextFormat::FullWidthSelection, true);
    QTextEdit::ExtraSelection character;
    character.cursor = cursor;
    character.cursor.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor);
    character.format.setBackground(paletteTone(0));
    character.format.setForeground(Qt::white);
    m_editor->setExtraSelections({wholeLine, character});
    m_editor->setTextCursor(cursor);
    m_editor->ensureCursorVisible();
}

bool TextPane::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::ShortcutOverride && event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    const bool find = key->matches(QKeySequence::Find);
    const bool inField = watched == m_findField;
    const bool enter = inField && (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter);
    const bool escape = inField && key->key() == Qt::Key_Escape;
    if (!find && !enter && !escape)
        return QWidget::eventFilter(watched, event);
    if (event->type() == QEvent::ShortcutOverride) {
        event->accept(); // a key press for this widget, not the window's shortcut
        return true;
    }
    if (find) {
        showFind();
    } else if (enter) {
        findNext(key->modifiers().testFlag(Qt::ShiftModifier));
    } else {
        m_findBar->hide();
        m_stack->currentWidget()->setFocus(Qt::OtherFocusReason);
    }
    return true;
}

} // namespace Hookscope
