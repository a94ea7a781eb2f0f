#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

class QFile;

namespace Hookscope {
class JsonPath;
}

namespace Hookscope {

// Reading and writing the JSON files Hookscope imports and saves: errors say where, saves are
// whole or not at all.
class JsonFile final
{
public:
    // Larger files are refused with a message instead of being parsed.
    static constexpr qint64 MaxBytes = 256 * 1024 * 1024;

    // The file's bytes; nothing, with the reason in `error`, when it is not a regular file,
    // cannot be read or is over `maxBytes`.
    static std::optional<QByteArray> read(const QString &path, QString *error,
                                          qint64 maxBytes = MaxBytes);
    // What is left to read of an open file (standard input, say), refused over `maxBytes`;
    // `name` names it in the message.
    static std::optional<QByteArray> readCapped(QFile &file, const QString &name, QString *error,
                                                qint64 maxBytes = MaxBytes);
    // The top-level object; on a mistake, nothing and `error` gives the line and column.
    static std::optional<QJsonObject> parseObject(const QByteArray &json, QString *error);
    // "line L, column C" of a byte offset.
    static QString lineAndColumn(const QByteArray &json, qsizetype offset);
    enum class Access { Shared, OwnerOnly };
    // Through QSaveFile: the old file stays until the new one is complete. OwnerOnly (0600)
    // for what holds captured credentials, such as a HAR export.
    static bool writeAtomically(const QString &path, const QByteArray &bytes, QString *error,
                                Access access = Access::Shared);
    // Reads `path` and parses it with `parse` (a fromJson); a mistake is prefixed with the path.
    template<typename T>
    static std::optional<T> load(const QString &path, QString *error,
                                 std::optional<T> (*parse)(const QByteArray &, QString *))
    {
        const std::optional<QByteArray> bytes = read(path, error);
        if (!bytes)
            return std::nullopt;
        QString problem;
        std::optional<T> parsed = parse(*bytes, &problem);
        if (!parsed)
            *error = path + QStringLiteral(": ") + problem;
        return parsed;
    }
    // True for bytes that are UTF-8 text (JSON can hold them as a string, unchanged).
    static bool isText(const QByteArray &bytes);
    // The byte offset of the first bytes that are not UTF-8 (or a NUL), -1 when all are text.
    static qsizetype firstNonText(const QByteArray &bytes);

    // Bytes under `key`: a string when they are text, else base64 with "<key>Encoding":
    // "base64" beside it (how captures and collections keep bodies).
    static void putBytes(QJsonObject &object, const QString &key, const QByteArray &bytes);
    // Bytes kept by putBytes(); nothing, saying so in `error`, when marked base64 but not.
    static std::optional<QByteArray> bytesAt(const QJsonObject &object, const QString &key,
                                             QString *error);

    // The members of one top-level object in their written order, each value as the exact
    // text it was written with: what a QJsonObject (keys sorted, values written again) loses.
    // Nullopt, saying why, when `json` is not one object.
    struct RawMember
    {
        QString name;
        QByteArrayView value; // into `json`
    };
    static std::optional<QList<RawMember>> rawMembers(QByteArrayView json, QString *error);
    // `json` with the value at `path` replaced by `value`, JSON text written as given; a new
    // last name is added to its object after the members there, laid out as they are. Every
    // other byte stays as it was. Nothing, saying why, when `json` or `value` is not valid, or
    // the path leads through a field that is missing or not an object or list.
    static std::optional<QByteArray> withValueAt(const QByteArray &json, const JsonPath &path,
                                                 const QByteArray &value, QString *error);

    // What a field may hold, combined with |.
    enum Kind { String = 1, Number = 2, Bool = 4, Array = 8, Object = 16 };
    struct Field
    {
        const char *name;
        int kinds;
    };
    // The first of `fields` present in `object` with a type it may not have, said as
    // "\"rules\" must be an array, not a string"; empty when all fit. A missing field (or
    // null) is left to the reader's default.
    static QString fieldProblem(const QJsonObject &object, std::initializer_list<Field> fields);
};

} // namespace Hookscope
