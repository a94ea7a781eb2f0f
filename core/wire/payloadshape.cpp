#include "payloadshape.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <algorithm>

namespace Hookscope {
namespace {

constexpr int MaxExamples = 3;
// Longer strings are examples, shortened, but never enum values.
constexpr qsizetype MaxValueLength = 80;

QString typeOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Bool: return QStringLiteral("boolean");
    case QJsonValue::Double: {
        const double number = value.toDouble();
        return number == double(qint64(number)) && std::abs(number) < 9.0e15
                   ? QStringLiteral("integer")
                   : QStringLiteral("number");
    }
    case QJsonValue::String: return QStringLiteral("string");
    case QJsonValue::Array: return QStringLiteral("array");
    case QJsonValue::Object: return QStringLiteral("object");
    case QJsonValue::Undefined: break;
    }
    return {};
}

QString jsonText(const QJsonValue &value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact))
        .mid(1)
        .chopped(1);
}

QString childPath(const QString &parent, const QString &name)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z_$][A-Za-z0-9_$-]*$"));
    if (plain.match(name).hasMatch())
        return parent.isEmpty() ? name : parent + QLatin1Char('.') + name;
    return parent + QLatin1Char('[') + jsonText(name) + QLatin1Char(']');
}

bool isItems(const QString &path)
{
    return path.endsWith(QLatin1String("[]"));
}

// "invoice.paid" → "InvoicePaid", as a TypeScript type is named.
QString typeName(const QString &eventType)
{
    QString name;
    bool upper = true;
    for (const QChar c : eventType) {
        if (!c.isLetterOrNumber()) {
            upper = true;
            continue;
        }
        name += upper ? c.toUpper() : c;
        upper = false;
    }
    if (name.isEmpty() || name.front().isDigit())
        name.prepend(QStringLiteral("Payload"));
    return name;
}

QString typeScriptKey(const QString &name)
{
    static const QRegularExpression identifier(QStringLiteral("^[A-Za-z_$][A-Za-z0-9_$]*$"));
    return identifier.match(name).hasMatch() ? name : jsonText(name);
}

// The name a field's path ends in.
QString lastName(const Hookscope::PayloadShape::Field &field)
{
    QString name = field.path.mid(field.parent.size());
    if (name.startsWith(QLatin1Char('.')))
        return name.mid(1);
    if (name.startsWith(QLatin1Char('[')))
        return QJsonDocument::fromJson('[' + name.mid(1).chopped(1).toUtf8() + ']')
            .array()
            .first()
            .toString();
    return name;
}

} // namespace

// One payload's fields before they are merged: per path, its parent, how often it was there
// by type, and its scalar values as JSON.
struct PayloadShape::Seen
{
    struct Entry
    {
        QString parent;
        QHash<QString, qint64> types;
        QStringList values;
    };
    QList<QString> order;
    QHash<QString, Entry> entries;

    void walk(const QJsonValue &value, const QString &path, const QString &parent)
    {
        auto found = entries.find(path);
        if (found == entries.end()) {
            order.append(path);
            found = entries.insert(path, Entry{parent, {}, {}});
        }
        ++found->types[typeOf(value)];
        if (value.isObject()) {
            const QJsonObject object = value.toObject();
            for (auto member = object.begin(); member != object.end(); ++member)
                walk(member.value(), childPath(path, member.key()), path);
        } else if (value.isArray()) {
            for (const QJsonValue item : value.toArray())
                walk(item, path + QStringLiteral("[]"), path);
        } else {
            found->values.append(jsonText(value));
        }
    }
    qint64 count(const QString &path) const
    {
        qint64 total = 0;
        for (const qint64 times : entries.value(path).types)
            total += times;
        return total;
    }
    qint64 objects(const QString &path) const
    {
        return entries.value(path).types.value(QStringLiteral("object"));
    }

    static Seen of(const QJsonObject &payload)
    {
        Seen seen;
        for (auto member = payload.begin(); member != payload.end(); ++member)
            seen.walk(member.value(), childPath(QString(), member.key()), QString());
        return seen;
    }
};

