#include "trafficdialog.h"

#include "palettetone.h"

#include "signing/signaturechecker.h"
#include "store/capturestore.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTimeAxis>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QMouseEvent>
#include <QPushButton>
#include <QTabWidget>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

namespace Hookscope {
namespace {

constexpr qint64 Second = 1'000'000;
constexpr qint64 LiveSpan = 5 * 60 * Second;

// A line's colour: the hue of its meaning wherever it is seen (success green, trouble red),
// grey for what is left over or not known yet, else a hue of its own by its place.
QColor colourOf(const QString &seriesName, int place)
{
    static const QHash<QString, int> hues{
        {QStringLiteral("2xx"), 130},
        {QStringLiteral("3xx"), 210},
        {QStringLiteral("4xx"), 35},
        {QStringLiteral("5xx"), 0},
        {QStringLiteral("no answer"), 280},
        {SignatureVerdict::outcomeName(SignatureVerdict::Outcome::Valid), 130},
        {SignatureVerdict::outcomeName(SignatureVerdict::Outcome::Invalid), 0},
        {SignatureVerdict::outcomeName(SignatureVerdict::Outcome::Expired), 35},
        {SignatureVerdict::outcomeName(SignatureVerdict::Outcome::MissingSignature), 280},
        {SignatureVerdict::outcomeName(SignatureVerdict::Outcome::NoSecret), 200},
    };
    if (const auto found = hues.constFind(seriesName); found != hues.cend())
        return paletteTone(*found);
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    if (seriesName == SignatureVerdict::outcomeName(SignatureVerdict::Outcome::NotSigned)
        || seriesName == TrafficStats::NoEventType || seriesName == TrafficStats::OtherTypes)
        return QColor::fromHsl(0, 0, dark ? 160 : 120);
    if (seriesName == TrafficStats::Unchecked || seriesName == TrafficStats::NotAnalyzed)
        return QColor::fromHsl(0, 0, dark ? 100 : 190);
    return paletteTone((200 + place * 67) % 360); // apart from their neighbours
}

QString timeTerm(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(
        QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
}

QString widthText(qint64 widthUs)
{
    const qint64 seconds = widthUs / Second;
    if (seconds % 86400 == 0)
        return QObject::tr("%n day(s)", nullptr, int(seconds / 86400));
    if (seconds % 3600 == 0)
        return QObject::tr("%n h", nullptr, int(seconds / 3600));
    if (seconds % 60 == 0)
        return QObject::tr("%n min", nullptr, int(seconds / 60));
    return QObject::tr("%n s", nullptr, int(seconds));
}

QChart *newChart(const QString &title)
{
    auto *chart = new QChart;
    chart->setTitle(title);
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    return chart;
}

QChartView *chartView(const QString &title)
{
    auto *view = new QChartView(newChart(title));
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(180);
    return view;
}

// The chart in the window's palette: light or dark as the rest is.
QChart::ChartTheme themeFor(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128 ? QChart::ChartThemeDark
                                                           : QChart::ChartThemeLight;
}

void followPalette(QChart *chart, const QPalette &palette)
{
    chart->setTheme(themeFor(palette));
    chart->setBackgroundBrush(palette.color(QPalette::Base));
    chart->setTitleBrush(palette.color(QPalette::Text));
    chart->legend()->setLabelColor(palette.color(QPalette::Text));
}

} // namespace

TrafficDialog::TrafficDialog(const QString &storePath, SignatureChecker &checker, QWidget *parent)
    : QDialog(parent)
    , m_worker(storePath, QStringLiteral("traffic"))
    , m_checker(checker)
    , m_rangeBox(new QComboBox(this))
    , m_groupingBox(new QComboBox(this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_tabs(new QTabWidget(this))
    , m_requests(chartView(tr("Requests per second")))
    , m_forwarding(chartView(tr("Forwarding attempts and failures")))
    , m_latency(chartView(tr("Time to answer (ms)")))
    , m_verdicts(chartView(tr("Signature verdicts")))
    , m_summary(new QLabel(this))
{
    setWindowTitle(tr("Traffic"));
    resize(900, 620);
    m_rangeBox->addItems({tr("Live: last 5 minutes"), tr("Last hour"), tr("Last 24 hours"),
                          tr("Last 7 days"), tr("Whole history"), tr("Between…")});
    m_groupingBox->addItems({tr("By status class"), tr("By event type")});
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        edit->setCalendarPopup(true);
        edit->setVisible(false);
    }
    const QDateTime now = QDateTime::currentDateTime();
    m_from->setDateTime(now.addSecs(-3600));
    m_to->setDateTime(now);
    auto *refreshButton = new QPushButton(tr("&Refresh"), this);
    refreshButton->setShortcut(QKeySequence::Refresh);
    refreshButton->setAutoDefault(false);

    auto *rangeRow = new QHBoxLayout;
    auto *rangeLabel = new QLabel(tr("&Range:"), this);
    rangeLabel->setBuddy(m_rangeBox);
    rangeRow->addWidget(rangeLabel);
    rangeRow->addWidget(m_rangeBox);
    rangeRow->addWidget(m_from);
    rangeRow->addWidget(m_to);
    rangeRow->addStretch();
    rangeRow->addWidget(refreshButton);

    auto *requestsPage = new QWidget(m_tabs);
    auto *requestsLayout = new QVBoxLayout(requestsPage);
    auto *groupingRow = new QHBoxLayout;
    auto *groupingLabel = new QLabel(tr("&Lines:"), requestsPage);
    groupingLabel->setBuddy(m_groupingBox);
    groupingRow->addWidget(groupingLabel);
    groupingRow->addWidget(m_groupingBox);
    groupingRow->addStretch();
    requestsLayout->addLayout(groupingRow);
    requestsLayout->addWidget(m_requests, 1);
    m_tabs->addTab(requestsPage, tr("Re&quests"));
    auto *forwardingPage = new QWidget(m_tabs);
    auto *forwardingLayout = new QVBoxLayout(forwardingPage);
    forwardingLayout->addWidget(m_forwarding, 1);
    forwardingLayout->addWidget(m_latency, 1);
    m_tabs->addTab(forwardingPage, tr("&Forwarding"));
    m_tabs->addTab(m_verdicts, tr("&Signatures"));

    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(rangeRow);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);

    connect(m_rangeBox, &QComboBox::activated, this, [this](int index) { setRange(Range(index)); });
    connect(m_groupingBox, &QComboBox::activated, this,
            [this](int index) { setGrouping(Grouping(index)); });
    for (QDateTimeEdit *edit : {m_from, m_to})
        connect(edit, &QDateTimeEdit::editingFinished, this, &TrafficDialog::refresh);
    connect(refreshButton, &QPushButton::clicked, this, &TrafficDialog::refresh);
    connect(m_tabs, &QTabWidget::currentChanged, this, &TrafficDialog::refresh);
    m_follow.setInterval(2000);
    connect(&m_follow, &QTimer::timeout, this, &TrafficDialog::refresh);
    // Hovering a chart says what each line stands at there.
    for (QChartView *view : {m_requests, m_forwarding, m_latency, m_verdicts}) {
        view->setMouseTracking(true);
        view->viewport()->installEventFilter(this);
    }
    connect(&m_checker, &SignatureChecker::verdictsRecorded, this, [this](qint64, bool caughtUp) {
        if (caughtUp && m_range != Range::Live)
            refresh(); // Live redraws soon anyway
    });
    setRange(Range::Live);
}

bool TrafficDialog::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::MouseMove)
        return QDialog::eventFilter(watched, event);
    for (QChartView *view : {m_requests, m_forwarding, m_latency, m_verdicts}) {
        if (watched == view->viewport())
            explainPoint(view, static_cast<QMouseEvent *>(event)->position().toPoint());
    }
    return QDialog::eventFilter(watched, event);
}

