// Times the reads the window depends on against an existing store: the newest page of
// summaries, a page deep in history, the first page sorted on other columns (what a click on a
// column header waits for, on the loader thread), full-text searches and what the Event Shapes
// view reads. Prints medians.
#include "store/captureorder.h"
#include "store/capturequery.h"
#include "store/capturestore.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <algorithm>
#include <cstdio>
#include <functional>

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
    for (int i = 2; i < argc; ++i) {
        const QString text = QString::fromLocal8Bit(argv[i]);
        ms = medianMs(11,
                      [&] { rows = int(store.find(CaptureQuery::parse(text), 0, 200).size()); });
        std::printf("search \"%s\" (first 200): %.2f ms median, %d found\n", argv[i], ms, rows);
    }
    return 0;
}
