// The window against a long history and a live flood, as a user would meet them: time from
// launch to the first painted rows, filter latency through the filter box, and the GUI thread's
// longest stall (a 5 ms timer measures the gaps) while wrk sends paced webhooks to the
// window's own receiver.
// Usage: hookscope-guibench STORE [LOAD_SECONDS] [CONNECTIONS] [DELAY_MS] [SEARCH]...
#include "capturelistmodel.h"
#include "capturelistview.h"
#include "mainwindow.h"

#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "receiver/receiverhost.h"

#include "session/session.h"
#include "session/settings.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QProcess>
#include <QStandardPaths>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <ctime>

using namespace Hookscope;

namespace {

// Runs the event loop, as the application would, until `done` holds (checked every 2 ms) or
// `timeoutMs` passes.
bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, [&] {
        if (done() || timer.elapsed() > timeoutMs)
            loop.quit();
    });
    check.start(2);
    if (!done())
        loop.exec();
    return done();
}

class FirstPaint final : public QObject
{
public:
    FirstPaint(const QElapsedTimer &clock, const CaptureListModel &model)
        : m_clock(clock)
        , m_model(model)
    {}
    qint64 atMs = -1;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && atMs < 0 && m_model.rowCount() > 0)
            atMs = m_clock.elapsed(); // rows are in the model when this paint starts
        return QObject::eventFilter(watched, event);
    }

private:
    const QElapsedTimer &m_clock;
    const CaptureListModel &m_model;
};

long long residentMegabytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong() / 1024;
    }
    return -1;
}

qint64 threadCpuUs()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
}

