#pragma once

#include "capturequery.h"
#include "captureorder.h"
#include "capturesummary.h"
#include "storeworker.h"

#include <QObject>

#include <atomic>

namespace Hookscope {

// Reads pages of summaries on its own thread, with its own connection to the store, so a slow
// sort or search over a long history never blocks the caller. Answers come back as signals in
// the order asked; asking with a newer generation skips the older requests still queued.
class CaptureLoader final : public QObject
{
    Q_OBJECT
public:
    explicit CaptureLoader(const QString &storePath, QObject *parent = nullptr);
    ~CaptureLoader() override;

    // A page of captures matching `query` in `order`, after `after` when given.
    void requestPage(quint64 generation, const CaptureQuery &query, const CaptureOrder &order,
                     const std::optional<CaptureSummary> &after, int limit);
    // Which captures with ids in [firstId, lastId] match `query`, newest first.
    void requestRange(quint64 generation, const CaptureQuery &query, qint64 firstId, qint64 lastId);

signals:
    void pageLoaded(quint64 generation, const QList<CaptureSummary> &page);
    void rangeLoaded(quint64 generation, const QList<CaptureSummary> &matches);

private:
    // Runs `work` on the loader thread unless a newer generation was asked for meanwhile.
    template<typename Work>
    void run(quint64 generation, Work work);

    std::atomic<quint64> m_latestGeneration{0};
    StoreWorker m_worker;
};

} // namespace Hookscope
