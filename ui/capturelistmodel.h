#pragma once

#include "store/captureloader.h"
#include "store/captureorder.h"
#include "store/capturequery.h"
#include "store/capturesummary.h"
#include "store/capturewriter.h"
#include "store/deliverylog.h"
#include "signing/signaturechecker.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QSet>
#include <QTimer>

class QMimeData;

namespace Hookscope {

// Captures in the chosen order (newest first until the user sorts): pages summaries in from the
// store on a loader thread as the view scrolls, and takes live ones in batches, so the GUI
// thread does one insert per flush whatever the arrival rate and never waits on a query.
class CaptureListModel final : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        StarColumn,
        TimeColumn,
        MethodColumn,
        TargetColumn,
        StatusColumn,
        RuleColumn,
        SizeColumn,
        ContentTypeColumn,
        SourceColumn,
        ForwardColumn,
        SignatureColumn,
        EventColumn, // last, so saved column layouts from before it still apply
        ColumnCount
    };
    enum Role { CaptureIdRole = Qt::UserRole + 1, SummaryRole };

    static constexpr int PageSize = 200;
    // Rows kept while live captures push older ones down: past it the oldest are let go (and
    // paged in again when the view scrolls to them), so memory stays bounded however long
    // captures keep arriving.
    static constexpr int MaxRowsKept = 50'000;
    // Dragged rows carry their capture ids, comma-separated (to a collection, say).
    static constexpr const char *IdsMimeType = "application/x-hookscope-capture-ids";
    static QList<qint64> idsFrom(const QMimeData *data);

    explicit CaptureListModel(const QString &storePath, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;

    const CaptureSummary &summary(int row) const { return m_rows.at(row); }
    // The row showing capture `id`, or -1; constant time, however many rows there are.
    int rowOf(qint64 id) const;
    // Queues committed captures; they appear at the next flush.
    void addCommitted(const CommittedBatch &batch);
    void reload();
    // Shows only the captures matching `query`, paged from the store like the full list.
    void setQuery(const CaptureQuery &query);
    const CaptureQuery &query() const { return m_query; }
    const CaptureOrder &order() const { return m_order; }
    // Whether the first page for the current query and order has arrived.
    bool isLoaded() const { return m_loaded; }
    // Drops one row (after the capture was deleted from the store).
    void removeCapture(qint64 id);
    // Shows a star change made in the store.
    void setStarred(qint64 id, bool starred);
    // Shows how forwarding a capture went.
    void addDeliveryAttempt(const DeliveryAttempt &attempt);
    // The Signature and Event columns ask `checker` about the rows they show.
    void setSignatureChecker(SignatureChecker *checker);
    // Forgets every verdict (the bindings or secrets changed): shown rows are checked again.
    void clearVerdicts();
    // "→ 200", "→ failed ×3", "→ pending": what the Forwarded column says.
    static QString deliveryText(const CaptureSummary &summary);
    // What the Time column says: the time to the millisecond for today's captures, with the
    // day for older ones (and the year when it is not this one).
    static QString timeText(qint64 receivedAtUs, const QDate &today = QDate::currentDate());

signals:
    void rowsPrepended(int count);
    // The first page for the current query and order is in.
    void loaded();
    // Captures that arrived while the list is sorted on something other than time, or sorted
    // oldest first and full (MaxRowsKept); they are in the store and appear when the list is
    // sorted newest first again.
    void liveCapturesHidden(qint64 count);

private:
    void requestNextPage();
    void addPage(quint64 generation, const QList<CaptureSummary> &page);
    void addLiveMatches(quint64 generation, const QList<CaptureSummary> &matches);
    void flushPending();
    void insertLive(QList<CaptureSummary> newestFirst);
    // Lets the oldest rows go past MaxRowsKept (see there).
    void letOldestRowsGo();
    // Gives rows [first, end) their slots, after they went in or rows before them moved.
    void assignSlots(int first, int end);
    QVariant foreground(const CaptureSummary &row, int column) const;
    QVariant signatureData(qint64 id, int role) const;
    void addVerdicts(const QHash<qint64, SignatureVerdict> &verdicts,
                     const QHash<qint64, EventFacts> &events);
    // Asks the checker about the capture, once, with the other rows shown meanwhile.
    void askChecker(qint64 id) const;
    QVariant eventData(const CaptureSummary &row, int role) const;

    CaptureLoader m_loader;
    CaptureQuery m_query;
    CaptureOrder m_order;
    quint64 m_generation = 0;     // bumped by each reload; older answers are dropped
    QList<CaptureSummary> m_rows; // in m_order
    // Each row's slot: rows taken in at the top get slots below the first, so the slots of
    // the others stay as they are. A row's index is its slot minus m_firstSlot.
    QHash<qint64, qint64> m_slotById;
    qint64 m_firstSlot = 0;
    QList<CaptureSummary> m_pending; // live, oldest first
    bool m_loaded = false;
    bool m_loading = false;
    bool m_reachedEnd = false;
    qint64 m_hiddenLive = 0;
    QTimer m_flushTimer;
    struct Verdict
    {
        SignatureVerdict::Outcome outcome;
        QString reason;
    };
    SignatureChecker *m_checker = nullptr;
    QHash<qint64, Verdict> m_verdicts;
    QHash<qint64, EventFacts> m_events; // kept when the verdicts are redone: bytes decide
    // Rows whose drift the index had not judged yet: asked about again a little later.
    QList<qint64> m_unjudged;
    QHash<qint64, int> m_judgeAttempts;
    static constexpr int MaxJudgeAttempts = 60;
    QTimer m_judgeAgainTimer;
    // Rows the view showed without a verdict yet: asked for together, once.
    mutable QList<qint64> m_unchecked;
    mutable QSet<qint64> m_asked;
    mutable QTimer m_checkTimer;
};

} // namespace Hookscope