double percentile(std::vector<qint64> values, double fraction)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return double(values[std::min(values.size() - 1, size_t(fraction * double(values.size())))]);
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceLaunch;
    sinceLaunch.start();
    QApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: hookscope-guibench STORE [LOAD_SECONDS] [CONNECTIONS] "
                             "[DELAY_MS] [SEARCH]...\n");
        return 2;
    }
    QStandardPaths::setTestModeEnabled(true); // the user's window settings stay untouched
    Settings().clear();                       // and each run starts from a first launch
    const QString path = QString::fromLocal8Bit(argv[1]);
    const int loadSeconds = argc > 2 ? std::atoi(argv[2]) : 10;
    const int connections = argc > 3 ? std::atoi(argv[3]) : 20;
    const int delayMs = argc > 4 ? std::atoi(argv[4]) : 2;

    CaptureStore store(path);
    Session::Options options;
    options.receiver.port = 0;
    options.receiver.addresses = {QHostAddress(QHostAddress::LocalHost)};
    Session session(path, options);
    QString error;
    if (!store.open() || !session.start(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(store.errorString() + error));
        return 2;
    }
    ReceiverHost &receiver = session.receiver();
    MainWindow window(store, session);
    FirstPaint firstPaint(sinceLaunch, *window.captureModel());
    window.captureView()->viewport()->installEventFilter(&firstPaint);
    window.show();
    window.startListening();
    if (!spinUntil([&] { return firstPaint.atMs >= 0; }, 30'000)) {
        std::fprintf(stderr, "no rows painted within 30 s\n");
        return 1;
    }
    const qint64 captures = store.count();
    std::printf("first paint of the list: %lld ms after launch (%lld captures in the store), "
                "RSS %lld MB\n",
                qlonglong(firstPaint.atMs), qlonglong(captures), residentMegabytes());

    CaptureListModel *model = window.captureModel();
    for (int i = 5; i < argc; ++i) {
        QElapsedTimer timer;
        timer.start();
        window.filterEdit()->setText(QString::fromLocal8Bit(argv[i]));
        window.applyFilter();
        spinUntil([&] { return model->isLoaded(); }, 60'000);
        std::printf("filter \"%s\": %lld ms to the first page (%d rows)\n", argv[i],
                    qlonglong(timer.elapsed()), model->rowCount());
    }
    {
        // A search that scans (a word found nowhere, with captures not yet indexed) replaced at
        // once by another: the second must not wait for the first.
        QElapsedTimer timer;
        timer.start();
        window.filterEdit()->setText(QStringLiteral("no-such-word-anywhere"));
        window.applyFilter();
        window.filterEdit()->setText(QStringLiteral("invoice.paid"));
        window.applyFilter();
        spinUntil([&] { return model->isLoaded(); }, 120'000);
        std::printf("filter typed over a scanning one: %lld ms to its first page "
                    "(index %lld captures behind)\n",
                    qlonglong(timer.elapsed()),
                    qlonglong(store.summaries(0, 1).value(0).id - store.indexedUpTo()));
    }
    window.filterEdit()->clear();
    window.applyFilter();
    spinUntil([&] { return model->isLoaded(); }, 60'000);

    // Each gap between ticks, and how much of it the GUI thread spent running: a long gap with
    // little CPU is the thread waiting for a core (two cores, shared with wrk, the receiver and
    // the writer), a long gap full of CPU is work of ours on the GUI thread.
    std::vector<qint64> lagsUs;
    std::vector<qint64> busyUs;
    QElapsedTimer sinceTick;
    qint64 cpuAtTick = threadCpuUs();
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const qint64 cpu = threadCpuUs();
        lagsUs.push_back(std::max<qint64>(0, sinceTick.nsecsElapsed() / 1000 - 5000));
        busyUs.push_back(cpu - cpuAtTick);
        cpuAtTick = cpu;
        sinceTick.restart();
    });
    QProcess wrk;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOOKSCOPE_BENCH_DIR"),
                       QFileInfo(QString::fromLocal8Bit(HOOKSCOPE_BENCH_DIR)).absoluteFilePath());
    environment.insert(QStringLiteral("HOOKSCOPE_DELAY_MS"), QString::number(delayMs));
    wrk.setProcessEnvironment(environment);
    wrk.setProcessChannelMode(QProcess::MergedChannels);
    sinceTick.start();
    probe.start();
    wrk.start(QStringLiteral("wrk"),
              {QStringLiteral("-t1"), QStringLiteral("-c%1").arg(connections),
               QStringLiteral("-d%1s").arg(loadSeconds), QStringLiteral("-s"),
               QString::fromLocal8Bit(HOOKSCOPE_BENCH_DIR) + QStringLiteral("/paced-json.lua"),
               receiver.baseUrl() + QStringLiteral("webhooks/stripe")});
    if (!spinUntil([&] { return wrk.state() == QProcess::NotRunning; },
                   (loadSeconds + 30) * 1000)) {
        std::fprintf(stderr, "wrk did not finish\n");
        return 1;
    }
    probe.stop();
    const QByteArray report = wrk.readAll();
    const qint64 received = store.count() - captures;
    std::printf("load: %lld captures in %d s = %lld req/s (wrk: %d connections, %d ms apart)\n",
                qlonglong(received), loadSeconds, qlonglong(received / std::max(1, loadSeconds)),
                connections, delayMs);
    if (!report.contains("ok_2xx"))
        std::printf("wrk said: %s\n", report.constData());
    std::printf("GUI thread lag over the 5 ms probe: median %.1f ms, p99 %.1f ms, longest %.1f ms "
                "(%zu ticks)\n",
                percentile(lagsUs, 0.5) / 1000, percentile(lagsUs, 0.99) / 1000,
                percentile(lagsUs, 1.0) / 1000, lagsUs.size());
    std::printf(
        "GUI thread CPU time within one gap: median %.1f ms, p99 %.1f ms, longest %.1f ms\n",
        percentile(busyUs, 0.5) / 1000, percentile(busyUs, 0.99) / 1000,
        percentile(busyUs, 1.0) / 1000);
    std::printf("RSS after the load: %lld MB (%d rows in the list)\n", residentMegabytes(),
                model->rowCount());
    return 0;
}
