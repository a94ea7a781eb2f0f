#pragma once

#include <QByteArray>
#include <QString>

namespace Hookscope {

// Offset / hex / ASCII lines, as in Wireshark's byte view: 16 bytes a row.
class HexDump final
{
public:
    static constexpr int BytesPerRow = 16;

    static qsizetype rowCount(qsizetype size) { return (size + BytesPerRow - 1) / BytesPerRow; }
    // One row: "00000010  7b 22 61 22 3a 31 7d 0a                          {"a":1}."
    static QString row(const QByteArray &bytes, qsizetype row);
    static QString dump(const QByteArray &bytes);
};

} // namespace Hookscope
