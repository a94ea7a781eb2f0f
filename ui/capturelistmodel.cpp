#include "capturelistmodel.h"

#include <QMimeData>

#include "palettetone.h"
#include "signatureview.h"

#include <QColor>
#include <QDateTime>
#include <QGuiApplication>
#include <QLocale>

namespace Hookscope {

CaptureListModel::CaptureListModel(const QString &storePath, QObject *parent)
    : QAbstractTableModel(parent)
    , m_loader(storePath)
{
    m_flushTimer.setInterval(100);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &CaptureListModel::flushPending);
    connect(&m_loader, &CaptureLoader::pageLoaded, this, &CaptureListModel::addPage);
    connect(&m_loader, &CaptureLoader::rangeLoaded, this, &CaptureListModel::addLiveMatches);
    reload();
}

void CaptureListModel::reload()
{
    beginResetModel();
    ++m_generation;
    m_rows.clear();
    m_slotById.clear();
    m_firstSlot = 0;
    m_pending.clear();
    m_loaded = false;
    m_reachedEnd = false;
    m_hiddenLive = 0;
    endResetModel();
    requestNextPage();
}

void CaptureListModel::requestNextPage()
{
    m_loading = true;
    m_loader.requestPage(m_generation, m_query, m_order,
                         m_rows.isEmpty() ? std::nullopt : std::optional(m_rows.constLast()),
                         PageSize);
}

void CaptureListModel::addPage(quint64 generation, const QList<CaptureSummary> &page)
{
    if (generation != m_generation)
        return;
    m_reachedEnd = page.size() < PageSize;
    if (!page.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, int(first + page.size() - 1));
        m_rows.append(page);
        assignSlots(first, int(m_rows.size()));
        endInsertRows();
    }
    m_loading = false; // only now: views ask for more while the rows go in
    if (!m_loaded) {
        m_loaded = true;
        emit loaded();
    }
    if (!m_pending.isEmpty() && !m_flushTimer.isActive())
        m_flushTimer.start();
}

int CaptureListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int CaptureListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CaptureListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == StarColumn)
        return tr("Starred");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StarColumn: return QStringLiteral("★");
    case TimeColumn: return tr("Time");
    case MethodColumn: return tr("Method");
    case TargetColumn: return tr("Path");
    case StatusColumn: return tr("Status");
    case RuleColumn: return tr("Rule");
    case SizeColumn: return tr("Size");
    case ContentTypeColumn: return tr("Content type");
    case SourceColumn: return tr("Source");
    case ForwardColumn: return tr("Forwarded");
    case SignatureColumn: return tr("Signature");
    case EventColumn: return tr("Event");
    default: return {};
    }
}

QVariant CaptureListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CaptureSummary &row = m_rows.at(index.row());
    switch (role) {
    case CaptureIdRole: return row.id;
    case SummaryRole: return QVariant::fromValue(row);
    case Qt::TextAlignmentRole:
        return index.column() == SizeColumn || index.column() == StatusColumn
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole: return foreground(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == SignatureColumn)
            return signatureData(row.id, role);
        if (index.column() == EventColumn)
            return eventData(row, role);
        if (index.column() == RuleColumn && !row.rule.isEmpty())
            return tr("Answered by the mock rule \"%1\"").arg(row.rule);
        if (index.column() == SourceColumn && !row.source.isEmpty())
            return row.sourceUrl.isEmpty()
                       ? tr("Came through %1").arg(row.source)
                       : tr("Came through %1, sent to %2").arg(row.source, row.sourceUrl);
        return row.malformed ? tr("Malformed request: open it to see the parser's error")
                             : QVariant();
    case Qt::DisplayRole: break;
    default: return {};
    }
    switch (index.column()) {
    case StarColumn: return row.starred ? QStringLiteral("★") : QString();
    case TimeColumn: return timeText(row.receivedAtUs);
    case MethodColumn:
        return row.malformed && row.method.isEmpty() ? tr("(malformed)")
                                                     : QString::fromLatin1(row.method);
    case TargetColumn: return QString::fromUtf8(row.target);
    case StatusColumn:
        return row.responseStatus ? QString::number(row.responseStatus) : QStringLiteral("—");
    case RuleColumn: return row.rule;
    case SizeColumn:
        // KiB, as everywhere else in the window (the status bar, Overview, Parts).
        return QLocale::system().formattedDataSize(row.bodySize, 1);
    case ContentTypeColumn: return QString::fromUtf8(row.contentType);
    case SourceColumn: return row.source.isEmpty() ? row.remoteAddress : row.source;
    case ForwardColumn: return deliveryText(row);
    case SignatureColumn: return signatureData(row.id, role);
    case EventColumn: return eventData(row, role);
    default: return {};
    }
}

