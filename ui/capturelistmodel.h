#pragma once

#include "capture/capturequery.h"
#include "capture/capturesummary.h"
#include "capture/capturewriter.h"

#include <QAbstractTableModel>
#include <QTimer>

namespace Hookscope {

class CaptureStore;

// Captures newest first: pages older summaries in from the store on demand and takes live
// ones in batches, so the GUI thread does one insert per flush whatever the arrival rate.
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
        SizeColumn,
        ContentTypeColumn,
        SourceColumn,
        ColumnCount
    };
    enum Role { CaptureIdRole = Qt::UserRole + 1, SummaryRole };

    static constexpr int PageSize = 200;

    explicit CaptureListModel(CaptureStore &store, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    const CaptureSummary &summary(int row) const { return m_rows.at(row); }
    // Queues committed captures; they appear at the next flush.
    void addCommitted(const CommittedBatch &batch);
    void reload();
    // Shows only the captures matching `query`, paged from the store like the full list.
    void setQuery(const CaptureQuery &query);
    const CaptureQuery &query() const { return m_query; }
    // Drops one row (after the capture was deleted from the store).
    void removeCapture(qint64 id);
    // Shows a star change made in the store.
    void setStarred(qint64 id, bool starred);

signals:
    void rowsPrepended(int count);

private:
    void flushPending();
    static QVariant foreground(const CaptureSummary &row, int column);

    CaptureStore &m_store;
    CaptureQuery m_query;
    QList<CaptureSummary> m_rows;    // newest first
    QList<CaptureSummary> m_pending; // oldest first
    bool m_reachedOldest = false;
    QTimer m_flushTimer;
};

} // namespace Hookscope
