#include "retrypolicy.h"

#include <QLocale>

#include <algorithm>

namespace Hookscope {

bool RetryPolicy::isRetryable(const DeliveryResult &result)
{
    return result.status == 0 || result.status == 429 || result.status >= 500;
}

bool RetryPolicy::meansTargetDown(const DeliveryResult &result)
{
    return result.status == 0 || result.status == 429
           || (result.status >= 502 && result.status <= 504);
}

bool RetryPolicy::givesUp(int attempts, qint64 queuedUs, qint64 nowUs) const
{
    return (maxAttempts > 0 && attempts >= maxAttempts) || nowUs - queuedUs >= giveUpAfterMs * 1000;
}

QString RetryPolicy::givenUpReason(int attempts) const
{
    if (maxAttempts > 0 && attempts >= maxAttempts)
        return QStringLiteral("gave up after %1 attempts").arg(attempts);
    const qint64 minutes = giveUpAfterMs / 60'000;
    return minutes >= 120 && minutes % 60 == 0
               ? QStringLiteral("gave up after %1 h of failures").arg(minutes / 60)
           : minutes >= 1
               ? QStringLiteral("gave up after %1 min of failures").arg(minutes)
               : QStringLiteral("gave up after %1 s of failures").arg(double(giveUpAfterMs) / 1000);
}

std::optional<qint64> RetryPolicy::retryAfterMs(const HeaderList &headers, const QDateTime &now)
{
    const QByteArray value = headerValue(headers, "Retry-After").trimmed();
    if (value.isEmpty())
        return std::nullopt;
    bool isNumber = false;
    const qint64 seconds = value.toLongLong(&isNumber);
    if (isNumber)
        return seconds >= 0 ? std::optional(seconds * 1000) : std::nullopt;
    // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT" (RFC 9110 §5.6.7).
    const QDateTime at = QLocale::c().toDateTime(QString::fromLatin1(value).chopped(4),
                                                 QStringLiteral("ddd, dd MMM yyyy HH:mm:ss"));
    if (!at.isValid() || !value.endsWith(" GMT"))
        return std::nullopt;
    const QDateTime utc(at.date(), at.time(), Qt::UTC);
    return std::max<qint64>(0, now.msecsTo(utc));
}

qint64 RetryPolicy::delayMs(int failedAttempts, const DeliveryResult &result,
                            QRandomGenerator &random, const QDateTime &now) const
{
    if (const std::optional<qint64> asked = retryAfterMs(result.headers, now))
        return std::min(*asked, maxDelayMs);
    const int doublings = std::clamp(failedAttempts - 1, 0, 40);
    const qint64 ceiling = std::min(maxDelayMs, baseDelayMs << std::min(doublings, 30));
    return qint64(random.bounded(quint64(ceiling) + 1));
}

} // namespace Hookscope
