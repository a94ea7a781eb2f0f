#include "requestparser.h"

#include <QDir>

#include <cstring>
#include <limits>

namespace Hookscope {
namespace {

// "16 MiB", or the exact count when the limit is not in whole MiB.
QString limitText(qsizetype bytes)
{
    return bytes % (1 << 20) == 0 ? QStringLiteral("%1 MiB").arg(bytes >> 20)
                                  : QStringLiteral("%1 bytes").arg(bytes);
}

RequestParser *self(http_parser *parser)
{
    return static_cast<RequestParser *>(parser->data);
}

constexpr QByteArrayView http2Preface = "PRI * HTTP/2.0\r\n";

// Where the header section ends: just past the first empty line (CRLF or bare LF endings).
qsizetype headEnd(const QByteArray &raw)
{
    const char *begin = raw.constData();
    const char *end = begin + raw.size();
    for (const char *lf = begin;
         (lf = static_cast<const char *>(std::memchr(lf, '\n', size_t(end - lf)))); ++lf) {
        if (lf + 1 < end && lf[1] == '\n')
            return lf + 2 - begin;
        if (lf + 2 < end && lf[1] == '\r' && lf[2] == '\n')
            return lf + 3 - begin;
    }
    return raw.size();
}

} // namespace

RequestParser::RequestParser(ParserLimits limits)
    : m_limits(limits)
{
    // http_parser's own limit is process-wide, so it is set once to a ceiling and the
    // per-parser limit is enforced in feed().
    static const bool ceilingSet = [] {
        http_parser_set_max_header_size(64 * 1024 * 1024);
        return true;
    }();
    Q_UNUSED(ceilingSet);
    reset();
}

RequestParser::~RequestParser()
{
    dropSpill();
}

const http_parser_settings &RequestParser::settings()
{
    static const http_parser_settings instance = [] {
        http_parser_settings s{};
        s.on_message_begin = &RequestParser::onMessageBegin;
        s.on_url = &RequestParser::onUrl;
        s.on_header_field = &RequestParser::onHeaderField;
        s.on_header_value = &RequestParser::onHeaderValue;
        s.on_headers_complete = &RequestParser::onHeadersComplete;
        s.on_body = &RequestParser::onBody;
        s.on_message_complete = &RequestParser::onMessageComplete;
        return s;
    }();
    return instance;
}

void RequestParser::reset()
{
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    m_request = CapturedRequest();
    dropSpill();
    m_state = State::Incomplete;
    m_headersComplete = false;
    m_lastCallbackWasValue = false;
    m_chunked = false;
    m_expectContinue = false;
    m_bodyStarted = false;
    m_keepAlive = true;
    m_upgrade = false;
    m_headerLimitChecked = false;
    m_bodyBytes = 0;
    m_bytesNotKept = 0;
    m_errorStatus = 0;
    m_errorMessage.clear();
}

bool RequestParser::awaitsContinue() const
{
    return m_headersComplete && m_expectContinue && !m_bodyStarted && m_state == State::Incomplete;
}

void RequestParser::fail(int status, const QString &message)
{
    m_state = State::BadRequest;
    m_errorStatus = status;
    m_errorMessage = message;
    m_keepAlive = false;
}

bool RequestParser::detectForeignProtocol(QByteArrayView data)
{
    // A TLS record starts with content type 22 (handshake); no HTTP method starts with 0x16.
    if (data.front() == '\x16') {
        fail(400, QStringLiteral("The client spoke TLS to a plain-HTTP port: use an http:// URL "
                                 "here, or a tunnel that terminates TLS in front of Hookscope."));
        return true;
    }
    const qsizetype compared = std::min(data.size(), http2Preface.size());
    if (data.size() >= 3 && data.first(compared) == http2Preface.first(compared)) {
        fail(400, QStringLiteral("The client spoke HTTP/2 with prior knowledge (h2c); "
                                 "Hookscope's receiver speaks HTTP/1.1."));
        return true;
    }
    return false;
}

qsizetype RequestParser::feed(const char *data, qsizetype size)
{
    Q_ASSERT(m_state == State::Incomplete);
    if (size <= 0)
        return 0;
    if (!hasStarted() && detectForeignProtocol(QByteArrayView(data, size))) {
        keep(data, size);
        return size;
    }

    const size_t parsed = http_parser_execute(&m_parser, &settings(), data, size_t(size));
    const http_errno error = HTTP_PARSER_ERRNO(&m_parser);
    // http_parser takes a request line without a version as HTTP/0.9, whose answer would be
    // a bare body: refused as soon as the line ends (a version of 0.9 is set only then).
    if (m_parser.http_major == 0 && m_parser.http_minor == 9
        && (error == HPE_OK || error == HPE_PAUSED)) {
        keep(data, size);
        fail(400, QStringLiteral("The request line has no HTTP version (an HTTP/0.9 request); "
                                 "Hookscope's receiver speaks HTTP/1.x"));
        return size;
    }
    if (error == HPE_PAUSED) {
        http_parser_pause(&m_parser, 0);
        keep(data, qsizetype(parsed));
        checkHeaderLimit();
        return qsizetype(parsed);
    }
    if (error != HPE_OK) {
        // Keep every byte the client sent for this request: the user wants to see the mistake.
        keep(data, size);
        if (m_state == State::BadRequest) // a limit callback already said why
            return size;
        if (error == HPE_HEADER_OVERFLOW) {
            fail(431, QStringLiteral("Header section larger than %1 KiB")
                          .arg(m_limits.maxHeaderBytes / 1024));
        } else {
            fail(400, QStringLiteral("Malformed request at byte %1: %2 (%3)")
                          .arg(m_request.raw.size() - size + qsizetype(parsed))
                          .arg(QString::fromLatin1(http_errno_description(error)),
                               QString::fromLatin1(http_errno_name(error))));
        }
        return size;
    }
    keep(data, qsizetype(parsed));
    checkHeaderLimit();
    if (m_upgrade && m_state == State::Incomplete && m_headersComplete) {
        // http_parser stops at the end of an Upgrade request's head; it is complete for us.
        m_state = State::Complete;
        m_keepAlive = false;
    }
    return qsizetype(parsed);
}

qsizetype RequestParser::feed(const QByteArray &bytes, qsizetype offset)
{
    m_shareable = offset == 0 && !hasStarted() ? &bytes : nullptr;
    const qsizetype used = feed(bytes.constData() + offset, bytes.size() - offset);
    m_shareable = nullptr;
    return used;
}

void RequestParser::keep(const char *data, qsizetype size)
{
    if (m_spill)
        return spill(data, size);
    if (m_shareable && size == m_shareable->size() && m_request.raw.isEmpty())
        m_request.raw = *m_shareable;
    else
        m_request.raw.append(data, size);
    if (m_headersComplete && !m_upgrade && m_request.raw.size() > m_limits.bodyBytesInMemory)
        spillBeyondMemoryLimit();
}

void RequestParser::spillBeyondMemoryLimit()
{
    const qsizetype inMemory = headEnd(m_request.raw) + m_limits.bodyBytesInMemory;
    if (m_request.raw.size() <= inMemory)
        return;
    if (m_state == State::BadRequest) { // refused within this read: the rest is not needed
        m_bytesNotKept += m_request.raw.size() - inMemory;
        m_request.raw.truncate(inMemory);
        return;
    }
    const QString folder = m_limits.spillFolder.isEmpty() ? QDir::tempPath() : m_limits.spillFolder;
    // Unnamed (O_TMPFILE) where the system allows: nothing is left behind after a crash.
    m_spill = std::make_unique<QTemporaryFile>(folder + QStringLiteral("/.hookscope-body-XXXXXX"));
    if (!m_spill->open()) {
        const QString reason = m_spill->errorString();
        dropSpill();
        m_bytesNotKept += m_request.raw.size() - inMemory;
        m_request.raw.truncate(inMemory);
        fail(503, QStringLiteral("Cannot keep a large body in %1: %2").arg(folder, reason));
        return;
    }
    spill(m_request.raw.constData() + inMemory, m_request.raw.size() - inMemory);
    m_request.raw.truncate(inMemory);
    m_request.raw.squeeze();
}

void RequestParser::spill(const char *data, qsizetype size)
{
    if (m_state == State::BadRequest) { // refused, or the disk is full: the rest is not kept
        m_bytesNotKept += size;
        return;
    }
    std::atomic<qsizetype> *together = m_limits.bytesOnDisk.get();
    if (together && *together + size > m_limits.maxBytesOnDisk) {
        fail(503, QStringLiteral("Bodies still arriving already take %1 MiB on disk, "
                                 "Hookscope's limit; retry later")
                      .arg(m_limits.maxBytesOnDisk >> 20));
        return;
    }
    if (m_spill->write(data, size) != size) {
        fail(503, QStringLiteral("No room on disk for the rest of the body (%1 bytes kept): %2")
                      .arg(m_request.raw.size() + m_bytesOnDisk)
                      .arg(m_spill->errorString()));
        return;
    }
    m_bytesOnDisk += size;
    if (together)
        *together += size;
}

void RequestParser::dropSpill()
{
    if (!m_spill)
        return;
    if (m_limits.bytesOnDisk)
        *m_limits.bytesOnDisk -= m_bytesOnDisk;
    m_bytesOnDisk = 0;
    m_spill.reset();
}

QString RequestParser::readBackSpill()
{
    QString error;
    const qsizetype spilled = m_bytesOnDisk;
    const qsizetype before = m_request.raw.size();
    m_request.raw.resize(before + spilled);
    if (!m_spill->seek(0) || m_spill->read(m_request.raw.data() + before, spilled) != spilled) {
        m_request.raw.truncate(before);
        error = QStringLiteral("The body kept on disk could not be read back: %1")
                    .arg(m_spill->errorString());
    }
    dropSpill();
    // A chunked body was decoded only as far as memory went: decoded again, whole.
    if (m_chunked)
        m_request.body = parseStored(m_request.raw).body;
    return error;
}

int RequestParser::onMessageBegin(http_parser *)
{
    return 0;
}

int RequestParser::onUrl(http_parser *parser, const char *at, size_t length)
{
    self(parser)->m_request.target.append(at, qsizetype(length));
    return 0;
}

int RequestParser::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    RequestParser *p = self(parser);
    if (p->m_headersComplete)
        return 0; // chunked trailers stay in the raw bytes only
    HeaderList &headers = p->m_request.headers;
    if (headers.isEmpty() || p->m_lastCallbackWasValue) {
        if (headers.isEmpty())
            headers.reserve(8); // one allocation for a typical webhook's headers
        headers.append(HeaderField{});
    }
    headers.last().name.append(at, qsizetype(length));
    p->m_lastCallbackWasValue = false;
    return 0;
}

