#include "tlsidentity.h"

#include "store/datafolder.h"
#include "wire/jsonfile.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <memory>

namespace Hookscope {
namespace {

constexpr int AuthorityDays = 10 * 365;
// Within what clients accept for a certificate whose authority a user added (825 days), and
// renewed well before its end.
constexpr int CertificateDays = 397;
constexpr int RenewDaysBefore = 30;

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Certificate = std::unique_ptr<X509, decltype(&X509_free)>;
using Bio = std::unique_ptr<BIO, decltype(&BIO_free)>;

Key newKey()
{
    return Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
}

// A certificate for `key` named `commonName`, signed by `issuer` (itself when null) with the
// extensions given as name/value pairs in OpenSSL's configuration syntax.
Certificate newCertificate(EVP_PKEY *key, const QByteArray &commonName, X509 *issuer,
                           EVP_PKEY *issuerKey, int days,
                           const QList<std::pair<const char *, QByteArray>> &extensions)
{
    Certificate certificate(X509_new(), X509_free);
    X509 *made = certificate.get();
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; // positive
    BIGNUM *number = BN_bin2bn(serial, sizeof serial, nullptr);
    const bool ok
        = X509_set_version(made, 2) && BN_to_ASN1_INTEGER(number, X509_get_serialNumber(made))
          && X509_gmtime_adj(X509_getm_notBefore(made), -3600) // a client's clock a little behind
          && X509_gmtime_adj(X509_getm_notAfter(made), long(days) * 24 * 3600)
          && X509_set_pubkey(made, key);
    BN_free(number);
    if (!ok)
        return Certificate(nullptr, X509_free);
    X509_NAME *name = X509_get_subject_name(made);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>("Hookscope"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char *>(commonName.constData()), -1,
                               -1, 0);
    X509_set_issuer_name(made, issuer ? X509_get_subject_name(issuer) : name);
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer ? issuer : made, made, nullptr, nullptr, 0);
    for (const auto &[extensionName, value] : extensions) {
        X509_EXTENSION *extension
            = X509V3_EXT_nconf(nullptr, &context, extensionName, value.constData());
        if (!extension || !X509_add_ext(made, extension, -1)) {
            X509_EXTENSION_free(extension);
            return Certificate(nullptr, X509_free);
        }
        X509_EXTENSION_free(extension);
    }
    if (!X509_sign(made, issuerKey ? issuerKey : key, EVP_sha256()))
        return Certificate(nullptr, X509_free);
    return certificate;
}

QByteArray pemOf(X509 *certificate)
{
    Bio bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_X509(bio.get(), certificate);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(size));
}

QByteArray pemOf(EVP_PKEY *key)
{
    Bio bio(BIO_new(BIO_s_mem()), BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(size));
}

int refusePassphrase(char *, int, int, void *)
{
    return 0;
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The names a certificate for these addresses carries: localhost and each address.
QByteArray alternativeNames(const QList<QHostAddress> &addresses)
{
    QByteArray names = "DNS:localhost";
    for (const QHostAddress &address : addresses)
        names += ",IP:" + address.toString().toLatin1();
    return names;
}

QList<QHostAddress> withLoopback(QList<QHostAddress> addresses)
{
    for (const QHostAddress &loopback :
         {QHostAddress(QHostAddress::LocalHost), QHostAddress(QHostAddress::LocalHostIPv6)}) {
        if (!addresses.contains(loopback))
            addresses.prepend(loopback);
    }
    addresses.removeIf([](const QHostAddress &address) {
        return address.isNull() || address == QHostAddress::Any || address == QHostAddress::AnyIPv6
               || address == QHostAddress::AnyIPv4;
    });
    return addresses;
}

// Whether the certificate at `path` was signed by `authority`, names every address, and is
// far from its end.
bool stillServes(const QString &path, const QSslCertificate &authority,
                 const QList<QHostAddress> &addresses)
{
    const QList<QSslCertificate> found = QSslCertificate::fromData(readFile(path));
    if (found.isEmpty())
        return false;
    const QSslCertificate &certificate = found.first();
    if (certificate.issuerInfo(QSslCertificate::CommonName)
            != authority.subjectInfo(QSslCertificate::CommonName)
        || certificate.expiryDate() < QDateTime::currentDateTimeUtc().addDays(RenewDaysBefore))
        return false;
    const QStringList named = certificate.subjectAlternativeNames().values(QSsl::IpAddressEntry);
    for (const QHostAddress &address : addresses) {
        if (!named.contains(address.toString()))
            return false;
    }
    return true;
}

} // namespace

QSslConfiguration TlsIdentity::serverConfiguration() const
{
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(QList<QSslCertificate>{certificate} + issuers);
    configuration.setPrivateKey(key);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return configuration;
}

QString TlsIdentity::authorityFile(const QString &folder)
{
    return folder + QStringLiteral("/ca.pem");
}

