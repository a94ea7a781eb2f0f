// Times the reads the window depends on against an existing store: the newest page of
// summaries, a page deep in history, the first page sorted on other columns (what a click on a
// column header waits for, on the loader thread), full-text searches and what the Event Shapes
// view reads, and what the Traffic view counts (after keeping a signature verdict for every
// capture, timed too). Prints medians.
#include "store/captureorder.h"
#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/trafficstats.h"

#include "signing/signaturechecker.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <numeric>

using namespace Hookscope;

namespace {

double medianMs(int runs, const std::function<void()> &work)
{
    std::vector<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        times.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

// What View → Traffic… waits for: every capture's signature verdict kept once (a binding for
// every path, so that each has one to count), then the charts over the whole history, over its
// last five minutes, and the list filtered to a bucket clicked in the middle of it.
void timeTraffic(CaptureStore &store)
{
    SignatureChecker checker(store.path());
    SignatureSettings settings;
    SignatureBinding binding;
    binding.scheme = SignatureScheme::parse(QStringLiteral("stripe"), nullptr);
    binding.secretName = QStringLiteral("bench");
    settings.bindings.append(binding);
    settings.secrets.insert(binding.secretName, QByteArrayLiteral("whsec_bench"));
    checker.setSettings(settings);
    QEventLoop loop;
    qint64 keptUpTo = 0;
    QObject::connect(&checker, &SignatureChecker::verdictsRecorded, &loop,
                     [&](qint64 upToId, bool caughtUp) {
                         keptUpTo = upToId;
                         if (caughtUp)
                             loop.quit();
                     });
    QElapsedTimer timer;
    timer.start();
    checker.recordVerdicts();
    loop.exec();
    std::printf("signature verdicts kept up to #%lld: %.1f s\n", qlonglong(keptUpTo),
                double(timer.elapsed()) / 1000);

    const std::optional<std::pair<qint64, qint64>> span = store.trafficSpan();
    if (!span)
        return;
    const auto timeCharts = [&store](const char *what, const TrafficBuckets &buckets) {
        for (const auto &[chart, name] : {std::pair{TrafficChart::ByStatus, "by status class"},
                                          std::pair{TrafficChart::ByEvent, "by event type"},
                                          std::pair{TrafficChart::Verdicts, "signature verdicts"},
                                          std::pair{TrafficChart::Forwarding, "forwarding"}}) {
            TrafficReport report;
            const double ms = medianMs(5, [&] { report = store.traffic(buckets, chart); });
            const double total
                = std::accumulate(report.captures.cbegin(), report.captures.cend(), 0.0);
            std::printf("traffic chart %s, %s (%d buckets of %lld s, %.0f captures): %.1f ms "
                        "median%s\n",
                        name, what, buckets.count, qlonglong(buckets.widthUs / 1'000'000), total,
                        ms, qPrintable(report.error));
        }
    };
    const TrafficBuckets whole = TrafficBuckets::covering(span->first, span->second + 1);
    timeCharts("whole history", whole);
    timeCharts("last 5 minutes",
               TrafficBuckets::covering(span->second - 300'000'000, span->second + 1));
    const int middle = whole.count / 2;
    const auto localTime = [](qint64 us) {
        return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(Qt::ISODate);
    };
    const QString filter
        = QStringLiteral("status:2xx after:%1 before:%2")
              .arg(localTime(whole.startOf(middle)), localTime(whole.startOf(middle + 1)));
    int rows = 0;
    const double ms
        = medianMs(5, [&] { rows = int(store.find(CaptureQuery::parse(filter), 0, 200).size()); });
    std::printf("list filtered to the middle bucket \"%s\" (first 200): %.1f ms median, %d found\n",
                qPrintable(filter), ms, rows);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: storebench STORE [SEARCH]...\n");
        return 2;
    }
    CaptureStore store(QString::fromLocal8Bit(argv[1]));
    QElapsedTimer openTimer;
    openTimer.start();
    if (!store.open()) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorString()));
        return 2;
    }
    std::printf("open: %.1f ms\n", double(openTimer.nsecsElapsed()) / 1e6);
    const qint64 count = store.count();
    const qint64 newest = store.summaries(0, 1).value(0).id;
    std::printf("captures: %lld (indexed up to #%lld of #%lld)\n", qlonglong(count),
                qlonglong(store.indexedUpTo()), qlonglong(newest));
    int rows = 0;
    double ms = medianMs(21, [&] { rows = int(store.summaries(0, 200).size()); });
    std::printf("newest page of 200: %.2f ms median (%d rows)\n", ms, rows);
    ms = medianMs(21, [&] { rows = int(store.summaries(newest / 2, 200).size()); });
    std::printf("page of 200 before #%lld: %.2f ms median (%d rows)\n", qlonglong(newest / 2), ms,
                rows);
    const std::pair<const char *, CaptureOrder> sorts[] = {
        {"oldest first", {CaptureOrder::Key::Received, false}},
        {"by path", {CaptureOrder::Key::Target, false}},
        {"by size, largest first", {CaptureOrder::Key::BodySize, true}},
        {"by status, highest first", {CaptureOrder::Key::Status, true}},
    };
    for (const auto &[name, order] : sorts) {
        ms = medianMs(3, [&, &order = order] {
            rows = int(store.find(CaptureQuery(), order, nullptr, 200).size());
        });
        std::printf("first page sorted %s: %.1f ms median (%d rows)\n", name, ms, rows);
    }
    // What View → Event Shapes… reads when it opens: the event types, then the first one's shape.
    QString firstType;
    qsizetype fields = 0;
    ms = medianMs(11, [&] {
        const QList<std::pair<QString, qint64>> types = store.eventTypes();
        firstType = types.isEmpty() ? QString() : types.constFirst().first;
        fields = store.shapeOf(firstType).fields().size();
    });
    std::printf("event shapes opened (types, and %s with %lld fields): %.2f ms median\n",
                qPrintable(firstType), qlonglong(fields), ms);
    timeTraffic(store);
    for (int i = 2; i < argc; ++i) {
        const QString text = QString::fromLocal8Bit(argv[i]);
        ms = medianMs(11,
                      [&] { rows = int(store.find(CaptureQuery::parse(text), 0, 200).size()); });
        std::printf("search \"%s\" (first 200): %.2f ms median, %d found\n", argv[i], ms, rows);
    }
    return 0;
}
