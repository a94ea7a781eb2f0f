// Files from outside: HAR, Postman and Hookscope collections, mock rules. Never a crash, a
// refusal always says why, and what is read is written back to bytes that read the same.
#include "collections/collection.h"
#include "collections/har.h"
#include "collections/postman.h"
#include "mock/mockrules.h"

#include <cstdint>
#include <cstdlib>

using namespace Hookscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    QStringList warnings;
    QStringList skipped;
    if (!Har::read(bytes, &error, &skipped) && error.isEmpty())
        std::abort();
    error.clear();
    if (const std::optional<Collection> postman = Postman::read(bytes, &warnings, &error)) {
        Postman::write(*postman, &warnings);
    } else if (error.isEmpty()) {
        std::abort();
    }
    error.clear();
    if (const std::optional<Collection> collection = Collection::fromJson(bytes, &error)) {
        const QByteArray written = collection->toJson();
        const std::optional<Collection> reread = Collection::fromJson(written, &error);
        if (!reread || reread->toJson() != written)
            std::abort(); // stable bytes: a saved collection reads back the same
    } else if (error.isEmpty()) {
        std::abort();
    }
    error.clear();
    if (std::optional<MockRules> rules = MockRules::fromJson(bytes, &error)) {
        CapturedRequest request;
        request.method = "POST";
        request.target = "/webhooks/stripe?x=1";
        request.headers = {{"Content-Type", "application/json"}};
        request.body = R"({"type":"invoice.paid","data":{"object":{"id":"in_1"}}})";
        rules->decide(request);
    } else if (error.isEmpty()) {
        std::abort();
    }
    return 0;
}
