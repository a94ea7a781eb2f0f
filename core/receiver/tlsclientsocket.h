#pragma once

#include "clientstream.h"

#include <QSslConfiguration>
#include <QSslSocket>

class QSocketNotifier;

namespace Hookscope {

// A client on the HTTPS port: QSslSocket, as the server side of a TLS handshake. A handshake
// that fails (the client does not trust the certificate, speaks plain HTTP, asks for a name
// the certificate lacks) is said through handshakeFailed(). The handshake starts once the
// client's first record is in, so the name it asks for (SNI) is known: a client that checks
// names itself (curl) completes the handshake and leaves without a word when the certificate
// lacks it, and that is said too.
class TlsClientSocket final : public ClientStream
{
    Q_OBJECT
public:
    // Takes ownership of a connected, accepted descriptor.
    TlsClientSocket(qintptr descriptor, const QSslConfiguration &configuration,
                    QObject *parent = nullptr);
    ~TlsClientSocket() override;

    QByteArray read(qsizetype maxBytes) override;
    void setReadingPaused(bool paused) override;
    bool peerFinishedSending() const override { return m_peerFinished; }
    void write(const QByteArray &bytes) override;
    qsizetype bytesToWrite() const override;
    void closeAfterWriting() override;
    void abort(bool reset = false) override;
    bool isOpen() const override { return !m_closed; }

    // The host name the client asked for; empty when it named none (or is not in yet).
    QString serverName() const { return m_serverName; }

private:
    void readClientHello();
    void startHandshake();
    void onError(QAbstractSocket::SocketError error);
    // `byClient`: the client ended it, not Hookscope.
    void finish(bool byClient);
    // Why a client that left after the handshake without a request did (empty: no known why).
    QString whyClientLeft() const;

    qintptr m_descriptor;
    QSslConfiguration m_configuration;
    QSocketNotifier *m_helloNotifier = nullptr; // until the handshake starts
    int m_helloWaits = 0;
    QString m_serverName;
    QSslSocket m_socket;
    bool m_encrypted = false;
    bool m_received = false;
    bool m_peerFinished = false;
    bool m_closed = false;
};

} // namespace Hookscope