void CaptureListModel::askChecker(qint64 id) const
{
    if (m_asked.contains(id))
        return;
    m_asked.insert(id);
    m_unchecked.append(id);
    if (!m_checkTimer.isActive())
        m_checkTimer.start();
}

QVariant CaptureListModel::eventData(const CaptureSummary &row, int role) const
{
    if (!m_checker)
        return {};
    const auto found = m_events.constFind(row.id);
    if (found == m_events.cend()) {
        if (role == Qt::DisplayRole)
            askChecker(row.id);
        return {};
    }
    const QString &type = found->type;
    // Nothing names one: the method and path say what it is.
    const qsizetype query = row.target.indexOf('?');
    const QString shown
        = !type.isEmpty() ? type
          : row.malformed
              ? tr("(malformed)")
              : QString::fromLatin1(row.method) + QLatin1Char(' ')
                    + QString::fromUtf8(query < 0 ? row.target : row.target.left(query));
    const bool drifted = found->drift && !found->drift->isEmpty();
    switch (role) {
    case Qt::DisplayRole: return drifted ? QStringLiteral("\u25B3 ") + shown : shown;
    case Qt::ToolTipRole:
        if (drifted)
            return tr("Differs from the %1 payloads before it (filter: is:drift):\n%2")
                .arg(type, found->drift->join(QLatin1Char('\n')));
        return type.isEmpty() ? tr("No event type named: %1").arg(shown)
                              : tr("Event type %1 (filter: event:%1)").arg(shown);
    case Qt::ForegroundRole:
        if (drifted)
            return paletteTone(30);
        return type.isEmpty()
                   ? QVariant(QGuiApplication::palette().color(QPalette::PlaceholderText))
                   : QVariant();
    default: return {};
    }
}

QVariant CaptureListModel::signatureData(qint64 id, int role) const
{
    if (!m_checker)
        return {};
    const auto found = m_verdicts.constFind(id);
    if (found == m_verdicts.cend()) {
        if (role == Qt::DisplayRole)
            askChecker(id);
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("…")) : QVariant();
    }
    switch (role) {
    case Qt::DisplayRole: return SignatureView::outcomeText(found->outcome);
    case Qt::ToolTipRole: return found->reason;
    case Qt::ForegroundRole: {
        const QColor color = SignatureView::outcomeColor(found->outcome);
        return color.isValid() ? QVariant(color) : QVariant();
    }
    default: return {};
    }
}

void CaptureListModel::setSignatureChecker(SignatureChecker *checker)
{
    m_checker = checker;
    m_checkTimer.setSingleShot(true);
    m_checkTimer.setInterval(20); // a screenful of rows, asked for at once
    connect(&m_checkTimer, &QTimer::timeout, this,
            [this] { m_checker->check(std::exchange(m_unchecked, {})); });
    connect(checker, &SignatureChecker::checked, this, &CaptureListModel::addVerdicts);
    m_judgeAgainTimer.setSingleShot(true);
    m_judgeAgainTimer.setInterval(1000); // the indexer starts once capturing pauses
    connect(&m_judgeAgainTimer, &QTimer::timeout, this, [this] {
        for (const qint64 id : std::exchange(m_unjudged, {})) {
            // Still listed, and not for ever: a store read as it is has no indexer.
            if (m_slotById.contains(id) && ++m_judgeAttempts[id] <= MaxJudgeAttempts) {
                m_asked.remove(id);
                askChecker(id);
            }
        }
    });
}

