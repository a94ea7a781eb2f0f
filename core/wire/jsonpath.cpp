#include "jsonpath.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace Hookscope {

std::optional<JsonPath> JsonPath::parse(const QString &text, QString *error)
{
    JsonPath path;
    path.m_text = text;
    QString rest = text.trimmed();
    if (rest.startsWith(QLatin1String("$.")))
        rest = rest.mid(2);
    else if (rest == QLatin1String("$"))
        return path;
    static const QRegularExpression step(QStringLiteral("^([^.\\[\\]]+)?((?:\\[\\d+\\])*)$"));
    static const QRegularExpression index(QStringLiteral("\\[(\\d+)\\]"));
    for (const QString &part : rest.split(QLatin1Char('.'))) {
        const QRegularExpressionMatch match = step.match(part);
        if (part.isEmpty() || !match.hasMatch()) {
            *error
                = QStringLiteral("\"%1\" is not a JSON path such as $.data.items[0].id").arg(text);
            return std::nullopt;
        }
        if (!match.captured(1).isEmpty())
            path.m_steps.append({match.captured(1)});
        for (const QRegularExpressionMatch &at : index.globalMatch(match.captured(2)))
            path.m_steps.append({at.captured(1), at.captured(1).toLongLong()});
    }
    return path;
}

qsizetype JsonPath::indexOf(const Step &step)
{
    if (step.index >= 0)
        return step.index;
    bool isNumber = false;
    const qsizetype index = step.name.toLongLong(&isNumber);
    return isNumber && index >= 0 ? index : -1;
}

std::optional<QJsonValue> JsonPath::valueIn(const QJsonDocument &document) const
{
    if (document.isNull())
        return std::nullopt;
    return valueIn(document.isArray() ? QJsonValue(document.array())
                                      : QJsonValue(document.object()));
}

std::optional<QJsonValue> JsonPath::valueIn(const QJsonValue &root) const
{
    if (root.isUndefined())
        return std::nullopt;
    QJsonValue value = root;
    for (const Step &step : m_steps) {
        if (value.isArray()) {
            const qsizetype index = indexOf(step);
            if (index < 0 || index >= value.toArray().size())
                return std::nullopt;
            value = value.toArray().at(index);
        } else if (value.isObject() && step.index < 0 && value.toObject().contains(step.name)) {
            value = value.toObject().value(step.name);
        } else {
            return std::nullopt;
        }
    }
    return value;
}

QString JsonPath::prefix(qsizetype count) const
{
    QString written;
    for (const Step &step : m_steps.first(std::min(count, m_steps.size()))) {
        if (step.index >= 0)
            written += QLatin1Char('[') + step.name + QLatin1Char(']');
        else
            written += (written.isEmpty() ? QString() : QStringLiteral(".")) + step.name;
    }
    return written;
}

QByteArray JsonPath::textOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return value.toString().toUtf8();
    case QJsonValue::Object: return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    case QJsonValue::Array: return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    case QJsonValue::Null: return "null";
    case QJsonValue::Bool: return value.toBool() ? "true" : "false";
    case QJsonValue::Double:
        return QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    case QJsonValue::Undefined: break;
    }
    return {};
}

} // namespace Hookscope