void TrafficDialog::explainPoint(QChartView *view, QPoint position)
{
    QChart *chart = view->chart();
    const QPointF inChart = chart->mapFromScene(view->mapToScene(position));
    const TrafficBuckets &buckets = m_report.buckets;
    const int bucket = chart->plotArea().contains(inChart)
                           ? buckets.bucketOf(qint64(chart->mapToValue(inChart).x() * 1000))
                           : -1;
    if (bucket < 0 || chart->series().isEmpty()) {
        QToolTip::hideText();
        return;
    }
    const QLocale locale;
    const auto time = [&locale](qint64 us) {
        return locale.toString(QDateTime::fromMSecsSinceEpoch(us / 1000).time(),
                               QStringLiteral("HH:mm:ss"));
    };
    QStringList lines{tr("%1 to %2, %3:")
                          .arg(time(buckets.startOf(bucket)), time(buckets.startOf(bucket + 1)),
                               chart->axes(Qt::Vertical).value(0)->titleText())
                          .toHtmlEscaped()};
    for (const QAbstractSeries *series : chart->series()) {
        const auto *line = static_cast<const QLineSeries *>(series);
        std::optional<double> value;
        for (const QPointF &point : line->points()) {
            if (buckets.bucketOf(qint64(point.x() * 1000)) == bucket)
                value = point.y();
        }
        if (value)
            lines.append(
                QStringLiteral("%1: %2").arg(line->name(), locale.toString(*value, 'g', 4)));
    }
    // As HTML, so that a sender's event type is never read as markup (the names are escaped).
    QToolTip::showText(
        view->viewport()->mapToGlobal(position),
        QStringLiteral("<p style=\"white-space:pre\">%1</p>").arg(lines.join(QLatin1Char('\n'))),
        view);
}