void CaptureListModel::addVerdicts(const QHash<qint64, SignatureVerdict> &verdicts,
                                   const QHash<qint64, EventFacts> &events)
{
    // Bounded: a long scroll through the history does not keep every verdict.
    if (m_verdicts.size() > 100'000) {
        m_verdicts.clear();
        m_events.clear();
        m_judgeAttempts.clear();
        m_asked.clear();
    }
    for (auto it = verdicts.cbegin(); it != verdicts.cend(); ++it)
        m_verdicts.insert(it.key(), {it->outcome, it->reason});
    m_events.insert(events);
    // A live capture is checked before the index reaches it: its drift is asked for again.
    for (auto it = events.cbegin(); it != events.cend(); ++it) {
        if (!it->drift && !it->type.isEmpty())
            m_unjudged.append(it.key());
    }
    if (!m_unjudged.isEmpty() && !m_judgeAgainTimer.isActive())
        m_judgeAgainTimer.start();
    if (!m_rows.isEmpty()) {
        emit dataChanged(index(0, SignatureColumn), index(int(m_rows.size()) - 1, SignatureColumn));
        emit dataChanged(index(0, EventColumn), index(int(m_rows.size()) - 1, EventColumn));
    }
}

void CaptureListModel::clearVerdicts()
{
    m_verdicts.clear();
    m_asked.clear();
    m_unchecked.clear();
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, SignatureColumn), index(int(m_rows.size()) - 1, SignatureColumn));
}

void CaptureListModel::setQuery(const CaptureQuery &query)
{
    m_query = query;
    reload();
}

int CaptureListModel::rowOf(qint64 id) const
{
    const auto found = m_slotById.constFind(id);
    return found == m_slotById.cend() ? -1 : int(*found - m_firstSlot);
}

void CaptureListModel::assignSlots(int first, int end)
{
    for (int row = first; row < end; ++row)
        m_slotById.insert(m_rows.at(row).id, m_firstSlot + row);
}

void CaptureListModel::setStarred(qint64 id, bool starred)
{
    if (const int row = rowOf(id); row >= 0) {
        m_rows[row].starred = starred;
        emit dataChanged(index(row, StarColumn), index(row, StarColumn));
    }
}

