#include "tlsclientsocket.h"

#include "clienthello.h"

#include <QSocketNotifier>
#include <QTimer>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Hookscope {
namespace {

// Read from the kernel while paused: one record at most, so the client's writes back up.
constexpr qint64 PausedReadBuffer = 16 * 1024;
// The most of a first record looked at for the name the client asks for.
constexpr qsizetype HelloPeekBytes = 5 + 16384 + 2048;
// A first record that comes in pieces is looked at again this often, this many times, before
// the handshake starts without its name.
constexpr int HelloWaitMs = 10;
constexpr int HelloWaitsAtMost = 200;

std::pair<QHostAddress, quint16> addressOf(const sockaddr_storage &address)
{
    const auto *generic = reinterpret_cast<const sockaddr *>(&address);
    const quint16 port = address.ss_family == AF_INET6
                             ? ntohs(reinterpret_cast<const sockaddr_in6 *>(&address)->sin6_port)
                             : ntohs(reinterpret_cast<const sockaddr_in *>(&address)->sin_port);
    return {QHostAddress(generic), port};
}

// Whether `certificate` is good for `host`: a DNS name in it, or a wildcard one over a single
// label ("*.example.com"), as clients check (RFC 6125).
bool names(const QSslCertificate &certificate, const QString &host)
{
    const QList<QString> dnsNames
        = certificate.subjectAlternativeNames().values(QSsl::AlternativeNameEntryType::DnsEntry);
    return std::any_of(dnsNames.cbegin(), dnsNames.cend(), [&host](const QString &name) {
        if (name.compare(host, Qt::CaseInsensitive) == 0)
            return true;
        if (!name.startsWith(QLatin1String("*.")))
            return false;
        const qsizetype dot = host.indexOf(QLatin1Char('.'));
        return dot > 0 && host.mid(dot).compare(name.mid(1), Qt::CaseInsensitive) == 0;
    });
}

} // namespace

TlsClientSocket::TlsClientSocket(qintptr descriptor, const QSslConfiguration &configuration,
                                 QObject *parent)
    : ClientStream(parent)
    , m_descriptor(descriptor)
    , m_configuration(configuration)
    , m_helloNotifier(new QSocketNotifier(descriptor, QSocketNotifier::Read, this))
{
    m_tls = true;
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&address), &length) == 0)
        std::tie(m_peerAddress, m_peerPort) = addressOf(address);
    length = sizeof address;
    if (::getsockname(int(descriptor), reinterpret_cast<sockaddr *>(&address), &length) == 0)
        std::tie(m_localAddress, m_localPort) = addressOf(address);
    connect(m_helloNotifier, &QSocketNotifier::activated, this, &TlsClientSocket::readClientHello);
    // Only what was decrypted is readyRead(): nothing before the handshake ends.
    connect(&m_socket, &QSslSocket::readyRead, this, [this] {
        m_received = true;
        emit readyRead();
    });
    connect(&m_socket, &QSslSocket::encrypted, this, [this] { m_encrypted = true; });
    connect(&m_socket, &QSslSocket::encryptedBytesWritten, this, &ClientStream::bytesWritten);
    connect(&m_socket, &QSslSocket::errorOccurred, this, &TlsClientSocket::onError);
    connect(&m_socket, &QSslSocket::disconnected, this, [this] {
        m_peerFinished = true;
        finish(true);
    });
}

TlsClientSocket::~TlsClientSocket()
{
    if (m_helloNotifier) // the descriptor was never handed over
        ::close(int(m_descriptor));
}

// Looks at the client's first record without taking it: the handshake reads it next.
void TlsClientSocket::readClientHello()
{
    QByteArray first(HelloPeekBytes, Qt::Uninitialized);
    const ssize_t peeked
        = ::recv(int(m_descriptor), first.data(), size_t(first.size()), MSG_PEEK | MSG_DONTWAIT);
    // An end or an error is the handshake's to find and say.
    const std::optional<QString> name
        = peeked > 0 ? serverNameInClientHello(QByteArrayView(first).first(peeked))
                     : std::optional<QString>(QString());
    if (name || ++m_helloWaits > HelloWaitsAtMost) {
        m_serverName = name.value_or(QString());
        startHandshake();
        return;
    }
    // The rest is on its way: look again in a moment, not at every wake-up until it comes.
    m_helloNotifier->setEnabled(false);
    QTimer::singleShot(HelloWaitMs, m_helloNotifier,
                       [notifier = m_helloNotifier] { notifier->setEnabled(true); });
}

void TlsClientSocket::startHandshake()
{
    delete m_helloNotifier; // one notifier per descriptor: QSslSocket brings its own
    m_helloNotifier = nullptr;
    m_socket.setSslConfiguration(m_configuration);
    m_socket.setSocketDescriptor(m_descriptor);
    m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
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
    if (m_helloNotifier)
        abort();
    else
        m_socket.disconnectFromHost(); // what is queued goes first
}

void TlsClientSocket::abort(bool)
{
    if (!m_helloNotifier)
        m_socket.abort();
    finish(false);
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
    else if (!m_socket.isEncrypted() && !m_encrypted)
        emit handshakeFailed(QStringLiteral("the client closed the connection during the "
                                            "handshake (it may not trust the certificate)"));
    if (m_socket.state() != QAbstractSocket::ConnectedState)
        finish(error == QAbstractSocket::RemoteHostClosedError);
}

QString TlsClientSocket::whyClientLeft() const
{
    const QSslCertificate certificate = m_configuration.localCertificate();
    if (m_received || m_serverName.isEmpty() || names(certificate, m_serverName))
        return QString();
    const auto alternatives = certificate.subjectAlternativeNames();
    const QList<QString> named
        = alternatives.values(QSsl::AlternativeNameEntryType::DnsEntry)
          + alternatives.values(QSsl::AlternativeNameEntryType::IpAddressEntry);
    return QStringLiteral("the client asked for \"%1\", a name the certificate lacks (it names "
                          "%2), and left without a request; send to one of those, or present a "
                          "certificate for %1")
        .arg(m_serverName, named.join(QStringLiteral(", ")));
}

void TlsClientSocket::finish(bool byClient)
{
    if (m_closed)
        return;
    m_closed = true;
    if (const QString why = byClient && m_encrypted ? whyClientLeft() : QString(); !why.isEmpty())
        emit handshakeFailed(why);
    emit closed();
}

} // namespace Hookscope