TrafficDialog::~TrafficDialog()
{
    m_worker.stop(); // before what a count under way would report to
}

void TrafficDialog::setRange(Range range)
{
    m_range = range;
    m_rangeBox->setCurrentIndex(int(range));
    m_from->setVisible(range == Range::Custom);
    m_to->setVisible(range == Range::Custom);
    if (range == Range::Live)
        m_follow.start();
    else
        m_follow.stop();
    refresh();
}

void TrafficDialog::setCustomRange(const QDateTime &from, const QDateTime &to)
{
    m_from->setDateTime(from);
    m_to->setDateTime(to);
    setRange(Range::Custom);
}

void TrafficDialog::setGrouping(Grouping grouping)
{
    m_grouping = grouping;
    m_groupingBox->setCurrentIndex(int(grouping));
    refresh();
}

std::pair<qint64, qint64> TrafficDialog::wantedSpan() const
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    switch (m_range) {
    case Range::Live: return {now - LiveSpan, now};
    case Range::LastHour: return {now - 3600 * Second, now};
    case Range::LastDay: return {now - 86400 * Second, now};
    case Range::LastWeek: return {now - 7 * 86400 * Second, now};
    case Range::Everything: return {0, 0}; // the store's span, read with the counts
    case Range::Custom: break;
    }
    return {m_from->dateTime().toMSecsSinceEpoch() * 1000,
            m_to->dateTime().toMSecsSinceEpoch() * 1000};
}

void TrafficDialog::refresh()
{
    m_checker.recordVerdicts();
    if (m_counting) {
        m_askAgain = true; // once this count is in; no pile-up while the store is slow
        return;
    }
    m_counting = true;
    const quint64 asked = ++m_asked;
    const bool everything = m_range == Range::Everything;
    const auto [from, to] = wantedSpan();
    const TrafficChart chart = shownChart();
    m_worker.post([this, asked, everything, from, to, chart](CaptureStore &store) {
        qint64 first = from;
        qint64 last = to;
        if (everything) {
            const auto span = store.trafficSpan();
            first = span ? span->first : QDateTime::currentMSecsSinceEpoch() * 1000;
            last = span ? span->second + 1 : first + 1;
        }
        const TrafficReport report = store.traffic(TrafficBuckets::covering(first, last), chart);
        QMetaObject::invokeMethod(this, [this, asked, report] {
            m_counting = false;
            if (asked == m_asked)
                present(report);
            if (std::exchange(m_askAgain, false))
                refresh();
        });
    });
}

void TrafficDialog::present(const TrafficReport &report)
{
    m_report = report;
    switch (report.chart) {
    case TrafficChart::ByStatus:
    case TrafficChart::ByEvent:
        drawLines(m_requests,
                  report.chart == TrafficChart::ByStatus ? report.byStatus : report.byEvent,
                  tr("requests/s"), PerSecond | ListsCaptures);
        break;
    case TrafficChart::Forwarding: drawForwarding(); break;
    case TrafficChart::Verdicts: drawVerdicts(); break;
    }
    describe();
    emit reportShown();
}

QChart *TrafficDialog::requestsChart() const
{
    return m_requests->chart();
}

QChart *TrafficDialog::forwardingChart() const
{
    return m_forwarding->chart();
}

QChart *TrafficDialog::latencyChart() const
{
    return m_latency->chart();
}

QChart *TrafficDialog::verdictsChart() const
{
    return m_verdicts->chart();
}

QString TrafficDialog::filterFor(const TrafficSeries &series, int bucket) const
{
    const TrafficBuckets &buckets = m_report.buckets;
    QStringList terms;
    if (!series.filterTerm.isEmpty())
        terms.append(series.filterTerm);
    terms.append(QStringLiteral("after:") + timeTerm(buckets.startOf(bucket)));
    terms.append(QStringLiteral("before:") + timeTerm(buckets.startOf(bucket + 1)));
    return terms.join(QLatin1Char(' '));
}

TrafficChart TrafficDialog::shownChart() const
{
    if (m_tabs->currentIndex() == 1)
        return TrafficChart::Forwarding;
    if (m_tabs->currentIndex() == 2)
        return TrafficChart::Verdicts;
    return m_grouping == Grouping::StatusClass ? TrafficChart::ByStatus : TrafficChart::ByEvent;
}