QString CaptureListModel::timeText(qint64 receivedAtUs, const QDate &today)
{
    // The time alone only for today's: an imported capture from last week must not look new.
    const QDateTime received = QDateTime::fromMSecsSinceEpoch(receivedAtUs / 1000);
    if (received.date() == today)
        return received.toString(QStringLiteral("HH:mm:ss.zzz"));
    if (received.date().year() == today.year())
        return QLocale::c().toString(received, QStringLiteral("MMM d HH:mm:ss"));
    return received.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString CaptureListModel::deliveryText(const CaptureSummary &summary)
{
    const QString arrow = QStringLiteral("\u2192 ");
    switch (summary.delivery) {
    case CaptureSummary::Delivery::None: return {};
    case CaptureSummary::Delivery::Delivered:
        return arrow + QString::number(summary.deliveryStatus);
    case CaptureSummary::Delivery::Failed:
        return arrow + tr("failed ×%1").arg(summary.deliveryAttempts);
    case CaptureSummary::Delivery::Pending:
        return summary.deliveryAttempts == 0
                   ? arrow + tr("pending")
                   : arrow + tr("retrying ×%1").arg(summary.deliveryAttempts);
    }
    return {};
}

void CaptureListModel::addDeliveryAttempt(const DeliveryAttempt &attempt)
{
    const auto update = [&attempt](CaptureSummary &summary) {
        summary.delivery = CaptureSummary::Delivery(int(attempt.state) + 1);
        summary.deliveryStatus = attempt.result.status;
        summary.deliveryAttempts = attempt.attempt;
    };
    // A fast target can answer before the capture's row is shown: it waits in m_pending.
    for (CaptureSummary &pending : m_pending) {
        if (pending.id == attempt.captureId) {
            update(pending);
            return;
        }
    }
    if (const int row = rowOf(attempt.captureId); row >= 0) {
        update(m_rows[row]);
        emit dataChanged(index(row, ForwardColumn), index(row, ForwardColumn));
    }
}

void CaptureListModel::removeCapture(qint64 id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    m_slotById.remove(id);
    assignSlots(row, int(m_rows.size())); // the rows below moved up one
    endRemoveRows();
}

QVariant CaptureListModel::foreground(const CaptureSummary &row, int column) const
{
    if (column == SignatureColumn)
        return signatureData(row.id, Qt::ForegroundRole);
    if (column == EventColumn)
        return eventData(row, Qt::ForegroundRole);
    if (row.malformed)
        return paletteTone(0);
    if (column == ForwardColumn)
        return row.delivery == CaptureSummary::Delivery::Failed    ? paletteTone(0)
               : row.delivery == CaptureSummary::Delivery::Pending ? paletteTone(30)
                                                                   : QVariant();
    if (column == StatusColumn && row.responseStatus >= 400)
        return paletteTone(row.responseStatus >= 500 ? 0 : 30);
    if (column != MethodColumn)
        return {};
    const QByteArray &method = row.method;
    if (method == "GET")
        return paletteTone(130);
    if (method == "POST")
        return paletteTone(215);
    if (method == "PUT")
        return paletteTone(35);
    if (method == "PATCH")
        return paletteTone(280);
    if (method == "DELETE")
        return paletteTone(0);
    return {};
}

bool CaptureListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_loaded && !m_loading && !m_reachedEnd;
}

void CaptureListModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestNextPage();
}

void CaptureListModel::sort(int column, Qt::SortOrder order)
{
    static const CaptureOrder::Key keys[ColumnCount - 1] = {
        CaptureOrder::Key::Starred,  CaptureOrder::Key::Received,    CaptureOrder::Key::Method,
        CaptureOrder::Key::Target,   CaptureOrder::Key::Status,      CaptureOrder::Key::Rule,
        CaptureOrder::Key::BodySize, CaptureOrder::Key::ContentType, CaptureOrder::Key::Source,
    };
    if (column < 0 || column >= ForwardColumn)
        return; // the forwarding outcome is not a column of the store: not sortable
    const CaptureOrder wanted{keys[column], order == Qt::DescendingOrder};
    if (wanted == m_order)
        return;
    m_order = wanted;
    reload();
}

void CaptureListModel::addCommitted(const CommittedBatch &batch)
{
    for (const CommittedCapture &committed : batch) {
        if (committed.summary.id != 0 && m_query.matchesFields(committed.summary))
            m_pending.append(committed.summary);
    }
    if (!m_pending.isEmpty() && !m_flushTimer.isActive())
        m_flushTimer.start();
}

void CaptureListModel::flushPending()
{
    if (m_pending.isEmpty() || !m_loaded || m_loading)
        return; // flushed again when the page in flight arrives
    const bool follows = m_order.isNewestFirst() || (m_order.isOldestFirst() && m_reachedEnd);
    if (!follows) {
        m_hiddenLive += m_pending.size();
        m_pending.clear();
        emit liveCapturesHidden(m_hiddenLive);
        return;
    }
    // Pages already brought in whatever committed before they were read.
    const qint64 newestShown = m_rows.isEmpty()          ? 0
                               : m_order.isNewestFirst() ? m_rows.constFirst().id
                                                         : m_rows.constLast().id;
    m_pending.removeIf(
        [newestShown](const CaptureSummary &summary) { return summary.id <= newestShown; });
    if (m_pending.isEmpty())
        return;
    if (m_query.needsBytes()) {
        // Free text and event types need the bodies: the loader asks the store which new
        // captures match.
        m_loader.requestRange(m_generation, m_query, m_pending.constFirst().id,
                              m_pending.constLast().id);
        m_pending.clear();
        return;
    }
    QList<CaptureSummary> newestFirst(m_pending.crbegin(), m_pending.crend());
    m_pending.clear();
    insertLive(std::move(newestFirst));
}

