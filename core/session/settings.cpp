#include "settings.h"

#include "receiver/receiveraccess.h"
#include "store/datafolder.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

namespace Hookscope {
namespace {

const QString portKey = QStringLiteral("receiver/port");
const QString lanKey = QStringLiteral("receiver/lan");
const QString lanTokenKey = QStringLiteral("receiver/lanToken");
const QString allowedNetworksKey = QStringLiteral("receiver/allowedNetworks");
const QString routesKey = QStringLiteral("forward/targets");
const QString bindingsKey = QStringLiteral("signatures/bindings");
const QString replayTargetKey = QStringLiteral("replay/lastTarget");
const QString lastSourceKey = QStringLiteral("sources/last");
const QString httpsPortKey = QStringLiteral("receiver/httpsPort");
const QString httpsCertificateKey = QStringLiteral("receiver/httpsCertificate");
const QString httpsKeyKey = QStringLiteral("receiver/httpsKey");
const QString replayOptionsKey = QStringLiteral("replay/lastOptions");

// The window's organisation (tests set their own); the command line sets none and reads the
// window's file.
QString organization()
{
    const QString name = QCoreApplication::organizationName();
    return name.isEmpty() ? QStringLiteral("hookscope") : name;
}

} // namespace

Settings::Settings()
    : m_settings(organization(), QStringLiteral("hookscope"))
{}

std::optional<quint16> Settings::port() const
{
    bool ok = false;
    const uint port = m_settings.value(portKey).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        return std::nullopt;
    return quint16(port);
}

void Settings::setPort(quint16 port)
{
    m_settings.setValue(portKey, port);
}

bool Settings::listensOnLan() const
{
    return m_settings.value(lanKey, false).toBool();
}

void Settings::setListensOnLan(bool on)
{
    m_settings.setValue(lanKey, on);
}

QByteArray Settings::lanAccessToken()
{
    QByteArray token = m_settings.value(lanTokenKey).toByteArray();
    if (token.isEmpty()) {
        token = ReceiverAccess::newToken();
        setLanAccessToken(token);
    }
    return token;
}

void Settings::setLanAccessToken(const QByteArray &token)
{
    m_settings.setValue(lanTokenKey, QString::fromLatin1(token));
    // The file now holds a credential: for its owner only (later saves keep the mode).
    m_settings.sync();
    QFile::setPermissions(m_settings.fileName(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
}

QStringList Settings::allowedNetworks() const
{
    return m_settings.value(allowedNetworksKey).toStringList();
}

void Settings::setAllowedNetworks(const QStringList &networks)
{
    m_settings.setValue(allowedNetworksKey, networks);
}

QStringList Settings::forwardRoutes() const
{
    return m_settings.value(routesKey).toStringList();
}

void Settings::setForwardRoutes(const QStringList &specs)
{
    m_settings.setValue(routesKey, specs);
}

QList<SignatureBinding> Settings::signatureBindings() const
{
    QList<SignatureBinding> bindings;
    for (const QVariant &entry : m_settings.value(bindingsKey).toList()) {
        const QVariantMap map = entry.toMap();
        SignatureBinding binding;
        binding.pathPrefix = map.value(QStringLiteral("paths")).toString().toUtf8();
        binding.secretName = map.value(QStringLiteral("secret")).toString();
        binding.toleranceSeconds
            = map.value(QStringLiteral("tolerance"), Signatures::DefaultToleranceSeconds).toInt();
        const QString scheme = map.value(QStringLiteral("scheme")).toString();
        QString error;
        if (!scheme.isEmpty() && !(binding.scheme = SignatureScheme::parse(scheme, &error)))
            continue; // written by a newer build, or by hand: left out rather than guessed
        bindings.append(binding);
    }
    return bindings;
}

void Settings::setSignatureBindings(const QList<SignatureBinding> &bindings)
{
    QVariantList stored;
    for (const SignatureBinding &binding : bindings)
        stored.append(QVariantMap{
            {QStringLiteral("paths"), QString::fromUtf8(binding.pathPrefix)},
            {QStringLiteral("scheme"), binding.scheme ? binding.scheme->name() : QString()},
            {QStringLiteral("secret"), binding.secretName},
            {QStringLiteral("tolerance"), binding.toleranceSeconds}});
    m_settings.setValue(bindingsKey, stored);
}

QString Settings::replayTarget() const
{
    return m_settings.value(replayTargetKey).toString();
}

void Settings::setReplayTarget(const QString &url)
{
    m_settings.setValue(replayTargetKey, url);
}

std::optional<quint16> Settings::httpsPort() const
{
    bool ok = false;
    const uint port = m_settings.value(httpsPortKey).toUInt(&ok);
    return ok && port <= 65535 ? std::optional<quint16>(quint16(port)) : std::nullopt;
}

void Settings::setHttpsPort(std::optional<quint16> port)
{
    if (port)
        m_settings.setValue(httpsPortKey, *port);
    else
        m_settings.remove(httpsPortKey);
}

std::optional<CertificateFiles> Settings::httpsCertificate() const
{
    const CertificateFiles files{m_settings.value(httpsCertificateKey).toString(),
                                 m_settings.value(httpsKeyKey).toString()};
    return files.certificate.isEmpty() || files.key.isEmpty() ? std::nullopt : std::optional(files);
}

void Settings::setHttpsCertificate(const std::optional<CertificateFiles> &files)
{
    if (files) {
        m_settings.setValue(httpsCertificateKey, files->certificate);
        m_settings.setValue(httpsKeyKey, files->key);
    } else {
        m_settings.remove(httpsCertificateKey);
        m_settings.remove(httpsKeyKey);
    }
}

QString Settings::lastSource() const
{
    return m_settings.value(lastSourceKey).toString();
}

void Settings::setLastSource(const QString &spec)
{
    m_settings.setValue(lastSourceKey, spec);
}

RetryPolicy Settings::forwardRetry() const
{
    RetryPolicy policy;
    const qint64 giveUpMs
        = m_settings.value(QStringLiteral("forwarding/giveUpAfterMs")).toLongLong();
    const qint64 maxDelayMs
        = m_settings.value(QStringLiteral("forwarding/maxDelayMs")).toLongLong();
    if (giveUpMs > 0)
        policy.giveUpAfterMs = giveUpMs;
    if (maxDelayMs > 0)
        policy.maxDelayMs = maxDelayMs;
    return policy;
}

void Settings::setForwardRetry(const RetryPolicy &policy)
{
    m_settings.setValue(QStringLiteral("forwarding/giveUpAfterMs"), policy.giveUpAfterMs);
    m_settings.setValue(QStringLiteral("forwarding/maxDelayMs"), policy.maxDelayMs);
}

TargetOptions Settings::replayOptions() const
{
    return TargetOptions::fromFlags(m_settings.value(replayOptionsKey).toInt());
}

void Settings::setReplayOptions(TargetOptions options)
{
    m_settings.setValue(replayOptionsKey, options.flags());
}

Settings::WindowLayout Settings::windowLayout() const
{
    WindowLayout layout;
    layout.geometry = m_settings.value(QStringLiteral("window/geometry")).toByteArray();
    layout.toolbarsAndDocks = m_settings.value(QStringLiteral("window/state")).toByteArray();
    layout.splitter = m_settings.value(QStringLiteral("window/splitter")).toByteArray();
    layout.listHeader = m_settings.value(QStringLiteral("list/header")).toByteArray();
    layout.filter = m_settings.value(QStringLiteral("list/filter")).toString();
    layout.selectedId = m_settings.value(QStringLiteral("list/selectedId"), 0).toLongLong();
    layout.detailTab = m_settings.value(QStringLiteral("detail/tab"), 0).toInt();
    layout.bodyTab = m_settings.value(QStringLiteral("detail/bodyTab"), 0).toInt();
    return layout;
}

void Settings::setWindowLayout(const WindowLayout &layout)
{
    m_settings.setValue(QStringLiteral("window/geometry"), layout.geometry);
    m_settings.setValue(QStringLiteral("window/state"), layout.toolbarsAndDocks);
    m_settings.setValue(QStringLiteral("window/splitter"), layout.splitter);
    m_settings.setValue(QStringLiteral("list/header"), layout.listHeader);
    m_settings.setValue(QStringLiteral("list/filter"), layout.filter);
    m_settings.setValue(QStringLiteral("list/selectedId"), layout.selectedId);
    m_settings.setValue(QStringLiteral("detail/tab"), layout.detailTab);
    m_settings.setValue(QStringLiteral("detail/bodyTab"), layout.bodyTab);
}

QStringList Settings::openCollections() const
{
    return m_settings.value(QStringLiteral("collections/open")).toStringList();
}

void Settings::setOpenCollections(const QStringList &paths)
{
    m_settings.setValue(QStringLiteral("collections/open"), paths);
}

QStringList Settings::recentCollections() const
{
    return m_settings.value(QStringLiteral("collections/recent")).toStringList();
}

void Settings::setRecentCollections(const QStringList &paths)
{
    m_settings.setValue(QStringLiteral("collections/recent"), paths);
}

QByteArray Settings::testEventPayload(const QString &event) const
{
    return m_settings.value(QStringLiteral("testEvents/payloads"))
        .toMap()
        .value(event)
        .toByteArray();
}

void Settings::setTestEventPayload(const QString &event, const QByteArray &payload)
{
    QVariantMap edited = m_settings.value(QStringLiteral("testEvents/payloads")).toMap();
    if (payload.isEmpty())
        edited.remove(event);
    else
        edited.insert(event, payload);
    m_settings.setValue(QStringLiteral("testEvents/payloads"), edited);
}

QString Settings::collectionEnvironment(const QString &path) const
{
    return m_settings.value(QStringLiteral("collections/environments"))
        .toMap()
        .value(path)
        .toString();
}

void Settings::setCollectionEnvironment(const QString &path, const QString &environment)
{
    QVariantMap chosen = m_settings.value(QStringLiteral("collections/environments")).toMap();
    chosen.insert(path, environment);
    m_settings.setValue(QStringLiteral("collections/environments"), chosen);
}

void Settings::clear()
{
    m_settings.clear();
}

QString Settings::rulesPath()
{
    return DataFolder::path() + QStringLiteral("/rules.json");
}

QString Settings::rulesToRead()
{
    // Before 0.2 the window kept them one folder down (its application folder).
    const QString earlier = DataFolder::path() + QStringLiteral("/hookscope/rules.json");
    return !QFileInfo::exists(rulesPath()) && QFileInfo::exists(earlier) ? earlier : rulesPath();
}

} // namespace Hookscope
