#pragma once

#include "store/capturewriter.h"
#include "wire/requestparser.h"
#include "wire/responsespec.h"
#include "mock/mockrules.h"

#include <QObject>

#include <deque>
#include <optional>

namespace Hookscope {

class ClientStream;
class Receiver;

// One client socket: feeds its bytes to the parser, queues each finished request for storage
// and answers in request order, each only after its capture has committed. A request on a
// proxy route first waits for its target's answer; the requests after it wait their turn.
// A client that sends requests faster than it reads their answers is not read from until it
// catches up, so each costs the same however many it queues.
class Connection final : public QObject
{
    Q_OBJECT
public:
    // Takes ownership of an accepted client's stream.
    Connection(ClientStream *stream, quint64 ticket, Receiver &receiver);
    ~Connection() override;

    quint64 ticket() const { return m_ticket; }
    // The oldest request still waiting for its commit has been stored (`captureId` 0: failed).
    void onCommitted(qint64 captureId);
    // Called periodically by the receiver with a monotonic clock in ms.
    void checkTimeout(qint64 nowMs);
    // Since when (monotonic ms) the connection has only been waiting for its client: nothing
    // owed to it, nothing heard from it. Empty while an answer is owed or on its way.
    std::optional<qint64> idleSinceMs() const;
    // Closes the connection to make room for another; a partial request is kept.
    void evict();
    // Reads again once the client has caught up with its answers.
    void resumeIfCaughtUp();

signals:
    void finished(Hookscope::Connection *connection);

private:
    // A TLS client that never got as far as a request is kept as a malformed capture.
    void recordHandshakeFailure(const QString &why);

    struct PendingResponse
    {
        CapturedRequest request; // until handed to the writer
        std::optional<RelayedDelivery> relayed;
        QByteArray head;
        QByteArray body;
        int delayMs = 0;
        quint64 sequence = 0;
        bool keepAlive = false;
        bool closeAfter = false;
        bool headRequest = false;
        bool awaitingRelay = false;
        bool ready = false;
        MockAnswer::Fault fault = MockAnswer::Fault::None;
        int trickleBytesPerSecond = 0;
    };

    void onReadyRead();
    // Feeds what was read to the parser, request by request, until it is used up or the
    // client has too many answers waiting.
    void parseInput();
    bool isBacklogged() const;
    void onPeerFinishedSending();
    void onClosed();
    // Ends the connection now, keeping a partial request with `reason`.
    void closeNow(const QString &reason);
    void finishRequest(const ResponseSpec *errorResponse);
    // `head`: the response's head when already serialized.
    static void setResponse(PendingResponse &pending, const ResponseSpec &response,
                            const QByteArray *head = nullptr);
    void relay(const CapturedRequest &request, const ForwardRoute &route, quint64 sequence);
    void finishRelay(quint64 sequence, RelayedDelivery relayed);
    // Hands the finished requests to the writer in the order they came, up to the first one
    // still waiting for its target.
    void appendInOrder();
    // The parser's request, stamped with this connection's addresses and timing.
    CapturedRequest takeRequest(const QString &leaveOnDisk = {});
    // Whether the finished request's body, if it went to disk, may be read back now: the
    // receiver's memory for large bodies has room. If not, it resumes this connection later.
    bool admitBodyFromDisk();
    void capturePartial(const QString &reason);
    // Once a request's head is in: whether the access rules take it (ReceiverAccess). If not,
    // it is answered 401 or 403 after the answers before it, nothing of it is kept, and the
    // connection closes.
    bool admit();
    // A request not admitted (malformed before its head was judged, say) is dropped, not kept.
    void refuse(const QByteArray &answer, const QString &what);
    void writeReadyResponses();
    void popResponse();
    void dropResponses();
    // Sends the front response's body a few bytes at a time, then goes on with the rest.
    void trickle();
    void armDeadline(qint64 fromMs, int timeoutMs);

    ClientStream *m_socket;
    quint64 m_ticket;
    Receiver &m_receiver;
    RequestParser m_parser;
    QByteArray m_input; // the last read, parsed up to m_inputOffset
    qsizetype m_inputOffset = 0;
    std::deque<PendingResponse> m_responses;
    // Answers are stored and committed in order, so each of these is a prefix of m_responses.
    qsizetype m_appendedCount = 0;
    qsizetype m_committedCount = 0;
    qint64 m_lastReadMs = 0;
    std::shared_ptr<const void> m_largeBodyLease; // for the request being finished
    qint64 m_messageStartUs = 0;
    qint64 m_messageStartMs = 0;
    qint64 m_deadlineMs = 0;
    quint64 m_nextSequence = 0;
    bool m_continueSent = false;
    bool m_closing = false;    // no more requests are read; close once answers are out
    const bool m_fromLoopback; // other peers' requests need the access token
    bool m_admitted = false;   // the request being read was judged and taken
    QByteArray m_refusal;      // sent once the answers before it are out, then closed
    QByteArray m_trickling;    // what is left of a body sent slowly
    int m_trickleBytesPerSecond = 0;
    bool m_closeAfterTrickle = false;
};

} // namespace Hookscope
