#pragma once

#include "capturedrequest.h"

#include <QString>

namespace Hookscope {

// Where a capture came from when it did not come straight from its client: the tunnel or relay
// it came through, the public URL the provider called, and the client's own address. A
// tunnel's agent runs on this machine and adds headers saying so (Cloudflare's
// CF-Connecting-IP, X-Forwarded-For and -Host); they are believed only from this machine, since
// anyone else could write them too.
struct CaptureOrigin
{
    // Sent with each of Hookscope's test events ("stripe/invoice.paid"), so that the receiver,
    // and the user's handler, can tell them from the provider's own.
    static constexpr const char *TestEventHeader = "X-Hookscope-Test-Event";

    // "cloudflared", "ngrok", "proxy", "smee", "stripe listen", "test event" (Hookscope's own,
    // TestEventHeader names which); empty: straight from the client
    QString via;
    QString publicUrl; // as the provider called it, when the tunnel or relay says
    QString client;    // the client's own address, when the tunnel or relay says

    static CaptureOrigin of(const CapturedRequest &request);
    // For the list: "cloudflared · 203.0.113.7"; empty when it came straight from its client.
    QString label() const;
};

} // namespace Hookscope
