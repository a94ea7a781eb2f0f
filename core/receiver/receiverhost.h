#pragma once

#include "receiver.h"

#include <QThread>

#include <optional>

namespace Hookscope {

// Runs a Receiver on a thread of its own so the GUI thread never parses or writes sockets.
class ReceiverHost final : public QObject
{
    Q_OBJECT
public:
    ReceiverHost(CaptureWriter &writer, ReceiverOptions options, QObject *parent = nullptr);
    ~ReceiverHost() override;

    // Blocks until the receiver thread has tried to bind; see Receiver::listen().
    bool listen(QString *error);
    // As listen(), on a port the system picks.
    bool listenOnFreePort(QString *error);
    // As listen(), on `port` (0: one the system picks), which later listen() calls keep.
    bool listenOn(std::optional<quint16> port, QString *error);
    void close();
    // As of the last listen() or close(): cheap, no call into the receiver thread.
    bool isListening() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    // The HTTPS port bound beside it (ReceiverOptions::https), or 0.
    quint16 httpsPort() const { return m_httpsPort; }
    // The port listen() binds (0: one the system picks): the one configured, or last asked for.
    quint16 wantedPort() const { return m_wantedPort; }
    QString baseUrl() const { return m_baseUrl; }
    // Where this machine sends what `capture` was sent to: this receiver, on the HTTPS port
    // when it came there, on the port it came to when not listening now.
    QString baseUrlFor(const CapturedRequest &capture) const;
    QList<QHostAddress> addresses() const { return m_addresses; }
    void setDefaultResponse(const ResponseSpec &response);
    // See Receiver::setProxyRoutes() and Receiver::setSignatureSettings().
    void setProxyRoutes(const QList<ForwardRoute> &routes);
    // See Receiver::setMockRules(); their call counts start again.
    void setMockRules(const MockRules &rules);
    void setSignatureSettings(const SignatureSettings &settings);
    // See Receiver::setAccess().
    void setAccess(const ReceiverAccess &access);
    const ReceiverAccess &access() const { return m_access; }
    // Where to listen from the next listen() on.
    void setAddresses(const QList<QHostAddress> &addresses);
    // See Receiver::setHttps(); takes effect at the next listen().
    void setHttps(const std::optional<ReceiverOptions::Https> &https);

signals:
    // See Receiver::requestRefused(); on the host's thread.
    void requestRefused(const QString &what);

private:
    QThread m_thread;
    Receiver *m_receiver; // lives on m_thread
    quint16 m_port = 0;
    quint16 m_httpsPort = 0;
    quint16 m_wantedPort = 0;
    QString m_baseUrl;
    QList<QHostAddress> m_addresses;
    ReceiverAccess m_access;
};

} // namespace Hookscope
