#pragma once

#include "clientstream.h"

#include <QSslSocket>

namespace Hookscope {

// A client on the HTTPS port: QSslSocket, as the server side of a TLS handshake. A handshake
// that fails (the client does not trust the certificate, speaks plain HTTP, asks for a name
// the certificate lacks) is said through handshakeFailed().
class TlsClientSocket final : public ClientStream
{
    Q_OBJECT
public:
    // Takes ownership of a connected, accepted descriptor and starts the handshake.
    TlsClientSocket(qintptr descriptor, const QSslConfiguration &configuration,
                    QObject *parent = nullptr);

    QByteArray read(qsizetype maxBytes) override;
    void setReadingPaused(bool paused) override;
    bool peerFinishedSending() const override { return m_peerFinished; }
    void write(const QByteArray &bytes) override;
    qsizetype bytesToWrite() const override;
    void closeAfterWriting() override;
    void abort(bool reset = false) override;
    bool isOpen() const override { return !m_closed; }

private:
    void onError(QAbstractSocket::SocketError error);
    void finish();

    QSslSocket m_socket;
    bool m_peerFinished = false;
    bool m_closed = false;
};

} // namespace Hookscope
