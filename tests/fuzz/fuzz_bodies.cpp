// Bodies as the detail pane reads them: the JSON re-indenter and outline, multipart and form
// splitting. Never a crash; the outline ends on any input and stays inside its parent.
#include "body/bodyformatter.h"
#include "body/bodyparts.h"
#include "body/jsonoutline.h"

#include <QJsonDocument>

#include <cstdint>
#include <cstdlib>

using namespace Hookscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    // The first line is the content type, the rest the body.
    const qsizetype lineEnd = bytes.indexOf('\n');
    const QByteArray contentType = lineEnd < 0 ? QByteArray() : bytes.left(lineEnd);
    const QByteArray body = lineEnd < 0 ? bytes : bytes.mid(lineEnd + 1);
    QString error;
    BodyParts::split(body, contentType, &error);
    BodyFormatter::format(body, contentType);

    const bool valid = !BodyFormatter::indentJson(body, &error).isEmpty() || error.isEmpty();
    // An object or array the re-indenter accepts, Qt's parser accepts too (within its nesting
    // limit; Qt takes no scalar at the top, nor a number past a double's range, which JSON
    // allows and the re-indenter keeps as written).
    const QByteArray trimmed = body.trimmed();
    const bool container = trimmed.startsWith('{') || trimmed.startsWith('[');
    QJsonParseError parsed;
    if (valid && container && body.count('[') + body.count('{') < 500
        && QJsonDocument::fromJson(body, &parsed).isNull()
        && parsed.error != QJsonParseError::IllegalNumber)
        std::abort();
    QList<JsonNode> toVisit{JsonOutline::root(body)};
    qsizetype visited = 0;
    while (!toVisit.isEmpty()) {
        const JsonNode node = toVisit.takeLast();
        if (++visited > body.size() + 1)
            std::abort(); // more nodes than bytes: it went round in circles
        for (const JsonNode &child : JsonOutline::children(body, node)) {
            if (child.begin <= node.begin || child.end > node.end || child.end <= child.begin)
                std::abort();
            toVisit.append(child);
        }
        JsonOutline::preview(body, node);
    }
    return 0;
}
