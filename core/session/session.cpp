#include "session.h"

#include "settings.h"

#include "receiver/tlsidentity.h"
#include "sources/smeesource.h"
#include "sources/tunnelsource.h"
#include "store/datafolder.h"
#include "wire/jsonfile.h"
#include "wire/logging.h"

#include <QFileInfo>
#include <QUrl>

namespace Hookscope {

Session::Session(const QString &storePath, Options options, QObject *parent)
    : QObject(parent)
    , m_storePath(storePath)
    , m_options(options)
    , m_writer(storePath)
    , m_forwarder(storePath, options.forwarding)
    , m_checker(storePath)
{
    // Bodies that go to disk as they arrive stay beside the store: private, and on a disk.
    m_options.receiver.limits.spillFolder = QFileInfo(storePath).absolutePath();
    m_writer.setDurability(options.durability);
    m_receiver = std::make_unique<ReceiverHost>(m_writer, m_options.receiver);
    connect(&m_writer, &CaptureWriter::committed, &m_forwarder,
            [this](const CommittedBatch &batch) {
                if (!batch.isEmpty()
                    && std::any_of(m_routes.cbegin(), m_routes.cend(),
                                   [](const ForwardRoute &route) { return !route.proxy; }))
                    m_forwarder.wake();
            });
}

Session::~Session()
{
    m_receiver->close();
    m_writer.stop();
}

bool Session::start(QString *error)
{
    return m_writer.start(error) && m_forwarder.start(error);
}

QStringList Session::useSavedSetup()
{
    QStringList problems;
    const Settings settings;
    QString error;
    if (!setForwardRoutes(settings.forwardRoutes(), &error))
        problems.append(tr("Not forwarding: %1").arg(error));
    setForwardRetry(settings.forwardRetry());
    if (const QString saved = Settings::rulesToRead(); QFileInfo::exists(saved)) {
        if (std::optional<MockRules> rules = MockRules::load(saved, &error)) {
            m_rules = *rules;
            m_receiver->setMockRules(*rules);
        } else {
            problems.append(tr("Mock rules not applied: %1").arg(error));
        }
    }
    setSignatureBindings(settings.signatureBindings());
    if (settings.listensOnLan() && !setLan(true, settings.allowedNetworks(), &error))
        problems.append(tr("Listening on loopback only: %1").arg(error));
    if (const std::optional<CertificateFiles> own = settings.httpsCertificate();
        own && !setHttpsCertificate(own, &error))
        problems.append(tr("Hookscope's own certificate instead of yours: %1").arg(error));
    if (const std::optional<quint16> https = settings.httpsPort();
        https && !setHttps(https, &error))
        problems.append(tr("No HTTPS: %1").arg(error));
    for (const QString &problem : std::as_const(problems))
        qCInfo(lcSession) << problem;
    return problems;
}

bool Session::setLan(bool on, const QStringList &networks, QString *error)
{
    QList<ReceiverAccess::Network> parsed;
    for (const QString &text : networks) {
        const std::optional<ReceiverAccess::Network> network
            = ReceiverAccess::parseNetwork(text, error);
        if (!network)
            return false;
        parsed.append(*network);
    }
    Settings settings;
    // The token is made (and kept) only once another machine could use it.
    m_receiver->setAccess(
        ReceiverAccess(on ? settings.lanAccessToken() : m_receiver->access().token(), parsed));
    m_receiver->setAddresses(on ? QList<QHostAddress>{QHostAddress::Any}
                                : m_options.receiver.addresses);
    m_lan = on;
    m_networks = networks;
    if (m_options.remembers) {
        settings.setListensOnLan(on);
        settings.setAllowedNetworks(networks);
    }
    // The certificate names the addresses other machines reach it on.
    return (!m_httpsPort || applyHttps(error)) && listenAgain(error);
}

bool Session::setHttps(std::optional<quint16> port, QString *error)
{
    const std::optional<quint16> before = m_httpsPort;
    const bool wasListening = m_receiver->isListening();
    const quint16 plainPort = m_receiver->port();
    m_httpsPort = port;
    if (!applyHttps(error)) {
        m_httpsPort = before;
        return false;
    }
    if (!listenAgain(error)) {
        // The HTTPS port is taken: listening goes on as before, on the plain port at least.
        m_httpsPort = before;
        QString ignored;
        if (applyHttps(&ignored) && wasListening)
            m_receiver->listenOn(plainPort, &ignored);
        return false;
    }
    if (m_options.remembers)
        Settings().setHttpsPort(port);
    return true;
}

bool Session::setHttpsCertificate(const std::optional<CertificateFiles> &files, QString *error)
{
    if (files && !TlsIdentity::fromFiles(*files, error))
        return false;
    const std::optional<CertificateFiles> before = m_ownCertificate;
    m_ownCertificate = files;
    if (!applyHttps(error)) {
        m_ownCertificate = before;
        return false;
    }
    if (m_options.remembers)
        Settings().setHttpsCertificate(files);
    return true;
}

bool Session::applyHttps(QString *error)
{
    if (!m_httpsPort) {
        m_receiver->setHttps(std::nullopt);
        return true;
    }
    const std::optional<TlsIdentity> identity
        = m_ownCertificate
              ? TlsIdentity::fromFiles(*m_ownCertificate, error)
              : TlsIdentity::local(
                  tlsFolder(),
                  m_lan ? ReceiverAccess::lanAddresses() : m_options.receiver.addresses, error);
    if (!identity)
        return false;
    // "Any free port" keeps the one found while listening again (a new certificate, the LAN):
    // the https:// URLs given out go on working.
    const quint16 port = *m_httpsPort != 0 ? *m_httpsPort : m_receiver->httpsPort();
    m_receiver->setHttps(ReceiverOptions::Https{port, identity->serverConfiguration()});
    return true;
}

bool Session::listenAgain(QString *error)
{
    if (!m_receiver->isListening())
        return true;
    const quint16 port = m_receiver->port();
    m_receiver->close();
    return m_receiver->listenOn(port, error);
}

QString Session::tlsFolder()
{
    return DataFolder::path() + QStringLiteral("/tls");
}

bool Session::startTunnel(const QString &spec, const QString &urlPattern, QString *error)
{
    if (const std::optional<QUrl> channel = SmeeSource::channelFor(spec)) {
        if (!channel->isValid() || channel->host().isEmpty()) {
            *error = tr("\"%1\" is not a smee channel: give its URL (https://smee.io/…) or "
                        "its name")
                         .arg(spec);
            return false;
        }
        auto relay = std::make_unique<SmeeSource>(*channel);
        // Relayed, not received: nobody waits for an answer (ticket 0 is no connection's).
        connect(relay.get(), &SmeeSource::relayed, this,
                [this](const CapturedRequest &request) { m_writer.append(request, 0); });
        // A channel made for it is the one to offer next time: providers were given its URL.
        connect(relay.get(), &Source::urlChanged, this, [this](const QString &url) {
            if (!url.isEmpty())
                rememberTunnelSpec(QStringLiteral("smee:") + url);
        });
        relay->start();
        m_tunnel = std::move(relay);
        tunnelStarted(spec);
        return true;
    }
    const std::optional<TunnelSpec> parsed
        = TunnelSpec::parse(spec, m_receiver->port(), urlPattern, error);
    if (!parsed)
        return false;
    auto tunnel = std::make_unique<TunnelSource>(*parsed);
    connect(tunnel.get(), &TunnelSource::secretPrinted, this,
            [this, spec = *parsed](const QByteArray &secret) { bindTunnelSecret(spec, secret); });
    if (!tunnel->start(error))
        return false;
    m_tunnel = std::move(tunnel);
    tunnelStarted(spec);
    return true;
}

void Session::bindTunnelSecret(const TunnelSpec &spec, const QByteArray &secret)
{
    const QByteArray path = QUrl(spec.forwardUrl).path(QUrl::FullyEncoded).toUtf8();
    m_secrets.write(spec.secretName, secret, [this, spec, secret, path](const QString &error) {
        if (!error.isEmpty()) {
            emit tunnelSecretBound(spec.secretName, path, {}, error);
            return;
        }
        const SignatureBinding binding{path, spec.scheme, spec.secretName};
        const auto withBinding = [&binding](QList<SignatureBinding> bindings) {
            bindings.removeIf([&binding](const SignatureBinding &bound) {
                return bound.pathPrefix == binding.pathPrefix;
            });
            bindings.append(binding);
            return bindings;
        };
        m_bindings = withBinding(m_bindings);
        if (m_options.remembers)
            Settings().setSignatureBindings(m_bindings);
        SignatureSettings settings = m_signing;
        settings.bindings = withBinding(settings.bindings);
        settings.secrets.insert(spec.secretName, secret);
        ++m_signingGeneration; // secrets still being read for older bindings are not applied
        setSignatureSettings(settings);
        const QString problem = m_secrets.keychainProblem();
        emit tunnelSecretBound(spec.secretName, path,
                               problem.isEmpty()
                                   ? tr("the keychain")
                                   : tr("memory, for this session only (%1)").arg(problem),
                               {});
    });
}

void Session::tunnelStarted(const QString &spec)
{
    rememberTunnelSpec(spec);
    emit tunnelChanged();
}

void Session::rememberTunnelSpec(const QString &spec)
{
    m_tunnelSpec = spec.trimmed();
    if (m_options.remembers)
        Settings().setLastSource(m_tunnelSpec);
}

void Session::stopTunnel()
{
    if (!m_tunnel)
        return;
    m_tunnel.reset(); // stops it
    emit tunnelChanged();
}

void Session::renewLanToken()
{
    Settings settings;
    settings.setLanAccessToken(ReceiverAccess::newToken());
    m_receiver->setAccess(
        ReceiverAccess(settings.lanAccessToken(), m_receiver->access().networks()));
}

QStringList Session::lanUrls() const
{
    return m_lan ? m_receiver->access().lanUrls(m_receiver->addresses(), m_receiver->port())
                 : QStringList();
}

bool Session::setForwardRoutes(const QStringList &specs, QString *error)
{
    QList<ForwardRoute> routes;
    for (const QString &spec : specs) {
        const std::optional<ForwardRoute> route = ForwardRoute::parse(spec, error);
        if (!route)
            return false;
        routes.append(*route);
    }
    m_routeSpecs = specs;
    m_routes = routes;
    m_writer.setForwardRoutes(routes);
    m_receiver->setProxyRoutes(routes);
    if (m_options.remembers)
        Settings().setForwardRoutes(specs);
    return true;
}

void Session::setForwardRetry(const RetryPolicy &policy)
{
    m_forwarder.setRetryPolicy(policy);
    if (m_options.remembers)
        Settings().setForwardRetry(policy);
}

bool Session::setMockRules(const MockRules &rules, QString *error)
{
    m_rules = rules;
    m_receiver->setMockRules(rules);
    if (!m_options.remembers)
        return true;
    return DataFolder::ensure(QFileInfo(Settings::rulesPath()).absolutePath(), error)
           && JsonFile::writeAtomically(Settings::rulesPath(), rules.toJson(), error);
}

void Session::setSignatureBindings(const QList<SignatureBinding> &bindings)
{
    m_bindings = bindings;
    if (m_options.remembers)
        Settings().setSignatureBindings(bindings);
    // The values of the secrets the bindings name, read from the keychain; applied all at once.
    auto settings = std::make_shared<SignatureSettings>();
    settings->bindings = bindings;
    QStringList names;
    for (const SignatureBinding &binding : bindings) {
        if (!names.contains(binding.secretName))
            names.append(binding.secretName);
    }
    const quint64 generation = ++m_signingGeneration;
    auto remaining = std::make_shared<qsizetype>(names.size());
    const auto apply = [this, settings, generation] {
        if (generation == m_signingGeneration)
            setSignatureSettings(*settings);
    };
    if (names.isEmpty())
        return apply();
    for (const QString &name : std::as_const(names)) {
        m_secrets.read(name, [settings, name, remaining,
                              apply](const std::optional<QByteArray> &value, const QString &) {
            if (value)
                settings->secrets.insert(name, *value);
            if (--*remaining == 0)
                apply();
        });
    }
}

void Session::setSignatureSettings(const SignatureSettings &settings)
{
    m_signing = settings;
    m_checker.setSettings(settings);
    m_forwarder.setSignatureSettings(settings);
    m_receiver->setSignatureSettings(settings);
    emit signingChanged();
}

} // namespace Hookscope
