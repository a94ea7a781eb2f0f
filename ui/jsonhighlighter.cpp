#include "jsonhighlighter.h"

#include "palettetone.h"

namespace Hookscope {

JsonHighlighter::JsonHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{}

void JsonHighlighter::highlightBlock(const QString &text)
{
    const QColor keyColour = paletteTone(215);
    const QColor stringColour = paletteTone(130);
    const QColor numberColour = paletteTone(30);
    const QColor literalColour = paletteTone(280);
    const qsizetype length = text.size();
    for (qsizetype at = 0; at < length;) {
        const QChar c = text.at(at);
        if (c == QLatin1Char('"')) {
            qsizetype end = at + 1;
            while (end < length && text.at(end) != QLatin1Char('"'))
                end += text.at(end) == QLatin1Char('\\') ? 2 : 1;
            end = std::min(end + 1, length);
            qsizetype next = end;
            while (next < length && text.at(next) == QLatin1Char(' '))
                ++next;
            const bool isKey = next < length && text.at(next) == QLatin1Char(':');
            setFormat(int(at), int(end - at), isKey ? keyColour : stringColour);
            at = end;
        } else if (c.isDigit() || c == QLatin1Char('-')) {
            qsizetype end = at + 1;
            while (end < length
                   && (text.at(end).isLetterOrNumber() || text.at(end) == QLatin1Char('.')
                       || text.at(end) == QLatin1Char('+') || text.at(end) == QLatin1Char('-')))
                ++end;
            setFormat(int(at), int(end - at), numberColour);
            at = end;
        } else if (c.isLetter()) {
            qsizetype end = at + 1;
            while (end < length && text.at(end).isLetter())
                ++end;
            setFormat(int(at), int(end - at), literalColour);
            at = end;
        } else {
            ++at;
        }
    }
}

} // namespace Hookscope
