#include "eventstream.h"

#include <utility>

namespace Hookscope {

std::optional<QList<EventStreamReader::Event>> EventStreamReader::feed(QByteArrayView bytes)
{
    if (!m_atStart)
        return readLines(bytes);
    // A byte order mark may open the stream; decided once three bytes are in.
    const QByteArrayView byteOrderMark("\xEF\xBB\xBF");
    m_start += bytes;
    if (m_start.size() < byteOrderMark.size() && byteOrderMark.startsWith(m_start))
        return QList<Event>();
    m_atStart = false;
    const QByteArray start = std::exchange(m_start, {});
    return readLines(QByteArrayView(start).sliced(start.startsWith(byteOrderMark) ? 3 : 0));
}

std::optional<QList<EventStreamReader::Event>> EventStreamReader::readLines(QByteArrayView bytes)
{
    QList<Event> events;
    qsizetype start = 0;
    for (qsizetype i = 0; i < bytes.size(); ++i) {
        const char byte = bytes[i];
        if (byte != '\r' && byte != '\n')
            continue;
        // The LF of a CRLF, even when the CR ended the previous read, ends no second line.
        const bool endOfCrLf = byte == '\n' && m_afterCarriageReturn && i == start;
        m_afterCarriageReturn = byte == '\r';
        if (!endOfCrLf) {
            m_line += bytes.sliced(start, i - start);
            takeLine(m_line, events);
            m_line.clear();
        }
        start = i + 1;
    }
    if (start < bytes.size()) {
        m_afterCarriageReturn = false;
        m_line += bytes.sliced(start);
    }
    if (m_line.size() + m_data.size() > MaxEventBytes)
        return std::nullopt;
    return events;
}

void EventStreamReader::takeLine(QByteArrayView line, QList<Event> &events)
{
    if (line.isEmpty()) {
        // Dispatch: an event without data is none (a keep-alive), and resets the type.
        if (!m_data.isEmpty()) {
            m_data.chop(1); // the LF after its last data line
            events.append(
                Event{m_type.isEmpty() ? QByteArray("message") : m_type, m_data, m_lastEventId});
        }
        m_type.clear();
        m_data.clear();
        return;
    }
    if (line.startsWith(':'))
        return;
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (field == "event") {
        m_type = value.toByteArray();
    } else if (field == "data") {
        m_data += value;
        m_data += '\n';
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastEventId = value.toByteArray();
    } else if (field == "retry") {
        bool digits = !value.isEmpty();
        for (const char c : value)
            digits = digits && c >= '0' && c <= '9';
        if (digits && value.size() <= 9)
            m_retryMs = value.toInt();
    }
}

void EventStreamReader::restart()
{
    m_start.clear();
    m_line.clear();
    m_afterCarriageReturn = false;
    m_atStart = true;
    m_type.clear();
    m_data.clear();
}

} // namespace Hookscope