PayloadShape::Field &PayloadShape::fieldAt(const QString &path, const QString &parent)
{
    const auto found = m_byPath.constFind(path);
    if (found != m_byPath.cend())
        return m_fields[*found];
    m_byPath.insert(path, m_fields.size());
    Field field;
    field.path = path;
    field.parent = parent;
    m_fields.append(field);
    return m_fields.last();
}

void PayloadShape::add(const QJsonObject &payload)
{
    const Seen seen = Seen::of(payload);
    ++m_payloads;
    for (const QString &path : seen.order) {
        const Seen::Entry &entry = seen.entries[path];
        if (!m_byPath.contains(path) && m_fields.size() >= MaxFields) {
            m_truncated = true;
            continue;
        }
        Field &field = fieldAt(path, entry.parent);
        for (auto type = entry.types.cbegin(); type != entry.types.cend(); ++type) {
            field.types[type.key()] += type.value();
            field.occurrences += type.value();
        }
        for (const QString &value : entry.values) {
            if (field.examples.size() < MaxExamples && !field.examples.contains(value))
                field.examples.append(value.size() > MaxValueLength
                                          ? value.left(MaxValueLength - 1) + QChar(0x2026)
                                          : value);
            if (field.manyValues || field.values.contains(value))
                continue;
            if (value.size() > MaxValueLength || field.values.size() >= MaxEnumValues) {
                field.manyValues = true;
                field.values.clear();
            } else {
                field.values.append(value);
            }
        }
    }
}

const PayloadShape::Field *PayloadShape::field(const QString &path) const
{
    const auto found = m_byPath.constFind(path);
    return found == m_byPath.cend() ? nullptr : &m_fields.at(*found);
}

qint64 PayloadShape::parentOccurrences(const Field &field) const
{
    if (field.parent.isEmpty())
        return m_payloads;
    const Field *parent = this->field(field.parent);
    if (!parent)
        return 0;
    return isItems(field.path) ? parent->types.value(QStringLiteral("array"))
                               : parent->types.value(QStringLiteral("object"));
}

bool PayloadShape::isRequired(const Field &field) const
{
    return !isItems(field.path) && field.occurrences >= parentOccurrences(field)
           && field.occurrences > 0;
}

QString PayloadShape::typesText(const Field &field)
{
    QStringList names = field.types.keys();
    names.sort();
    return names.join(QStringLiteral(" or "));
}

bool PayloadShape::isEnum(const Field &field)
{
    return !field.manyValues && field.values.size() >= 2
           && field.occurrences >= 2 * field.values.size()
           && !field.types.contains(QStringLiteral("object"))
           && !field.types.contains(QStringLiteral("array"));
}

QString PayloadShape::valuesText(const Field &field)
{
    if (isEnum(field))
        return QStringLiteral("one of %1").arg(field.values.join(QStringLiteral(", ")));
    return field.examples.join(QStringLiteral(", "));
}

QString PayloadShape::describe(const QString &eventType) const
{
    QString text = QStringLiteral("%1: learnt from %2 payload(s)%3\n")
                       .arg(eventType)
                       .arg(m_payloads)
                       .arg(m_truncated ? QStringLiteral(", the first %1 fields").arg(MaxFields)
                                        : QString());
    qsizetype width = 0;
    for (const Field &field : m_fields)
        width = std::max(width, field.path.size());
    for (const Field &field : m_fields) {
        const qint64 parents = parentOccurrences(field);
        const QString presence
            = isItems(field.path) ? QStringLiteral("items")
              : isRequired(field)
                  ? QStringLiteral("always")
                  : QStringLiteral("%1%").arg(parents ? 100 * field.occurrences / parents : 0);
        text += QStringLiteral("  %1  %2  %3  %4")
                    .arg(field.path, -int(width))
                    .arg(typesText(field), -17)
                    .arg(presence, -6)
                    .arg(valuesText(field))
                    .trimmed()
                    .prepend(QStringLiteral("  "))
                + QLatin1Char('\n');
    }
    return text;
}

