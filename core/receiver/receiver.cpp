#include "receiver.h"

#include "clientsocket.h"
#include "connection.h"
#include "tlsclientsocket.h"

#include "wire/clock.h"
#include "wire/logging.h"

#include <QTcpServer>

#include <cerrno>
#include <cstring>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Hookscope {
namespace {

// Hands each accepted descriptor over as it is: the receiver's connections do their own I/O.
class ListeningSocket final : public QTcpServer
{
public:
    ListeningSocket(Receiver &receiver, bool tls)
        : m_receiver(receiver)
        , m_tls(tls)
    {
        // 50 by default: a burst of connects stalled a second every ~51.
        setListenBacklogSize(1024);
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_receiver.accept(descriptor, m_tls); }

private:
    Receiver &m_receiver;
    bool m_tls;
};

// Each connection holds a descriptor: the usual soft limit of 1,024 would cap them below
// maxConnections, so it is raised to the hard limit, as servers do.
void raiseOpenFileLimit()
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
            qCWarning(lcReceiver) << "cannot raise the open-file limit to" << limit.rlim_max
                                  << "so fewer connections can be open:" << std::strerror(errno);
    }
}

} // namespace

Receiver::Receiver(CaptureWriter &writer, ReceiverOptions options, QObject *parent)
    : QObject(parent)
    , m_writer(writer)
    , m_options(std::move(options))
    , m_timeoutSweep(this) // a child, so it follows the receiver to its thread
{
    // One count of the bytes bodies hold on disk, shared by every connection's parser.
    if (!m_options.limits.bytesOnDisk)
        m_options.limits.bytesOnDisk = std::make_shared<std::atomic<qsizetype>>(0);
    setDefaultResponse(ResponseSpec());
    connect(&m_writer, &CaptureWriter::committed, this, &Receiver::onCommitted);
    m_timeoutSweep.setInterval(250);
    connect(&m_timeoutSweep, &QTimer::timeout, this, &Receiver::checkTimeouts);
}

Receiver::~Receiver()
{
    close();
}

bool Receiver::listen(QString *error)
{
    close();
    raiseOpenFileLimit();
    if (!listenOn(m_options.port, false, error))
        return false;
    m_port = m_servers.front()->serverPort();
    if (m_options.https && !listenOn(m_options.https->port, true, error)) {
        close();
        return false;
    }
    m_timeoutSweep.start();
    return true;
}

bool Receiver::listenOn(quint16 port, bool tls, QString *error)
{
    bool bound = false;
    for (const QHostAddress &address : std::as_const(m_options.addresses)) {
        auto server = std::make_unique<ListeningSocket>(*this, tls);
        if (!server->listen(address, port)) {
            const bool secondary = bound;
            const bool busy = server->serverError() == QAbstractSocket::AddressInUseError;
            // A machine without IPv6 (or IPv4) on loopback still serves the other family.
            if (secondary && !busy)
                continue;
            if (error) {
                *error = busy ? QStringLiteral("Port %1 on %2 is already in use by another program")
                                    .arg(port)
                                    .arg(address.toString())
                              : QStringLiteral("Cannot listen on %1 port %2: %3")
                                    .arg(address.toString())
                                    .arg(port)
                                    .arg(server->errorString());
            }
            close();
            return false;
        }
        port = server->serverPort();
        m_servers.push_back(std::move(server));
        bound = true;
        if (tls)
            m_httpsPort = port;
        else
            m_boundAddresses.append(address);
    }
    return true;
}

void Receiver::close()
{
    m_timeoutSweep.stop();
    m_servers.clear();
    m_httpsPort = 0;
    m_boundAddresses.clear();
    const auto connections = m_connections;
    m_connections.clear();
    for (Connection *connection : connections)
        delete connection;
    storeQueued(); // what they still held
}

QString Receiver::baseUrl() const
{
    QHostAddress address = m_boundAddresses.value(0, QHostAddress(QHostAddress::LocalHost));
    // Bound to every address: this machine reaches it on loopback.
    if (address == QHostAddress::AnyIPv4 || address == QHostAddress::Any)
        address = QHostAddress::LocalHost;
    else if (address == QHostAddress::AnyIPv6)
        address = QHostAddress::LocalHostIPv6;
    return ReceiverOptions::baseUrl(address, m_port);
}

void Receiver::noteRefused(const QString &what)
{
    ++m_refusedCount;
    emit requestRefused(what);
}

