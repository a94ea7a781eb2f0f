#pragma once

#include <QList>
#include <QString>

#include <optional>
#include <utility>

class QSqlDatabase;

namespace Hookscope {

// Equal stretches of time, each a whole number of seconds and starting at a multiple of it,
// that the Traffic view counts captures in.
struct TrafficBuckets
{
    qint64 fromUs = 0;
    qint64 widthUs = 1'000'000;
    int count = 0;
    // Where the time axis puts its labels: a round stretch, a whole number of buckets, that
    // fromUs and the end are multiples of.
    qint64 tickUs = 1'000'000;
    // The end of the time asked for: the buckets after it (to the next tick) are yet to come.
    qint64 askedToUs = 0;

    static constexpr int AxisLabels = 6;
    // About `wanted` stretches of a round width (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min,
    // 1, 2, 3, 6, 12 h, days) covering [fromUs, toUs), widened at both ends to whole ticks.
    static TrafficBuckets covering(qint64 fromUs, qint64 toUs, int wanted = 60);
    qint64 startOf(int bucket) const { return fromUs + bucket * widthUs; }
    qint64 endUs() const { return startOf(count); }
    // The stretch `us` falls in, or -1 outside them all.
    int bucketOf(qint64 us) const;
};

// A line of a chart: a count per bucket.
struct TrafficSeries
{
    QString name;
    // What the capture list is filtered by to show these captures (with the bucket's times):
    // "status:4xx", "event:invoice.paid"; empty when no term says it.
    QString filterTerm;
    QList<double> counts;
};

// One forwarding target's attempts.
struct TargetTraffic
{
    QString target;
    QList<double> attempts;
    QList<double> failures; // no answer, or one outside 2xx and 3xx
    // How long the target took to answer, in milliseconds; none where nothing was sent.
    QList<std::optional<double>> p50Ms;
    QList<std::optional<double>> p95Ms;
};

// What a chart of the Traffic view shows. Each is counted on its own, so that a chart waits
// only for its own rows.
enum class TrafficChart { ByStatus, ByEvent, Verdicts, Forwarding };

// What arrived and went out in a stretch of time: all captures per bucket, and the lines of
// one chart.
struct TrafficReport
{
    TrafficBuckets buckets;
    TrafficChart chart = TrafficChart::ByStatus;
    QList<double> captures;        // all of them, per bucket (none counted for Forwarding)
    QList<TrafficSeries> byStatus; // ByStatus's lines
    // ByEvent's: the busiest event types, then the rest together, those that name none and
    // those the analysis (EventAnalyzer) has not reached yet.
    QList<TrafficSeries> byEvent;
    // Verdicts': by SignatureVerdict::Outcome (its number in `name`, which the store cannot
    // spell), then the captures the checker has not reached yet as "unchecked".
    QList<TrafficSeries> verdicts;
    QList<TargetTraffic> forwarding; // Forwarding's
    QString error;                   // what could not be read, if anything
};

// The Traffic view's counts, read from the search index's time-ordered keys (CaptureIndexer)
// and, for what it has not reached yet, from the captures themselves. Every query walks an index
// over the range only; bucketing is done here rather than by a GROUP BY, which would sort.
class TrafficStats final
{
public:
    // A connection with the search index attached as `search` (CaptureStore's).
    explicit TrafficStats(QSqlDatabase &database);

    // When the first and the last capture arrived; none for an empty store.
    std::optional<std::pair<qint64, qint64>> span();
    TrafficReport report(const TrafficBuckets &buckets, TrafficChart chart);

    // How many event types get a line of their own.
    static constexpr int MaxEventLines = 8;
    static inline const QString OtherTypes = QStringLiteral("other types");
    static inline const QString NoEventType = QStringLiteral("no event type");
    static inline const QString NotAnalyzed = QStringLiteral("not analysed yet");
    static inline const QString Unchecked = QStringLiteral("unchecked");

private:
    bool countCaptures(TrafficReport &report);
    bool countEvents(TrafficReport &report);
    bool countVerdicts(TrafficReport &report);
    bool countForwarding(TrafficReport &report);

    QSqlDatabase &m_database;
};

} // namespace Hookscope
