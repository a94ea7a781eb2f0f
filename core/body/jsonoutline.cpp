#include "jsonoutline.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Hookscope {
namespace {

qsizetype skipSpace(const QByteArray &json, qsizetype at, qsizetype end)
{
    while (at < end
           && (json[at] == ' ' || json[at] == '\n' || json[at] == '\r' || json[at] == '\t'))
        ++at;
    return at;
}

// One past the end of the string starting at the quote at `at`.
qsizetype skipString(const QByteArray &json, qsizetype at, qsizetype end)
{
    for (++at; at < end; ++at) {
        if (json[at] == '\\')
            ++at;
        else if (json[at] == '"')
            return at + 1;
    }
    return end;
}

// One past the end of the value starting at `at`.
qsizetype skipValue(const QByteArray &json, qsizetype at, qsizetype end)
{
    const char first = json[at];
    if (first == '"')
        return skipString(json, at, end);
    if (first != '{' && first != '[') {
        while (at < end && json[at] != ',' && json[at] != '}' && json[at] != ']' && json[at] != ' '
               && json[at] != '\n' && json[at] != '\r' && json[at] != '\t')
            ++at;
        return at;
    }
    int depth = 0;
    for (; at < end; ++at) {
        const char c = json[at];
        if (c == '"') {
            at = skipString(json, at, end) - 1;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return at + 1;
        }
    }
    return end;
}

JsonNode::Type typeAt(char first)
{
    switch (first) {
    case '{': return JsonNode::Type::Object;
    case '[': return JsonNode::Type::Array;
    case '"': return JsonNode::Type::String;
    case 't':
    case 'f':
    case 'n': return JsonNode::Type::Literal;
    default: return JsonNode::Type::Number;
    }
}

QString unescapeString(const QByteArray &quoted)
{
    const QJsonDocument wrapped = QJsonDocument::fromJson("[" + quoted + "]");
    return wrapped.array().at(0).toString();
}

} // namespace

JsonNode JsonOutline::root(const QByteArray &json)
{
    JsonNode node;
    node.begin = skipSpace(json, 0, json.size());
    if (node.begin >= json.size())
        return node;
    node.type = typeAt(json[node.begin]);
    node.end = skipValue(json, node.begin, json.size());
    return node;
}

QList<JsonNode> JsonOutline::children(const QByteArray &json, const JsonNode &node)
{
    QList<JsonNode> found;
    if (node.type != JsonNode::Type::Object && node.type != JsonNode::Type::Array)
        return found;
    const qsizetype end = node.end - 1; // the closing bracket
    qsizetype at = skipSpace(json, node.begin + 1, end);
    while (at < end) {
        JsonNode child;
        if (node.type == JsonNode::Type::Object) {
            if (json[at] != '"')
                break; // not JSON: stop rather than guess
            const qsizetype keyEnd = skipString(json, at, end);
            child.key = unescapeString(json.mid(at, keyEnd - at));
            at = skipSpace(json, keyEnd, end);
            if (at >= end || json[at] != ':')
                break;
            at = skipSpace(json, at + 1, end);
        }
        if (at >= end)
            break;
        child.type = typeAt(json[at]);
        child.begin = at;
        child.end = std::min(skipValue(json, at, end + 1), end);
        // Every step moves forward, whatever the bytes: the outline ends on any input.
        if (child.end <= child.begin)
            break;
        found.append(child);
        at = skipSpace(json, child.end, end);
        if (at < end && json[at] != ',')
            break;
        if (at < end)
            at = skipSpace(json, at + 1, end);
    }
    return found;
}

QString JsonOutline::preview(const QByteArray &json, const JsonNode &node, int maxLength)
{
    QString text;
    switch (node.type) {
    case JsonNode::Type::Object: return QStringLiteral("{…}");
    case JsonNode::Type::Array: return QStringLiteral("[…]");
    case JsonNode::Type::String:
        // Long strings are cut before unescaping; the cut keeps escapes whole.
        if (node.end - node.begin > maxLength * 2) {
            qsizetype cut = node.begin + maxLength * 2;
            while (cut > node.begin + 1 && json[cut - 1] == '\\')
                --cut;
            text = unescapeString(json.mid(node.begin, cut - node.begin) + '"');
        } else {
            text = unescapeString(json.mid(node.begin, node.end - node.begin));
        }
        text = QLatin1Char('"') + text + QLatin1Char('"');
        break;
    default: text = QString::fromUtf8(json.mid(node.begin, node.end - node.begin));
    }
    if (text.size() > maxLength)
        text = text.left(maxLength) + QStringLiteral("…");
    return text;
}

} // namespace Hookscope
