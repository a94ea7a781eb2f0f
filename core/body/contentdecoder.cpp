#include "contentdecoder.h"

#include <QList>

#include <zlib.h>

namespace Hookscope {
namespace {

enum class Wrapper { Gzip, Zlib, RawDeflate };

DecodeResult inflateWith(const QByteArray &data, Wrapper wrapper, qsizetype outputLimit)
{
    z_stream stream{};
    const int windowBits = wrapper == Wrapper::Gzip ? 15 + 16 : wrapper == Wrapper::Zlib ? 15 : -15;
    if (inflateInit2(&stream, windowBits) != Z_OK)
        return {false, {}, QStringLiteral("zlib could not be initialised")};

    DecodeResult result;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    stream.avail_in = static_cast<uInt>(data.size());
    char chunk[64 * 1024];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef *>(chunk);
        stream.avail_out = sizeof chunk;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            result.error = QStringLiteral("corrupt compressed data at byte %1: %2")
                               .arg(stream.total_in)
                               .arg(QString::fromLatin1(stream.msg ? stream.msg : "truncated"));
            inflateEnd(&stream);
            return result;
        }
        result.data.append(chunk, static_cast<qsizetype>(sizeof chunk - stream.avail_out));
        if (result.data.size() > outputLimit) {
            inflateEnd(&stream);
            return {
                false, {}, QStringLiteral("decoded body exceeds %1 MiB").arg(outputLimit >> 20)};
        }
        // A gzip member may be followed by another (concatenated members are valid gzip).
        if (status == Z_STREAM_END && wrapper == Wrapper::Gzip && stream.avail_in > 0)
            status = inflateReset(&stream);
    }
    inflateEnd(&stream);
    result.ok = true;
    return result;
}

} // namespace

DecodeResult ContentDecoder::decode(const QByteArray &data, QByteArrayView contentEncoding,
                                    qsizetype outputLimit)
{
    DecodeResult result{true, data, {}};
    const QList<QByteArray> codings = contentEncoding.toByteArray().split(',');
    for (auto it = codings.crbegin(); it != codings.crend() && result.ok; ++it) {
        const QByteArray coding = it->trimmed().toLower();
        if (coding.isEmpty() || coding == "identity")
            continue;
        if (coding == "gzip" || coding == "x-gzip") {
            result = inflateWith(result.data, Wrapper::Gzip, outputLimit);
        } else if (coding == "deflate") {
            // Servers disagree on whether "deflate" carries the zlib wrapper; accept both.
            DecodeResult zlib = inflateWith(result.data, Wrapper::Zlib, outputLimit);
            result = zlib.ok ? zlib : inflateWith(result.data, Wrapper::RawDeflate, outputLimit);
        } else {
            return {false, data,
                    QStringLiteral("unsupported Content-Encoding \"%1\"")
                        .arg(QString::fromLatin1(coding))};
        }
    }
    return result;
}

} // namespace Hookscope
