#pragma once

#include "body/jsonoutline.h"

#include <QAbstractItemModel>

#include <vector>

namespace Hookscope {

// A JSON body as a collapsible tree, members in the order they were sent. Levels are read from
// the bytes when first shown, so opening a 20 MB document costs one pass over its top level.
class JsonTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, ValueColumn, ColumnCount };

    explicit JsonTreeModel(QObject *parent = nullptr);

    // `json` must be valid (BodyFormatter::indentJson accepted it); empty clears the tree.
    void setJson(const QByteArray &json);

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // The whole value at `index`: a string unescaped, anything else as its JSON text.
    QString valueText(const QModelIndex &index) const;
    // Where it is, as JSONPath: $.data.items[0].id, with ["…"] for names that need quoting.
    QString path(const QModelIndex &index) const;
    qsizetype documentSize() const { return m_json.size(); }

private:
    struct Item
    {
        JsonNode node;
        int parent = -1;
        int row = 0;
        bool opened = false;
        QList<int> children; // indexes into m_items, once opened
    };
    int itemOf(const QModelIndex &index) const;
    const Item &opened(int item) const;

    QByteArray m_json;
    mutable std::vector<Item> m_items; // [0] is the document's root value
};

} // namespace Hookscope
