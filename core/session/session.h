#pragma once

#include "delivery/forwarderhost.h"
#include "mock/mockrules.h"
#include "receiver/receiverhost.h"
#include "receiver/tlsidentity.h"
#include "secrets/secretstore.h"
#include "signing/signaturechecker.h"
#include "sources/source.h"
#include "store/capturewriter.h"
#include "wire/forwardroute.h"

#include <QObject>
#include <QStringList>

#include <memory>

namespace Hookscope {

struct TunnelSpec;

// A running Hookscope: the capture writer, the receiver and the forwarder each on a thread of
// their own, the signature checker, and what the user set up (forward routes, mock rules,
// signature bindings). The window and `hookscope-cli listen` each start one and only present
// it (qBittorrent's BitTorrent::Session is the model), so a capability is wired once.
class Session final : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        ReceiverOptions receiver;
        CaptureWriter::Durability durability = CaptureWriter::Durability::Disk;
        ForwardOptions forwarding;
        // The window's session keeps what is set through it (Settings, rules.json) for the
        // next run; the command line's uses it for one run.
        bool remembers = false;
    };

    // `storePath`: a store the front end has opened (and so created or migrated).
    Session(const QString &storePath, Options options, QObject *parent = nullptr);
    // Stops the receiver, commits what is queued, then lets the forwarder record what was
    // answered (the rest is sent after a restart).
    ~Session() override;

    // Starts the writer and the forwarder (which sends what an earlier run left pending). The
    // receiver listens when the front end asks it, to report a busy port its own way.
    bool start(QString *error);

    QString storePath() const { return m_storePath; }
    CaptureWriter &writer() { return m_writer; }
    ReceiverHost &receiver() { return *m_receiver; }
    ForwarderHost &forwarder() { return m_forwarder; }
    SignatureChecker &checker() { return m_checker; }
    // The keychain: the secrets bindings name, and the collections' {{secret:NAME}} values.
    SecretStore &secrets() { return m_secrets; }

    // What the window set up last time: forward routes, mock rules, signature bindings. What
    // cannot be used is left out, a line each in the list returned.
    QStringList useSavedSetup();

    // Routes as the user wrote them (ForwardRoute::parse); on a mistake nothing changes and
    // `error` says which.
    bool setForwardRoutes(const QStringList &specs, QString *error);
    QStringList forwardRouteSpecs() const { return m_routeSpecs; }
    const QList<ForwardRoute> &forwardRoutes() const { return m_routes; }
    // How forwarding retries from the next attempt on.
    void setForwardRetry(const RetryPolicy &policy);
    RetryPolicy forwardRetry() const { return m_forwarder.retryPolicy(); }
    // Answers with these rules from now on; false, with why, when they could not be kept.
    bool setMockRules(const MockRules &rules, QString *error);
    const MockRules &mockRules() const { return m_rules; }
    // Which secret signs which paths. The secrets are read from the keychain, then the
    // checker, the forwarder and the receiver's re-signing routes use them (signingChanged).
    void setSignatureBindings(const QList<SignatureBinding> &bindings);
    const QList<SignatureBinding> &signatureBindings() const { return m_bindings; }
    // Whether machines on the LAN may send too: the receiver listens on every address, and their
    // requests need the access token (ReceiverAccess), from `networks` only when there are any.
    // Off: loopback only. It listens again, on the same port, when it was listening. False, with
    // why, on a network that cannot be read or a listen that failed.
    bool setLan(bool on, const QStringList &networks, QString *error);
    bool listensOnLan() const { return m_lan; }
    QStringList allowedNetworks() const { return m_networks; }
    // An HTTPS port beside the plain one (0: a free one; none: off), presenting the certificate
    // Hookscope makes (TlsIdentity::local in tlsFolder(), naming this machine's addresses while
    // on the LAN). It listens again when it was listening. False, with why.
    bool setHttps(std::optional<quint16> port, QString *error);
    std::optional<quint16> httpsPort() const { return m_httpsPort; }
    // The user's own certificate and key for the HTTPS port instead of Hookscope's (none: back
    // to Hookscope's). False, saying which file and why, when they cannot be used; nothing
    // changes then.
    bool setHttpsCertificate(const std::optional<CertificateFiles> &files, QString *error);
    std::optional<CertificateFiles> httpsCertificate() const { return m_ownCertificate; }
    // Where Hookscope keeps the certificates it makes; clients trust the ca.pem in it.
    static QString tlsFolder();
    // A new access token: the LAN URLs given out so far stop working.
    void renewLanToken();
    // The URLs other machines send to (none while on loopback only).
    QStringList lanUrls() const;

    // A public URL from a tunnel of the user's (TunnelSpec::parse: cloudflared, ngrok, stripe
    // or a command with {port}) started on the receiver's port, or from a smee.io channel
    // Hookscope reads itself ("smee", "smee:CHANNEL": SmeeSource), whose events are stored as
    // captures. Stopped with the session. False, saying why, for a spec that cannot be read or
    // a tool that is not installed.
    bool startTunnel(const QString &spec, const QString &urlPattern, QString *error);
    void stopTunnel();
    // The running tunnel or relay, or null, and the spec it was started with.
    Source *tunnel() const { return m_tunnel.get(); }
    QString tunnelSpec() const { return m_tunnel ? m_tunnelSpec : QString(); }

    // Bindings with their secrets already at hand (the command line's --secret-name).
    void setSignatureSettings(const SignatureSettings &settings);

signals:
    // A tunnel was started or stopped (its own signals say what it does meanwhile).
    void tunnelChanged();
    // The secret a tool printed (`stripe listen`'s) is kept under `secretName` and verifies
    // what arrives at `path`; `where` says where it is kept (the keychain, or this session's
    // memory and why), or `error` why it could not be kept.
    void tunnelSecretBound(const QString &secretName, const QByteArray &path, const QString &where,
                           const QString &error);
    // The checker, forwarder and receiver sign and verify with new settings: verdicts worked
    // out before are stale.
    void signingChanged();

private:
    // Keeps the secret a tunnel printed and binds it to the path it forwards to, beside the
    // bindings there are (and, for the window, saved with them).
    void bindTunnelSecret(const TunnelSpec &spec, const QByteArray &secret);
    void tunnelStarted(const QString &spec);
    void rememberTunnelSpec(const QString &spec);
    // The certificate for the addresses listened on now, handed to the receiver.
    bool applyHttps(QString *error);
    // Listens again on the same port, if it was listening, for new addresses or ports.
    bool listenAgain(QString *error);

    QString m_storePath;
    Options m_options;
    SecretStore m_secrets;
    CaptureWriter m_writer;
    std::unique_ptr<ReceiverHost> m_receiver;
    ForwarderHost m_forwarder;
    SignatureChecker m_checker;
    QStringList m_routeSpecs;
    QList<ForwardRoute> m_routes;
    MockRules m_rules;
    QList<SignatureBinding> m_bindings;
    SignatureSettings m_signing; // as the checker, forwarder and receiver use it
    std::unique_ptr<Source> m_tunnel;
    QString m_tunnelSpec;
    bool m_lan = false;
    std::optional<quint16> m_httpsPort;
    std::optional<CertificateFiles> m_ownCertificate;
    QStringList m_networks;
    quint64 m_signingGeneration = 0; // the latest reading of the secrets wins
};

} // namespace Hookscope
