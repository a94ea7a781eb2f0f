#pragma once

#include <QStackedWidget>

class QPlainTextEdit;

namespace Hookscope {

class TextView;

// Read-only text that stays selectable when it is small and stays fast when it is huge: up to
// a size it is a QPlainTextEdit, beyond it a TextView that paints only what is visible.
class TextPane final : public QStackedWidget
{
    Q_OBJECT
public:
    static constexpr qsizetype EditorLimit = 1024 * 1024; // characters

    explicit TextPane(QWidget *parent = nullptr);

    void setText(const QString &text);
    QString text() const;
    void setPlaceholderText(const QString &text);
    bool isLazy() const;

private:
    QPlainTextEdit *m_editor;
    TextView *m_view;
};

} // namespace Hookscope
