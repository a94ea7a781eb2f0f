#include "connection.h"

#include "clientstream.h"
#include "wire/clock.h"
#include "receiver.h"

#include <QPointer>
#include <QTimer>

namespace Hookscope {
namespace {

// One read: enough for a burst of requests, little enough that a fast sender does not keep the
// receiver from its other clients.
constexpr qsizetype readBytesAtOnce = 256 * 1024;

qint64 nowMs()
{
    return Clock::monotonicMicroseconds() / 1000;
}

} // namespace

Connection::Connection(ClientStream *stream, quint64 ticket, Receiver &receiver)
    : m_socket(stream)
    , m_ticket(ticket)
    , m_receiver(receiver)
    , m_parser(receiver.options().limits)
    , m_lastReadMs(nowMs())
    , m_fromLoopback(ReceiverAccess::plain(m_socket->peerAddress()).isLoopback())
{
    m_socket->setParent(this);
    connect(m_socket, &ClientStream::readyRead, this, &Connection::onReadyRead);
    connect(m_socket, &ClientStream::closed, this, &Connection::onClosed);
    connect(m_socket, &ClientStream::handshakeFailed, this, &Connection::recordHandshakeFailure);
    connect(m_socket, &ClientStream::bytesWritten, this, [this] {
        // A client reading its answers, however slowly, is not idle.
        armDeadline(nowMs(), m_receiver.options().idleTimeoutMs);
        resumeIfCaughtUp();
    });
    armDeadline(m_lastReadMs, m_receiver.options().idleTimeoutMs);
}

Connection::~Connection()
{
    m_socket->disconnect(this);
    // The client left while a target had not answered yet: the request is kept all the same.
    for (PendingResponse &pending : m_responses) {
        if (pending.awaitingRelay) {
            pending.awaitingRelay = false;
            pending.relayed->result.startedAtUs = Clock::wallMicroseconds();
            pending.relayed->result.error
                = QStringLiteral("The client closed the connection before the target answered");
        }
    }
    appendInOrder();
}

void Connection::armDeadline(qint64 fromMs, int timeoutMs)
{
    m_deadlineMs = fromMs + timeoutMs;
}

void Connection::onReadyRead()
{
    if (m_inputOffset < m_input.size())
        return parseInput(); // not reached while paused; kept safe all the same
    m_input = m_socket->read(readBytesAtOnce);
    m_inputOffset = 0;
    if (m_input.isEmpty()) {
        if (m_socket->peerFinishedSending())
            onPeerFinishedSending();
        return;
    }
    m_lastReadMs = nowMs();
    parseInput();
}

void Connection::parseInput()
{
    const qint64 now = nowMs();
    while (!isBacklogged()) {
        if (m_parser.state() == RequestParser::State::Complete) { // may wait for memory
            if (!admitBodyFromDisk())
                break;
            finishRequest(nullptr);
            continue;
        }
        if (m_closing || m_inputOffset >= m_input.size())
            break;
        if (!m_parser.hasStarted()) {
            m_messageStartUs = Clock::wallMicroseconds();
            m_messageStartMs = now;
            m_continueSent = false;
            m_admitted = m_fromLoopback;
            armDeadline(now, m_receiver.options().headerTimeoutMs);
        }
        m_inputOffset += m_parser.feed(m_input, m_inputOffset);
        if (!m_admitted && m_parser.headersComplete() && !admit())
            break;

        switch (m_parser.state()) {
        case RequestParser::State::Complete: continue; // above: once its body may come back
        case RequestParser::State::BadRequest: {
            const ResponseSpec error
                = ResponseSpec::forError(m_parser.errorStatus(), m_parser.errorMessage());
            finishRequest(&error);
            break;
        }
        case RequestParser::State::Incomplete:
            if (m_parser.headersComplete()) // body progress keeps a slow upload alive
                armDeadline(now, m_receiver.options().idleTimeoutMs);
            if (m_parser.awaitsContinue() && !m_continueSent) {
                m_continueSent = true;
                m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
            }
            break;
        }
    }
    if (m_inputOffset == m_input.size() || m_closing) {
        // After a bad request or "Connection: close", the rest is not ours to read.
        m_input.clear();
        m_inputOffset = 0;
    }
    // Nothing more is read while a part of the last read waits, after the last request, while
    // the client has not caught up with its answers, or while its body waits for memory.
    m_socket->setReadingPaused(!m_input.isEmpty() || m_closing || isBacklogged()
                               || m_parser.state() != RequestParser::State::Incomplete);
}

bool Connection::admitBodyFromDisk()
{
    if (m_parser.bytesOnDisk() == 0 || m_largeBodyLease)
        return true;
    return m_receiver.admitLargeBody(m_parser.bytesInMemory() + m_parser.bytesOnDisk(), m_ticket,
                                     &m_largeBodyLease);
}

bool Connection::isBacklogged() const
{
    const ReceiverOptions &options = m_receiver.options();
    return qsizetype(m_responses.size()) >= options.maxQueuedAnswers
           || m_socket->bytesToWrite() >= options.maxUnreadAnswerBytes;
}

void Connection::resumeIfCaughtUp()
{
    const bool waitingForMemory = m_parser.state() == RequestParser::State::Complete;
    if ((m_closing && !waitingForMemory) || isBacklogged() || !m_socket->isOpen())
        return;
    if (!m_input.isEmpty() || waitingForMemory)
        parseInput();
    else
        m_socket->setReadingPaused(false);
}

void Connection::onPeerFinishedSending()
{
    const bool waitingForMemory = m_parser.state() == RequestParser::State::Complete;
    if (m_parser.hasStarted() && !waitingForMemory)
        capturePartial(QStringLiteral("The client closed the connection before the request was "
                                      "complete"));
    m_closing = true;
    // What it asked for is still answered (a half-closed client waits for it); then we close.
    if (m_responses.empty() && m_trickling.isEmpty() && !waitingForMemory)
        m_socket->closeAfterWriting();
}

void Connection::recordHandshakeFailure(const QString &why)
{
    const QHostAddress peer = m_socket->peerAddress();
    const QString what = QStringLiteral("TLS handshake failed: ") + why;
    // From another machine, only a request with the access token is kept, and the token is
    // inside what could not be read.
    if (!m_fromLoopback) {
        m_receiver.noteRefused(
            QStringLiteral("%1 (from %2)").arg(what, ReceiverAccess::plain(peer).toString()));
        return;
    }
    CapturedRequest request;
    request.parseError = what;
    request.receivedAtUs = Clock::wallMicroseconds();
    request.remoteAddress = peer;
    request.remotePort = m_socket->peerPort();
    request.localAddress = m_socket->localAddress();
    request.localPort = m_socket->localPort();
    request.overTls = m_socket->isTls();
    m_receiver.store(std::move(request), 0); // nobody to answer: the handshake never ended
}

bool Connection::admit()
{
    const QHostAddress peer = m_socket->peerAddress();
    const ReceiverAccess::Verdict verdict
        = m_receiver.options().access.judge(peer, m_parser.current());
    m_admitted = verdict == ReceiverAccess::Verdict::Taken;
    if (!m_admitted)
        refuse(ReceiverAccess::refusal(verdict, peer), ReceiverAccess::describe(verdict, peer));
    return m_admitted;
}

void Connection::refuse(const QByteArray &answer, const QString &what)
{
    m_parser.takeRequest(QStringLiteral("refused")); // dropped, with any body spilled to disk
    m_closing = true;
    m_refusal = answer;
    m_receiver.noteRefused(what);
    writeReadyResponses();
}

void Connection::finishRequest(const ResponseSpec *errorResponse)
{
    if (!m_admitted) { // malformed before the head was complete, from another machine
        const ResponseSpec answer
            = errorResponse ? *errorResponse : ResponseSpec::forError(400, {});
        refuse(answer.serializeHead(false) + answer.body,
               QStringLiteral("refused a malformed request from %1")
                   .arg(ReceiverAccess::plain(m_socket->peerAddress()).toString()));
        return;
    }
    PendingResponse pending;
    pending.keepAlive = m_parser.keepAlive() && !m_parser.isUpgrade() && !errorResponse;
    // A refused body is not read back from disk: what is in memory shows what went wrong.
    pending.request = takeRequest(
        errorResponse && m_parser.bytesOnDisk() > 0 ? m_parser.errorMessage() : QString());
    m_receiver.options().access.strip(pending.request);
    pending.headRequest = pending.request.method == "HEAD";
    pending.sequence = m_nextSequence++;
    // A mock rule answers first, then a proxy route, then the default response.
    std::optional<MockDecision> mock;
    if (!errorResponse && m_receiver.hasMockRules()) {
        mock = m_receiver.mockRules().decide(pending.request);
        if (mock)
            pending.request.rule = mock->ruleName.isEmpty()
                                       ? QStringLiteral("rule %1").arg(mock->ruleIndex + 1)
                                       : mock->ruleName;
    }
    ForwardRoute mockProxy;
    // The path is worked out only when some route may want it: this runs for every request.
    const ForwardRoute *proxyRoute = errorResponse || mock || !m_receiver.hasProxyRoutes()
                                         ? nullptr
                                         : m_receiver.proxyRouteFor(pending.request.path());
    if (mock && !mock->proxyTarget.isEmpty()) {
        mockProxy.target = mock->proxyTarget;
        mockProxy.proxy = true;
        proxyRoute = &mockProxy;
    }
    if (proxyRoute) {
        pending.awaitingRelay = true;
        pending.relayed = RelayedDelivery{proxyRoute->target, proxyRoute->options, {}};
        relay(pending.request, *proxyRoute, pending.sequence);
    } else if (mock) {
        setResponse(pending, mock->response);
        pending.fault = mock->fault;
        pending.trickleBytesPerSecond = mock->trickleBytesPerSecond;
        if (pending.fault == MockAnswer::Fault::Close || pending.fault == MockAnswer::Fault::Reset
            || pending.fault == MockAnswer::Fault::NoAnswer) {
            // Nothing is sent: nothing is recorded as the answer.
            pending.request.responseStatus = 0;
            pending.request.responseHead.clear();
            pending.request.responseBody.clear();
        }
    } else if (errorResponse) {
        setResponse(pending, *errorResponse);
    } else {
        setResponse(pending, m_receiver.defaultResponse(),
                    &m_receiver.defaultResponseHead(pending.keepAlive));
    }
    if (!pending.keepAlive)
        m_closing = true;
    m_responses.push_back(std::move(pending));
    armDeadline(Clock::monotonicMicroseconds() / 1000, m_receiver.options().idleTimeoutMs);
    appendInOrder();
}

void Connection::setResponse(PendingResponse &pending, const ResponseSpec &response,
                             const QByteArray *head)
{
    pending.head = head ? *head : response.serializeHead(pending.keepAlive);
    pending.body = pending.headRequest ? QByteArray() : response.body;
    pending.delayMs = response.delayMs;
    pending.closeAfter = !pending.keepAlive;
    pending.request.responseStatus = response.status;
    pending.request.responseHead = pending.head;
    pending.request.responseBody = pending.body;
}

void Connection::relay(const CapturedRequest &request, const ForwardRoute &route, quint64 sequence)
{
    RelayedDelivery relayed{route.target, route.options, {}};
    QString error;
    std::optional<OutgoingRequest> outgoing
        = OutgoingRequest::replay(request, QUrl(route.target), route.options, &error);
    if (outgoing && route.options.resign
        && !m_receiver.signatureSettings().resign(*outgoing, request,
                                                  Clock::wallMicroseconds() / 1'000'000, &error))
        outgoing.reset();
    if (!outgoing) {
        relayed.result.startedAtUs = Clock::wallMicroseconds();
        relayed.result.error = error;
        // Answered from the event loop, as a sent request would be.
        QTimer::singleShot(0, this, [this, sequence, relayed] { finishRelay(sequence, relayed); });
        return;
    }
    SendOptions options;
    options.acceptSelfSigned = route.options.acceptSelfSigned;
    m_receiver.relaySender().send(
        *outgoing, options,
        [connection = QPointer<Connection>(this), sequence,
         relayed = std::move(relayed)](const DeliveryResult &result) mutable {
            if (!connection)
                return; // kept as it was when the client left (see ~Connection)
            relayed.result = result;
            connection->finishRelay(sequence, std::move(relayed));
        });
}

void Connection::finishRelay(quint64 sequence, RelayedDelivery relayed)
{
    for (PendingResponse &pending : m_responses) {
        if (pending.sequence != sequence || !pending.awaitingRelay)
            continue;
        setResponse(pending, ResponseSpec::relaying(relayed.result, relayed.target));
        pending.relayed = std::move(relayed);
        pending.awaitingRelay = false;
        appendInOrder();
        return;
    }
}

void Connection::appendInOrder()
{
    for (; m_appendedCount < qsizetype(m_responses.size()); ++m_appendedCount) {
        PendingResponse &pending = m_responses[size_t(m_appendedCount)];
        if (pending.awaitingRelay)
            return;
        m_receiver.store(std::move(pending.request), m_ticket, std::move(pending.relayed));
    }
}

CapturedRequest Connection::takeRequest(const QString &leaveOnDisk)
{
    CapturedRequest request = m_parser.takeRequest(leaveOnDisk);
    request.memoryLease = std::move(m_largeBodyLease);
    request.remoteAddress = m_socket->peerAddress();
    request.remotePort = m_socket->peerPort();
    request.localAddress = m_socket->localAddress();
    request.localPort = m_socket->localPort();
    request.overTls = m_socket->isTls();
    request.receivedAtUs = m_messageStartUs;
    request.durationUs = Clock::wallMicroseconds() - m_messageStartUs;
    return request;
}

void Connection::capturePartial(const QString &reason)
{
    if (!m_parser.hasStarted() || !m_admitted)
        return;
    // Nobody waits for this one, so its body cannot wait for memory either.
    QString leaveOnDisk;
    if (m_parser.bytesOnDisk() > 0 && !m_largeBodyLease
        && !m_receiver.admitLargeBody(m_parser.bytesInMemory() + m_parser.bytesOnDisk(), 0,
                                      &m_largeBodyLease))
        leaveOnDisk = QStringLiteral("%1; large bodies waiting to be stored filled the memory "
                                     "set aside for them")
                          .arg(reason);
    CapturedRequest request = takeRequest(leaveOnDisk);
    if (leaveOnDisk.isEmpty())
        request.parseError = reason;
    // Nobody waits for an answer: ticket 0 matches no connection.
    m_receiver.store(std::move(request), 0);
}

void Connection::onCommitted(qint64 captureId)
{
    // Answers dropped by a fault that closed the connection may still be committing.
    if (m_committedCount >= qsizetype(m_responses.size()))
        return;
    {
        PendingResponse &pending = m_responses[size_t(m_committedCount++)];
        if (captureId == 0) {
            // Never claim success for a request that was not stored.
            const ResponseSpec failure = ResponseSpec::forError(
                503, QStringLiteral("Hookscope could not store this request; see its window."));
            pending.head = failure.serializeHead(false);
            pending.body = failure.body;
            pending.closeAfter = true;
            pending.delayMs = 0;
        }
        if (pending.delayMs > 0) {
            QTimer::singleShot(pending.delayMs, this, [this, sequence = pending.sequence] {
                for (PendingResponse &delayed : m_responses) {
                    if (delayed.sequence == sequence)
                        delayed.ready = true;
                }
                writeReadyResponses();
            });
        } else {
            pending.ready = true;
            writeReadyResponses();
        }
        return;
    }
}

void Connection::writeReadyResponses()
{
    while (!m_responses.empty() && m_responses.front().ready && m_trickling.isEmpty()) {
        const PendingResponse &front = m_responses.front();
        switch (front.fault) {
        case MockAnswer::Fault::None: break;
        case MockAnswer::Fault::Close:
            dropResponses();
            m_socket->closeAfterWriting();
            return;
        case MockAnswer::Fault::Reset:
            dropResponses();
            m_socket->abort(true);
            return;
        case MockAnswer::Fault::NoAnswer: return; // it stays unanswered until the client gives up
        case MockAnswer::Fault::Trickle:
            m_socket->write(front.head);
            m_trickling = front.body;
            m_trickleBytesPerSecond = front.trickleBytesPerSecond;
            m_closeAfterTrickle = front.closeAfter;
            popResponse();
            trickle();
            return;
        }
        // One write: one segment on the wire, one syscall.
        m_socket->write(front.body.isEmpty() ? front.head : front.head + front.body);
        const bool close = front.closeAfter;
        popResponse();
        if (close) {
            dropResponses();
            m_socket->closeAfterWriting();
            return;
        }
    }
    if (m_responses.empty() && m_trickling.isEmpty() && !m_refusal.isEmpty()) {
        m_socket->write(m_refusal);
        m_refusal.clear();
        m_socket->closeAfterWriting();
        return;
    }
    if (m_responses.empty() && m_trickling.isEmpty() && m_socket->peerFinishedSending())
        m_socket->closeAfterWriting(); // all a half-closed client asked for is answered
    else
        resumeIfCaughtUp();
}

void Connection::popResponse()
{
    m_responses.pop_front();
    --m_appendedCount;
    --m_committedCount;
}

void Connection::dropResponses()
{
    m_responses.clear();
    m_appendedCount = 0;
    m_committedCount = 0;
}

void Connection::trickle()
{
    // A tenth of a second's worth at a time (at least a byte), so the rate holds.
    const int chunk = std::max(1, m_trickleBytesPerSecond / 10);
    m_socket->write(m_trickling.left(chunk));
    m_trickling.remove(0, chunk);
    if (!m_trickling.isEmpty()) {
        QTimer::singleShot(std::max(1, 1000 * chunk / m_trickleBytesPerSecond), Qt::PreciseTimer,
                           this, &Connection::trickle);
        return;
    }
    if (m_closeAfterTrickle) {
        dropResponses();
        m_socket->closeAfterWriting();
        return;
    }
    writeReadyResponses();
}

void Connection::checkTimeout(qint64 nowMs)
{
    if (nowMs < m_deadlineMs || !m_responses.empty() || !m_trickling.isEmpty()
        || m_parser.state() == RequestParser::State::Complete) // its body waits for memory
        return;
    closeNow(m_parser.headersComplete()
                 ? QStringLiteral("Timed out: no body bytes for %1 s; the partial request is kept")
                       .arg(m_receiver.options().idleTimeoutMs / 1000.0)
                 : QStringLiteral("Timed out after %1 s waiting for the end of the header section "
                                  "(a slow or stalled client)")
                       .arg(m_receiver.options().headerTimeoutMs / 1000.0));
}

std::optional<qint64> Connection::idleSinceMs() const
{
    if (!m_responses.empty() || !m_trickling.isEmpty() || m_socket->bytesToWrite() > 0)
        return std::nullopt;
    return m_lastReadMs;
}

void Connection::evict()
{
    closeNow(QStringLiteral("Closed to make room for a new client: %1 connections were open and "
                            "this one had been idle the longest")
                 .arg(m_receiver.options().maxConnections));
}

void Connection::closeNow(const QString &reason)
{
    capturePartial(reason);
    m_closing = true;
    m_socket->disconnect(this);
    m_socket->abort();
    emit finished(this);
}

void Connection::onClosed()
{
    if (m_parser.state() == RequestParser::State::Complete)
        capturePartial(QStringLiteral("The client closed the connection before it was answered "
                                      "(its large body was waiting for memory)"));
    else if (m_parser.hasStarted() && !m_closing)
        capturePartial(QStringLiteral("The client closed the connection before the request was "
                                      "complete"));
    emit finished(this);
}

} // namespace Hookscope
