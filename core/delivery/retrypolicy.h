#pragma once

#include "wire/outgoingrequest.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <optional>

namespace Hookscope {

// When to try a delivery again: exponential backoff with full jitter (a random delay between 0
// and min(cap, base × 2^(attempt − 1))), or the target's own Retry-After when it sends one; and
// when to stop. The defaults outlast an app under development being restarted, or a laptop
// asleep overnight, without waiting long once it is back.
struct RetryPolicy
{
    static constexpr qint64 DefaultGiveUpAfterMs = 24 * 3600'000;
    static constexpr qint64 DefaultMaxDelayMs = 30'000;

    qint64 giveUpAfterMs = DefaultGiveUpAfterMs; // counted from when the delivery was queued
    int maxAttempts = 0;                         // 0: as many as fit in giveUpAfterMs
    qint64 baseDelayMs = 1'000;
    qint64 maxDelayMs = DefaultMaxDelayMs;

    // Connection errors, timeouts, 5xx and 429 are worth retrying; any other answer is final.
    static bool isRetryable(const DeliveryResult &result);
    // No answer, or one saying the target as a whole cannot take requests now (429, 502, 503,
    // 504), rather than failing on this one request (500): its other deliveries wait too.
    static bool meansTargetDown(const DeliveryResult &result);
    // Retry-After as seconds or an HTTP date, in milliseconds from `now`.
    static std::optional<qint64> retryAfterMs(const HeaderList &headers, const QDateTime &now);
    // The delay after `failedAttempts` attempts, the last of which gave `result`.
    qint64 delayMs(int failedAttempts, const DeliveryResult &result, QRandomGenerator &random,
                   const QDateTime &now) const;
    // Whether a delivery queued (or retried by hand) at `queuedUs` that has failed `attempts`
    // times is given up at `nowUs`.
    bool givesUp(int attempts, qint64 queuedUs, qint64 nowUs) const;
    // "after 24 h" / "after 5 attempts": why a delivery was given up, for its last error.
    QString givenUpReason(int attempts) const;
};

} // namespace Hookscope
