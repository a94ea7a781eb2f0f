#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Hookscope {

// A JSON value located in the document's bytes, so a tree view can open a 20 MB body one level
// at a time, in the order the sender wrote it, without building the whole tree first.
struct JsonNode
{
    enum class Type { Object, Array, String, Number, Literal };
    QString key; // the member name inside an object; empty in arrays and at the root
    Type type = Type::Literal;
    qsizetype begin = 0; // first byte of the value
    qsizetype end = 0;   // one past its last byte
};

// Meant for valid JSON (check it first: BodyFormatter::indentJson); never allocates per byte,
// and ends on any input: what is not JSON is left out, never looped over.
class JsonOutline final
{
public:
    static JsonNode root(const QByteArray &json);
    // The members of an object or the items of an array.
    static QList<JsonNode> children(const QByteArray &json, const JsonNode &node);
    // A short readable form: strings unescaped, containers as {…}/[…], cut at `maxLength`.
    static QString preview(const QByteArray &json, const JsonNode &node, int maxLength = 200);
};

} // namespace Hookscope