void TrafficDialog::drawForwarding()
{
    QList<TrafficSeries> counts;
    QList<TrafficSeries> latencies;
    const auto asSeries = [](const QString &name, const QList<std::optional<double>> &values) {
        TrafficSeries series{name, {}, {}};
        for (const std::optional<double> &value : values)
            series.counts.append(value.value_or(std::nan("")));
        return series;
    };
    for (const TargetTraffic &target : std::as_const(m_report.forwarding)) {
        counts.append({tr("%1 attempts").arg(target.target), {}, target.attempts});
        counts.append({tr("%1 failures").arg(target.target), {}, target.failures});
        latencies.append(asSeries(tr("%1 p50").arg(target.target), target.p50Ms));
        latencies.append(asSeries(tr("%1 p95").arg(target.target), target.p95Ms));
    }
    const QString perBucket = tr("per %1").arg(widthText(m_report.buckets.widthUs));
    // Attempts are not when their captures arrived: no list to click through to.
    drawLines(m_forwarding, counts, perBucket, 0);
    drawLines(m_latency, latencies, tr("ms"), 0);
}

void TrafficDialog::drawVerdicts()
{
    QList<TrafficSeries> verdicts = m_report.verdicts;
    for (TrafficSeries &series : verdicts) {
        bool isOutcome = false;
        const int outcome = series.name.toInt(&isOutcome);
        if (isOutcome)
            series.name = SignatureVerdict::outcomeName(SignatureVerdict::Outcome(outcome));
    }
    drawLines(m_verdicts, verdicts, tr("per %1").arg(widthText(m_report.buckets.widthUs)),
              ListsCaptures);
}

void TrafficDialog::drawLines(QChartView *view, const QList<TrafficSeries> &series,
                              const QString &unit, int options)
{
    QStringList names;
    for (const TrafficSeries &one : series)
        names.append(one.name.toHtmlEscaped()); // as the legend is given it
    QChart *chart = view->chart();
    QStringList shown;
    for (const QAbstractSeries *line : chart->series())
        shown.append(line->name());
    // The same lines in the same palette (as Live redraws every two seconds) get new points in
    // place; others get a new chart: in Qt Charts 6.4 the legend of a chart whose series were
    // removed shows no markers for those added after.
    if (shown != names || chart->axes().isEmpty() || chart->property("lineOptions") != options
        || chart->theme() != themeFor(palette())) {
        chart = newChart(chart->title());
        std::unique_ptr<QChart> previous(view->chart());
        view->setChart(chart);
        chart->setProperty("lineOptions", options);
        followPalette(chart, palette());
        auto *time = new QDateTimeAxis(chart);
        auto *values = new QValueAxis(chart);
        values->setLabelFormat(QStringLiteral("%g"));
        chart->addAxis(time, Qt::AlignBottom);
        chart->addAxis(values, Qt::AlignLeft);
        for (QAbstractAxis *axis :
             {static_cast<QAbstractAxis *>(time), static_cast<QAbstractAxis *>(values)}) {
            axis->setLabelsColor(palette().color(QPalette::Text));
            axis->setTitleBrush(palette().color(QPalette::Text));
        }
        for (const TrafficSeries &one : series) {
            auto *line = new QLineSeries(chart);
            // Qt Charts draws legend labels as HTML; an event type is the sender's text.
            line->setName(one.name.toHtmlEscaped());
            line->setPointsVisible(series.size() <= 3); // more would hide the lines
            line->setColor(colourOf(one.name, int(chart->series().size())));
            chart->addSeries(line);
            line->attachAxis(time);
            line->attachAxis(values);
            if (options & ListsCaptures) {
                connect(line, &QLineSeries::clicked, this, [this, one](const QPointF &point) {
                    const int bucket = m_report.buckets.bucketOf(qint64(point.x()) * 1000);
                    if (bucket >= 0)
                        emit filterRequested(filterFor(one, bucket));
                });
            }
        }
    }

    const TrafficBuckets &buckets = m_report.buckets;
    auto *time = qobject_cast<QDateTimeAxis *>(chart->axes(Qt::Horizontal).value(0));
    auto *values = qobject_cast<QValueAxis *>(chart->axes(Qt::Vertical).value(0));
    const qint64 spanSeconds = (buckets.endUs() - buckets.fromUs) / Second;
    time->setFormat(spanSeconds <= 86400       ? QStringLiteral("HH:mm:ss")
                    : spanSeconds <= 7 * 86400 ? QStringLiteral("ddd HH:mm")
                                               : QStringLiteral("yyyy-MM-dd"));
    time->setRange(QDateTime::fromMSecsSinceEpoch(buckets.fromUs / 1000),
                   QDateTime::fromMSecsSinceEpoch(buckets.endUs() / 1000));
    time->setTickCount(int((buckets.endUs() - buckets.fromUs) / buckets.tickUs) + 1);
    values->setTitleText(unit);
    const double divisor = options & PerSecond ? double(buckets.widthUs) / Second : 1.0;
    double top = 0;
    const QList<QAbstractSeries *> lines = chart->series();
    for (qsizetype index = 0; index < series.size(); ++index) {
        const TrafficSeries &one = series.at(index);
        QList<QPointF> points;
        for (int bucket = 0; bucket < one.counts.size(); ++bucket) {
            if (buckets.startOf(bucket) >= buckets.askedToUs)
                break; // the axis runs on to a round time; the line stops at now
            const double value = one.counts.at(bucket) / divisor;
            if (std::isnan(value))
                continue;
            // At the middle of its bucket, so the nearest point is the bucket clicked.
            points.append({double(buckets.startOf(bucket) + buckets.widthUs / 2) / 1000, value});
            top = std::max(top, value);
        }
        static_cast<QLineSeries *>(lines.at(index))->replace(points);
    }
    // A round top, the same for the same counts (applyNiceNumbers() depends on the range
    // before): 1, 2 or 5 times a power of ten, in four or five steps.
    const double power = std::pow(10.0, std::floor(std::log10(std::max(top, 1e-9))));
    const double leading = top / power;
    const double roundTop = (leading <= 1 ? 1 : leading <= 2 ? 2 : leading <= 5 ? 5 : 10) * power;
    values->setRange(0, std::max(roundTop, 1.0));
    values->setTickCount(roundTop / power == 5 ? 6 : 5);
}

