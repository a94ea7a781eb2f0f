#pragma once

#include <QHostAddress>
#include <QList>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

#include <optional>

namespace Hookscope {

// The user's own certificate (or chain) and its key, as PEM files.
struct CertificateFiles
{
    QString certificate;
    QString key;
};

// What the HTTPS receiver presents: a certificate, the issuers above it, and its key. Either
// the user's own PEM files, or made by Hookscope on first use: a local certificate authority
// kept in a folder (ca.pem, which clients are told to trust: `curl --cacert`), and a
// certificate for localhost, 127.0.0.1, ::1 and the addresses asked for, signed by it, made
// again when those addresses change or it is a month from its end. Key files are their
// owner's only (0600).
struct TlsIdentity
{
    QSslCertificate certificate;
    QList<QSslCertificate> issuers;
    QSslKey key;

    // From the user's PEM files (a certificate, or a chain with the server's first, and an
    // unencrypted key); nullopt, saying which file and why, when they cannot be used.
    static std::optional<TlsIdentity> fromFiles(const QString &certificateFile,
                                                const QString &keyFile, QString *error);
    static std::optional<TlsIdentity> fromFiles(const CertificateFiles &files, QString *error)
    {
        return fromFiles(files.certificate, files.key, error);
    }
    // Hookscope's own, in `folder` (made or renewed as needed).
    static std::optional<TlsIdentity> local(const QString &folder,
                                            const QList<QHostAddress> &addresses, QString *error);
    // The authority a client trusts to accept local(): `folder`/ca.pem.
    static QString authorityFile(const QString &folder);
    // As the HTTPS port presents it: TLS 1.2 or later, no client certificate asked for.
    QSslConfiguration serverConfiguration() const;
};

} // namespace Hookscope
