// What a relay (smee.io or a stand-in for it) sends: the event stream, read in pieces of any
// size, and each event's JSON made into a request. Never a crash; the same events whatever the
// pieces; no header of the request made carries a line break (it would start one of the
// relay's choosing).
#include "sources/eventstream.h"
#include "sources/smeesource.h"

#include <cstdint>
#include <cstdlib>

using namespace Hookscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // The first byte chooses the size of the pieces; the rest is the stream.
    const qsizetype piece = data[0] % 16 + 1;
    const QByteArray stream(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    EventStreamReader whole;
    EventStreamReader inPieces;
    const QList<EventStreamReader::Event> events
        = whole.feed(stream).value_or(QList<EventStreamReader::Event>());
    QList<EventStreamReader::Event> pieced;
    for (qsizetype at = 0; at < stream.size(); at += piece)
        pieced
            += inPieces.feed(QByteArrayView(stream).sliced(at, std::min(piece, stream.size() - at)))
                   .value_or(QList<EventStreamReader::Event>());
    if (events.size() != pieced.size())
        std::abort();
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (events[i].data != pieced[i].data || events[i].type != pieced[i].type
            || events[i].lastEventId != pieced[i].lastEventId)
            std::abort();
        QStringList leftOut;
        QString error;
        const std::optional<CapturedRequest> request
            = SmeeSource::requestFrom(events[i].data, &leftOut, &error);
        if (!request)
            continue;
        for (const HeaderField &header : request->headers) {
            if (header.value.contains('\r') || header.value.contains('\n')
                || header.name.contains('\r') || header.name.contains('\n'))
                std::abort();
        }
        if (!request->target.startsWith(SmeeSource::Path))
            std::abort();
    }
    return 0;
}
