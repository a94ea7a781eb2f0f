#include "clienthello.h"

#include <algorithm>

namespace Hookscope {
namespace {

constexpr quint8 HandshakeRecord = 22;
constexpr quint8 ClientHelloMessage = 1;
constexpr quint16 ServerNameExtension = 0;
constexpr quint8 HostNameEntry = 0;
constexpr qsizetype RecordHeader = 5;
constexpr qsizetype LargestRecord = 16384 + 2048; // TLSPlaintext, with room for what clients add

// Reads big-endian fields from a bounded view; every read past the end fails, and so does
// every read after it.
class Reader
{
public:
    explicit Reader(QByteArrayView bytes)
        : m_bytes(bytes)
    {}

    bool ok() const { return m_ok; }
    quint32 number(int width)
    {
        quint32 value = 0;
        if (!take(width))
            return 0;
        for (int i = 0; i < width; ++i)
            value = value << 8 | quint8(m_bytes[m_at - width + i]);
        return value;
    }
    void skip(qsizetype count) { take(count); }
    // The `count` bytes from here, as a reader of their own.
    Reader part(qsizetype count)
    {
        if (!take(count))
            return Reader(QByteArrayView());
        return Reader(m_bytes.sliced(m_at - count, count));
    }
    QByteArrayView rest() const { return m_bytes.sliced(m_at); }
    bool atEnd() const { return m_at >= m_bytes.size(); }

private:
    bool take(qsizetype count)
    {
        m_ok = m_ok && count <= m_bytes.size() - m_at;
        if (m_ok)
            m_at += count;
        return m_ok;
    }

    QByteArrayView m_bytes;
    qsizetype m_at = 0;
    bool m_ok = true;
};

// A host name as RFC 6066 allows it: ASCII letters, digits, '-', '.' (and '_', which some
// names carry); anything else is refused rather than shown.
bool isHostName(QByteArrayView name)
{
    return !name.isEmpty() && name.size() <= 255
           && std::all_of(name.begin(), name.end(), [](char c) {
                  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                         || c == '-' || c == '.' || c == '_';
              });
}

QString serverNameIn(Reader extensions)
{
    while (!extensions.atEnd() && extensions.ok()) {
        const quint32 type = extensions.number(2);
        Reader data = extensions.part(extensions.number(2));
        if (!extensions.ok() || type != ServerNameExtension)
            continue;
        Reader list = data.part(data.number(2));
        while (!list.atEnd() && list.ok()) {
            const quint32 nameType = list.number(1);
            Reader name = list.part(list.number(2));
            if (list.ok() && nameType == HostNameEntry && isHostName(name.rest()))
                return QString::fromLatin1(name.rest()).toLower();
        }
        return QString();
    }
    return QString();
}

} // namespace

std::optional<QString> serverNameInClientHello(QByteArrayView firstBytes)
{
    if (firstBytes.isEmpty())
        return std::nullopt;
    if (quint8(firstBytes[0]) != HandshakeRecord)
        return QString();
    if (firstBytes.size() < RecordHeader)
        return std::nullopt;
    Reader header(firstBytes.first(RecordHeader));
    header.skip(3); // type, version
    const qsizetype length = header.number(2);
    if (length > LargestRecord)
        return QString();
    if (firstBytes.size() < RecordHeader + length)
        return std::nullopt;
    Reader record(firstBytes.sliced(RecordHeader, length));
    if (record.number(1) != ClientHelloMessage)
        return QString();
    // The message may go on in the next record: read what this one holds of it.
    const qsizetype messageLength = record.number(3);
    Reader hello = record.part(std::min<qsizetype>(messageLength, record.rest().size()));
    hello.skip(2 + 32);          // client_version, random
    hello.skip(hello.number(1)); // session id
    hello.skip(hello.number(2)); // cipher suites
    hello.skip(hello.number(1)); // compression methods
    Reader extensions = hello.part(hello.number(2));
    return hello.ok() ? serverNameIn(extensions) : QString();
}

} // namespace Hookscope
