#include "jsontreemodel.h"

#include "palettetone.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace Hookscope {

JsonTreeModel::JsonTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
{}

void JsonTreeModel::setJson(const QByteArray &json)
{
    beginResetModel();
    m_json = json;
    m_items.clear();
    if (!json.trimmed().isEmpty())
        m_items.push_back({JsonOutline::root(json), -1, 0, false, {}});
    endResetModel();
}

int JsonTreeModel::itemOf(const QModelIndex &index) const
{
    return index.isValid() ? int(index.internalId()) : 0;
}

const JsonTreeModel::Item &JsonTreeModel::opened(int item) const
{
    if (!m_items[item].opened) {
        const QList<JsonNode> children = JsonOutline::children(m_json, m_items[item].node);
        QList<int> ids;
        ids.reserve(children.size());
        for (int row = 0; row < children.size(); ++row) {
            ids.append(int(m_items.size()));
            m_items.push_back({children[row], item, row, false, {}});
        }
        m_items[item].children = std::move(ids);
        m_items[item].opened = true;
    }
    return m_items[item];
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (m_items.empty() || row < 0 || column < 0 || column >= ColumnCount)
        return {};
    const Item &item = opened(itemOf(parent));
    return row < item.children.size() ? createIndex(row, column, quintptr(item.children[row]))
                                      : QModelIndex();
}

QModelIndex JsonTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const int parent = m_items[itemOf(child)].parent;
    if (parent <= 0) // top-level rows are the root value's children
        return {};
    return createIndex(m_items[parent].row, 0, quintptr(parent));
}

int JsonTreeModel::rowCount(const QModelIndex &parent) const
{
    if (m_items.empty() || parent.column() > 0)
        return 0;
    return int(opened(itemOf(parent)).children.size());
}

int JsonTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

bool JsonTreeModel::hasChildren(const QModelIndex &parent) const
{
    if (m_items.empty() || parent.column() > 0)
        return false;
    const Item &item = m_items[itemOf(parent)];
    if (item.opened)
        return !item.children.isEmpty();
    if (item.node.type != JsonNode::Type::Object && item.node.type != JsonNode::Type::Array)
        return false;
    // Not empty when something other than space sits between the brackets.
    for (qsizetype at = item.node.begin + 1; at < item.node.end - 1; ++at) {
        if (!QChar::isSpace(uchar(m_json[at])))
            return true;
    }
    return false;
}

QVariant JsonTreeModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Item &item = m_items[itemOf(index)];
    const JsonNode &node = item.node;
    if (role == Qt::ForegroundRole && index.column() == ValueColumn) {
        switch (node.type) {
        case JsonNode::Type::String: return paletteTone(130);
        case JsonNode::Type::Number: return paletteTone(30);
        case JsonNode::Type::Literal: return paletteTone(280);
        default: return {};
        }
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    if (index.column() == NameColumn) {
        const bool inArray = m_items[item.parent].node.type == JsonNode::Type::Array;
        return inArray ? QStringLiteral("[%1]").arg(item.row) : node.key;
    }
    const bool container
        = node.type == JsonNode::Type::Object || node.type == JsonNode::Type::Array;
    if (container && !hasChildren(index.siblingAtColumn(NameColumn)))
        return node.type == JsonNode::Type::Object ? QStringLiteral("{}") : QStringLiteral("[]");
    if (container && item.opened) {
        const qsizetype count = item.children.size();
        return node.type == JsonNode::Type::Object ? tr("{%n member(s)}", nullptr, int(count))
                                                   : tr("[%n item(s)]", nullptr, int(count));
    }
    return JsonOutline::preview(m_json, node, role == Qt::ToolTipRole ? 2000 : 200);
}

QString JsonTreeModel::valueText(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    const JsonNode &node = m_items[itemOf(index)].node;
    const QByteArray text = m_json.mid(node.begin, node.end - node.begin);
    if (node.type == JsonNode::Type::String) // unescaped, as the reader means it
        return QJsonDocument::fromJson('[' + text + ']').array().at(0).toString();
    return QString::fromUtf8(text);
}

QString JsonTreeModel::path(const QModelIndex &index) const
{
    if (!index.isValid())
        return {};
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z_$][A-Za-z0-9_$]*$"));
    QStringList steps;
    for (int item = itemOf(index); item > 0; item = m_items[item].parent) {
        const Item &step = m_items[item];
        if (m_items[step.parent].node.type == JsonNode::Type::Array)
            steps.prepend(QStringLiteral("[%1]").arg(step.row));
        else if (plainName.match(step.node.key).hasMatch())
            steps.prepend(QLatin1Char('.') + step.node.key);
        else
            steps.prepend(QStringLiteral("[%1]").arg(
                QString::fromUtf8(QJsonDocument(QJsonArray{step.node.key})
                                      .toJson(QJsonDocument::Compact)
                                      .chopped(1)
                                      .mid(1))));
    }
    return QLatin1Char('$') + steps.join(QString());
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Name") : tr("Value");
}

} // namespace Hookscope
