#pragma once

#include "receiveroptions.h"
#include "wire/responsespec.h"
#include "mock/mockrules.h"
#include "store/capturewriter.h"
#include "delivery/sender.h"
#include "signing/signaturesettings.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <vector>

class QTcpServer;

namespace Hookscope {

class Connection;

// The embedded webhook receiver: listens on each configured address, turns connections into
// captures through the writer, and answers each request once it is stored. Lives on one
// thread (never the GUI's); call its functions there.
class Receiver final : public QObject
{
    Q_OBJECT
public:
    Receiver(CaptureWriter &writer, ReceiverOptions options, QObject *parent = nullptr);
    ~Receiver() override;

    // Binds every address; on failure nothing stays bound and `error` says which address and
    // why ("address in use" for a busy port).
    bool listen(QString *error);
    void close();
    // Takes effect at the next listen().
    void setPort(quint16 port) { m_options.port = port; }
    void setAddresses(const QList<QHostAddress> &addresses) { m_options.addresses = addresses; }
    // An HTTPS port beside the plain one (ReceiverOptions::https), or none.
    void setHttps(const std::optional<ReceiverOptions::Https> &https) { m_options.https = https; }
    bool isListening() const { return !m_servers.empty(); }
    quint16 port() const { return m_port; }
    // The addresses actually bound (a loopback family the system lacks is skipped).
    QList<QHostAddress> addresses() const { return m_boundAddresses; }
    // http://127.0.0.1:PORT/ style base URL for the first bound address.
    QString baseUrl() const;

    const ReceiverOptions &options() const { return m_options; }
    const ResponseSpec &defaultResponse() const { return m_defaultResponse; }
    // Serialized once: most requests are answered with it.
    const QByteArray &defaultResponseHead(bool keepAlive) const
    {
        return keepAlive ? m_defaultHeadKeepAlive : m_defaultHeadClose;
    }
    void setDefaultResponse(const ResponseSpec &response);
    // A request on a proxy route's path is sent to its target, and the target's answer (or 502
    // / 504 when none came) is the client's; the routes that are not proxies are ignored.
    void setProxyRoutes(const QList<ForwardRoute> &routes);
    bool hasProxyRoutes() const { return !m_proxyRoutes.isEmpty(); }
    const ForwardRoute *proxyRouteFor(QByteArrayView path) const;
    // Sends proxied requests; made on first use.
    Sender &relaySender();
    // Mock rules answer before proxy routes and the default response (first match wins).
    void setMockRules(const MockRules &rules) { m_rules = rules; }
    bool hasMockRules() const { return !m_rules.isEmpty(); }
    MockRules &mockRules() { return m_rules; }
    // What proxy routes with the resign option sign with.
    void setSignatureSettings(const SignatureSettings &settings) { m_signing = settings; }
    const SignatureSettings &signatureSettings() const { return m_signing; }
    int connectionCount() const { return int(m_connections.size()); }
    // Who may send from other machines; applies to requests from now on.
    void setAccess(const ReceiverAccess &access) { m_options.access = access; }
    // A request was refused by the access rules (`what` says whose and why): nothing of it kept.
    void noteRefused(const QString &what);
    qint64 refusedCount() const { return m_refusedCount; }

    // Room in memory for a body read back from disk (ReceiverOptions::largeBodyMemory): when
    // there is, `lease` holds `bytes` of it until the last copy of the request is gone.
    // Otherwise false; the connection with `waitingTicket` (0: none, it cannot wait) is
    // resumed when room may have been freed, in the order they asked.
    bool admitLargeBody(qsizetype bytes, quint64 waitingTicket, std::shared_ptr<const void> *lease);

    // Queues a finished request for the writer. What one pass of the event loop finished goes
    // to it together: one wake-up and one transaction instead of one for the first request and
    // another for the rest (at full load, 6.5 KiB written per request instead of 7.1).
    void store(CapturedRequest request, quint64 ticket,
               std::optional<RelayedDelivery> relayed = std::nullopt);

    // A client's accepted socket: it becomes a connection. At the connection limit the one
    // idle the longest is closed to make room; when none is idle, the client gets 503.
    // `tls`: it came to the HTTPS port.
    void accept(qintptr descriptor, bool tls);
    // The HTTPS port bound (ReceiverOptions::https), or 0.
    quint16 httpsPort() const { return m_httpsPort; }

signals:
    void requestRefused(const QString &what);

private:
    // Binds every address on `port` (0: a free one, then the same on each); false, saying why.
    bool listenOn(quint16 port, bool tls, QString *error);
    bool evictIdleConnection();
    void onCommitted(const CommittedBatch &batch);
    void checkTimeouts();
    void storeQueued();
    void resumeWaitingForMemory();

    CaptureWriter &m_writer;
    std::vector<CaptureWriter::Entry> m_toStore;
    ReceiverOptions m_options;
    // Bytes of large bodies in memory, given back by leases on whatever thread drops them.
    std::shared_ptr<std::atomic<qsizetype>> m_largeBodyBytes
        = std::make_shared<std::atomic<qsizetype>>(0);
    QList<quint64> m_waitingForMemory; // tickets, in the order they asked
    ResponseSpec m_defaultResponse;
    QByteArray m_defaultHeadKeepAlive;
    QByteArray m_defaultHeadClose;
    QList<ForwardRoute> m_proxyRoutes;
    MockRules m_rules;
    std::unique_ptr<Sender> m_relaySender;
    SignatureSettings m_signing;
    std::vector<std::unique_ptr<QTcpServer>> m_servers;
    QHash<quint64, Connection *> m_connections;
    quint64 m_nextTicket = 1;
    qint64 m_refusedCount = 0;
    quint16 m_port = 0;
    quint16 m_httpsPort = 0;
    QList<QHostAddress> m_boundAddresses;
    QTimer m_timeoutSweep;
};

} // namespace Hookscope
