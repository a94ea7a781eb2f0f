#include "connection.h"

#include "http/clock.h"
#include "http/receiver.h"

#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace Hookscope {

Connection::Connection(QTcpSocket *socket, quint64 ticket, Receiver &receiver)
    : m_socket(socket)
    , m_ticket(ticket)
    , m_receiver(receiver)
    , m_parser(receiver.options().limits)
    // Read once: they do not change, and are gone once the peer disconnects.
    , m_remoteAddress(socket->peerAddress())
    , m_localAddress(socket->localAddress())
    , m_remotePort(socket->peerPort())
    , m_localPort(socket->localPort())
{
    m_socket->setParent(this);
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(m_socket, &QTcpSocket::readyRead, this, &Connection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, &Connection::onDisconnected);
    armDeadline(Clock::monotonicMicroseconds() / 1000, m_receiver.options().idleTimeoutMs);
}

Connection::~Connection()
{
    m_socket->disconnect(this);
    m_socket->abort();
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
    const QByteArray bytes = m_socket->readAll();
    if (m_closing)
        return; // after a bad request or "Connection: close", the rest is not ours to read
    const qint64 nowMs = Clock::monotonicMicroseconds() / 1000;
    qsizetype offset = 0;
    while (offset < bytes.size() && !m_closing) {
        if (!m_parser.hasStarted()) {
            m_messageStartUs = Clock::wallMicroseconds();
            m_messageStartMs = nowMs;
            m_continueSent = false;
            armDeadline(nowMs, m_receiver.options().headerTimeoutMs);
        }
        offset += m_parser.feed(bytes.constData() + offset, bytes.size() - offset);

        switch (m_parser.state()) {
        case RequestParser::State::Complete: finishRequest(nullptr); break;
        case RequestParser::State::BadRequest: {
            const ResponseSpec error
                = ResponseSpec::forError(m_parser.errorStatus(), m_parser.errorMessage());
            finishRequest(&error);
            break;
        }
        case RequestParser::State::Incomplete:
            if (m_parser.headersComplete()) // body progress keeps a slow upload alive
                armDeadline(nowMs, m_receiver.options().idleTimeoutMs);
            if (m_parser.awaitsContinue() && !m_continueSent) {
                m_continueSent = true;
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            }
            break;
        }
    }
}

void Connection::finishRequest(const ResponseSpec *errorResponse)
{
    PendingResponse pending;
    pending.keepAlive = m_parser.keepAlive() && !m_parser.isUpgrade() && !errorResponse;
    pending.request = takeRequest();
    pending.headRequest = pending.request.method == "HEAD";
    pending.sequence = m_nextSequence++;
    // The path is worked out only when some route may want it: this runs for every request.
    const ForwardRoute *proxyRoute = errorResponse || !m_receiver.hasProxyRoutes()
                                         ? nullptr
                                         : m_receiver.proxyRouteFor(pending.request.path());
    if (proxyRoute) {
        pending.awaitingRelay = true;
        pending.relayed = RelayedDelivery{proxyRoute->target, proxyRoute->options, {}};
        relay(pending.request, *proxyRoute, pending.sequence);
    } else {
        setResponse(pending, errorResponse ? *errorResponse : m_receiver.defaultResponse());
    }
    if (!pending.keepAlive)
        m_closing = true;
    m_responses.push_back(std::move(pending));
    armDeadline(Clock::monotonicMicroseconds() / 1000, m_receiver.options().idleTimeoutMs);
    appendInOrder();
}

void Connection::setResponse(PendingResponse &pending, const ResponseSpec &response)
{
    pending.head = response.serializeHead(pending.keepAlive);
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
    for (PendingResponse &pending : m_responses) {
        if (pending.appended)
            continue;
        if (pending.awaitingRelay)
            return;
        pending.appended = true;
        m_receiver.writer().append(std::move(pending.request), m_ticket,
                                   std::move(pending.relayed));
    }
}

CapturedRequest Connection::takeRequest()
{
    CapturedRequest request = m_parser.takeRequest();
    request.remoteAddress = m_remoteAddress;
    request.remotePort = m_remotePort;
    request.localAddress = m_localAddress;
    request.localPort = m_localPort;
    request.receivedAtUs = m_messageStartUs;
    request.durationUs = Clock::wallMicroseconds() - m_messageStartUs;
    return request;
}

void Connection::capturePartial(const QString &reason)
{
    if (!m_parser.hasStarted())
        return;
    CapturedRequest request = takeRequest();
    request.parseError = reason;
    // Nobody waits for an answer: ticket 0 matches no connection.
    m_receiver.writer().append(std::move(request), 0);
}

void Connection::onCommitted(qint64 captureId)
{
    for (PendingResponse &pending : m_responses) {
        if (pending.committed)
            continue;
        pending.committed = true;
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
    while (!m_responses.empty() && m_responses.front().ready) {
        const PendingResponse &front = m_responses.front();
        // One write: one segment on the wire, one syscall.
        m_socket->write(front.body.isEmpty() ? front.head : front.head + front.body);
        const bool close = front.closeAfter;
        m_responses.pop_front();
        if (close) {
            m_responses.clear();
            m_socket->disconnectFromHost();
            return;
        }
    }
}

void Connection::checkTimeout(qint64 nowMs)
{
    if (nowMs < m_deadlineMs || !m_responses.empty())
        return;
    if (m_parser.hasStarted()) {
        const QString reason
            = m_parser.headersComplete()
                  ? QStringLiteral("Timed out: no body bytes for %1 s; the partial request is kept")
                        .arg(m_receiver.options().idleTimeoutMs / 1000.0)
                  : QStringLiteral("Timed out after %1 s waiting for the end of the header section "
                                   "(a slow or stalled client)")
                        .arg(m_receiver.options().headerTimeoutMs / 1000.0);
        capturePartial(reason);
    }
    m_closing = true;
    m_socket->disconnect(this);
    m_socket->abort();
    emit finished(this);
}

void Connection::onDisconnected()
{
    if (m_parser.hasStarted() && !m_closing)
        capturePartial(QStringLiteral("The client closed the connection before the request was "
                                      "complete"));
    emit finished(this);
}

} // namespace Hookscope