std::optional<TlsIdentity> TlsIdentity::fromFiles(const QString &certificateFile,
                                                  const QString &keyFile, QString *error)
{
    QFile certificates(certificateFile);
    if (!certificates.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the certificate %1: %2")
                     .arg(certificateFile, certificates.errorString());
        return std::nullopt;
    }
    const QByteArray chainPem = certificates.readAll();
    const QList<QSslCertificate> chain = QSslCertificate::fromData(chainPem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = QStringLiteral("%1 holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")")
                     .arg(certificateFile);
        return std::nullopt;
    }
    QFile keyBytes(keyFile);
    if (!keyBytes.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read the key %1: %2").arg(keyFile, keyBytes.errorString());
        return std::nullopt;
    }
    const QByteArray keyPem = keyBytes.readAll();
    Bio keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())), BIO_free);
    // No passphrase is asked for: an encrypted key is refused, never prompted for.
    Key key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, refusePassphrase, nullptr),
            EVP_PKEY_free);
    const int type = key ? EVP_PKEY_get_base_id(key.get()) : 0;
    if (type != EVP_PKEY_EC && type != EVP_PKEY_RSA) {
        *error = QStringLiteral("%1 holds no unencrypted PEM private key (EC or RSA)").arg(keyFile);
        return std::nullopt;
    }
    Bio certificateBio(BIO_new_mem_buf(chainPem.constData(), int(chainPem.size())), BIO_free);
    const Certificate first(
        PEM_read_bio_X509(certificateBio.get(), nullptr, refusePassphrase, nullptr), X509_free);
    if (!first || X509_check_private_key(first.get(), key.get()) != 1) {
        *error = QStringLiteral("the key in %1 is not the key of the certificate in %2")
                     .arg(keyFile, certificateFile);
        return std::nullopt;
    }
    TlsIdentity identity;
    identity.certificate = chain.first();
    identity.issuers = chain.mid(1);
    identity.key = QSslKey(pemOf(key.get()), type == EVP_PKEY_EC ? QSsl::Ec : QSsl::Rsa);
    return identity;
}

std::optional<TlsIdentity> TlsIdentity::local(const QString &folder,
                                              const QList<QHostAddress> &addresses, QString *error)
{
    if (!DataFolder::ensure(folder, error))
        return std::nullopt;
    const QString authorityPath = authorityFile(folder);
    const QString authorityKeyPath = folder + QStringLiteral("/ca-key.pem");
    const QString certificatePath = folder + QStringLiteral("/localhost.pem");
    const QString keyPath = folder + QStringLiteral("/localhost-key.pem");
    const QList<QHostAddress> named = withLoopback(addresses);

    // The authority: made once, kept.
    Key authorityKey(nullptr, EVP_PKEY_free);
    Certificate authority(nullptr, X509_free);
    {
        const QByteArray keyPem = readFile(authorityKeyPath);
        const QByteArray certificatePem = readFile(authorityPath);
        Bio keyBio(BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())), BIO_free);
        Bio certificateBio(BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())),
                           BIO_free);
        authorityKey.reset(
            PEM_read_bio_PrivateKey(keyBio.get(), nullptr, refusePassphrase, nullptr));
        authority.reset(
            PEM_read_bio_X509(certificateBio.get(), nullptr, refusePassphrase, nullptr));
    }
    const bool newAuthority = !authorityKey || !authority;
    if (newAuthority) {
        authorityKey = newKey();
        const QByteArray name = "Hookscope local authority ("
                                + QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8()
                                + ")";
        authority = newCertificate(authorityKey.get(), name, nullptr, nullptr, AuthorityDays,
                                   {{"basicConstraints", "critical,CA:TRUE,pathlen:0"},
                                    {"keyUsage", "critical,keyCertSign,cRLSign"},
                                    {"subjectKeyIdentifier", "hash"}});
        if (!authority
            || !JsonFile::writeAtomically(authorityKeyPath, pemOf(authorityKey.get()), error,
                                          JsonFile::Access::OwnerOnly)
            || !JsonFile::writeAtomically(authorityPath, pemOf(authority.get()), error))
            return std::nullopt;
    }
    const QSslCertificate authorityCertificate(pemOf(authority.get()));

    if (newAuthority || !stillServes(certificatePath, authorityCertificate, named)) {
        Key key = newKey();
        Certificate certificate = newCertificate(key.get(), "localhost", authority.get(),
                                                 authorityKey.get(), CertificateDays,
                                                 {{"basicConstraints", "critical,CA:FALSE"},
                                                  {"keyUsage", "critical,digitalSignature"},
                                                  {"extendedKeyUsage", "serverAuth"},
                                                  {"subjectAltName", alternativeNames(named)},
                                                  {"authorityKeyIdentifier", "keyid"}});
        if (!certificate
            || !JsonFile::writeAtomically(keyPath, pemOf(key.get()), error,
                                          JsonFile::Access::OwnerOnly)
            || !JsonFile::writeAtomically(certificatePath, pemOf(certificate.get()), error)) {
            if (error->isEmpty())
                *error = QStringLiteral("could not make a certificate for localhost");
            return std::nullopt;
        }
    }
    std::optional<TlsIdentity> identity = fromFiles(certificatePath, keyPath, error);
    if (identity)
        identity->issuers = {authorityCertificate};
    return identity;
}

} // namespace Hookscope
