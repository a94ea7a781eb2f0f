#pragma once

#include "clientstream.h"

#include <QSocketNotifier>
#include <QTimer>

#include <deque>

namespace Hookscope {

// A connected client's TCP socket, read and written by the receiver itself. QTcpSocket closes
// both directions as soon as the peer stops sending, so a client that half-closes after its
// request (`nc -N`, `shutdown(SHUT_WR)`) could never get its answer; here the end of the
// client's bytes is only reported. Reading can be paused, which is how a client that does not
// read its answers is slowed down: the kernel's buffers fill and its writes block.
class ClientSocket final : public ClientStream
{
    Q_OBJECT
public:
    // Takes ownership of a connected, accepted descriptor.
    explicit ClientSocket(qintptr descriptor, QObject *parent = nullptr);
    ~ClientSocket() override;

    // What the kernel holds for us, at most `maxBytes`; empty when nothing is waiting, and
    // from the end of the client's bytes on (peerFinishedSending() tells).
    QByteArray read(qsizetype maxBytes) override;
    // While paused, nothing is read and readyRead() is not emitted.
    void setReadingPaused(bool paused) override;
    bool peerFinishedSending() const override { return m_peerFinished; }

    // Sends now what the kernel takes and queues the rest.
    void write(const QByteArray &bytes) override;
    qsizetype bytesToWrite() const override { return m_queuedBytes; }
    // Sends what is queued, then closes: the client's further bytes are read and dropped for a
    // moment, so an answer is not lost to a reset when the client is still sending.
    void closeAfterWriting() override;
    // Closes at once; `reset` sends the client a TCP reset instead of an orderly end.
    void abort(bool reset = false) override;
    bool isOpen() const override { return m_descriptor >= 0; }

private:
    void onReadable();
    void flush();
    void finishClosing();

    int m_descriptor = -1;
    QSocketNotifier m_readNotifier;
    QSocketNotifier m_writeNotifier;
    QTimer m_lingerTimer;
    std::deque<QByteArray> m_writeQueue;
    qsizetype m_frontOffset = 0; // bytes of the queue's front already sent
    qsizetype m_queuedBytes = 0;
    bool m_readingPaused = false;
    bool m_peerFinished = false;
    bool m_closeWhenWritten = false;
    bool m_lingering = false; // our side is shut; the client's last bytes are dropped
};

} // namespace Hookscope
