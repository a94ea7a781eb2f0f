#include "trafficstats.h"

#include "sqlitestatement.h"

#include "wire/logging.h"

#include <QHash>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>

namespace Hookscope {
namespace {

constexpr qint64 Second = 1'000'000;

// The widths a bucket may have, in seconds: each a round number a reader can add up.
constexpr qint64 RoundWidths[]
    = {1,    2,    5,    10,    15,    30,    60,    120,    300,    600,     900,
       1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 2592000, 31536000};

// The value below which a share `fraction` of the sorted `values` lies (nearest rank).
double percentile(QList<double> &values, double fraction)
{
    const qsizetype rank = std::clamp<qsizetype>(
        qsizetype(std::ceil(fraction * double(values.size()))) - 1, 0, values.size() - 1);
    std::nth_element(values.begin(), values.begin() + rank, values.end());
    return values.at(rank);
}

// A query over the buckets' time (?1 to ?2). Its rows are read in place, a million a pass.
// Each of the index's passes writes its rows and how far it has got in one transaction, so
// what is read in one transaction agrees.
void bindRange(SqliteStatement &rows, const TrafficBuckets &buckets)
{
    rows.bind(1, buckets.fromUs);
    rows.bind(2, buckets.endUs());
}

// After the last row: false, saying why in `report`, when the rows could not all be read.
bool readToTheEnd(TrafficReport &report, const SqliteStatement &rows)
{
    if (!rows.failed())
        return true;
    report.error = QStringLiteral("The traffic could not be counted: %1").arg(rows.errorMessage());
    return false;
}

// Counts into `counts`, and into the report's captures, those past where one of the index's
// passes has got (`watermark`, a query for its id): what it has not reached.
bool countTail(QSqlDatabase &database, TrafficReport &report, const char *watermark,
               QList<double> &counts)
{
    const QByteArray sql = QByteArrayLiteral("SELECT received_us FROM captures WHERE id > (")
                           + watermark
                           + QByteArrayLiteral(") AND received_us >= ?1 AND received_us < ?2");
    SqliteStatement tail(SqliteStatement::handleOf(database), sql.constData());
    bindRange(tail, report.buckets);
    counts.fill(0, report.buckets.count);
    while (tail.next()) {
        const int bucket = report.buckets.bucketOf(tail.int64At(0));
        ++counts[bucket];
        ++report.captures[bucket];
    }
    return readToTheEnd(report, tail);
}

bool anyCounted(const QList<double> &counts)
{
    return std::any_of(counts.cbegin(), counts.cend(), [](double n) { return n > 0; });
}

QString statusClassName(int statusClass)
{
    return statusClass == 0 ? QStringLiteral("no answer") : QStringLiteral("%1xx").arg(statusClass);
}

// A filter term the query reads back whatever the value holds (CaptureQuery::parse).
QString fieldTerm(const QString &field, const QString &value)
{
    const bool plain = std::none_of(value.begin(), value.end(),
                                    [](QChar c) { return c.isSpace() || c == QLatin1Char('"'); });
    if (plain)
        return field + QLatin1Char(':') + value;
    QString quoted = value;
    quoted.remove(QLatin1Char('"')); // a term cannot hold one; the rest still finds it
    return field + QStringLiteral(":\"") + quoted + QLatin1Char('"');
}

} // namespace

TrafficBuckets TrafficBuckets::covering(qint64 fromUs, qint64 toUs, int wanted)
{
    wanted = std::max(wanted, 1);
    const qint64 spanSeconds = std::max<qint64>((toUs - fromUs + Second - 1) / Second, 1);
    const auto firstRound = [](const auto &fits) {
        for (const qint64 round : RoundWidths) {
            if (fits(round))
                return round;
        }
        return RoundWidths[std::size(RoundWidths) - 1];
    };
    const qint64 width = firstRound([&](qint64 round) { return spanSeconds / round <= wanted; });
    // About six labels, each at a round time that is a whole number of buckets.
    const qint64 tick = firstRound(
        [&](qint64 round) { return round % width == 0 && round * AxisLabels >= spanSeconds; });
    TrafficBuckets buckets;
    buckets.widthUs = width * Second;
    buckets.tickUs = std::max(tick, width) * Second;
    // Floor and ceiling divisions, so that a time before 1970 is rounded the same way.
    const auto floorTo = [](qint64 us, qint64 step) {
        return (us >= 0 ? us / step : -((-us + step - 1) / step)) * step;
    };
    buckets.fromUs = floorTo(fromUs, buckets.tickUs);
    const qint64 endUs = std::max(floorTo(toUs + buckets.tickUs - 1, buckets.tickUs),
                                  buckets.fromUs + buckets.tickUs);
    buckets.count = int((endUs - buckets.fromUs) / buckets.widthUs);
    buckets.askedToUs = toUs;
    return buckets;
}

int TrafficBuckets::bucketOf(qint64 us) const
{
    if (us < fromUs || us >= endUs())
        return -1;
    return int((us - fromUs) / widthUs);
}

TrafficStats::TrafficStats(QSqlDatabase &database)
    : m_database(database)
{}

std::optional<std::pair<qint64, qint64>> TrafficStats::span()
{
    // Indexed at both ends for the sorted part; the tail past it is short or being sorted.
    QSqlQuery query(m_database);
    if (!query.exec(QStringLiteral(
            "SELECT min(first), max(last) FROM ("
            "SELECT min(received_us) AS first, max(received_us) AS last FROM search.capture_sort "
            "UNION ALL SELECT min(received_us), max(received_us) FROM captures WHERE id > "
            "(SELECT sorted_id FROM search.index_state))"))
        || !query.next() || query.value(0).isNull())
        return std::nullopt;
    return std::pair{query.value(0).toLongLong(), query.value(1).toLongLong()};
}

TrafficReport TrafficStats::report(const TrafficBuckets &buckets, TrafficChart chart)
{
    TrafficReport report;
    report.buckets = buckets;
    report.chart = chart;
    report.captures.fill(0, buckets.count);
    // One read transaction, so that how far the index has got and its rows agree.
    const bool inTransaction = m_database.transaction();
    bool ok = false;
    switch (chart) {
    case TrafficChart::ByStatus: ok = countCaptures(report); break;
    case TrafficChart::ByEvent: ok = countEvents(report); break;
    case TrafficChart::Verdicts: ok = countVerdicts(report); break;
    case TrafficChart::Forwarding: // by attempt, not by capture
        ok = countForwarding(report);
        break;
    }
    if (inTransaction)
        m_database.commit();
    if (!ok)
        qCWarning(lcStore, "%s", qPrintable(report.error));
    return report;
}

bool TrafficStats::countCaptures(TrafficReport &report)
{
    const TrafficBuckets &buckets = report.buckets;
    // By the status's first digit; counted through raw pointers, a million rows a pass.
    std::array<QList<double>, 10> byClass;
    std::array<double *, 10> classCounts{};
    for (size_t statusClass = 0; statusClass < byClass.size(); ++statusClass) {
        byClass[statusClass].fill(0, buckets.count);
        classCounts[statusClass] = byClass[statusClass].data();
    }
    double *captures = report.captures.data();
    // The sorted part by its index on the time, then the captures past it by id.
    for (const char *sql :
         {"SELECT received_us, response_status FROM search.capture_sort INDEXED BY "
          "capture_sort_received WHERE received_us >= ?1 AND received_us < ?2",
          "SELECT received_us, response_status FROM captures WHERE id > (SELECT sorted_id "
          "FROM search.index_state) AND received_us >= ?1 AND received_us < ?2"}) {
        SqliteStatement rows(SqliteStatement::handleOf(m_database), sql);
        bindRange(rows, buckets);
        while (rows.next()) {
            const int bucket = buckets.bucketOf(rows.int64At(0));
            ++classCounts[std::clamp<qint64>(rows.int64At(1) / 100, 0, 9)][bucket];
            ++captures[bucket];
        }
        if (!readToTheEnd(report, rows))
            return false;
    }
    for (int statusClass = 0; statusClass < int(byClass.size()); ++statusClass) {
        const QList<double> &counts = byClass.at(statusClass);
        if (!anyCounted(counts))
            continue;
        report.byStatus.append({statusClassName(statusClass),
                                statusClass == 0 ? QStringLiteral("status:none")
                                                 : QStringLiteral("status:%1xx").arg(statusClass),
                                byClass.at(statusClass)});
    }
    return true;
}

bool TrafficStats::countEvents(TrafficReport &report)
{
    const TrafficBuckets &buckets = report.buckets;
    QHash<QByteArray, QList<double>> byType; // "": analysed, and naming no type
    double *captures = report.captures.data();
    // Rows of one type come in runs: the hash is looked up (and the type copied) once a run.
    QByteArray lastType;
    QList<double> *lastCounts = nullptr;
    SqliteStatement rows(
        SqliteStatement::handleOf(m_database),
        "SELECT received_us, type FROM search.capture_event INDEXED BY capture_event_received "
        "WHERE received_us >= ?1 AND received_us < ?2");
    bindRange(rows, buckets);
    while (rows.next()) {
        const int bucket = buckets.bucketOf(rows.int64At(0));
        const QByteArrayView type = rows.textAt(1);
        if (!lastCounts || type != lastType) {
            lastType = type.toByteArray();
            auto found = byType.find(lastType);
            if (found == byType.end())
                found = byType.insert(lastType, QList<double>(buckets.count, 0));
            lastCounts = &*found;
        }
        ++(*lastCounts)[bucket];
        ++captures[bucket];
    }
    if (!readToTheEnd(report, rows))
        return false;
    QList<double> unanalyzed;
    if (!countTail(m_database, report, "SELECT analyzed_id FROM search.index_state", unanalyzed))
        return false;
    const QList<double> untyped = byType.take(QByteArray());

    QList<std::pair<double, QByteArray>> busiest;
    for (auto it = byType.cbegin(); it != byType.cend(); ++it)
        busiest.append({std::accumulate(it->cbegin(), it->cend(), 0.0), it.key()});
    std::sort(busiest.begin(), busiest.end(), [](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    QList<double> others(buckets.count, 0);
    for (qsizetype i = 0; i < busiest.size(); ++i) {
        const QList<double> &counts = byType.value(busiest.at(i).second);
        if (i < MaxEventLines) {
            const QString type = QString::fromUtf8(busiest.at(i).second);
            report.byEvent.append({type, fieldTerm(QStringLiteral("event"), type), counts});
        } else {
            for (int bucket = 0; bucket < buckets.count; ++bucket)
                others[bucket] += counts.at(bucket);
        }
    }
    if (anyCounted(others))
        report.byEvent.append({OtherTypes, {}, others});
    if (anyCounted(untyped))
        report.byEvent.append({NoEventType, {}, untyped});
    if (anyCounted(unanalyzed))
        report.byEvent.append({NotAnalyzed, {}, unanalyzed});
    return true;
}

bool TrafficStats::countVerdicts(TrafficReport &report)
{
    const TrafficBuckets &buckets = report.buckets;
    double *captures = report.captures.data();
    QMap<qint64, QList<double>> byOutcome;
    SqliteStatement rows(SqliteStatement::handleOf(m_database),
                         "SELECT received_us, outcome FROM search.capture_verdict INDEXED BY "
                         "capture_verdict_received WHERE received_us >= ?1 AND received_us < ?2");
    bindRange(rows, buckets);
    qint64 lastOutcome = -1;
    double *lastCounts = nullptr; // outcomes come in runs too
    while (rows.next()) {
        const int bucket = buckets.bucketOf(rows.int64At(0));
        if (const qint64 outcome = rows.int64At(1); !lastCounts || outcome != lastOutcome) {
            QList<double> &counts = byOutcome[outcome];
            if (counts.isEmpty())
                counts.fill(0, buckets.count);
            lastOutcome = outcome;
            lastCounts = counts.data();
        }
        ++lastCounts[bucket];
        ++captures[bucket];
    }
    if (!readToTheEnd(report, rows))
        return false;
    QList<double> unchecked;
    if (!countTail(m_database, report, "SELECT checked_id FROM search.verdict_state", unchecked))
        return false;
    for (auto it = byOutcome.cbegin(); it != byOutcome.cend(); ++it)
        report.verdicts.append({QString::number(it.key()), {}, *it});
    if (anyCounted(unchecked))
        report.verdicts.append({Unchecked, {}, unchecked});
    return true;
}

bool TrafficStats::countForwarding(TrafficReport &report)
{
    const TrafficBuckets &buckets = report.buckets;
    QMap<QByteArray, TargetTraffic> byTarget;
    QMap<QByteArray, QList<QList<double>>> durations; // per target, per bucket, in ms
    SqliteStatement rows(
        SqliteStatement::handleOf(m_database),
        "SELECT d.target, a.started_us, a.duration_us, a.status, a.error IS NOT NULL FROM "
        "delivery_attempts a INDEXED BY delivery_attempts_started JOIN deliveries d ON d.id = "
        "a.delivery_id WHERE a.started_us >= ?1 AND a.started_us < ?2");
    bindRange(rows, buckets);
    while (rows.next()) {
        const QByteArray target = rows.textAt(0).toByteArray();
        const int bucket = buckets.bucketOf(rows.int64At(1));
        const qint64 status = rows.int64At(3);
        TargetTraffic &traffic = byTarget[target];
        if (traffic.attempts.isEmpty()) {
            traffic.target = QString::fromUtf8(target);
            traffic.attempts.fill(0, buckets.count);
            traffic.failures.fill(0, buckets.count);
            durations[target].resize(buckets.count);
        }
        ++traffic.attempts[bucket];
        if (rows.int64At(4) != 0 || status < 200 || status >= 400)
            ++traffic.failures[bucket];
        durations[target][bucket].append(double(rows.int64At(2)) / 1000.0);
    }
    if (!readToTheEnd(report, rows))
        return false;
    for (auto it = byTarget.begin(); it != byTarget.end(); ++it) {
        QList<QList<double>> &perBucket = durations[it.key()];
        for (QList<double> &values : perBucket) {
            it->p50Ms.append(values.isEmpty() ? std::nullopt
                                              : std::optional(percentile(values, 0.5)));
            it->p95Ms.append(values.isEmpty() ? std::nullopt
                                              : std::optional(percentile(values, 0.95)));
        }
        report.forwarding.append(*it);
    }
    return true;
}

} // namespace Hookscope