QStringList PayloadShape::differences(const QJsonObject &payload) const
{
    QStringList found;
    if (m_payloads < DriftAfter)
        return found;
    const Seen seen = Seen::of(payload);
    for (const QString &path : seen.order) {
        const Seen::Entry &entry = seen.entries[path];
        const Field *known = field(path);
        if (!known) {
            // Said once, where it starts: not again for each field inside it.
            if (!m_truncated && (entry.parent.isEmpty() || field(entry.parent)))
                found << QStringLiteral("new field %1").arg(path);
            continue;
        }
        for (auto type = entry.types.cbegin(); type != entry.types.cend(); ++type) {
            const bool integerAsNumber = type.key() == QLatin1String("integer")
                                         && known->types.contains(QStringLiteral("number"));
            if (!known->types.contains(type.key()) && !integerAsNumber) {
                found
                    << QStringLiteral("%1 is %2, was %3").arg(path, type.key(), typesText(*known));
                break;
            }
        }
    }
    for (const Field &known : m_fields) {
        if (!isRequired(known) || parentOccurrences(known) < DriftAfter)
            continue;
        const qint64 parents = known.parent.isEmpty() ? 1 : seen.objects(known.parent);
        if (parents > 0 && seen.count(known.path) < parents)
            found << QStringLiteral("%1 is missing (every earlier one had it: %2)")
                         .arg(known.path)
                         .arg(known.occurrences);
    }
    // A payload of thousands of new names is said in a few lines.
    if (found.size() > MaxDifferences) {
        const qsizetype more = found.size() - MaxDifferences;
        found.resize(MaxDifferences);
        found << QStringLiteral("and %1 more").arg(more);
    }
    return found;
}

QJsonObject PayloadShape::toJson() const
{
    QJsonArray fields;
    for (const Field &field : m_fields) {
        QJsonObject types;
        for (auto type = field.types.cbegin(); type != field.types.cend(); ++type)
            types.insert(type.key(), double(type.value()));
        QJsonObject entry{{QStringLiteral("path"), field.path},
                          {QStringLiteral("parent"), field.parent},
                          {QStringLiteral("occurrences"), double(field.occurrences)},
                          {QStringLiteral("types"), types},
                          {QStringLiteral("examples"), QJsonArray::fromStringList(field.examples)}};
        if (field.manyValues)
            entry.insert(QStringLiteral("manyValues"), true);
        else
            entry.insert(QStringLiteral("values"), QJsonArray::fromStringList(field.values));
        fields.append(entry);
    }
    return {{QStringLiteral("payloads"), double(m_payloads)},
            {QStringLiteral("truncated"), m_truncated},
            {QStringLiteral("fields"), fields}};
}

PayloadShape PayloadShape::fromJson(const QJsonObject &json)
{
    PayloadShape shape;
    shape.m_payloads = qint64(json.value(QStringLiteral("payloads")).toDouble());
    shape.m_truncated = json.value(QStringLiteral("truncated")).toBool();
    const auto strings = [](const QJsonValue &value) {
        QStringList list;
        for (const QJsonValue item : value.toArray())
            list.append(item.toString());
        return list;
    };
    for (const QJsonValue value : json.value(QStringLiteral("fields")).toArray()) {
        const QJsonObject entry = value.toObject();
        Field &field = shape.fieldAt(entry.value(QStringLiteral("path")).toString(),
                                     entry.value(QStringLiteral("parent")).toString());
        field.occurrences = qint64(entry.value(QStringLiteral("occurrences")).toDouble());
        const QJsonObject types = entry.value(QStringLiteral("types")).toObject();
        for (auto type = types.begin(); type != types.end(); ++type)
            field.types.insert(type.key(), qint64(type.value().toDouble()));
        field.examples = strings(entry.value(QStringLiteral("examples")));
        field.manyValues = entry.value(QStringLiteral("manyValues")).toBool();
        field.values = strings(entry.value(QStringLiteral("values")));
    }
    return shape;
}

QList<const PayloadShape::Field *> PayloadShape::childrenOf(const QString &path) const
{
    QList<const Field *> children;
    for (const Field &field : m_fields) {
        if (field.parent == path && !isItems(field.path))
            children.append(&field);
    }
    return children;
}

