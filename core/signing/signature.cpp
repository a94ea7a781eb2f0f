#include "signature.h"

#include "body/bodyparts.h"

#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QUrl>
#include <QUrlQuery>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>

namespace Hookscope {
namespace {

using Kind = SignatureScheme::Kind;

const std::pair<Kind, QLatin1StringView> schemeNames[] = {
    {Kind::StandardWebhooks, QLatin1StringView("standard-webhooks")},
    {Kind::Svix, QLatin1StringView("svix")},
    {Kind::Stripe, QLatin1StringView("stripe")},
    {Kind::GitHub, QLatin1StringView("github")},
    {Kind::Shopify, QLatin1StringView("shopify")},
    {Kind::Slack, QLatin1StringView("slack")},
    {Kind::Twilio, QLatin1StringView("twilio")},
};

const std::pair<QCryptographicHash::Algorithm, QLatin1StringView> algorithmNames[] = {
    {QCryptographicHash::Sha1, QLatin1StringView("sha1")},
    {QCryptographicHash::Sha256, QLatin1StringView("sha256")},
    {QCryptographicHash::Sha512, QLatin1StringView("sha512")},
};

bool equalInConstantTime(const QByteArray &a, const QByteArray &b)
{
    return a.size() == b.size()
           && CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

QByteArray hmac(QCryptographicHash::Algorithm algorithm, const QByteArray &key,
                const QByteArray &message)
{
    return QMessageAuthenticationCode::hash(message, key, algorithm);
}

QByteArray encode(const QByteArray &digest, SignatureScheme::Encoding encoding)
{
    return encoding == SignatureScheme::Encoding::Hex ? digest.toHex() : digest.toBase64();
}

std::optional<QByteArray> fromBase64(QByteArrayView text)
{
    const auto decoded = QByteArray::fromBase64Encoding(text.toByteArray(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return decoded.decoded;
}

// The secret text after `prefix`, base64-decoded, as Standard Webhooks keys are written.
std::optional<QByteArray> standardKey(const QByteArray &secret, QByteArrayView prefix)
{
    return fromBase64(secret.startsWith(prefix) ? QByteArrayView(secret).sliced(prefix.size())
                                                : QByteArrayView(secret));
}

struct PkeyDeleter
{
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct DigestDeleter
{
    void operator()(EVP_MD_CTX *context) const { EVP_MD_CTX_free(context); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestDeleter>;

Pkey ed25519Key(const QByteArray &raw, bool isPrivate)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(raw.constData());
    return Pkey(
        isPrivate
            ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes, size_t(raw.size()))
            : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, size_t(raw.size())));
}

QByteArray ed25519Sign(EVP_PKEY *key, const QByteArray &message)
{
    DigestContext context(EVP_MD_CTX_new());
    QByteArray signature(64, '\0');
    size_t length = size_t(signature.size());
    if (!context || EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key) != 1
        || EVP_DigestSign(context.get(), reinterpret_cast<unsigned char *>(signature.data()),
                          &length, reinterpret_cast<const unsigned char *>(message.constData()),
                          size_t(message.size()))
               != 1)
        return {};
    return signature;
}

bool ed25519Verify(EVP_PKEY *key, const QByteArray &signature, const QByteArray &message)
{
    DigestContext context(EVP_MD_CTX_new());
    return context && EVP_DigestVerifyInit(context.get(), nullptr, nullptr, nullptr, key) == 1
           && EVP_DigestVerify(context.get(),
                               reinterpret_cast<const unsigned char *>(signature.constData()),
                               size_t(signature.size()),
                               reinterpret_cast<const unsigned char *>(message.constData()),
                               size_t(message.size()))
                  == 1;
}

// The public key of a Standard Webhooks v1a secret: "whpk_…", or derived from the signing seed
// "whsk_…" the user holds. Never taken from the request.
Pkey standardPublicKey(const QByteArray &secret)
{
    if (secret.startsWith("whpk_")) {
        const std::optional<QByteArray> raw = standardKey(secret, "whpk_");
        return raw ? ed25519Key(*raw, false) : Pkey();
    }
    const std::optional<QByteArray> seed = standardKey(secret, "whsk_");
    return seed ? ed25519Key(*seed, true) : Pkey();
}

QString describeDuration(qint64 seconds)
{
    const qint64 magnitude = std::abs(seconds);
    return magnitude < 600      ? QStringLiteral("%1 s").arg(magnitude)
           : magnitude < 7200   ? QStringLiteral("%1 min").arg(magnitude / 60)
           : magnitude < 172800 ? QStringLiteral("%1 h").arg(magnitude / 3600)
                                : QStringLiteral("%1 days").arg(magnitude / 86400);
}

} // namespace

QString Signatures::describeSkew(qint64 seconds)
{
    return seconds <= 0 ? QStringLiteral("%1 old").arg(describeDuration(seconds))
                        : QStringLiteral("%1 in the future").arg(describeDuration(seconds));
}

namespace {

// What every scheme shares: the signatures found, what the secret gives, and the timestamp.
struct Check
{
    SignatureVerdict verdict;
    std::optional<qint64> timestamp;
};

SignatureVerdict conclude(Check check, const QList<QByteArray> &matching, qint64 now, int tolerance)
{
    SignatureVerdict &verdict = check.verdict;
    bool matches = false;
    for (const QByteArray &candidate : matching) {
        if (equalInConstantTime(candidate, verdict.expected))
            matches = true; // no early exit: the time taken does not say which one matched
    }
    if (check.timestamp)
        verdict.skewSeconds = *check.timestamp - now;
    if (!matches) {
        verdict.outcome = SignatureVerdict::Outcome::Invalid;
        verdict.reason = matching.size() > 1
                             ? QStringLiteral("None of the %1 signatures in %2 matches the secret")
                                   .arg(matching.size())
                                   .arg(QString::fromLatin1(verdict.header))
                             : QStringLiteral("The signature in %1 does not match the secret: the "
                                              "body, the secret or the signed parts differ")
                                   .arg(QString::fromLatin1(verdict.header));
    } else if (verdict.skewSeconds && std::abs(*verdict.skewSeconds) > tolerance) {
        verdict.outcome = SignatureVerdict::Outcome::Expired;
        verdict.reason
            = QStringLiteral("The signature matches, but its timestamp is %1 (tolerance "
                             "%2)")
                  .arg(Signatures::describeSkew(*verdict.skewSeconds), describeDuration(tolerance));
    } else {
        verdict.outcome = SignatureVerdict::Outcome::Valid;
        verdict.reason = QStringLiteral("The signature in %1 matches")
                             .arg(QString::fromLatin1(verdict.header));
    }
    return verdict;
}

SignatureVerdict failed(SignatureVerdict::Outcome outcome, const QByteArray &header,
                        const QString &reason)
{
    SignatureVerdict verdict;
    verdict.outcome = outcome;
    verdict.header = header;
    verdict.reason = reason;
    return verdict;
}

SignatureVerdict missing(const QByteArray &header, const QString &what)
{
    return failed(SignatureVerdict::Outcome::MissingSignature, header, what);
}

SignatureVerdict invalid(const QByteArray &header, const QString &why)
{
    return failed(SignatureVerdict::Outcome::Invalid, header, why);
}

std::optional<qint64> unixSeconds(const QByteArray &text)
{
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    return ok ? std::optional<qint64>(value) : std::nullopt;
}

// Standard Webhooks and Svix share their rules; only the header names differ.
struct StandardHeaders
{
    QByteArray id;
    QByteArray timestamp;
    QByteArray signature;
};

StandardHeaders standardHeaders(Kind kind, const HeaderList &headers)
{
    if (kind == Kind::Svix && !headerValue(headers, "svix-signature").isNull())
        return {"svix-id", "svix-timestamp", "svix-signature"};
    return {"webhook-id", "webhook-timestamp", "webhook-signature"};
}

SignatureVerdict verifyStandard(Kind kind, const QByteArray &secret, const SignedRequest &request,
                                qint64 now, int tolerance)
{
    const StandardHeaders names = standardHeaders(kind, request.headers);
    const QByteArray signatures = headerValue(request.headers, names.signature);
    if (signatures.isNull())
        return missing(names.signature,
                       QStringLiteral("No %1 header").arg(QString::fromLatin1(names.signature)));
    const QByteArray id = headerValue(request.headers, names.id);
    const QByteArray timestampText = headerValue(request.headers, names.timestamp);
    if (id.isNull() || timestampText.isNull())
        return invalid(names.signature,
                       QStringLiteral("The request has %1 but no %2")
                           .arg(QString::fromLatin1(names.signature),
                                QString::fromLatin1(id.isNull() ? names.id : names.timestamp)));
    const std::optional<qint64> timestamp = unixSeconds(timestampText);
    if (!timestamp)
        return invalid(names.timestamp, QStringLiteral("%1 is not a unix time: \"%2\"")
                                            .arg(QString::fromLatin1(names.timestamp),
                                                 QString::fromUtf8(timestampText)));
    Check check;
    check.timestamp = timestamp;
    SignatureVerdict &verdict = check.verdict;
    verdict.header = names.signature;
    verdict.signedBytes = id + '.' + timestampText.trimmed() + '.' + request.body;
    const bool asymmetric = secret.startsWith("whpk_") || secret.startsWith("whsk_");
    const QByteArray version = asymmetric ? "v1a" : "v1";
    QList<QByteArray> candidates;
    for (const QByteArray &entry : signatures.split(' ')) {
        if (entry.isEmpty())
            continue;
        verdict.received.append(entry);
        const qsizetype comma = entry.indexOf(',');
        if (comma > 0 && entry.left(comma) == version)
            candidates.append(entry.mid(comma + 1));
    }
    if (candidates.isEmpty())
        return invalid(names.signature,
                       QStringLiteral("%1 holds no %2 signature, which a %3 secret checks")
                           .arg(QString::fromLatin1(names.signature), QString::fromLatin1(version),
                                asymmetric ? QStringLiteral("public-key (whpk_/whsk_)")
                                           : QStringLiteral("whsec_")));
    if (asymmetric) {
        const Pkey key = standardPublicKey(secret);
        if (!key)
            return invalid(names.signature, QStringLiteral("The secret is not a base64 ed25519 key "
                                                           "after whpk_ / whsk_"));
        // ed25519 signatures are verified, not recomputed: "expected" names the match.
        for (const QByteArray &candidate : std::as_const(candidates)) {
            const std::optional<QByteArray> raw = fromBase64(candidate);
            if (raw && ed25519Verify(key.get(), *raw, verdict.signedBytes))
                verdict.expected = candidate;
        }
        if (verdict.expected.isEmpty())
            verdict.expected = QByteArrayLiteral("(none of them verifies with the public key)");
        return conclude(check, candidates, now, tolerance);
    }
    const std::optional<QByteArray> key = standardKey(secret, "whsec_");
    if (!key)
        return invalid(names.signature,
                       QStringLiteral("The secret is not base64 after whsec_, as this scheme's "
                                      "secrets are"));
    verdict.expected = hmac(QCryptographicHash::Sha256, *key, verdict.signedBytes).toBase64();
    SignatureVerdict concluded = conclude(check, candidates, now, tolerance);
    concluded.expected.prepend(version + ','); // written as the header writes it
    return concluded;
}

SignatureVerdict verifyStripe(const QByteArray &secret, const SignedRequest &request, qint64 now,
                              int tolerance)
{
    const QByteArray header = "Stripe-Signature";
    const QByteArray value = headerValue(request.headers, header);
    if (value.isNull())
        return missing(header, QStringLiteral("No Stripe-Signature header"));
    Check check;
    SignatureVerdict &verdict = check.verdict;
    verdict.header = header;
    QByteArray timestamp;
    QList<QByteArray> candidates;
    for (const QByteArray &item : value.split(',')) {
        const qsizetype equals = item.indexOf('=');
        if (equals < 0)
            continue;
        const QByteArray key = item.left(equals).trimmed();
        const QByteArray itemValue = item.mid(equals + 1).trimmed();
        if (key == "t")
            timestamp = itemValue;
        else if (key == "v1")
            candidates.append(itemValue.toLower());
        if (key.startsWith('v'))
            verdict.received.append(item.trimmed());
    }
    check.timestamp = unixSeconds(timestamp);
    if (!check.timestamp)
        return invalid(header, QStringLiteral("Stripe-Signature has no t= timestamp"));
    if (candidates.isEmpty())
        return invalid(header, QStringLiteral("Stripe-Signature has no v1= signature (v0 is not "
                                              "checked)"));
    verdict.signedBytes = timestamp + '.' + request.body;
    verdict.expected = hmac(QCryptographicHash::Sha256, secret, verdict.signedBytes).toHex();
    SignatureVerdict concluded = conclude(check, candidates, now, tolerance);
    concluded.expected.prepend("v1="); // written as the header writes it
    return concluded;
}

// One signature in one header, after a prefix: GitHub, Shopify, Slack and generic schemes.
SignatureVerdict verifySingle(const QByteArray &header, const QByteArray &prefix,
                              const QByteArray &signature, const QByteArray &signedBytes,
                              const QByteArray &expected, std::optional<qint64> timestamp,
                              qint64 now, int tolerance, bool hex)
{
    Check check;
    check.timestamp = timestamp;
    SignatureVerdict &verdict = check.verdict;
    verdict.header = header;
    verdict.received = {signature};
    verdict.signedBytes = signedBytes;
    verdict.expected = prefix + expected;
    QByteArray candidate = signature.trimmed();
    if (!candidate.startsWith(prefix))
        return invalid(header, QStringLiteral("%1 does not start with \"%2\"")
                                   .arg(QString::fromLatin1(header), QString::fromLatin1(prefix)));
    candidate = candidate.mid(prefix.size());
    return conclude(check, {prefix + (hex ? candidate.toLower() : candidate)}, now, tolerance);
}

SignatureVerdict verifyGitHub(const QByteArray &secret, const SignedRequest &request)
{
    // sha256 when sent; the legacy sha1 header only when it is all there is.
    for (const auto &[header, prefix, algorithm] :
         {std::tuple{QByteArray("X-Hub-Signature-256"), QByteArray("sha256="),
                     QCryptographicHash::Sha256},
          std::tuple{QByteArray("X-Hub-Signature"), QByteArray("sha1="),
                     QCryptographicHash::Sha1}}) {
        const QByteArray value = headerValue(request.headers, header);
        if (!value.isNull())
            return verifySingle(header, prefix, value, request.body,
                                hmac(algorithm, secret, request.body).toHex(), std::nullopt, 0, 0,
                                true);
    }
    return missing("X-Hub-Signature-256",
                   QStringLiteral("No X-Hub-Signature-256 (or legacy X-Hub-Signature) header"));
}

// Twilio: the URL as called, then each POSTed form field sorted by name, name then value.
// A JSON body instead puts its SHA-256 in the URL's bodySHA256 parameter.
QByteArray twilioSignedBytes(const SignedRequest &request, QString *bodyProblem)
{
    QByteArray signedBytes = request.url;
    const QUrl url = QUrl::fromEncoded(request.url);
    const QString bodyHash = QUrlQuery(url).queryItemValue(QStringLiteral("bodySHA256"));
    if (!bodyHash.isEmpty()) {
        const QByteArray actual
            = QCryptographicHash::hash(request.body, QCryptographicHash::Sha256).toHex();
        if (!equalInConstantTime(actual, bodyHash.toLatin1().toLower()))
            *bodyProblem = QStringLiteral("The body's SHA-256 is %1, not the URL's bodySHA256 %2")
                               .arg(QString::fromLatin1(actual), bodyHash);
        return signedBytes;
    }
    if (request.method == "POST"
        && headerValue(request.headers, "Content-Type")
               .startsWith("application/x-www-form-urlencoded")) {
        QList<BodyPart> fields = BodyParts::formFields(request.body);
        std::stable_sort(fields.begin(), fields.end(), [](const BodyPart &a, const BodyPart &b) {
            return a.name == b.name ? a.data < b.data : a.name.toUtf8() < b.name.toUtf8();
        });
        for (const BodyPart &field : std::as_const(fields))
            signedBytes += field.name.toUtf8() + field.data;
    }
    return signedBytes;
}

QByteArray fillTemplate(const SignatureScheme &scheme, const SignedRequest &request,
                        const QByteArray &timestamp, const QByteArray &id)
{
    QByteArray content = scheme.signedContent;
    // {body} last, so braces inside the body are never taken for placeholders.
    content.replace("{timestamp}", timestamp)
        .replace("{id}", id)
        .replace("{method}", request.method)
        .replace("{target}", request.target);
    const qsizetype body = content.indexOf("{body}");
    return body < 0 ? content : content.left(body) + request.body + content.mid(body + 6);
}

} // namespace

std::optional<SignatureScheme> SignatureScheme::parse(const QString &text, QString *error)
{
    SignatureScheme scheme;
    const QString trimmed = text.trimmed().toLower();
    for (const auto &[kind, name] : schemeNames) {
        if (trimmed == name) {
            scheme.kind = kind;
            return scheme;
        }
    }
    if (!trimmed.startsWith(QLatin1String("generic:"))) {
        *error = QStringLiteral("Unknown signature scheme \"%1\"; known: %2, or generic:…")
                     .arg(text, names().join(QStringLiteral(", ")));
        return std::nullopt;
    }
    scheme.kind = Kind::Generic;
    // Options are split at commas that start a known key, so a prefix or template may hold commas.
    const QString options = text.trimmed().mid(8);
    static const QStringList keys{QStringLiteral("header"),   QStringLiteral("algorithm"),
                                  QStringLiteral("encoding"), QStringLiteral("prefix"),
                                  QStringLiteral("content"),  QStringLiteral("timestamp-header"),
                                  QStringLiteral("id-header")};
    qsizetype at = 0;
    while (at < options.size()) {
        const qsizetype equals = options.indexOf(QLatin1Char('='), at);
        const QString key = options.mid(at, equals < 0 ? -1 : equals - at).trimmed();
        if (equals < 0 || !keys.contains(key)) {
            *error = QStringLiteral("generic signature scheme: \"%1\" is not one of %2 (as in "
                                    "generic:header=X-Signature,algorithm=sha256,encoding=hex)")
                         .arg(key, keys.join(QStringLiteral(", ")));
            return std::nullopt;
        }
        qsizetype end = options.size();
        for (const QString &next : keys) {
            const qsizetype found
                = options.indexOf(QLatin1Char(',') + next + QLatin1Char('='), equals);
            if (found >= 0 && found < end)
                end = found;
        }
        const QByteArray value = options.mid(equals + 1, end - equals - 1).toUtf8();
        at = end + 1;
        if (key == QLatin1String("header")) {
            scheme.header = value;
        } else if (key == QLatin1String("algorithm")) {
            const auto found = std::find_if(
                std::begin(algorithmNames), std::end(algorithmNames),
                [&](const auto &entry) { return entry.second == QLatin1String(value.toLower()); });
            if (found == std::end(algorithmNames)) {
                *error = QStringLiteral("generic signature scheme: algorithm \"%1\" is not sha1, "
                                        "sha256 or sha512")
                             .arg(QString::fromUtf8(value));
                return std::nullopt;
            }
            scheme.algorithm = found->first;
        } else if (key == QLatin1String("encoding")) {
            if (value.toLower() != "hex" && value.toLower() != "base64") {
                *error = QStringLiteral("generic signature scheme: encoding \"%1\" is not hex or "
                                        "base64")
                             .arg(QString::fromUtf8(value));
                return std::nullopt;
            }
            scheme.encoding = value.toLower() == "hex" ? Encoding::Hex : Encoding::Base64;
        } else if (key == QLatin1String("prefix")) {
            scheme.prefix = value;
        } else if (key == QLatin1String("content")) {
            scheme.signedContent = value;
        } else if (key == QLatin1String("timestamp-header")) {
            scheme.timestampHeader = value;
        } else {
            scheme.idHeader = value;
        }
    }
    if (scheme.header.isEmpty()) {
        *error = QStringLiteral("generic signature scheme: header=NAME is required (the header "
                                "that carries the signature)");
        return std::nullopt;
    }
    if (scheme.signedContent.contains("{timestamp}") && scheme.timestampHeader.isEmpty()) {
        *error = QStringLiteral("generic signature scheme: the content uses {timestamp}, so "
                                "timestamp-header=NAME is required");
        return std::nullopt;
    }
    return scheme;
}

QString SignatureScheme::name() const
{
    for (const auto &[schemeKind, schemeName] : schemeNames) {
        if (schemeKind == kind)
            return schemeName;
    }
    QString algorithmName;
    for (const auto &[value, name] : algorithmNames) {
        if (value == algorithm)
            algorithmName = name;
    }
    QString text
        = QStringLiteral("generic:header=%1,algorithm=%2,encoding=%3")
              .arg(QString::fromUtf8(header), algorithmName,
                   encoding == Encoding::Hex ? QStringLiteral("hex") : QStringLiteral("base64"));
    if (!prefix.isEmpty())
        text += QStringLiteral(",prefix=") + QString::fromUtf8(prefix);
    if (signedContent != "{body}")
        text += QStringLiteral(",content=") + QString::fromUtf8(signedContent);
    if (!timestampHeader.isEmpty())
        text += QStringLiteral(",timestamp-header=") + QString::fromUtf8(timestampHeader);
    if (!idHeader.isEmpty())
        text += QStringLiteral(",id-header=") + QString::fromUtf8(idHeader);
    return text;
}

QStringList SignatureScheme::names()
{
    QStringList list;
    for (const auto &[kind, name] : schemeNames)
        list.append(name);
    return list;
}

std::optional<SignatureScheme> SignatureScheme::detect(const HeaderList &headers)
{
    const std::pair<const char *, Kind> signatureHeaders[] = {
        {"svix-signature", Kind::Svix},     {"webhook-signature", Kind::StandardWebhooks},
        {"Stripe-Signature", Kind::Stripe}, {"X-Hub-Signature-256", Kind::GitHub},
        {"X-Hub-Signature", Kind::GitHub},  {"X-Shopify-Hmac-SHA256", Kind::Shopify},
        {"X-Slack-Signature", Kind::Slack}, {"X-Twilio-Signature", Kind::Twilio},
    };
    for (const auto &[header, kind] : signatureHeaders) {
        if (!headerValue(headers, header).isNull()) {
            SignatureScheme scheme;
            scheme.kind = kind;
            return scheme;
        }
    }
    return std::nullopt;
}

SignedRequest SignedRequest::fromCapture(const CapturedRequest &capture)
{
    SignedRequest request;
    request.method = capture.method;
    request.target = capture.target;
    request.headers = capture.headers;
    request.body = capture.body;
    QByteArray scheme
        = headerValue(capture.headers, "X-Forwarded-Proto").split(',').first().trimmed();
    QByteArray host = headerValue(capture.headers, "X-Forwarded-Host").split(',').first().trimmed();
    if (host.isEmpty())
        host = headerValue(capture.headers, "Host");
    if (scheme.isEmpty())
        scheme = capture.overTls ? "https" : "http";
    request.url = scheme + "://" + host + capture.target;
    return request;
}

SignedRequest SignedRequest::fromOutgoing(const OutgoingRequest &request)
{
    SignedRequest signedRequest;
    signedRequest.method = request.method;
    signedRequest.url = request.url.toEncoded();
    signedRequest.target
        = request.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    signedRequest.headers = request.headers;
    signedRequest.body = request.body;
    return signedRequest;
}

QString SignatureVerdict::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Valid: return QStringLiteral("valid");
    case Outcome::Invalid: return QStringLiteral("invalid");
    case Outcome::Expired: return QStringLiteral("expired");
    case Outcome::MissingSignature: return QStringLiteral("missing signature");
    case Outcome::NoSecret: return QStringLiteral("no secret");
    case Outcome::NotSigned: return QStringLiteral("not signed");
    }
    return {};
}

SignatureVerdict Signatures::verify(const SignatureScheme &scheme, const QByteArray &secret,
                                    const SignedRequest &request, qint64 nowSeconds,
                                    int toleranceSeconds)
{
    SignatureVerdict verdict = verifyWith(scheme, secret, request, nowSeconds, toleranceSeconds);
    verdict.scheme = scheme.name();
    return verdict;
}

SignatureVerdict Signatures::verifyWith(const SignatureScheme &scheme, const QByteArray &secret,
                                        const SignedRequest &request, qint64 nowSeconds,
                                        int toleranceSeconds)
{
    if (secret.isEmpty()) {
        SignatureVerdict verdict;
        verdict.reason = QStringLiteral("No secret is set for %1 signatures").arg(scheme.name());
        return verdict;
    }
    switch (scheme.kind) {
    case Kind::StandardWebhooks:
    case Kind::Svix:
        return verifyStandard(scheme.kind, secret, request, nowSeconds, toleranceSeconds);
    case Kind::Stripe: return verifyStripe(secret, request, nowSeconds, toleranceSeconds);
    case Kind::GitHub: return verifyGitHub(secret, request);
    case Kind::Shopify: {
        const QByteArray value = headerValue(request.headers, "X-Shopify-Hmac-SHA256");
        if (value.isNull())
            return missing("X-Shopify-Hmac-SHA256",
                           QStringLiteral("No X-Shopify-Hmac-SHA256 header"));
        return verifySingle("X-Shopify-Hmac-SHA256", {}, value, request.body,
                            hmac(QCryptographicHash::Sha256, secret, request.body).toBase64(),
                            std::nullopt, 0, 0, false);
    }
    case Kind::Slack: {
        const QByteArray value = headerValue(request.headers, "X-Slack-Signature");
        if (value.isNull())
            return missing("X-Slack-Signature", QStringLiteral("No X-Slack-Signature header"));
        const QByteArray timestamp
            = headerValue(request.headers, "X-Slack-Request-Timestamp").trimmed();
        if (!unixSeconds(timestamp))
            return invalid("X-Slack-Signature",
                           QStringLiteral("No unix time in X-Slack-Request-Timestamp"));
        const QByteArray signedBytes = "v0:" + timestamp + ':' + request.body;
        return verifySingle("X-Slack-Signature", "v0=", value, signedBytes,
                            hmac(QCryptographicHash::Sha256, secret, signedBytes).toHex(),
                            unixSeconds(timestamp), nowSeconds, toleranceSeconds, true);
    }
    case Kind::Twilio: {
        const QByteArray value = headerValue(request.headers, "X-Twilio-Signature");
        if (value.isNull())
            return missing("X-Twilio-Signature", QStringLiteral("No X-Twilio-Signature header"));
        QString bodyProblem;
        const QByteArray signedBytes = twilioSignedBytes(request, &bodyProblem);
        SignatureVerdict verdict
            = verifySingle("X-Twilio-Signature", {}, value, signedBytes,
                           hmac(QCryptographicHash::Sha1, secret, signedBytes).toBase64(),
                           std::nullopt, 0, 0, false);
        if (!bodyProblem.isEmpty() && verdict.outcome == SignatureVerdict::Outcome::Valid) {
            verdict.outcome = SignatureVerdict::Outcome::Invalid;
            verdict.reason = QStringLiteral("The URL's signature matches, but the body changed: %1")
                                 .arg(bodyProblem);
        }
        return verdict;
    }
    case Kind::Generic: {
        const QByteArray value = headerValue(request.headers, scheme.header);
        if (value.isNull())
            return missing(scheme.header,
                           QStringLiteral("No %1 header").arg(QString::fromUtf8(scheme.header)));
        const QByteArray timestamp
            = scheme.timestampHeader.isEmpty()
                  ? QByteArray()
                  : headerValue(request.headers, scheme.timestampHeader).trimmed();
        if (!scheme.timestampHeader.isEmpty() && !unixSeconds(timestamp))
            return invalid(scheme.header, QStringLiteral("No unix time in %1")
                                              .arg(QString::fromUtf8(scheme.timestampHeader)));
        const QByteArray id = scheme.idHeader.isEmpty()
                                  ? QByteArray()
                                  : headerValue(request.headers, scheme.idHeader);
        const QByteArray signedBytes = fillTemplate(scheme, request, timestamp, id);
        return verifySingle(
            scheme.header, scheme.prefix, value, signedBytes,
            encode(hmac(scheme.algorithm, secret, signedBytes), scheme.encoding),
            scheme.timestampHeader.isEmpty() ? std::nullopt : unixSeconds(timestamp), nowSeconds,
            toleranceSeconds, scheme.encoding == SignatureScheme::Encoding::Hex);
    }
    }
    return {};
}

HeaderList Signatures::sign(const SignatureScheme &scheme, const QByteArray &secret,
                            const SignedRequest &request, qint64 timestamp,
                            const QByteArray &messageId, QString *error)
{
    const QByteArray time = QByteArray::number(timestamp);
    switch (scheme.kind) {
    case Kind::StandardWebhooks:
    case Kind::Svix: {
        const StandardHeaders names
            = scheme.kind == Kind::Svix
                  ? StandardHeaders{"svix-id", "svix-timestamp", "svix-signature"}
                  : StandardHeaders{"webhook-id", "webhook-timestamp", "webhook-signature"};
        const QByteArray signedBytes = messageId + '.' + time + '.' + request.body;
        QByteArray signature;
        if (secret.startsWith("whsk_")) {
            const std::optional<QByteArray> seed = standardKey(secret, "whsk_");
            const Pkey key = seed ? ed25519Key(*seed, true) : Pkey();
            if (key)
                signature = "v1a," + ed25519Sign(key.get(), signedBytes).toBase64();
        } else if (secret.startsWith("whpk_")) {
            *error
                = QStringLiteral("A public key (whpk_) verifies; signing takes the whsk_ secret");
            return {};
        } else if (const std::optional<QByteArray> key = standardKey(secret, "whsec_")) {
            signature = "v1," + hmac(QCryptographicHash::Sha256, *key, signedBytes).toBase64();
        }
        if (signature.isEmpty()) {
            *error = QStringLiteral("The secret is not base64 after whsec_ (or whsk_), as this "
                                    "scheme's secrets are");
            return {};
        }
        return {{names.id, messageId}, {names.timestamp, time}, {names.signature, signature}};
    }
    case Kind::Stripe:
        return {
            {"Stripe-Signature",
             "t=" + time + ",v1="
                 + hmac(QCryptographicHash::Sha256, secret, time + '.' + request.body).toHex()}};
    case Kind::GitHub:
        return {{"X-Hub-Signature-256",
                 "sha256=" + hmac(QCryptographicHash::Sha256, secret, request.body).toHex()},
                {"X-Hub-Signature",
                 "sha1=" + hmac(QCryptographicHash::Sha1, secret, request.body).toHex()}};
    case Kind::Shopify:
        return {{"X-Shopify-Hmac-SHA256",
                 hmac(QCryptographicHash::Sha256, secret, request.body).toBase64()}};
    case Kind::Slack:
        return {{"X-Slack-Request-Timestamp", time},
                {"X-Slack-Signature",
                 "v0="
                     + hmac(QCryptographicHash::Sha256, secret, "v0:" + time + ':' + request.body)
                           .toHex()}};
    case Kind::Twilio: {
        QString ignored;
        return {{"X-Twilio-Signature",
                 hmac(QCryptographicHash::Sha1, secret, twilioSignedBytes(request, &ignored))
                     .toBase64()}};
    }
    case Kind::Generic: {
        const QByteArray signedBytes = fillTemplate(scheme, request, time, messageId);
        HeaderList headers;
        if (!scheme.idHeader.isEmpty())
            headers.append({scheme.idHeader, messageId});
        if (!scheme.timestampHeader.isEmpty())
            headers.append({scheme.timestampHeader, time});
        headers.append(
            {scheme.header,
             scheme.prefix + encode(hmac(scheme.algorithm, secret, signedBytes), scheme.encoding)});
        return headers;
    }
    }
    return {};
}

QByteArray Signatures::newMessageId()
{
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QByteArray id = "msg_";
    for (int i = 0; i < 24; ++i)
        id += alphabet[QRandomGenerator::global()->bounded(62)];
    return id;
}

HeaderList Signatures::withHeaders(const HeaderList &headers, const HeaderList &signature)
{
    HeaderList result;
    for (const HeaderField &header : headers) {
        const bool replaced = std::any_of(
            signature.cbegin(), signature.cend(), [&header](const HeaderField &added) {
                return added.name.compare(header.name, Qt::CaseInsensitive) == 0;
            });
        if (!replaced)
            result.append(header);
    }
    return result + signature;
}

} // namespace Hookscope
