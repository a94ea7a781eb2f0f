#include "hexdump.h"

#include <QStringList>

namespace Hookscope {

QString HexDump::row(const QByteArray &bytes, qsizetype row)
{
    const qsizetype start = row * BytesPerRow;
    const qsizetype end = std::min(bytes.size(), start + BytesPerRow);
    QString line = QStringLiteral("%1 ").arg(start, 8, 16, QLatin1Char('0'));
    QString ascii;
    for (qsizetype i = start; i < start + BytesPerRow; ++i) {
        if (i - start == BytesPerRow / 2)
            line += QLatin1Char(' ');
        if (i < end) {
            const auto byte = static_cast<unsigned char>(bytes.at(i));
            line += QStringLiteral(" %1").arg(byte, 2, 16, QLatin1Char('0'));
            ascii += byte >= 0x20 && byte < 0x7f ? QLatin1Char(char(byte)) : QLatin1Char('.');
        } else {
            line += QStringLiteral("   ");
        }
    }
    return line + QStringLiteral("  ") + ascii;
}

QString HexDump::dump(const QByteArray &bytes)
{
    QStringList rows;
    for (qsizetype i = 0; i < rowCount(bytes.size()); ++i)
        rows.append(row(bytes, i));
    return rows.join(QLatin1Char('\n'));
}

} // namespace Hookscope
