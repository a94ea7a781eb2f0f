#include "chaosoptions.h"

#include <QRandomGenerator>
#include <QRegularExpression>

#include <algorithm>

namespace Hookscope {

bool ChaosOptions::isPlain() const
{
    return duplicates == 1 && shuffleWindow == 0 && maxDelayMs == 0 && staleSeconds == 0
           && concurrency == 0;
}

std::optional<ChaosOptions> ChaosOptions::parse(const QString &text, QString *error)
{
    ChaosOptions options;
    static const QRegularExpression range(QStringLiteral("^(\\d+)(?:-(\\d+))?$"));
    for (const QString &part : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const qsizetype equals = part.indexOf(QLatin1Char('='));
        const QString name = equals < 0 ? part : part.left(equals);
        const QString value = equals < 0 ? QString() : part.mid(equals + 1);
        bool ok = false;
        const int number = value.toInt(&ok);
        const auto bad = [&](const QString &wanted) {
            *error = QStringLiteral("%1: %2").arg(part, wanted);
            return std::nullopt;
        };
        if (name == QLatin1String("duplicates")) {
            if (!ok || number < 1 || number > 100)
                return bad(QStringLiteral("how many times each is sent, 1 to 100"));
            options.duplicates = number;
        } else if (name == QLatin1String("shuffle")) {
            if (equals < 0) {
                options.shuffleWindow = -1;
            } else if (!ok || number < 2) {
                return bad(QStringLiteral("the number of sends reordered together, 2 or more "
                                          "(\"shuffle\" alone: all)"));
            } else {
                options.shuffleWindow = number;
            }
        } else if (name == QLatin1String("delay")) {
            const QRegularExpressionMatch match = range.match(value);
            const int low = match.captured(1).toInt();
            const int high = match.captured(2).isEmpty() ? low : match.captured(2).toInt();
            if (!match.hasMatch() || high < low || high > 600'000)
                return bad(QStringLiteral("milliseconds, or a range such as 100-500"));
            options.minDelayMs = low;
            options.maxDelayMs = high;
        } else if (name == QLatin1String("stale")) {
            if (!ok || number < 1)
                return bad(QStringLiteral("how many seconds old the signature is"));
            options.staleSeconds = number;
        } else if (name == QLatin1String("concurrency")) {
            if (!ok || number < 1 || number > 256)
                return bad(QStringLiteral("sends in flight at once, 1 to 256"));
            options.concurrency = number;
        } else if (name == QLatin1String("seed")) {
            const uint seed = value.toUInt(&ok);
            if (!ok || seed == 0)
                return bad(QStringLiteral("a number from 1 to 4294967295"));
            options.seed = seed;
        } else {
            *error = QStringLiteral("%1: not a delivery option (duplicates=N, shuffle[=N], "
                                    "delay=MS[-MS], stale=S, concurrency=N, seed=N)")
                         .arg(part);
            return std::nullopt;
        }
    }
    return options;
}

QString ChaosOptions::toString() const
{
    QStringList parts;
    if (duplicates != 1)
        parts << QStringLiteral("duplicates=%1").arg(duplicates);
    if (shuffleWindow < 0)
        parts << QStringLiteral("shuffle");
    else if (shuffleWindow > 0)
        parts << QStringLiteral("shuffle=%1").arg(shuffleWindow);
    if (maxDelayMs > 0)
        parts << (minDelayMs == maxDelayMs
                      ? QStringLiteral("delay=%1").arg(maxDelayMs)
                      : QStringLiteral("delay=%1-%2").arg(minDelayMs).arg(maxDelayMs));
    if (staleSeconds > 0)
        parts << QStringLiteral("stale=%1").arg(staleSeconds);
    if (concurrency > 0)
        parts << QStringLiteral("concurrency=%1").arg(concurrency);
    if (seed != 0)
        parts << QStringLiteral("seed=%1").arg(seed);
    return parts.join(QLatin1Char(' '));
}

QList<PlannedSend> chaosPlan(int deliveries, const ChaosOptions &options)
{
    QRandomGenerator random(options.seed);
    QList<PlannedSend> plan;
    for (int delivery = 0; delivery < deliveries; ++delivery)
        for (int copy = 0; copy < options.duplicates; ++copy)
            plan.append({delivery, copy, 0});
    const qsizetype window = options.shuffleWindow < 0 ? plan.size() : options.shuffleWindow;
    for (qsizetype start = 0; window > 1 && start < plan.size(); start += window) {
        // Fisher–Yates within the window, drawn from the seeded generator alone.
        const qsizetype end = std::min(plan.size(), start + window);
        for (qsizetype at = end - 1; at > start; --at)
            std::swap(plan[at], plan[start + qsizetype(random.bounded(quint32(at - start + 1)))]);
    }
    for (PlannedSend &send : plan)
        send.delayMs
            = options.maxDelayMs > options.minDelayMs
                  ? options.minDelayMs
                        + int(random.bounded(quint32(options.maxDelayMs - options.minDelayMs + 1)))
                  : options.minDelayMs;
    return plan;
}

} // namespace Hookscope
