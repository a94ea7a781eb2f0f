#pragma once

#include <QJsonDocument>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace Hookscope {

// A path to a field of a JSON document, as mock rules, expectations and test event changes
// write it: "$.data.items[0].id". The "$." may be left out, and a list index may be written as
// a name ("data.items.0.id").
class JsonPath final
{
public:
    struct Step
    {
        QString name;         // a member's; for an index, its digits
        qsizetype index = -1; // written [N]: a list index only
    };

    // Nothing, saying why, for text that is no such path ("a..b", "a[x]").
    static std::optional<JsonPath> parse(const QString &text, QString *error);
    // The value at this path under `root`; none when there is nothing there.
    std::optional<QJsonValue> valueIn(const QJsonValue &root) const;
    std::optional<QJsonValue> valueIn(const QJsonDocument &document) const;
    const QList<Step> &steps() const { return m_steps; }
    // As written.
    QString text() const { return m_text; }
    // The first `count` steps as a path is written, for messages: "data.items[0]".
    QString prefix(qsizetype count) const;
    // A value as templates and messages show it: a string's own text, anything else as
    // compact JSON.
    static QByteArray textOf(const QJsonValue &value);
    // The index a step takes in a list: [N], or a name of digits; -1 for neither.
    static qsizetype indexOf(const Step &step);

private:
    QString m_text;
    QList<Step> m_steps;
};

} // namespace Hookscope
