#include "capturelistmodel.h"

#include "capture/capturestore.h"

#include <QColor>
#include <QDateTime>
#include <QGuiApplication>
#include <QPalette>
#include <QLocale>

namespace Hookscope {

CaptureListModel::CaptureListModel(CaptureStore &store, QObject *parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{
    m_flushTimer.setInterval(100);
    m_flushTimer.setSingleShot(true);
    connect(&m_flushTimer, &QTimer::timeout, this, &CaptureListModel::flushPending);
    reload();
}

void CaptureListModel::reload()
{
    beginResetModel();
    m_rows = m_store.find(m_query, 0, PageSize);
    m_reachedOldest = m_rows.size() < PageSize;
    m_pending.clear();
    endResetModel();
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
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case StarColumn: return QStringLiteral("★");
    case TimeColumn: return tr("Time");
    case MethodColumn: return tr("Method");
    case TargetColumn: return tr("Path");
    case StatusColumn: return tr("Status");
    case SizeColumn: return tr("Size");
    case ContentTypeColumn: return tr("Content type");
    case SourceColumn: return tr("Source");
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
        return row.malformed ? tr("Malformed request: open it to see the parser's error")
                             : QVariant();
    case Qt::DisplayRole: break;
    default: return {};
    }
    switch (index.column()) {
    case StarColumn: return row.starred ? QStringLiteral("★") : QString();
    case TimeColumn:
        return QDateTime::fromMSecsSinceEpoch(row.receivedAtUs / 1000)
            .toString(QStringLiteral("HH:mm:ss.zzz"));
    case MethodColumn:
        return row.malformed && row.method.isEmpty() ? tr("(malformed)")
                                                     : QString::fromLatin1(row.method);
    case TargetColumn: return QString::fromUtf8(row.target);
    case StatusColumn:
        return row.responseStatus ? QString::number(row.responseStatus) : QStringLiteral("—");
    case SizeColumn:
        return QLocale::system().formattedDataSize(row.bodySize, 1,
                                                   QLocale::DataSizeTraditionalFormat);
    case ContentTypeColumn: return QString::fromUtf8(row.contentType);
    case SourceColumn: return row.remoteAddress;
    default: return {};
    }
}

void CaptureListModel::setQuery(const CaptureQuery &query)
{
    m_query = query;
    reload();
}

void CaptureListModel::setStarred(qint64 id, bool starred)
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id) {
            m_rows[row].starred = starred;
            emit dataChanged(index(row, StarColumn), index(row, StarColumn));
            return;
        }
    }
}

void CaptureListModel::removeCapture(qint64 id)
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
            return;
        }
    }
}

QVariant CaptureListModel::foreground(const CaptureSummary &row, int column)
{
    // Hues carry the meaning; lightness follows the palette so dark themes stay readable.
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    const auto tone = [dark](int hue) {
        return QColor::fromHsl(hue, 170, dark ? 175 : 95);
    };
    if (row.malformed)
        return tone(0);
    if (column == StatusColumn && row.responseStatus >= 400)
        return tone(row.responseStatus >= 500 ? 0 : 30);
    if (column != MethodColumn)
        return {};
    const QByteArray &method = row.method;
    if (method == "GET")
        return tone(130);
    if (method == "POST")
        return tone(215);
    if (method == "PUT")
        return tone(35);
    if (method == "PATCH")
        return tone(280);
    if (method == "DELETE")
        return tone(0);
    return {};
}

bool CaptureListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_reachedOldest;
}

void CaptureListModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_reachedOldest)
        return;
    const qint64 oldest = m_rows.isEmpty() ? 0 : m_rows.last().id;
    const QList<CaptureSummary> page = m_store.find(m_query, oldest, PageSize);
    m_reachedOldest = page.size() < PageSize;
    if (page.isEmpty())
        return;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + page.size() - 1));
    m_rows.append(page);
    endInsertRows();
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
    if (m_query.hasText() && !m_pending.isEmpty()) {
        // Free text needs the bodies: ask the store which of the new captures match.
        const qint64 oldestPending = m_pending.constFirst().id;
        QList<CaptureSummary> matching
            = m_store.find(m_query, m_pending.constLast().id + 1, int(m_pending.size()));
        m_pending.clear();
        for (auto it = matching.crbegin(); it != matching.crend(); ++it) {
            if (it->id >= oldestPending)
                m_pending.append(*it);
        }
    }
    if (m_pending.isEmpty())
        return;
    const int count = int(m_pending.size());
    beginInsertRows({}, 0, count - 1);
    for (CaptureSummary &summary : m_pending) // oldest first, so the newest ends up on top
        m_rows.prepend(std::move(summary));
    m_pending.clear();
    endInsertRows();
    emit rowsPrepended(count);
}

} // namespace Hookscope
