#pragma once

#include "capturedrequest.h"
#include "outgoingrequest.h"

namespace Hookscope {

// What the receiver answers: status, headers and body, after an optional delay.
struct ResponseSpec
{
    int status = 200;
    QByteArray reason; // empty: the standard phrase for the status
    HeaderList headers{{"Content-Type", "text/plain; charset=utf-8"}};
    QByteArray body = "OK\n";
    int delayMs = 0;

    // The status line and headers to send; Content-Length and Connection are added here.
    QByteArray serializeHead(bool keepAlive) const;

    static ResponseSpec forError(int status, const QString &message);
    // What a proxy answers with a target's answer: its status, reason, headers (minus the
    // connection-level ones) and body; 504 when it did not answer in time, 502 when it could
    // not be reached or spoke no HTTP.
    static ResponseSpec relaying(const DeliveryResult &result, const QString &target);
    static QByteArray reasonPhrase(int status);
};

} // namespace Hookscope
