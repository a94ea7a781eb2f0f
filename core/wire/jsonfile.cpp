#include "jsonfile.h"

#include "jsonpath.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace Hookscope {

std::optional<QByteArray> JsonFile::read(const QString &path, QString *error, qint64 maxBytes)
{
    // A device or a pipe (/dev/zero, a FIFO) has no size to check and may never end.
    const QFileInfo info(path);
    if (info.exists() && !info.isFile()) {
        *error = QStringLiteral("cannot read %1: not a regular file (a folder, device or pipe); "
                                "choose a file")
                     .arg(path);
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    if (file.size() > maxBytes) { // refused before a byte is read
        *error = QStringLiteral("%1 is %2 MB; files up to %3 MB can be read")
                     .arg(path)
                     .arg(file.size() / (1024 * 1024))
                     .arg(maxBytes / (1024 * 1024));
        return std::nullopt;
    }
    return readCapped(file, path, error, maxBytes);
}

std::optional<QByteArray> JsonFile::readCapped(QFile &file, const QString &name, QString *error,
                                               qint64 maxBytes)
{
    // Read up to one byte past the cap: a file that grows while read is held to it too.
    QByteArray bytes = file.read(maxBytes + 1);
    if (bytes.size() > maxBytes) {
        *error = QStringLiteral("%1 is over %2 MB; files up to %2 MB can be read")
                     .arg(name)
                     .arg(maxBytes / (1024 * 1024));
        return std::nullopt;
    }
    if (file.error() != QFileDevice::NoError) {
        *error = QStringLiteral("cannot read %1: %2").arg(name, file.errorString());
        return std::nullopt;
    }
    return bytes;
}

std::optional<QJsonObject> JsonFile::parseObject(const QByteArray &json, QString *error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt's offset is just past the character that did not fit.
        *error = QStringLiteral("not valid JSON at %1: %2")
                     .arg(lineAndColumn(json, std::max(0, parseError.offset - 1)),
                          parseError.errorString());
        return std::nullopt;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("the JSON is not an object at line 1");
        return std::nullopt;
    }
    return document.object();
}

QString JsonFile::lineAndColumn(const QByteArray &json, qsizetype offset)
{
    const QByteArray before = json.left(offset);
    const qsizetype lastLine = before.lastIndexOf('\n');
    return QStringLiteral("line %1, column %2").arg(before.count('\n') + 1).arg(offset - lastLine);
}

