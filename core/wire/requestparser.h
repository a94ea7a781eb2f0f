#pragma once

#include "capturedrequest.h"

#include <http_parser.h>

#include <QTemporaryFile>

#include <atomic>
#include <memory>

namespace Hookscope {

struct ParserLimits
{
    qsizetype maxHeaderBytes = 64 * 1024;
    qsizetype maxBodyBytes = 100 * 1024 * 1024;
    // Past this much of a body, the rest goes to an unnamed file in `spillFolder` as it
    // arrives, so bodies still arriving cost disk, not memory (16 clients each holding a
    // 95 MB body open took 3 GB), and a client that never finishes its body holds up no one.
    qsizetype bodyBytesInMemory = 64 * 1024;
    QString spillFolder; // empty: the system's temporary folder
    // What the parsers sharing `bytesOnDisk` may hold on disk together, so clients that hold
    // bodies open cannot fill the disk the store is on; past it a body is refused (503).
    // Without a counter, no limit.
    std::shared_ptr<std::atomic<qsizetype>> bytesOnDisk;
    qsizetype maxBytesOnDisk = qsizetype(2) * 1024 * 1024 * 1024;
};

// Incremental HTTP/1.x request parser over http_parser that keeps the exact bytes of each
// message. Feeding stops at the end of each request so pipelined requests come out one by
// one, each with its own slice of the wire.
class RequestParser final
{
public:
    enum class State { Incomplete, Complete, BadRequest };

    explicit RequestParser(ParserLimits limits = {});
    ~RequestParser();
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    // Consumes bytes up to the end of the current request; returns how many were used. After
    // Complete or BadRequest, take the request before feeding more.
    qsizetype feed(const char *data, qsizetype size);
    qsizetype feed(QByteArrayView data) { return feed(data.data(), data.size()); }
    // The same from `offset` on; when all of `bytes` is one request, the request's raw bytes
    // share them instead of copying them.
    qsizetype feed(const QByteArray &bytes, qsizetype offset);

    State state() const { return m_state; }
    bool hasStarted() const { return !m_request.raw.isEmpty(); }
    bool headersComplete() const { return m_headersComplete; }
    // The request being parsed: its target and headers are all there once headersComplete().
    const CapturedRequest &current() const { return m_request; }
    // True once the headers asked for "100 Continue" and no body byte has arrived yet.
    bool awaitsContinue() const;
    bool keepAlive() const { return m_keepAlive; }
    // The bytes of the current request held in memory, and those past the limit on disk.
    qsizetype bytesInMemory() const { return m_request.raw.size(); }
    qsizetype bytesOnDisk() const { return m_bytesOnDisk; }
    bool isUpgrade() const { return m_upgrade; }

    // For BadRequest: the status to answer (400, 413, 431) and why, for the user.
    int errorStatus() const { return m_errorStatus; }
    QString errorMessage() const { return m_errorMessage; }

    // The current request, finished or partial (its parseError tells which), and a reset for
    // the next one on the same connection. A body that went to disk is read back here, or,
    // with `leaveOnDisk` saying why, left out (and the request marked incomplete).
    CapturedRequest takeRequest(const QString &leaveOnDisk = {});

    // Rebuilds the parsed fields of a stored capture from its raw bytes.
    static CapturedRequest parseStored(const QByteArray &raw);

private:
    static int onMessageBegin(http_parser *parser);
    static int onUrl(http_parser *parser, const char *at, size_t length);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onHeadersComplete(http_parser *parser);
    static int onBody(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);
    static const http_parser_settings &settings();

    void reset();
    void fail(int status, const QString &message);
    bool detectForeignProtocol(QByteArrayView data);
    void checkHeaderLimit();
    void finishHead();
    void keep(const char *data, qsizetype size);
    // Moves the body past ParserLimits::bodyBytesInMemory to the spill file, or fails the
    // request when the disk takes none of it.
    void spillBeyondMemoryLimit();
    void spill(const char *data, qsizetype size);
    // Deletes the spill file and gives its bytes back to ParserLimits::bytesOnDisk.
    void dropSpill();
    // Empty, or why the spilled body could not be read back.
    QString readBackSpill();

    ParserLimits m_limits;
    const QByteArray *m_shareable = nullptr; // during feed(bytes, 0) of a new request
    http_parser m_parser;
    CapturedRequest m_request;
    std::unique_ptr<QTemporaryFile> m_spill; // the body past bodyBytesInMemory, in order
    qsizetype m_bytesOnDisk = 0;             // written to m_spill
    qsizetype m_bytesNotKept = 0;            // past a refusal or a full disk
    State m_state = State::Incomplete;
    bool m_headersComplete = false;
    bool m_lastCallbackWasValue = false;
    bool m_chunked = false;
    bool m_expectContinue = false;
    bool m_bodyStarted = false;
    bool m_keepAlive = true;
    bool m_upgrade = false;
    bool m_headerLimitChecked = false;
    qsizetype m_bodyBytes = 0;
    int m_errorStatus = 0;
    QString m_errorMessage;
};

} // namespace Hookscope
