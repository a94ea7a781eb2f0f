#include "receiverhost.h"

#include <QUrl>

namespace Hookscope {

ReceiverHost::ReceiverHost(CaptureWriter &writer, ReceiverOptions options, QObject *parent)
    : QObject(parent)
    , m_receiver(new Receiver(writer, options))
    , m_wantedPort(options.port)
    , m_access(options.access)
{
    m_thread.setObjectName(QStringLiteral("receiver"));
    m_receiver->moveToThread(&m_thread);
    connect(m_receiver, &Receiver::requestRefused, this, &ReceiverHost::requestRefused);
    connect(&m_thread, &QThread::finished, m_receiver, &QObject::deleteLater);
    m_thread.start();
}

ReceiverHost::~ReceiverHost()
{
    close();
    m_thread.quit();
    m_thread.wait();
}

bool ReceiverHost::listen(QString *error)
{
    return listenOn(std::nullopt, error);
}

bool ReceiverHost::listenOnFreePort(QString *error)
{
    return listenOn(quint16(0), error);
}

bool ReceiverHost::listenOn(std::optional<quint16> port, QString *error)
{
    if (port)
        m_wantedPort = *port;
    bool listening = false;
    QString failure;
    QMetaObject::invokeMethod(
        m_receiver,
        [&] {
            if (port)
                m_receiver->setPort(*port);
            listening = m_receiver->listen(&failure);
            m_port = listening ? m_receiver->port() : 0;
            m_httpsPort = listening ? m_receiver->httpsPort() : 0;
            m_baseUrl = listening ? m_receiver->baseUrl() : QString();
            m_addresses = m_receiver->addresses();
        },
        Qt::BlockingQueuedConnection);
    if (error)
        *error = failure;
    return listening;
}

QString ReceiverHost::baseUrlFor(const CapturedRequest &capture) const
{
    QUrl url(isListening() ? m_baseUrl : QStringLiteral("http://127.0.0.1/"));
    const quint16 cameTo = capture.localPort ? capture.localPort : ReceiverOptions::DefaultPort;
    if (capture.overTls) {
        url.setScheme(QStringLiteral("https"));
        url.setPort(m_httpsPort ? m_httpsPort : cameTo);
    } else if (!isListening()) {
        url.setPort(cameTo);
    }
    return url.toString();
}

void ReceiverHost::close()
{
    QMetaObject::invokeMethod(
        m_receiver, [this] { m_receiver->close(); }, Qt::BlockingQueuedConnection);
    m_port = 0;
    m_httpsPort = 0;
    m_baseUrl.clear();
    m_addresses.clear();
}

void ReceiverHost::setDefaultResponse(const ResponseSpec &response)
{
    QMetaObject::invokeMethod(m_receiver,
                              [this, response] { m_receiver->setDefaultResponse(response); });
}

void ReceiverHost::setSignatureSettings(const SignatureSettings &settings)
{
    QMetaObject::invokeMethod(m_receiver, [receiver = m_receiver, settings] {
        receiver->setSignatureSettings(settings);
    });
}

void ReceiverHost::setAddresses(const QList<QHostAddress> &addresses)
{
    QMetaObject::invokeMethod(
        m_receiver, [receiver = m_receiver, addresses] { receiver->setAddresses(addresses); });
}

void ReceiverHost::setHttps(const std::optional<ReceiverOptions::Https> &https)
{
    QMetaObject::invokeMethod(m_receiver,
                              [receiver = m_receiver, https] { receiver->setHttps(https); });
}

void ReceiverHost::setAccess(const ReceiverAccess &access)
{
    m_access = access;
    QMetaObject::invokeMethod(m_receiver,
                              [receiver = m_receiver, access] { receiver->setAccess(access); });
}

void ReceiverHost::setMockRules(const MockRules &rules)
{
    QMetaObject::invokeMethod(m_receiver,
                              [receiver = m_receiver, rules] { receiver->setMockRules(rules); });
}

void ReceiverHost::setProxyRoutes(const QList<ForwardRoute> &routes)
{
    QMetaObject::invokeMethod(
        m_receiver, [receiver = m_receiver, routes] { receiver->setProxyRoutes(routes); });
}

} // namespace Hookscope