bool JsonFile::writeAtomically(const QString &path, const QByteArray &bytes, QString *error,
                               Access access)
{
    QSaveFile file(path);
    // Private before the first byte is written, whatever mode a file it replaces had.
    const bool opened = file.open(QIODevice::WriteOnly)
                        && (access == Access::Shared
                            || file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    if (!opened || file.write(bytes) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

bool JsonFile::isText(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes).toUtf8() == bytes && !bytes.contains('\0');
}

qsizetype JsonFile::firstNonText(const QByteArray &bytes)
{
    if (isText(bytes))
        return -1;
    // Text up to there decodes and encodes back the same; the first byte that does not is it.
    qsizetype good = 0;
    while (good < bytes.size()) {
        const uchar lead = uchar(bytes[good]);
        const qsizetype length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        const QByteArray character = bytes.mid(good, length);
        if (lead == 0 || QString::fromUtf8(character).toUtf8() != character)
            return good;
        good += length;
    }
    return good;
}

QString JsonFile::fieldProblem(const QJsonObject &object, std::initializer_list<Field> fields)
{
    const auto kindOf = [](const QJsonValue &value) {
        switch (value.type()) {
        case QJsonValue::String: return String;
        case QJsonValue::Double: return Number;
        case QJsonValue::Bool: return Bool;
        case QJsonValue::Array: return Array;
        case QJsonValue::Object: return Object;
        default: return Kind(0);
        }
    };
    const auto named = [](int kinds) {
        QStringList names;
        for (const auto &[kind, name] :
             {std::pair{String, "a string"}, std::pair{Number, "a number"},
              std::pair{Bool, "true or false"}, std::pair{Array, "an array"},
              std::pair{Object, "an object"}}) {
            if (kinds & kind)
                names.append(QLatin1String(name));
        }
        return names.join(QStringLiteral(" or "));
    };
    for (const Field &field : fields) {
        const QJsonValue value = object.value(QLatin1String(field.name));
        if (value.isUndefined() || value.isNull() || (kindOf(value) & field.kinds))
            continue;
        return QStringLiteral("\"%1\" must be %2, not %3")
            .arg(QLatin1String(field.name), named(field.kinds), named(kindOf(value)));
    }
    return {};
}

void JsonFile::putBytes(QJsonObject &object, const QString &key, const QByteArray &bytes)
{
    if (isText(bytes)) {
        object.insert(key, QString::fromUtf8(bytes));
    } else {
        object.insert(key, QString::fromLatin1(bytes.toBase64()));
        object.insert(key + QStringLiteral("Encoding"), QStringLiteral("base64"));
    }
}

std::optional<QByteArray> JsonFile::bytesAt(const QJsonObject &object, const QString &key,
                                            QString *error)
{
    const QString value = object.value(key).toString();
    if (object.value(key + QStringLiteral("Encoding")).toString() != QLatin1String("base64"))
        return value.toUtf8();
    const auto decoded
        = QByteArray::fromBase64Encoding(value.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        *error = QStringLiteral("\"%1\" is marked base64 but is not").arg(key);
        return std::nullopt;
    }
    return decoded.decoded;
}

namespace {

qsizetype skipSpace(QByteArrayView json, qsizetype at)
{
    while (at < json.size()
           && (json[at] == ' ' || json[at] == '\t' || json[at] == '\n' || json[at] == '\r'))
        ++at;
    return at;
}

// Past the string that starts at `at` (its opening quote).
qsizetype skipString(QByteArrayView json, qsizetype at)
{
    for (++at; at < json.size(); ++at) {
        if (json[at] == '\\')
            ++at;
        else if (json[at] == '"')
            return at + 1;
    }
    return at;
}

// Past the value that starts at `at`, in JSON already known to be well-formed.
qsizetype skipValue(QByteArrayView json, qsizetype at)
{
    if (at >= json.size())
        return at;
    if (json[at] == '"')
        return skipString(json, at);
    if (json[at] != '{' && json[at] != '[') {
        while (at < json.size() && !QByteArrayView(",}] \t\n\r").contains(json[at]))
            ++at;
        return at;
    }
    int depth = 0;
    while (at < json.size()) {
        const char c = json[at];
        if (c == '"') {
            at = skipString(json, at);
            continue;
        }
        if (c == '{' || c == '[')
            ++depth;
        else if ((c == '}' || c == ']') && --depth == 0)
            return at + 1;
        ++at;
    }
    return at;
}

// One member of an object or element of an array, by byte offsets.
struct RawItem
{
    QString name;        // a member's; empty for an element
    qsizetype nameStart; // a member's opening quote; the value's start for an element
    qsizetype start;
    qsizetype end;
};

QString decodedName(QByteArrayView quotedName)
{
    if (!quotedName.contains('\\'))
        return QString::fromUtf8(quotedName.sliced(1, quotedName.size() - 2));
    // Escaped: read as JSON reads it.
    return QJsonDocument::fromJson("[" + quotedName.toByteArray() + "]").array().first().toString();
}

// The members of the object, or the elements of the array, starting at `at` (its '{' or '['),
// in JSON known to be well-formed.
QList<RawItem> rawItems(QByteArrayView json, qsizetype at)
{
    const bool isObject = json[at] == '{';
    QList<RawItem> items;
    for (at = skipSpace(json, at + 1); at < json.size() && json[at] != '}' && json[at] != ']';) {
        RawItem item{{}, at, at, at};
        if (isObject) {
            const qsizetype nameEnd = skipString(json, at);
            item.name = decodedName(json.sliced(at, nameEnd - at));
            item.start = skipSpace(json, skipSpace(json, nameEnd) + 1); // past the ':'
        }
        item.end = skipValue(json, item.start);
        items.append(item);
        at = skipSpace(json, item.end);
        if (at < json.size() && json[at] == ',')
            at = skipSpace(json, at + 1);
    }
    return items;
}

// Where the top-level value starts: past a UTF-8 byte-order mark (Qt's parser accepts one)
// and white space.
qsizetype topLevelStart(QByteArrayView json)
{
    return skipSpace(json, json.startsWith("\xEF\xBB\xBF") ? 3 : 0);
}

QString kindOf(char first)
{
    switch (first) {
    case '"': return QStringLiteral("a string");
    case '[': return QStringLiteral("a list");
    case 't':
    case 'f': return QStringLiteral("a boolean");
    case 'n': return QStringLiteral("null");
    default: return QStringLiteral("a number");
    }
}

} // namespace

std::optional<QList<JsonFile::RawMember>> JsonFile::rawMembers(QByteArrayView json, QString *error)
{
    if (!parseObject(json.toByteArray(), error))
        return std::nullopt;
    QList<RawMember> members;
    for (const RawItem &item : rawItems(json, topLevelStart(json)))
        members.append(RawMember{item.name, json.sliced(item.start, item.end - item.start)});
    return members;
}

std::optional<QByteArray> JsonFile::withValueAt(const QByteArray &json, const JsonPath &path,
                                                const QByteArray &value, QString *error)
{
    QJsonParseError parseError;
    QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("the payload is not valid JSON at %1: %2")
                     .arg(lineAndColumn(json, std::max(0, parseError.offset - 1)),
                          parseError.errorString());
        return std::nullopt;
    }
    if (QJsonDocument::fromJson("[" + value + "]").array().size() != 1) {
        *error = QStringLiteral("%1 is not one JSON value").arg(QString::fromUtf8(value));
        return std::nullopt;
    }
    const QList<JsonPath::Step> &steps = path.steps();
    qsizetype start = topLevelStart(json);
    qsizetype end = skipValue(json, start);
    QString reached = QStringLiteral("the payload");
    for (qsizetype depth = 0; depth < steps.size(); ++depth) {
        const JsonPath::Step &step = steps.at(depth);
        const QList<RawItem> items
            = json[start] == '{' || json[start] == '[' ? rawItems(json, start) : QList<RawItem>();
        if (json[start] == '[') {
            const qsizetype index = JsonPath::indexOf(step);
            if (index < 0 || index >= items.size()) {
                *error = QStringLiteral("%1 is a list of %2; \"%3\" is not an index in it")
                             .arg(reached)
                             .arg(items.size())
                             .arg(step.name);
                return std::nullopt;
            }
            start = items.at(index).start;
            end = items.at(index).end;
        } else if (json[start] == '{') {
            const auto found
                = std::find_if(items.crbegin(), items.crend(), [&](const RawItem &item) {
                      return step.index < 0 && item.name == step.name;
                  });
            if (found != items.crend()) {
                start = found->start;
                end = found->end;
            } else if (depth + 1 < steps.size() || step.index >= 0) {
                *error
                    = QStringLiteral("no field \"%1\" in the payload").arg(path.prefix(depth + 1));
                return std::nullopt;
            } else {
                // A new last member, laid out as the one before it.
                const QByteArray member = QJsonDocument(QJsonArray{step.name})
                                              .toJson(QJsonDocument::Compact)
                                              .sliced(1)
                                              .chopped(1)
                                          + (json.contains("\": ") ? ": " : ":") + value;
                if (items.isEmpty())
                    return json.first(start + 1) + member + json.sliced(start + 1);
                qsizetype indent = items.last().nameStart;
                while (indent > 0 && QByteArrayView(" \t\r\n").contains(json[indent - 1]))
                    --indent;
                const QByteArray separator
                    = "," + json.sliced(indent, items.last().nameStart - indent);
                return json.first(items.last().end) + separator + member
                       + json.sliced(items.last().end);
            }
        } else {
            *error = QStringLiteral("%1 is %2, not an object").arg(reached, kindOf(json[start]));
            return std::nullopt;
        }
        reached = QStringLiteral("\"%1\"").arg(path.prefix(depth + 1));
    }
    return json.first(start) + value + json.sliced(end);
}

} // namespace Hookscope
