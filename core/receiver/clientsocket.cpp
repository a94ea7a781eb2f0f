#include "clientsocket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Hookscope {
namespace {

// How long a closing connection keeps dropping what the client still sends, so that closing
// with unread bytes (which makes the kernel send a reset) does not destroy the answer.
constexpr int lingerMs = 2000;

void readAddress(const sockaddr_storage &storage, QHostAddress *address, quint16 *port)
{
    address->setAddress(reinterpret_cast<const sockaddr *>(&storage));
    if (storage.ss_family == AF_INET)
        *port = ntohs(reinterpret_cast<const sockaddr_in &>(storage).sin_port);
    else if (storage.ss_family == AF_INET6)
        *port = ntohs(reinterpret_cast<const sockaddr_in6 &>(storage).sin6_port);
}

} // namespace

ClientSocket::ClientSocket(qintptr descriptor, QObject *parent)
    : ClientStream(parent)
    , m_descriptor(int(descriptor))
    , m_readNotifier(descriptor, QSocketNotifier::Read)
    , m_writeNotifier(descriptor, QSocketNotifier::Write)
    , m_lingerTimer(this)
{
    ::fcntl(m_descriptor, F_SETFL, ::fcntl(m_descriptor, F_GETFL) | O_NONBLOCK);
    const int one = 1;
    ::setsockopt(m_descriptor, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    // Read once: they do not change, and are gone once the peer disconnects.
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getpeername(m_descriptor, reinterpret_cast<sockaddr *>(&storage), &length) == 0)
        readAddress(storage, &m_peerAddress, &m_peerPort);
    length = sizeof storage;
    if (::getsockname(m_descriptor, reinterpret_cast<sockaddr *>(&storage), &length) == 0)
        readAddress(storage, &m_localAddress, &m_localPort);

    m_writeNotifier.setEnabled(false);
    connect(&m_readNotifier, &QSocketNotifier::activated, this, &ClientSocket::onReadable);
    connect(&m_writeNotifier, &QSocketNotifier::activated, this, &ClientSocket::flush);
    m_lingerTimer.setSingleShot(true);
    connect(&m_lingerTimer, &QTimer::timeout, this, &ClientSocket::finishClosing);
}

ClientSocket::~ClientSocket()
{
    if (m_descriptor >= 0) {
        m_readNotifier.setEnabled(false);
        m_writeNotifier.setEnabled(false);
        ::close(m_descriptor);
    }
}

QByteArray ClientSocket::read(qsizetype maxBytes)
{
    if (m_descriptor < 0 || m_readingPaused || m_peerFinished || m_lingering)
        return {};
    int available = 0;
    ::ioctl(m_descriptor, FIONREAD, &available);
    // Nothing announced yet readable: the end of the client's bytes, or an error, to be seen.
    const qsizetype wanted = available > 0 ? std::min<qsizetype>(available, maxBytes) : 4096;
    QByteArray bytes(wanted, Qt::Uninitialized);
    ssize_t received;
    do {
        received = ::recv(m_descriptor, bytes.data(), size_t(wanted), 0);
    } while (received < 0 && errno == EINTR);
    if (received > 0) {
        bytes.truncate(received);
        return bytes;
    }
    if (received == 0) {
        m_peerFinished = true;
        m_readNotifier.setEnabled(false); // the end stays readable: it would fire forever
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
        abort(); // reset by the client
    }
    return {};
}

void ClientSocket::setReadingPaused(bool paused)
{
    m_readingPaused = paused;
    if (m_descriptor >= 0 && !m_lingering && !m_peerFinished)
        m_readNotifier.setEnabled(!paused);
}

void ClientSocket::onReadable()
{
    if (!m_lingering) {
        emit readyRead();
        return;
    }
    char dropped[16 * 1024];
    for (;;) {
        const ssize_t received = ::recv(m_descriptor, dropped, sizeof dropped, 0);
        if (received > 0)
            continue;
        if (received < 0 && errno == EINTR)
            continue;
        if (received == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
            finishClosing();
        return;
    }
}

void ClientSocket::write(const QByteArray &bytes)
{
    if (m_descriptor < 0 || m_lingering || bytes.isEmpty())
        return;
    qsizetype sent = 0;
    if (m_writeQueue.empty()) {
        const ssize_t result = ::send(m_descriptor, bytes.constData(), size_t(bytes.size()),
                                      MSG_NOSIGNAL | MSG_DONTWAIT);
        if (result == bytes.size())
            return;
        if (result < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            abort();
            return;
        }
        sent = std::max<qsizetype>(result, 0);
    }
    m_writeQueue.push_back(sent == 0 ? bytes : bytes.mid(sent));
    m_queuedBytes += bytes.size() - sent;
    m_writeNotifier.setEnabled(true);
}

void ClientSocket::flush()
{
    bool wrote = false;
    while (!m_writeQueue.empty()) {
        const QByteArray &front = m_writeQueue.front();
        const ssize_t result
            = ::send(m_descriptor, front.constData() + m_frontOffset,
                     size_t(front.size() - m_frontOffset), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (result < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                abort();
            break;
        }
        wrote = true;
        m_queuedBytes -= result;
        m_frontOffset += result;
        if (m_frontOffset < front.size())
            break;
        m_writeQueue.pop_front();
        m_frontOffset = 0;
    }
    if (m_descriptor < 0)
        return;
    if (m_writeQueue.empty()) {
        m_writeNotifier.setEnabled(false);
        if (m_closeWhenWritten)
            closeAfterWriting();
    }
    if (wrote)
        emit bytesWritten();
}

void ClientSocket::closeAfterWriting()
{
    m_closeWhenWritten = true;
    if (m_descriptor < 0 || m_lingering || !m_writeQueue.empty())
        return;
    if (m_peerFinished) {
        finishClosing();
        return;
    }
    ::shutdown(m_descriptor, SHUT_WR);
    m_lingering = true;
    m_readNotifier.setEnabled(true);
    m_lingerTimer.start(lingerMs);
}

void ClientSocket::abort(bool reset)
{
    if (m_descriptor < 0)
        return;
    if (reset) {
        // Lingering for no time makes closing send a reset instead of a FIN.
        const linger noLinger{1, 0};
        ::setsockopt(m_descriptor, SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger);
    }
    finishClosing();
}

void ClientSocket::finishClosing()
{
    if (m_descriptor < 0)
        return;
    m_lingerTimer.stop();
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
    ::close(m_descriptor);
    m_descriptor = -1;
    m_writeQueue.clear();
    m_queuedBytes = 0;
    // From the event loop: the caller may be in the middle of reading or writing.
    QMetaObject::invokeMethod(this, &ClientSocket::closed, Qt::QueuedConnection);
}

} // namespace Hookscope
