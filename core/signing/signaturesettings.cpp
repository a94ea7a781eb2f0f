#include "signaturesettings.h"

#include <QDateTime>

namespace Hookscope {

const SignatureBinding *SignatureSettings::bindingFor(QByteArrayView path) const
{
    const SignatureBinding *best = nullptr;
    for (const SignatureBinding &binding : bindings) {
        if (path.startsWith(binding.pathPrefix)
            && (!best || binding.pathPrefix.size() > best->pathPrefix.size()))
            best = &binding;
    }
    return best;
}

qint64 SignatureSettings::arrivalSeconds(const CapturedRequest &capture)
{
    return capture.receivedAtUs > 0 ? capture.receivedAtUs / 1'000'000
                                    : QDateTime::currentSecsSinceEpoch();
}

SignatureVerdict SignatureSettings::verify(const CapturedRequest &capture) const
{
    const SignatureBinding *binding = bindingFor(capture.path());
    std::optional<SignatureScheme> scheme
        = binding && binding->scheme ? binding->scheme : SignatureScheme::detect(capture.headers);
    SignatureVerdict verdict;
    if (!scheme) {
        verdict.outcome = binding ? SignatureVerdict::Outcome::MissingSignature
                                  : SignatureVerdict::Outcome::NotSigned;
        verdict.reason = binding ? QStringLiteral("The request carries no signature header of a "
                                                  "known scheme; choose the scheme for %1")
                                       .arg(QString::fromUtf8(binding->pathPrefix.isEmpty()
                                                                  ? QByteArray("all paths")
                                                                  : binding->pathPrefix))
                                 : QStringLiteral("No signature header, and no secret bound to "
                                                  "this path");
        return verdict;
    }
    const QByteArray secret = binding ? secrets.value(binding->secretName) : QByteArray();
    if (secret.isEmpty()) {
        verdict.scheme = scheme->name();
        verdict.reason = binding ? QStringLiteral("The secret \"%1\" is not available (see "
                                                  "Signatures…)")
                                       .arg(binding->secretName)
                                 : QStringLiteral("Signed (%1), but no secret is bound to this "
                                                  "path: add one under Signatures…")
                                       .arg(scheme->name());
        return verdict;
    }
    SignatureVerdict checked
        = Signatures::verify(*scheme, secret, SignedRequest::fromCapture(capture),
                             arrivalSeconds(capture), binding->toleranceSeconds);
    if (checked.outcome == SignatureVerdict::Outcome::Invalid && !capture.relay.isEmpty())
        checked.reason += QStringLiteral(
            ". It came through smee.io, which passes JSON bodies on re-serialized, not as the "
            "provider sent them: the signed bytes are not the bytes received, so this does not "
            "say the provider's signature was wrong");
    return checked;
}

bool SignatureSettings::resign(OutgoingRequest &request, const CapturedRequest &capture,
                               qint64 nowSeconds, QString *error) const
{
    const SignatureBinding *binding = bindingFor(capture.path());
    const std::optional<SignatureScheme> scheme
        = binding && binding->scheme ? binding->scheme : SignatureScheme::detect(capture.headers);
    const QByteArray secret = binding ? secrets.value(binding->secretName) : QByteArray();
    if (!scheme || secret.isEmpty()) {
        *error = !binding ? QStringLiteral("Cannot re-sign: no secret is bound to %1")
                                .arg(QString::fromUtf8(capture.path()))
                 : !scheme ? QStringLiteral("Cannot re-sign: no scheme is chosen for %1, and the "
                                            "capture's headers show none")
                                 .arg(QString::fromUtf8(capture.path()))
                           : QStringLiteral("Cannot re-sign: the secret \"%1\" is not available")
                                 .arg(binding->secretName);
        return false;
    }
    const HeaderList signature
        = Signatures::sign(*scheme, secret, SignedRequest::fromOutgoing(request), nowSeconds,
                           Signatures::newMessageId(), error);
    if (signature.isEmpty())
        return false;
    request.headers = Signatures::withHeaders(request.headers, signature);
    return true;
}

} // namespace Hookscope
