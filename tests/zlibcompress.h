#pragma once
// Compresses with zlib directly, independent of the code under test. windowBits: 15 + 16 for
// gzip, 15 for zlib-wrapped deflate, -15 for raw deflate.
#include <QByteArray>

#include <zlib.h>

namespace Hookscope::Testing {

inline QByteArray zlibCompress(const QByteArray &data, int windowBits)
{
    z_stream stream{};
    deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&stream, uLong(data.size()))) + 32, '\0');
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = uInt(data.size());
    stream.next_out = reinterpret_cast<Bytef *>(out.data());
    stream.avail_out = uInt(out.size());
    deflate(&stream, Z_FINISH);
    out.resize(qsizetype(stream.total_out));
    deflateEnd(&stream);
    return out;
}

} // namespace Hookscope::Testing