int RequestParser::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    RequestParser *p = self(parser);
    if (p->m_headersComplete)
        return 0;
    p->m_request.headers.last().value.append(at, qsizetype(length));
    p->m_lastCallbackWasValue = true;
    return 0;
}

int RequestParser::onHeadersComplete(http_parser *parser)
{
    RequestParser *p = self(parser);
    p->m_headersComplete = true;
    CapturedRequest &request = p->m_request;
    // http_parser's method names are static: shared, not copied, for every request.
    const char *method = http_method_str(static_cast<http_method>(parser->method));
    request.method = QByteArray::fromRawData(method, qsizetype(std::strlen(method)));
    if (parser->http_major == 1 && parser->http_minor == 1)
        request.httpVersion = QByteArrayLiteral("HTTP/1.1");
    else
        request.httpVersion = "HTTP/" + QByteArray::number(parser->http_major) + '.'
                              + QByteArray::number(parser->http_minor);
    p->m_keepAlive = http_should_keep_alive(parser) != 0;
    p->m_upgrade = parser->upgrade != 0;
    p->m_chunked = (parser->flags & F_CHUNKED) != 0;
    p->m_expectContinue = parser->http_minor >= 1
                          && headerValue(request.headers, "Expect").toLower() == "100-continue";

    const bool hasLength
        = parser->content_length != std::numeric_limits<uint64_t>::max() && !p->m_chunked;
    if (hasLength && parser->content_length > uint64_t(p->m_limits.maxBodyBytes)) {
        p->fail(413, QStringLiteral("Body of %1 bytes is over the %2 limit")
                         .arg(parser->content_length)
                         .arg(limitText(p->m_limits.maxBodyBytes)));
        return -1;
    }
    if (!p->m_chunked) { // within the limit by now
        const qsizetype declared = hasLength ? qsizetype(parser->content_length) : 0;
        // Grown by doubling, a body would take up to twice its size while it arrives.
        // (Pages are taken as bytes arrive: a body announced and never sent costs none.)
        if (declared > 64 * 1024)
            p->m_request.raw.reserve(p->m_request.raw.size()
                                     + std::min(declared, p->m_limits.bodyBytesInMemory)
                                     + 64 * 1024);
    }
    return 0;
}

