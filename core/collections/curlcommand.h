#pragma once

#include "capture/capturedrequest.h"

#include <QString>

namespace Hookscope {

// "Copy as cURL": a bash command that sends the request again with exactly the same method,
// headers and body bytes (--data-binary, never -d, so signed payloads survive; a body with NUL
// bytes comes from printf, since no shell word can hold one).
class CurlCommand final
{
public:
    // `baseUrl` is where to send it, e.g. "http://127.0.0.1:4747"; the capture's target is
    // appended. Headers curl computes itself (Content-Length, Host) are left out.
    static QString fromCapture(const CapturedRequest &request, const QString &baseUrl);
    // Quotes `bytes` as one bash word: '…' for printable text, $'…' when escapes are needed.
    static QString shellQuote(const QByteArray &bytes);
};

} // namespace Hookscope