void TrafficDialog::describe()
{
    const TrafficBuckets &buckets = m_report.buckets;
    const double total = std::accumulate(m_report.captures.cbegin(), m_report.captures.cend(), 0.0);
    const QLocale locale;
    QStringList lines;
    if (!m_report.error.isEmpty()) {
        lines.append(m_report.error);
        showAsWarning(m_summary);
    } else {
        m_summary->setPalette(palette());
    }
    const QString from = locale.toString(QDateTime::fromMSecsSinceEpoch(buckets.fromUs / 1000),
                                         QLocale::ShortFormat);
    const QString to = locale.toString(QDateTime::fromMSecsSinceEpoch(buckets.endUs() / 1000),
                                       QLocale::ShortFormat);
    const QString stretch = widthText(buckets.widthUs);
    if (m_report.chart == TrafficChart::Forwarding) {
        double attempts = 0;
        for (const TargetTraffic &target : std::as_const(m_report.forwarding))
            attempts += std::accumulate(target.attempts.cbegin(), target.attempts.cend(), 0.0);
        lines.append(attempts == 0
                         ? tr("Nothing was forwarded between %1 and %2.").arg(from, to)
                         : tr("%1 attempts to %2 between %3 and %4, counted in stretches of "
                              "%5.")
                               .arg(locale.toString(qint64(attempts)),
                                    m_report.forwarding.size() == 1
                                        ? tr("1 target")
                                        : tr("%1 targets").arg(m_report.forwarding.size()),
                                    from, to, stretch));
    } else {
        lines.append(total == 0 ? (m_range == Range::Everything
                                       ? tr("Nothing has arrived yet.")
                                       : tr("Nothing arrived between %1 and %2; Whole history "
                                            "shows what did before.")
                                             .arg(from, to))
                                : tr("%1 captures between %2 and %3, counted in stretches of %4. "
                                     "Click a point to list its captures.")
                                      .arg(locale.toString(qint64(total)), from, to, stretch));
    }
    const auto countOf = [](const QList<TrafficSeries> &series, const QString &name) {
        for (const TrafficSeries &one : series) {
            if (one.name == name)
                return std::accumulate(one.counts.cbegin(), one.counts.cend(), 0.0);
        }
        return 0.0;
    };
    if (const double behind = countOf(m_report.byEvent, TrafficStats::NotAnalyzed); behind > 0)
        lines.append(tr("The event types of %1 of them are still being worked out.")
                         .arg(locale.toString(qint64(behind))));
    if (const double behind = countOf(m_report.verdicts, TrafficStats::Unchecked); behind > 0)
        lines.append(tr("The signatures of %1 of them are still being checked.")
                         .arg(locale.toString(qint64(behind))));
    m_summary->setText(lines.join(QLatin1Char('\n')));
}

} // namespace Hookscope