int RequestParser::onBody(http_parser *parser, const char *at, size_t length)
{
    RequestParser *p = self(parser);
    p->m_bodyStarted = true;
    p->m_bodyBytes += qsizetype(length);
    if (p->m_bodyBytes > p->m_limits.maxBodyBytes) {
        p->fail(413, QStringLiteral("Chunked body is over the %1 limit")
                         .arg(limitText(p->m_limits.maxBodyBytes)));
        return -1;
    }
    // Identity bodies are a slice of the raw bytes; only chunked ones need a copy (decoded
    // again from the raw bytes when they went to disk).
    if (p->m_chunked && !p->m_spill)
        p->m_request.body.append(at, qsizetype(length));
    return 0;
}

int RequestParser::onMessageComplete(http_parser *parser)
{
    RequestParser *p = self(parser);
    p->m_state = State::Complete;
    http_parser_pause(parser, 1);
    return 0;
}

void RequestParser::checkHeaderLimit()
{
    if (m_headerLimitChecked)
        return;
    const qsizetype headBytes = m_headersComplete ? headEnd(m_request.raw) : m_request.raw.size();
    if (headBytes > m_limits.maxHeaderBytes) {
        fail(431, QStringLiteral("Header section larger than %1 KiB")
                      .arg(m_limits.maxHeaderBytes / 1024));
        return;
    }
    m_headerLimitChecked = m_headersComplete;
}

