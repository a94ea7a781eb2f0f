#pragma once

#include "delivery/retrypolicy.h"
#include "receiver/tlsidentity.h"
#include "signing/signaturesettings.h"
#include "wire/outgoingrequest.h"

#include <QSettings>
#include <QStringList>

#include <optional>

namespace Hookscope {

// What the user set up once and every run of Hookscope uses, the window's and
// `hookscope-cli listen`'s alike (~/.config/hookscope/hookscope.conf): one place for each key,
// read and written through named, typed accessors.
class Settings final
{
public:
    Settings();

    // The port chosen in the window; none until one was.
    std::optional<quint16> port() const;
    void setPort(quint16 port);
    // The HTTPS port beside the plain one; none until one was chosen.
    std::optional<quint16> httpsPort() const;
    void setHttpsPort(std::optional<quint16> port);
    // The user's own certificate and key for it; none: the one Hookscope makes.
    std::optional<CertificateFiles> httpsCertificate() const;
    void setHttpsCertificate(const std::optional<CertificateFiles> &files);
    // Whether the window's receiver listens on every address (the LAN) or on loopback only.
    bool listensOnLan() const;
    void setListensOnLan(bool on);
    // The token requests from other machines need (ReceiverAccess): made and kept on first use.
    QByteArray lanAccessToken();
    void setLanAccessToken(const QByteArray &token);
    // The networks requests from other machines may come from ("192.168.1.0/24"); none: any.
    QStringList allowedNetworks() const;
    void setAllowedNetworks(const QStringList &networks);

    // Forward routes as the user wrote them (ForwardRoute::parse).
    QStringList forwardRoutes() const;
    void setForwardRoutes(const QStringList &specs);
    // How long forwarding keeps trying a target that is down, and the longest wait between
    // tries; the rest of the policy is the default.
    RetryPolicy forwardRetry() const;
    void setForwardRetry(const RetryPolicy &policy);
    // Which secret signs which paths. A binding this build cannot read is left out.
    QList<SignatureBinding> signatureBindings() const;
    void setSignatureBindings(const QList<SignatureBinding> &bindings);
    // Where captures were last replayed to (empty until they were), and how.
    QString replayTarget() const;
    void setReplayTarget(const QString &url);
    TargetOptions replayOptions() const;
    void setReplayOptions(TargetOptions options);
    // The tunnel or relay started last (Session::startTunnel's spec), offered again.
    QString lastSource() const;
    void setLastSource(const QString &spec);

    // How the window was left, given back at the next launch.
    struct WindowLayout
    {
        QByteArray geometry;
        QByteArray toolbarsAndDocks;
        QByteArray splitter;
        QByteArray listHeader; // columns, their widths and the sort
        QString filter;
        qint64 selectedId = 0;
        int detailTab = 0;
        int bodyTab = 0;
    };
    WindowLayout windowLayout() const;
    void setWindowLayout(const WindowLayout &layout);
    // Collection files open when the window closed, and those opened lately (newest first).
    QStringList openCollections() const;
    void setOpenCollections(const QStringList &paths);
    QStringList recentCollections() const;
    void setRecentCollections(const QStringList &paths);
    // The environment chosen for a collection file; empty: its variables alone.
    QString collectionEnvironment(const QString &path) const;
    void setCollectionEnvironment(const QString &path, const QString &environment);
    // A test event's payload as the user edited it ("stripe/invoice.paid"), sent in place of the
    // catalog's; empty: the catalog's. Setting it empty forgets the edit.
    QByteArray testEventPayload(const QString &event) const;
    void setTestEventPayload(const QString &event, const QByteArray &payload);
    // The file it is kept in.
    QString fileName() const { return m_settings.fileName(); }
    // Forgets everything here (a first launch); for tests and benchmarks.
    void clear();

    // The mock rules set in the window: rules.json in the data folder. rulesToRead() is where
    // they are now, which for rules saved by an earlier version is the folder it used.
    static QString rulesPath();
    static QString rulesToRead();

private:
    QSettings m_settings;
};

} // namespace Hookscope
