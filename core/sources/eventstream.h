#pragma once

#include <QByteArray>
#include <QList>

#include <optional>

namespace Hookscope {

// Server-Sent Events (the "text/event-stream" format of the WHATWG HTML standard, §9.2) read
// as the bytes arrive: lines end in LF, CR or CRLF (even split across reads); "data" lines
// join with LF; a blank line ends an event; "id" sets the last event id, kept from one event
// to the next; "retry" the reconnection time; comments (":…") are skipped.
class EventStreamReader
{
public:
    struct Event
    {
        QByteArray type = "message";
        QByteArray data;
        QByteArray lastEventId;
    };

    // An event (or a line) larger than this ends the stream as malformed: a relay is another
    // party's server.
    static constexpr qsizetype MaxEventBytes = 32 * 1024 * 1024;

    // The events these bytes complete. Nullopt when an event went over MaxEventBytes: the
    // stream is no good from there on.
    std::optional<QList<Event>> feed(QByteArrayView bytes);
    // For a new connection: what was half read is dropped; the last event id is kept (a
    // client sends it back as Last-Event-ID).
    void restart();
    QByteArray lastEventId() const { return m_lastEventId; }
    // The reconnection time the server asked for, in milliseconds, if it did.
    std::optional<int> retryMs() const { return m_retryMs; }

private:
    std::optional<QList<Event>> readLines(QByteArrayView bytes);
    void takeLine(QByteArrayView line, QList<Event> &events);

    QByteArray m_start; // the first bytes, until a byte order mark is ruled in or out
    QByteArray m_line;
    bool m_afterCarriageReturn = false; // an LF next ends nothing: CRLF is one line end
    bool m_atStart = true;              // a byte order mark here is skipped
    QByteArray m_type;
    QByteArray m_data;
    QByteArray m_lastEventId;
    std::optional<int> m_retryMs;
};

} // namespace Hookscope
