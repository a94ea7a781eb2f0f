#pragma once

#include "wire/outgoingrequest.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <optional>

namespace Hookscope {

// When to try a delivery again: exponential backoff with full jitter (a random delay between 0
// and min(cap, base × 2^(attempt − 1))), or the target's own Retry-After when it sends one.
struct RetryPolicy
{
    int maxAttempts = 5;
    qint64 baseDelayMs = 1'000;
    qint64 maxDelayMs = 5 * 60'000;

    // Connection errors, timeouts, 5xx and 429 are worth retrying; any other answer is final.
    static bool isRetryable(const DeliveryResult &result);
    // Retry-After as seconds or an HTTP date, in milliseconds from `now`.
    static std::optional<qint64> retryAfterMs(const HeaderList &headers, const QDateTime &now);
    // The delay after `failedAttempts` attempts, the last of which gave `result`.
    qint64 delayMs(int failedAttempts, const DeliveryResult &result, QRandomGenerator &random,
                   const QDateTime &now) const;
};

} // namespace Hookscope