void Receiver::accept(qintptr descriptor, bool tls)
{
    if (m_connections.size() >= m_options.maxConnections && !evictIdleConnection()) {
        // Every connection is owed an answer: this client has to wait its turn.
        const ResponseSpec busy = ResponseSpec::forError(
            503, QStringLiteral("Too many open connections to Hookscope; retry later."));
        const QByteArray answer = busy.serializeHead(false) + busy.body;
        ::send(int(descriptor), answer.constData(), size_t(answer.size()),
               MSG_NOSIGNAL | MSG_DONTWAIT);
        ::close(int(descriptor));
        return;
    }
    const quint64 ticket = m_nextTicket++;
    ClientStream *stream
        = tls ? static_cast<ClientStream *>(new TlsClientSocket(descriptor, m_options.https->tls))
              : new ClientSocket(descriptor);
    auto *connection = new Connection(stream, ticket, *this);
    m_connections.insert(ticket, connection);
    connect(connection, &Connection::finished, this, [this](Connection *finished) {
        m_connections.remove(finished->ticket());
        finished->deleteLater();
    });
}

bool Receiver::evictIdleConnection()
{
    Connection *longestIdle = nullptr;
    qint64 longestIdleSinceMs = 0;
    for (Connection *connection : std::as_const(m_connections)) {
        const std::optional<qint64> since = connection->idleSinceMs();
        if (since && (!longestIdle || *since < longestIdleSinceMs)) {
            longestIdle = connection;
            longestIdleSinceMs = *since;
        }
    }
    if (!longestIdle)
        return false;
    longestIdle->evict();
    return true;
}

bool Receiver::admitLargeBody(qsizetype bytes, quint64 waitingTicket,
                              std::shared_ptr<const void> *lease)
{
    class Lease
    {
    public:
        Lease(std::shared_ptr<std::atomic<qsizetype>> held, qsizetype bytes)
            : m_held(std::move(held))
            , m_bytes(bytes)
        {
            *m_held += m_bytes;
        }
        ~Lease() { *m_held -= m_bytes; }
        Lease(const Lease &) = delete;
        Lease &operator=(const Lease &) = delete;

    private:
        std::shared_ptr<std::atomic<qsizetype>> m_held;
        qsizetype m_bytes;
    };
    // First come, first served: one that asked earlier is not overtaken.
    const bool first = waitingTicket == 0 || m_waitingForMemory.isEmpty()
                       || m_waitingForMemory.first() == waitingTicket;
    const qsizetype held = *m_largeBodyBytes;
    if (first && (held == 0 || held + bytes <= m_options.largeBodyMemory)) {
        *lease = std::make_shared<const Lease>(m_largeBodyBytes, bytes);
        m_waitingForMemory.removeOne(waitingTicket);
        return true;
    }
    if (waitingTicket != 0 && !m_waitingForMemory.contains(waitingTicket))
        m_waitingForMemory.append(waitingTicket);
    return false;
}

void Receiver::resumeWaitingForMemory()
{
    // The first in line tries again; it stays first if there is still no room.
    while (!m_waitingForMemory.isEmpty()) {
        if (Connection *next = m_connections.value(m_waitingForMemory.first())) {
            next->resumeIfCaughtUp();
            return;
        }
        m_waitingForMemory.removeFirst(); // it went away meanwhile
    }
}

void Receiver::store(CapturedRequest request, quint64 ticket,
                     std::optional<RelayedDelivery> relayed)
{
    // Posted events are handled after the sockets that were ready together with this one.
    if (m_toStore.empty())
        QMetaObject::invokeMethod(this, &Receiver::storeQueued, Qt::QueuedConnection);
    m_toStore.push_back(CaptureWriter::Entry{std::move(request), ticket, std::move(relayed)});
}

void Receiver::storeQueued()
{
    if (!m_toStore.empty())
        m_writer.append(m_toStore);
}

void Receiver::setDefaultResponse(const ResponseSpec &response)
{
    m_defaultResponse = response;
    m_defaultHeadKeepAlive = response.serializeHead(true);
    m_defaultHeadClose = response.serializeHead(false);
}

void Receiver::setProxyRoutes(const QList<ForwardRoute> &routes)
{
    m_proxyRoutes.clear();
    for (const ForwardRoute &route : routes) {
        if (route.proxy)
            m_proxyRoutes.append(route);
    }
}

const ForwardRoute *Receiver::proxyRouteFor(QByteArrayView path) const
{
    for (const ForwardRoute &route : m_proxyRoutes) {
        if (route.matches(path))
            return &route;
    }
    return nullptr;
}

Sender &Receiver::relaySender()
{
    if (!m_relaySender)
        m_relaySender = std::make_unique<Sender>();
    return *m_relaySender;
}

void Receiver::onCommitted(const CommittedBatch &batch)
{
    for (const CommittedCapture &committed : batch) {
        if (Connection *connection = m_connections.value(committed.ticket))
            connection->onCommitted(committed.summary.id);
    }
}

void Receiver::checkTimeouts()
{
    const qint64 nowMs = Clock::monotonicMicroseconds() / 1000;
    const auto connections = m_connections;
    for (Connection *connection : connections)
        connection->checkTimeout(nowMs);
    // Leases are given back on the writer's thread: looked at here, four times a second.
    resumeWaitingForMemory();
}

} // namespace Hookscope
