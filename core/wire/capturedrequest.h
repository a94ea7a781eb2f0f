#pragma once

#include <QByteArray>
#include <QHostAddress>

#include <memory>
#include <optional>
#include <QList>
#include <QString>

namespace Hookscope {

struct HeaderField
{
    QByteArray name;
    QByteArray value;

    friend bool operator==(const HeaderField &a, const HeaderField &b)
    {
        return a.name == b.name && a.value == b.value;
    }
};
using HeaderList = QList<HeaderField>;

// Value of the first header named `name` (case-insensitive), or a null QByteArray.
QByteArray headerValue(const HeaderList &headers, QByteArrayView name);

// What a method or a header name may be made of (RFC 9110 §5.6.2): a non-empty token.
bool isHttpToken(QByteArrayView text);
// Why a request with this method cannot go on the wire, or empty when it can.
QString methodProblem(QByteArrayView method);
// Why this header cannot go on the wire as it is (a name that is not a token; a CR, LF or NUL
// in the value, which would start a header of the sender's choosing), or empty when it can.
QString headerProblem(QByteArrayView name, QByteArrayView value);
// The first such problem of a method and its headers, or empty.
QString requestHeadProblem(QByteArrayView method, const HeaderList &headers);

// One request as the receiver saw it. `raw` is the single source of truth: the exact bytes on
// the wire (request line, headers, body with any chunk framing); everything parsed is derived
// from it and kept alongside for convenience.
struct CapturedRequest
{
    qint64 id = 0;

    QByteArray raw;
    qsizetype headSize = 0; // bytes of `raw` up to and including the blank line after headers

    QByteArray method;
    QByteArray target;      // request-target as sent: path and query
    QByteArray httpVersion; // "HTTP/1.1"
    HeaderList headers;     // in received order and case
    QByteArray body;        // de-chunked entity body, still content-encoded

    QHostAddress remoteAddress;
    quint16 remotePort = 0;
    QHostAddress localAddress;
    quint16 localPort = 0;
    bool overTls = false; // came to the HTTPS port

    qint64 receivedAtUs = 0; // first byte, µs since the Unix epoch
    qint64 durationUs = 0;   // first byte to last byte

    int responseStatus = 0;  // 0: no response was sent (timeout, refused)
    QByteArray responseHead; // status line and headers exactly as sent
    QByteArray responseBody;

    QString parseError; // empty when the request was well-formed and complete
    QString note;       // the user's, set after capture
    QString rule;       // the mock rule that answered, when one did
    // The relay channel it came through instead of the receiver's socket (a smee.io channel's
    // URL), or empty.
    QString relay;
    // A large body's share of the receiver's memory, given back when the last copy of this
    // request is gone (stored, relayed). Empty for the rest.
    std::shared_ptr<const void> memoryLease;

    // The byte the parser stopped at when the request was malformed there (its message says
    // "at byte N"), or -1.
    qsizetype parseErrorOffset() const;
    QByteArray path() const;
    QByteArray query() const;
    QByteArray contentType() const { return headerValue(headers, "Content-Type"); }
    // The body with any gzip/deflate Content-Encoding undone; the body itself if not encoded
    // or if decoding fails.
    QByteArray decodedBody() const;
    // The same, decoding no further than `limit` bytes (a small compressed body can decode to
    // hundreds of megabytes); nothing when what it gives is longer.
    std::optional<QByteArray> decodedBodyUpTo(qsizetype limit) const;
};

} // namespace Hookscope