void CaptureListModel::addLiveMatches(quint64 generation, const QList<CaptureSummary> &matches)
{
    if (generation == m_generation && !matches.isEmpty())
        insertLive(matches);
}

void CaptureListModel::insertLive(QList<CaptureSummary> newestFirst)
{
    const int count = int(newestFirst.size());
    if (m_order.isNewestFirst()) {
        beginInsertRows({}, 0, count - 1);
        for (auto it = newestFirst.rbegin(); it != newestFirst.rend(); ++it)
            m_rows.prepend(std::move(*it)); // QList keeps room at the front: no shifting
        m_firstSlot -= count;
        assignSlots(0, count);
        endInsertRows();
        emit rowsPrepended(count);
        letOldestRowsGo();
        return;
    }
    // Oldest first, they go at the bottom, up to MaxRowsKept rows: the list pages only
    // downwards, so rows above cannot be let go. Past it they are counted as not listed.
    const int taken = std::clamp(MaxRowsKept - int(m_rows.size()), 0, count);
    if (taken < count) {
        m_hiddenLive += count - taken;
        emit liveCapturesHidden(m_hiddenLive);
    }
    if (taken == 0)
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + taken - 1);
    m_rows.append(QList<CaptureSummary>(newestFirst.crbegin(), newestFirst.crbegin() + taken));
    assignSlots(first, first + taken);
    endInsertRows();
}

void CaptureListModel::letOldestRowsGo()
{
    // A page on its way continues from the last row: nothing goes until it is in.
    if (m_loading)
        return;
    if (m_rows.size() < MaxRowsKept + PageSize) // a page at a time, not a row per capture
        return;
    beginRemoveRows({}, MaxRowsKept, int(m_rows.size()) - 1);
    for (qsizetype row = MaxRowsKept; row < m_rows.size(); ++row)
        m_slotById.remove(m_rows.at(row).id);
    m_rows.resize(MaxRowsKept);
    m_reachedEnd = false;
    endRemoveRows();
}

Qt::ItemFlags CaptureListModel::flags(const QModelIndex &index) const
{
    return QAbstractTableModel::flags(index)
           | (index.isValid() ? Qt::ItemIsDragEnabled : Qt::NoItemFlags);
}

QStringList CaptureListModel::mimeTypes() const
{
    return {QString::fromLatin1(IdsMimeType)};
}

QMimeData *CaptureListModel::mimeData(const QModelIndexList &indexes) const
{
    QList<qint64> ids;
    for (const QModelIndex &index : indexes) {
        const qint64 id = m_rows.value(index.row()).id;
        if (id > 0 && !ids.contains(id))
            ids.append(id);
    }
    QByteArrayList text;
    for (const qint64 id : std::as_const(ids))
        text.append(QByteArray::number(id));
    auto *data = new QMimeData;
    data->setData(QString::fromLatin1(IdsMimeType), text.join(','));
    return data;
}

QList<qint64> CaptureListModel::idsFrom(const QMimeData *data)
{
    QList<qint64> ids;
    for (const QByteArray &id : data->data(QString::fromLatin1(IdsMimeType)).split(',')) {
        if (const qint64 value = id.toLongLong(); value > 0)
            ids.append(value);
    }
    return ids;
}

} // namespace Hookscope
