#pragma once

#include "wire/capturedrequest.h"
#include "wire/outgoingrequest.h"

#include <QCryptographicHash>
#include <QStringList>

#include <optional>

namespace Hookscope {

// How a provider signs its webhooks. Each scheme's headers, signed bytes, key and encoding
// follow STANDARDS.md (with its known-answer vectors).
struct SignatureScheme
{
    enum class Kind { StandardWebhooks, Svix, Stripe, GitHub, Shopify, Slack, Twilio, Generic };
    enum class Encoding { Hex, Base64 };

    Kind kind = Kind::StandardWebhooks;
    // Generic only: an HMAC by `algorithm` of `signedContent`, whose {timestamp}, {id}, {method},
    // {target} and {body} are filled in, written in `encoding` after `prefix` in `header`. The
    // timestamp (unix seconds) and id come from the headers named for them, when named.
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256;
    Encoding encoding = Encoding::Hex;
    QByteArray header;
    QByteArray prefix;
    QByteArray signedContent = "{body}";
    QByteArray timestampHeader;
    QByteArray idHeader;

    // A scheme by name ("stripe", "github", …), or a generic one written
    // "generic:header=X-Signature,algorithm=sha256,encoding=hex,prefix=sha256=,
    // content={timestamp}.{body},timestamp-header=X-Timestamp,id-header=X-Id".
    static std::optional<SignatureScheme> parse(const QString &text, QString *error);
    // As parse() reads it back.
    QString name() const;
    // The named schemes, as parse() takes them.
    static QStringList names();
    // The scheme whose signature header `headers` carry, if any.
    static std::optional<SignatureScheme> detect(const HeaderList &headers);
};

// The parts of a request a signature covers.
struct SignedRequest
{
    QByteArray method;
    QByteArray url;    // absolute, as the provider called it: Twilio signs it
    QByteArray target; // path and query
    HeaderList headers;
    QByteArray body; // exactly the bytes sent

    // A capture as its provider sent it. The URL is rebuilt from Host and a tunnel's
    // X-Forwarded-Proto / X-Forwarded-Host, which is the public URL behind a tunnel.
    static SignedRequest fromCapture(const CapturedRequest &capture);
    // A request about to be sent.
    static SignedRequest fromOutgoing(const OutgoingRequest &request);
};

struct SignatureVerdict
{
    // NotSigned: nothing to check (no binding for its path, no signature header).
    enum class Outcome { Valid, Invalid, Expired, MissingSignature, NoSecret, NotSigned };
    Outcome outcome = Outcome::NoSecret;
    QString scheme;                    // as SignatureScheme::name() writes it
    QString reason;                    // why, in one sentence
    QByteArray header;                 // the header the signature was read from
    QByteArray signedBytes;            // exactly what the signature covers
    QList<QByteArray> received;        // the signatures the request carries, as written
    QByteArray expected;               // the signature the secret gives, written the same way
    std::optional<qint64> skewSeconds; // the request's timestamp minus now

    // "valid", "invalid", "expired", "missing signature", "no secret", "not signed".
    static QString outcomeName(Outcome outcome);
};

class Signatures final
{
public:
    static constexpr int DefaultToleranceSeconds = 300;

    // Checks `request` against `secret` (as the provider shows it: "whsec_…", "whpk_…", a
    // token…). Timestamps more than `toleranceSeconds` before or after `nowSeconds` are expired.
    // Several signatures (key rotation): valid when any matches. Compared in constant time.
    static SignatureVerdict verify(const SignatureScheme &scheme, const QByteArray &secret,
                                   const SignedRequest &request, qint64 nowSeconds,
                                   int toleranceSeconds = DefaultToleranceSeconds);
    // The headers that sign `request` at `timestamp` with `messageId` (for the schemes that
    // carry them); they replace any of the same names. Empty, saying why in `error`, when the
    // secret cannot be used (e.g. not base64 where the scheme wants it).
    static HeaderList sign(const SignatureScheme &scheme, const QByteArray &secret,
                           const SignedRequest &request, qint64 timestamp,
                           const QByteArray &messageId, QString *error);
    // "301 s old", "3 h in the future": a timestamp's offset from now, for people.
    static QString describeSkew(qint64 seconds);
    // A fresh message id, "msg_" and 24 random base62 characters.
    static QByteArray newMessageId();
    // `headers` with `signature` in place of any header of the same names.
    static HeaderList withHeaders(const HeaderList &headers, const HeaderList &signature);

private:
    static SignatureVerdict verifyWith(const SignatureScheme &scheme, const QByteArray &secret,
                                       const SignedRequest &request, qint64 nowSeconds,
                                       int toleranceSeconds);
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::SignatureVerdict)
