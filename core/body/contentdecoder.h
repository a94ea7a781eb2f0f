#pragma once

#include <QByteArray>
#include <QString>

namespace Hookscope {

struct DecodeResult
{
    bool ok = false;
    QByteArray data;
    QString error;
};

// Undoes HTTP Content-Encoding (gzip, x-gzip, deflate, identity; a list is undone right to
// left) for display. Output is capped so a compression bomb cannot exhaust memory.
class ContentDecoder final
{
public:
    static constexpr qsizetype DefaultOutputLimit = 256 * 1024 * 1024;

    static DecodeResult decode(const QByteArray &data, QByteArrayView contentEncoding,
                               qsizetype outputLimit = DefaultOutputLimit);
};

} // namespace Hookscope
