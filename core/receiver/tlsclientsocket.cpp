#include "tlsclientsocket.h"

namespace Hookscope {
namespace {

// Read from the kernel while paused: one record at most, so the client's writes back up.
constexpr qint64 PausedReadBuffer = 16 * 1024;

} // namespace

TlsClientSocket::TlsClientSocket(qintptr descriptor, const QSslConfiguration &configuration,
                                 QObject *parent)
    : ClientStream(parent)
{
    m_socket.setSslConfiguration(configuration);
    m_socket.setSocketDescriptor(descriptor);
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_peerAddress = m_socket.peerAddress();
    m_peerPort = m_socket.peerPort();
    m_localAddress = m_socket.localAddress();
    m_localPort = m_socket.localPort();
    // Only what was decrypted is readyRead(): nothing before the handshake ends.
    connect(&m_socket, &QSslSocket::readyRead, this, &ClientStream::readyRead);
    connect(&m_socket, &QSslSocket::encryptedBytesWritten, this, &ClientStream::bytesWritten);
    connect(&m_socket, &QSslSocket::errorOccurred, this, &TlsClientSocket::onError);
    connect(&m_socket, &QSslSocket::disconnected, this, [this] {
        m_peerFinished = true;
        finish();
    });
    m_socket.startServerEncryption();
}

QByteArray TlsClientSocket::read(qsizetype maxBytes)
{
    return m_socket.read(maxBytes);
}

void TlsClientSocket::setReadingPaused(bool paused)
{
    m_socket.setReadBufferSize(paused ? PausedReadBuffer : 0);
}

void TlsClientSocket::write(const QByteArray &bytes)
{
    m_socket.write(bytes);
}

qsizetype TlsClientSocket::bytesToWrite() const
{
    return qsizetype(m_socket.bytesToWrite() + m_socket.encryptedBytesToWrite());
}

void TlsClientSocket::closeAfterWriting()
{
    m_socket.disconnectFromHost(); // what is queued goes first
}

void TlsClientSocket::abort(bool)
{
    m_socket.abort();
    finish();
}

// What went wrong, in words, with OpenSSL's own after it.
static QString explained(const QString &error)
{
    const auto says = [&error](const char *words) {
        return error.contains(QLatin1String(words));
    };
    const QString why = says("unknown ca") || says("bad certificate") || says("certificate unknown")
                            ? QStringLiteral("the client does not trust the certificate (give it "
                                             "the authority that signed it, e.g. curl --cacert)")
                        : says("http request")
                            ? QStringLiteral("the client spoke plain HTTP to the HTTPS port")
                        : says("unrecognized name")
                            ? QStringLiteral("the client asked for a name the certificate lacks")
                        : says("no shared cipher") || says("unsupported protocol")
                            ? QStringLiteral("the client and Hookscope share no TLS version or "
                                             "cipher")
                            : QString();
    return why.isEmpty() ? error : why + QStringLiteral(" (") + error + QLatin1Char(')');
}

void TlsClientSocket::onError(QAbstractSocket::SocketError error)
{
    if (!m_socket.isEncrypted() && error != QAbstractSocket::RemoteHostClosedError)
        emit handshakeFailed(explained(m_socket.errorString()));
    else if (!m_socket.isEncrypted())
        emit handshakeFailed(QStringLiteral("the client closed the connection during the "
                                            "handshake (it may not trust the certificate)"));
    if (m_socket.state() != QAbstractSocket::ConnectedState)
        finish();
}

void TlsClientSocket::finish()
{
    if (m_closed)
        return;
    m_closed = true;
    emit closed();
}

} // namespace Hookscope