void RequestParser::finishHead()
{
    CapturedRequest &request = m_request;
    request.headSize = headEnd(request.raw);
    if (!m_chunked && request.headSize < request.raw.size() && m_headersComplete && !m_upgrade)
        request.body = request.raw.mid(request.headSize);
}

CapturedRequest RequestParser::takeRequest(const QString &leaveOnDisk)
{
    QString readBackError;
    qsizetype notKept = m_bytesNotKept;
    if (m_spill && !leaveOnDisk.isEmpty()) {
        notKept += m_bytesOnDisk;
        dropSpill();
    } else if (m_spill) {
        readBackError = readBackSpill();
    }
    if (notKept > 0 && readBackError.isEmpty())
        readBackError = QStringLiteral("%1 (the %2 bytes past the first %3 were not kept)")
                            .arg(leaveOnDisk.isEmpty() ? m_errorMessage : leaveOnDisk)
                            .arg(notKept)
                            .arg(m_request.raw.size());
    finishHead();
    if (m_state == State::BadRequest)
        m_request.parseError = m_errorMessage;
    else if (m_state == State::Incomplete)
        m_request.parseError = m_headersComplete ? QStringLiteral("Incomplete body")
                                                 : QStringLiteral("Incomplete header section");
    if (!readBackError.isEmpty())
        m_request.parseError = readBackError;
    CapturedRequest request = std::move(m_request);
    reset();
    return request;
}

CapturedRequest RequestParser::parseStored(const QByteArray &raw)
{
    constexpr qsizetype unlimited = std::numeric_limits<qsizetype>::max() / 2;
    ParserLimits limits;
    limits.maxHeaderBytes = unlimited;
    limits.maxBodyBytes = unlimited;
    limits.bodyBytesInMemory = unlimited;
    RequestParser parser(limits);
    if (!raw.isEmpty())
        parser.feed(raw);
    CapturedRequest request = parser.takeRequest();
    request.raw = raw;
    request.headSize = headEnd(raw);
    return request;
}

} // namespace Hookscope
