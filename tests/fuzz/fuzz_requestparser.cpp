// Feeds arbitrary bytes to the request parser in arbitrary pieces, as a socket would, and
// checks the invariants the receiver relies on.
#include "body/contentdecoder.h"
#include "wire/requestparser.h"

#include <cstdint>
#include <cstdlib>

using namespace Hookscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    // The first byte picks the piece size, so splits across callbacks get explored.
    const qsizetype piece = qsizetype(data[0] % 64) + 1;
    const QByteArray wire(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    ParserLimits limits;
    limits.maxHeaderBytes = 4096;
    limits.maxBodyBytes = 8192;
    limits.bodyBytesInMemory = 1024; // so bodies that go to disk are fuzzed too
    RequestParser parser(limits);
    QByteArray reassembled;
    qsizetype offset = 0;
    while (offset < wire.size()) {
        const qsizetype length = std::min(piece, wire.size() - offset);
        const qsizetype used = parser.feed(wire.constData() + offset, length);
        if (used < 0 || used > length)
            std::abort();
        offset += used;
        if (parser.state() == RequestParser::State::Incomplete) {
            if (used == 0)
                std::abort(); // an incomplete request must take every byte it is given
            continue;
        }
        const bool bad = parser.state() == RequestParser::State::BadRequest;
        const CapturedRequest request = parser.takeRequest();
        if (request.headSize > request.raw.size() || request.body.size() > request.raw.size())
            std::abort();
        if (bad && request.parseError.isEmpty())
            std::abort();
        reassembled += request.raw;
        if (bad)
            return 0;
        // Reparsing what was stored yields the same request.
        const CapturedRequest stored = RequestParser::parseStored(request.raw);
        if (stored.method != request.method || stored.target != request.target
            || stored.body != request.body || stored.headers != request.headers)
            std::abort();
    }
    reassembled += parser.takeRequest().raw;
    if (reassembled != wire)
        std::abort(); // every byte belongs to exactly one capture
    ContentDecoder::decode(wire, "gzip, deflate", 1 << 20);
    return 0;
}