QJsonObject PayloadShape::schemaOf(const QString &path) const
{
    const Field *field = this->field(path);
    QJsonObject schema;
    if (!field)
        return schema;
    QStringList types = field->types.keys();
    // Every integer is a number: "number" alone covers both.
    if (types.contains(QStringLiteral("number")))
        types.removeAll(QStringLiteral("integer"));
    types.sort();
    schema.insert(QStringLiteral("type"), types.size() == 1
                                              ? QJsonValue(types.first())
                                              : QJsonValue(QJsonArray::fromStringList(types)));
    if (field->types.contains(QStringLiteral("object"))) {
        QJsonObject properties;
        QJsonArray required;
        for (const Field *child : childrenOf(path)) {
            properties.insert(lastName(*child), schemaOf(child->path));
            if (isRequired(*child))
                required.append(lastName(*child));
        }
        schema.insert(QStringLiteral("properties"), properties);
        if (!required.isEmpty())
            schema.insert(QStringLiteral("required"), required);
    }
    if (field->types.contains(QStringLiteral("array")) && this->field(path + QStringLiteral("[]")))
        schema.insert(QStringLiteral("items"), schemaOf(path + QStringLiteral("[]")));
    if (isEnum(*field)) {
        QJsonArray values;
        for (const QString &value : field->values)
            values.append(QJsonDocument::fromJson('[' + value.toUtf8() + ']').array().first());
        schema.insert(QStringLiteral("enum"), values);
    }
    return schema;
}

QJsonObject PayloadShape::jsonSchema(const QString &title) const
{
    QJsonObject properties;
    QJsonArray required;
    for (const Field *child : childrenOf(QString())) {
        properties.insert(lastName(*child), schemaOf(child->path));
        if (isRequired(*child))
            required.append(lastName(*child));
    }
    QJsonObject schema{
        {QStringLiteral("$schema"), QStringLiteral("https://json-schema.org/draft/2020-12/schema")},
        {QStringLiteral("title"), title},
        {QStringLiteral("description"),
         QStringLiteral("Learnt by Hookscope from %1 payload(s)").arg(m_payloads)},
        {QStringLiteral("type"), QStringLiteral("object")},
        {QStringLiteral("properties"), properties}};
    if (!required.isEmpty())
        schema.insert(QStringLiteral("required"), required);
    return schema;
}

QString PayloadShape::typeScriptOf(const QString &path, int depth) const
{
    const Field *field = this->field(path);
    if (!field)
        return QStringLiteral("unknown");
    const QString indent(2 * (depth + 1), QLatin1Char(' '));
    QStringList alternatives;
    QStringList names = field->types.keys();
    names.sort();
    if (isEnum(*field))
        return field->values.join(QStringLiteral(" | "));
    for (const QString &type : std::as_const(names)) {
        if (type == QLatin1String("object")) {
            QString object = QStringLiteral("{\n");
            for (const Field *child : childrenOf(path))
                object += indent + typeScriptKey(lastName(*child))
                          + (isRequired(*child) ? QStringLiteral(": ") : QStringLiteral("?: "))
                          + typeScriptOf(child->path, depth + 1) + QStringLiteral(";\n");
            alternatives << object + QString(2 * depth, QLatin1Char(' ')) + QLatin1Char('}');
        } else if (type == QLatin1String("array")) {
            const QString items = typeScriptOf(path + QStringLiteral("[]"), depth);
            alternatives << (items.contains(QLatin1Char(' ')) && !items.startsWith(QLatin1Char('{'))
                                 ? QStringLiteral("(%1)[]").arg(items)
                                 : items + QStringLiteral("[]"));
        } else {
            const QString name = type == QLatin1String("integer") ? QStringLiteral("number") : type;
            if (!alternatives.contains(name))
                alternatives << name;
        }
    }
    return alternatives.join(QStringLiteral(" | "));
}

QString PayloadShape::typeScript(const QString &eventType) const
{
    QString text = QStringLiteral("// Learnt by Hookscope from %1 payload(s) of %2.\n")
                       .arg(m_payloads)
                       .arg(eventType);
    text += QStringLiteral("export interface %1 {\n").arg(typeName(eventType));
    for (const Field *child : childrenOf(QString()))
        text += QStringLiteral("  ") + typeScriptKey(lastName(*child))
                + (isRequired(*child) ? QStringLiteral(": ") : QStringLiteral("?: "))
                + typeScriptOf(child->path, 1) + QStringLiteral(";\n");
    return text + QStringLiteral("}\n");
}

} // namespace Hookscope
