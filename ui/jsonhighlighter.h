#pragma once

#include <QSyntaxHighlighter>

namespace Hookscope {

// Colours member names, strings, numbers and true/false/null in pretty JSON, one line at a
// time; hues from a fixed set, lightness from the palette so dark themes stay readable.
class JsonHighlighter final : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit JsonHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;
};

} // namespace Hookscope
