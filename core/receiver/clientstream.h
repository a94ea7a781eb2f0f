#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

namespace Hookscope {

// A connected client as a Connection reads and writes it: plain TCP (ClientSocket) or TLS
// (TlsClientSocket).
class ClientStream : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Read once when it connects: they do not change, and are gone once the peer leaves.
    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    QHostAddress localAddress() const { return m_localAddress; }
    quint16 localPort() const { return m_localPort; }
    bool isTls() const { return m_tls; }

    // What the client sent, at most `maxBytes`; empty when nothing is waiting, and from the end
    // of the client's bytes on (peerFinishedSending() tells).
    virtual QByteArray read(qsizetype maxBytes) = 0;
    // While paused, the client's bytes are left where they are, so a client that does not read
    // its answers is slowed down.
    virtual void setReadingPaused(bool paused) = 0;
    virtual bool peerFinishedSending() const = 0;

    // Sends now what can go and queues the rest.
    virtual void write(const QByteArray &bytes) = 0;
    virtual qsizetype bytesToWrite() const = 0;
    // Sends what is queued, then closes.
    virtual void closeAfterWriting() = 0;
    // Closes at once; `reset` sends the client a TCP reset instead of an orderly end.
    virtual void abort(bool reset = false) = 0;
    virtual bool isOpen() const = 0;

signals:
    void readyRead();
    // Some queued bytes went out.
    void bytesWritten();
    // Closed (an orderly close ended, an error, or abort()); emitted once.
    void closed();
    // TLS only: the handshake failed (`why`: an untrusted certificate, plain HTTP…); closed()
    // follows.
    void handshakeFailed(const QString &why);

protected:
    QHostAddress m_peerAddress;
    QHostAddress m_localAddress;
    quint16 m_peerPort = 0;
    quint16 m_localPort = 0;
    bool m_tls = false;
};

} // namespace Hookscope
