#pragma once

#include "store/storeworker.h"
#include "store/trafficstats.h"

#include <QDialog>
#include <QTimer>

class QChart;
class QChartView;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QTabWidget;

namespace Hookscope {

class SignatureChecker;

// View → Traffic…: what arrived and went out over a stretch of time, as charts: requests per
// second by status class or by event type; forwarding attempts, failures and how long each
// target took to answer (p50, p95); signature verdicts. Counted in the store on a thread of
// its own (CaptureStore::traffic), only the chart shown, so the window never waits. Live shows the
// last five minutes and follows them; a click on a line lists that bucket's captures in the window.
class TrafficDialog final : public QDialog
{
    Q_OBJECT
public:
    enum class Range { Live, LastHour, LastDay, LastWeek, Everything, Custom };
    enum class Grouping { StatusClass, EventType };

    // `checker` keeps every capture's signature verdict for the verdicts chart while this is
    // open (SignatureChecker::recordVerdicts).
    TrafficDialog(const QString &storePath, SignatureChecker &checker, QWidget *parent = nullptr);
    ~TrafficDialog() override;

    void setRange(Range range);
    // Custom range: from, to (local time in the edits).
    void setCustomRange(const QDateTime &from, const QDateTime &to);
    void setGrouping(Grouping grouping);
    // Counts again now (Live does so every two seconds by itself).
    void refresh();

    const TrafficReport &report() const { return m_report; }
    QTabWidget *tabs() const { return m_tabs; }
    QChart *requestsChart() const;
    QChart *forwardingChart() const;
    QChart *latencyChart() const;
    QChart *verdictsChart() const;
    // The filter a click on `bucket` of the requests chart's line `series` gives (what
    // filterRequested carries).
    QString filterFor(const TrafficSeries &series, int bucket) const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

signals:
    // The capture list should show what matches this filter.
    void filterRequested(const QString &filter);
    // A new count is on screen.
    void reportShown();

private:
    void present(const TrafficReport &report);
    TrafficChart shownChart() const;
    void drawForwarding();
    void drawVerdicts();
    enum LineOption {
        PerSecond = 0x1,     // each count divided by the bucket's length
        ListsCaptures = 0x2, // a click lists the captures that arrived in its bucket
    };
    // The series as lines over time, one each.
    void drawLines(QChartView *view, const QList<TrafficSeries> &series, const QString &unit,
                   int options);
    std::pair<qint64, qint64> wantedSpan() const;
    // A tooltip with each line's value in the bucket under `position` (in the view's viewport).
    void explainPoint(QChartView *view, QPoint position);
    void describe();

    StoreWorker m_worker;
    SignatureChecker &m_checker;
    Range m_range = Range::Live;
    Grouping m_grouping = Grouping::StatusClass;
    TrafficReport m_report;
    std::optional<std::pair<qint64, qint64>> m_everything; // the store's span, when known
    quint64 m_asked = 0;                                   // the newest count asked for
    bool m_counting = false;
    bool m_askAgain = false;
    QTimer m_follow;
    QComboBox *m_rangeBox;
    QComboBox *m_groupingBox;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QTabWidget *m_tabs;
    QChartView *m_requests;
    QChartView *m_forwarding;
    QChartView *m_latency;
    QChartView *m_verdicts;
    QLabel *m_summary;
};

} // namespace Hookscope
