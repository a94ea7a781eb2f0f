#pragma once

#include "signature.h"

#include "wire/outgoingrequest.h"

#include <QHash>

namespace Hookscope {

// Which scheme and secret check the captures under a path.
struct SignatureBinding
{
    QByteArray pathPrefix;                 // empty: every path
    std::optional<SignatureScheme> scheme; // none: recognised from the headers
    QString secretName;
    int toleranceSeconds = Signatures::DefaultToleranceSeconds;
};

// What verifying captures takes: the bindings and the values of the secrets they name.
struct SignatureSettings
{
    QList<SignatureBinding> bindings;
    QHash<QString, QByteArray> secrets; // by name, read from the keychain

    // The binding with the longest prefix the path starts with, if any.
    const SignatureBinding *bindingFor(QByteArrayView path) const;
    // A capture's verdict: by its path's binding, or by the scheme its headers show (then
    // "no secret" unless a binding for every path names one). NotSigned when neither applies.
    // Timestamps are judged as the receiving app would have, when the capture arrived, so a
    // verdict does not change as the capture ages.
    SignatureVerdict verify(const CapturedRequest &capture) const;
    // When `capture` arrived, in Unix seconds (now for one that does not say).
    static qint64 arrivalSeconds(const CapturedRequest &capture);
    // Signs `request` (sent on from `capture`) again as the binding for the capture's path
    // says, at `nowSeconds` with a fresh message id: the signature headers are replaced. False,
    // saying why, when no binding or secret is there.
    bool resign(OutgoingRequest &request, const CapturedRequest &capture, qint64 nowSeconds,
                QString *error) const;
};

} // namespace Hookscope
