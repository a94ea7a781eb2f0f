// Opens a large JSON body in the detail view and reports how long until the Pretty view is
// filled and the longest the GUI thread went without serving its event loop meanwhile (a
// 5 ms timer measures the gaps). Usage: hookscope-bodyopenbench [MEGABYTES] (default 20).
#include "capturedetailview.h"
#include "textpane.h"

#include "wire/requestparser.h"

#include <QApplication>
#include <QElapsedTimer>

#include <QTimer>
#include <QTabWidget>
#include <QTreeView>

#include <cstdio>

using namespace Hookscope;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    const int megabytes = argc > 1 ? std::atoi(argv[1]) : 20;
    QByteArray body = "{\"events\":[";
    for (int i = 0; body.size() < megabytes * 1024 * 1024; ++i) {
        if (i > 0)
            body += ',';
        body += "{\"id\":\"evt_" + QByteArray::number(i)
                + "\",\"type\":\"invoice.paid\",\"amount\":" + QByteArray::number(i % 9973)
                + ",\"tags\":[\"a\",\"b\"],\"nested\":{\"ok\":true,\"note\":null}}";
    }
    body += "]}";
    CapturedRequest request = RequestParser::parseStored(
        "POST /big HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body);

    CaptureDetailView view;
    view.resize(900, 700);
    view.show();

    QElapsedTimer sinceTick;
    qint64 longestGapMs = 0;
    QTimer probe;
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, [&] {
        longestGapMs = std::max(longestGapMs, sinceTick.elapsed());
        sinceTick.restart();
    });

    QElapsedTimer total;
    QObject::connect(&view, &CaptureDetailView::bodyFormatted, [&] {
        const qint64 formattedMs = total.elapsed();
        // Let the view paint once before measuring the end.
        QTimer::singleShot(0, [&, formattedMs] {
            std::printf("body: %.1f MB JSON\n", double(body.size()) / 1e6);
            std::printf("pretty text shown after: %lld ms\n", qlonglong(formattedMs));
            std::printf("longest GUI-thread stall meanwhile: %lld ms\n", qlonglong(longestGapMs));
            std::printf("pretty lines: %d\n",
                        int(view.prettyBody()->text().count(QLatin1Char('\n')) + 1));
            // The Tree tab reads the top level of the document when first shown.
            QElapsedTimer treeTimer;
            treeTimer.start();
            view.bodyTabs()->setCurrentIndex(CaptureDetailView::TreeBody);
            const int topLevel = view.jsonTree()->model()->rowCount();
            const QModelIndex events = view.jsonTree()->model()->index(0, 0);
            const int items = view.jsonTree()->model()->rowCount(events);
            view.jsonTree()->expand(events);
            QCoreApplication::processEvents();
            std::printf("tree: top level (%d) and the %d-item array opened and laid out in %lld "
                        "ms\n",
                        topLevel, items, qlonglong(treeTimer.elapsed()));
            QApplication::quit();
        });
    });
    QTimer::singleShot(100, [&] {
        sinceTick.start();
        probe.start();
        total.start();
        view.showCapture(request, QStringLiteral("http://127.0.0.1:4747/"));
        longestGapMs = std::max(longestGapMs, sinceTick.elapsed()); // showCapture itself
        sinceTick.restart();
    });
    return QApplication::exec();
}
