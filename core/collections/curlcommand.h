#pragma once

#include "collection.h"

#include <QString>

namespace Hookscope {

// "Copy as cURL": a bash command that sends the request again with exactly the same method,
// headers and body bytes (--data-binary, never -d, so signed payloads survive; a body with NUL
// bytes comes from printf, since no shell word can hold one). And the other way: a pasted curl
// command, as browsers' "Copy as cURL" write it for bash or for Windows' cmd, as a request.
class CurlCommand final
{
public:
    // `baseUrl` is where to send it, e.g. "http://127.0.0.1:4747"; the capture's target is
    // appended. Headers curl computes itself (Content-Length, Host) are left out.
    static QString fromCapture(const CapturedRequest &request, const QString &baseUrl);
    static QString fromRequest(const QByteArray &method, const QString &url,
                               const HeaderList &headers, const QByteArray &body);
    // The request a curl command sends: bash quoting ('…', "…", $'…', \ line continuations)
    // or cmd's (^ escapes and continuations, "…" as the C runtime reads them). Options that only
    // change how curl runs (-s, -L, -k, -o …) are skipped; one that needs a file (-d @file) or
    // is unknown is an error naming it and its line.
    static std::optional<RequestTemplate> parse(const QString &command, QString *error);
    // Quotes `bytes` as one bash word: '…' for printable text, $'…' when escapes are needed.
    static QString shellQuote(const QByteArray &bytes);
};

} // namespace Hookscope
