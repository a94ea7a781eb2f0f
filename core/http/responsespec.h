#pragma once

#include "capture/capturedrequest.h"

namespace Hookscope {

// What the receiver answers: status, headers and body, after an optional delay.
struct ResponseSpec
{
    int status = 200;
    HeaderList headers{{"Content-Type", "text/plain; charset=utf-8"}};
    QByteArray body = "OK\n";
    int delayMs = 0;

    // The status line and headers to send; Content-Length and Connection are added here.
    QByteArray serializeHead(bool keepAlive) const;

    static ResponseSpec forError(int status, const QString &message);
    static QByteArray reasonPhrase(int status);
};

} // namespace Hookscope
