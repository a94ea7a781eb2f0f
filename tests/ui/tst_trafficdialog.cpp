// The Traffic view over a real store: the lines it draws, what a click on one lists, its tabs
// and its palette.
#include "trafficdialog.h"

#include "offscreen.h"

#include "signing/signaturechecker.h"
#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "wire/requestparser.h"

#include <QChart>
#include <QChartView>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QToolTip>

using namespace Hookscope;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 Second = 1'000'000;
constexpr qint64 Start = 1'764'547'200'000'000; // 2025-12-01 00:00:00 UTC

CapturedRequest makeCapture(qint64 receivedUs, int status, const QByteArray &type)
{
    const QByteArray body = "{\"type\":\"" + type + "\"}";
    RequestParser parser;
    parser.feed(QByteArray("POST /hooks HTTP/1.1\r\nContent-Type: application/json\r\n"
                           "Content-Length: "
                           + QByteArray::number(body.size()) + "\r\n\r\n" + body));
    CapturedRequest request = parser.takeRequest();
    request.receivedAtUs = receivedUs;
    request.responseStatus = status;
    return request;
}

QStringList namesOf(const QChart *chart)
{
    QStringList names;
    for (const QAbstractSeries *series : chart->series())
        names.append(series->name());
    return names;
}

QLineSeries *lineNamed(const QChart *chart, const QString &name)
{
    for (QAbstractSeries *series : chart->series()) {
        if (series->name() == name)
            return qobject_cast<QLineSeries *>(series);
    }
    return nullptr;
}

} // namespace

class TestTrafficDialog final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void initTestCase();
    void drawsALinePerStatusClassAndEventType();
    void aClickListsThatBucketsCaptures();
    void hoveringSaysEachLinesValue();
    void eachTabCountsItsOwnChart();
    void followsADarkPalette();

private:
    void showRange(TrafficDialog &dialog);

    QTemporaryDir m_dir;
    QString m_path;
};

void TestTrafficDialog::initTestCase()
{
    m_path = m_dir.filePath(QStringLiteral("traffic.sqlite"));
    CaptureStore store(m_path);
    QVERIFY(store.open());
    CaptureWriter writer(m_path);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    QSignalSpy committed(&writer, &CaptureWriter::committed);
    // Ten minutes: a 200 every 10 s, and a burst of 500s between minutes 4 and 5.
    int appended = 0;
    for (int i = 0; i < 60; ++i, ++appended)
        writer.append(makeCapture(Start + i * 10 * Second, 200, "invoice.paid"), 1);
    for (int i = 0; i < 12; ++i, ++appended)
        writer.append(makeCapture(Start + 240 * Second + i * 5 * Second, 500, "charge.failed"), 1);
    int written = 0;
    while (written < appended) {
        if (committed.isEmpty())
            QVERIFY(committed.wait(5000));
        written += int(committed.takeFirst().at(0).value<CommittedBatch>().size());
    }
    // The event types are worked out before any test looks at them.
    QTRY_VERIFY_WITH_TIMEOUT(!store.eventTypes().isEmpty(), 30000); // on spare CPU only
}

void TestTrafficDialog::showRange(TrafficDialog &dialog)
{
    QSignalSpy shown(&dialog, &TrafficDialog::reportShown);
    dialog.setCustomRange(QDateTime::fromMSecsSinceEpoch(Start / 1000),
                          QDateTime::fromMSecsSinceEpoch((Start + 600 * Second) / 1000));
    // The Live count asked for at the start may come first: wait for this range's.
    QTRY_VERIFY(!shown.isEmpty() && dialog.report().buckets.askedToUs == Start + 600 * Second);
}

void TestTrafficDialog::drawsALinePerStatusClassAndEventType()
{
    SignatureChecker checker(m_path);
    TrafficDialog dialog(m_path, checker);
    dialog.resize(900, 600);
    dialog.show();
    showRange(dialog);
    QCOMPARE(namesOf(dialog.requestsChart()), QStringList({u"2xx"_s, u"5xx"_s}));
    // Per second: two 500s in each 10 s bucket of the burst.
    QLineSeries *errors = lineNamed(dialog.requestsChart(), QStringLiteral("5xx"));
    QVERIFY(errors);
    QCOMPARE(dialog.report().buckets.widthUs, 10 * Second);
    double highest = 0;
    for (const QPointF &point : errors->points())
        highest = std::max(highest, point.y());
    QCOMPARE(highest, 0.2); // two in a 10 s bucket
    const auto legendShowsEveryLine = [&dialog] {
        QLegend *legend = dialog.requestsChart()->legend();
        QStringList labels;
        for (const QLegendMarker *marker : legend->markers())
            labels.append(marker->label());
        return legend->isVisible() && labels == namesOf(dialog.requestsChart());
    };
    QVERIFY(legendShowsEveryLine());

    dialog.setGrouping(TrafficDialog::Grouping::EventType);
    QTRY_COMPARE(namesOf(dialog.requestsChart()),
                 QStringList({u"invoice.paid"_s, u"charge.failed"_s}));
    // Drawn again, the legend still names each line.
    QVERIFY(legendShowsEveryLine());
}

