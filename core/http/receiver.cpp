#include "receiver.h"

#include "http/clock.h"
#include "http/connection.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace Hookscope {

Receiver::Receiver(CaptureWriter &writer, ReceiverOptions options, QObject *parent)
    : QObject(parent)
    , m_writer(writer)
    , m_options(std::move(options))
    , m_timeoutSweep(this) // a child, so it follows the receiver to its thread
{
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
    quint16 port = m_options.port;
    for (const QHostAddress &address : std::as_const(m_options.addresses)) {
        auto server = std::make_unique<QTcpServer>();
        if (!server->listen(address, port)) {
            const bool secondary = !m_servers.empty();
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
        QTcpServer *raw = server.get();
        connect(raw, &QTcpServer::newConnection, this, [this, raw] { acceptPending(raw); });
        m_servers.push_back(std::move(server));
        m_boundAddresses.append(address);
    }
    m_port = port;
    m_timeoutSweep.start();
    return true;
}

void Receiver::close()
{
    m_timeoutSweep.stop();
    m_servers.clear();
    m_boundAddresses.clear();
    const auto connections = m_connections;
    m_connections.clear();
    for (Connection *connection : connections)
        delete connection;
    storeQueued(); // what they still held
}

QString Receiver::baseUrl() const
{
    const QHostAddress address = m_boundAddresses.value(0, QHostAddress(QHostAddress::LocalHost));
    QString host = address.toString();
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2/").arg(host).arg(m_port);
}

void Receiver::acceptPending(QTcpServer *server)
{
    while (QTcpSocket *socket = server->nextPendingConnection()) {
        if (m_connections.size() >= m_options.maxConnections) {
            emit connectionRefused(socket->peerAddress().toString());
            const ResponseSpec busy = ResponseSpec::forError(
                503, QStringLiteral("Too many open connections to Hookscope; retry later."));
            socket->write(busy.serializeHead(false) + busy.body);
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        const quint64 ticket = m_nextTicket++;
        auto *connection = new Connection(socket, ticket, *this);
        m_connections.insert(ticket, connection);
        connect(connection, &Connection::finished, this, [this](Connection *finished) {
            m_connections.remove(finished->ticket());
            finished->deleteLater();
        });
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
}

} // namespace Hookscope
