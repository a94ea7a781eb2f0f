#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Hookscope {

// The shape of the JSON payloads of one event type, learnt one payload at a time: each field
// by path, the JSON types it came as, how often it was there, a few examples, and its values
// while they are few (an enum). Paths are written "data.object.amount_paid", a list's items
// "lines.data[]" and their fields "lines.data[].amount"; a name that is not a plain word is
// quoted: ["x-key"].
class PayloadShape final
{
public:
    struct Field
    {
        QString path;
        QString parent;         // the object's path the field is in ("" at the top); a list's items
                                // are in the list
        qint64 occurrences = 0; // times it was there (each list item counts)
        QHash<QString, qint64> types; // "string", "integer", "number", "boolean", "null",
                                      // "object", "array": how often each
        QStringList examples;         // up to 3 different values, as JSON
        QStringList values;           // every value seen, as JSON, while there are few
        bool manyValues = false;      // more different values than an enum has
    };

    // Fields past this many are not learnt (a payload that uses ids as names would grow
    // without end); truncated() says so.
    static constexpr int MaxFields = 2000;
    // Up to this many different values make an enum.
    static constexpr int MaxEnumValues = 10;
    // How many payloads a shape needs before a new one can be said to differ from it.
    static constexpr qint64 DriftAfter = 5;
    // Differences said at most; the rest are counted.
    static constexpr qsizetype MaxDifferences = 20;

    // Learns one payload.
    void add(const QJsonObject &payload);
    // How `payload` differs from what was learnt so far, in words, one line per difference:
    // a field never seen before, a field every earlier one had missing, a type not seen for
    // a field; past MaxDifferences, how many more. Empty when it does not, or while fewer than
    // DriftAfter payloads were learnt.
    QStringList differences(const QJsonObject &payload) const;

    qint64 payloads() const { return m_payloads; }
    bool truncated() const { return m_truncated; }
    // In the order first seen, parents before their fields.
    const QList<Field> &fields() const { return m_fields; }
    const Field *field(const QString &path) const;
    // How many times the object (or list) a field is in was there: its occurrences out of
    // these say how often it is present.
    qint64 parentOccurrences(const Field &field) const;
    bool isRequired(const Field &field) const;
    // "integer", "string or null": the types a field came as, for people.
    static QString typesText(const Field &field);
    // Two to MaxEnumValues different scalar values, each seen more than once: an enum. (One
    // value alone may be a constant or a coincidence of few payloads: not said to be one.)
    static bool isEnum(const Field &field);
    // "one of "open", "paid"", or up to three examples: what its values look like.
    static QString valuesText(const Field &field);
    // The whole shape as lines of text: path, types, how often present, values.
    QString describe(const QString &eventType) const;

    // Kept as JSON (in the search index); a shape it cannot read comes back empty.
    QJsonObject toJson() const;
    static PayloadShape fromJson(const QJsonObject &json);
    // JSON Schema (draft 2020-12) every learnt payload is valid against.
    QJsonObject jsonSchema(const QString &title) const;
    // TypeScript declarations of the same, the top one named after `eventType`.
    QString typeScript(const QString &eventType) const;

private:
    struct Seen; // one payload's fields, gathered before they are merged
    Field &fieldAt(const QString &path, const QString &parent);
    QJsonObject schemaOf(const QString &path) const;
    QString typeScriptOf(const QString &path, int depth) const;
    QList<const Field *> childrenOf(const QString &path) const;

    qint64 m_payloads = 0;
    bool m_truncated = false;
    QList<Field> m_fields;
    QHash<QString, qsizetype> m_byPath;
};

} // namespace Hookscope