void TestTrafficDialog::aClickListsThatBucketsCaptures()
{
    SignatureChecker checker(m_path);
    TrafficDialog dialog(m_path, checker);
    showRange(dialog);
    QSignalSpy filters(&dialog, &TrafficDialog::filterRequested);
    QLineSeries *errors = lineNamed(dialog.requestsChart(), QStringLiteral("5xx"));
    QVERIFY(errors);
    // A click near the point of the bucket from 0:04:20 to 0:04:30.
    const double clicked = double(Start + 262 * Second) / 1000;
    emit errors->clicked(QPointF(clicked, 0.2));
    QCOMPARE(filters.size(), 1);
    const auto local = [](qint64 us) {
        return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(
            QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
    };
    QCOMPARE(filters.first().first().toString(),
             QStringLiteral("status:5xx after:%1 before:%2")
                 .arg(local(Start + 260 * Second), local(Start + 270 * Second)));
    // That filter lists the two 500s of that bucket.
    CaptureStore store(m_path);
    QVERIFY(store.open());
    QCOMPARE(store.find(CaptureQuery::parse(filters.first().first().toString()), 0, 50).size(), 2);
}

void TestTrafficDialog::hoveringSaysEachLinesValue()
{
    SignatureChecker checker(m_path);
    TrafficDialog dialog(m_path, checker);
    dialog.resize(900, 600);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    showRange(dialog);
    QChartView *view = nullptr;
    for (QChartView *each : dialog.findChildren<QChartView *>()) {
        if (each->chart() == dialog.requestsChart())
            view = each;
    }
    QVERIFY(view);
    // Over the bucket from 0:04:20 to 0:04:30, wherever the pointer is in it (where that is
    // on screen is asked again until the chart has been laid out).
    const auto local = [](qint64 us) {
        return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(QStringLiteral("HH:mm:ss"));
    };
    const QString expected = QStringLiteral("%1 to %2, requests/s:\n2xx: 0.1\n5xx: 0.2")
                                 .arg(local(Start + 260 * Second), local(Start + 270 * Second));
    // The tooltip is HTML (a sender's names escaped in it): its text as shown.
    const auto shownText = [] {
        QTextDocument document;
        document.setHtml(QToolTip::text());
        return document.toPlainText();
    };
    const auto hover = [&] {
        QChart *chart = dialog.requestsChart();
        const QPointF inChart
            = chart->mapToPosition(QPointF(double(Start + 265 * Second) / 1000, 0.1));
        QTest::mouseMove(view->viewport(), view->mapFromScene(chart->mapToScene(inChart)));
        return QToolTip::isVisible() && shownText() == expected;
    };
    QTRY_VERIFY(hover());
    QCOMPARE(shownText(), expected);
}

void TestTrafficDialog::eachTabCountsItsOwnChart()
{
    SignatureChecker checker(m_path);
    TrafficDialog dialog(m_path, checker);
    showRange(dialog);
    QSignalSpy shown(&dialog, &TrafficDialog::reportShown);
    dialog.tabs()->setCurrentIndex(2);
    QTRY_VERIFY(!shown.isEmpty() && dialog.report().chart == TrafficChart::Verdicts);
    // Nothing is bound to a secret and nothing carries a signature: all "not signed", by name.
    QTRY_COMPARE(namesOf(dialog.verdictsChart()), QStringList({u"not signed"_s}));
    dialog.tabs()->setCurrentIndex(1);
    QTRY_VERIFY(dialog.report().chart == TrafficChart::Forwarding);
    QVERIFY(dialog.forwardingChart()->series().isEmpty());
}

void TestTrafficDialog::followsADarkPalette()
{
    SignatureChecker checker(m_path);
    TrafficDialog dialog(m_path, checker);
    QPalette dark = dialog.palette();
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dialog.setPalette(dark);
    showRange(dialog);
    QCOMPARE(dialog.requestsChart()->theme(), QChart::ChartThemeDark);
    QCOMPARE(dialog.requestsChart()->backgroundBrush().color(), QColor(0x1e, 0x1e, 0x1e));
}

QTEST_MAIN(TestTrafficDialog)
#include "tst_trafficdialog.moc"
