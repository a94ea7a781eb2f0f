// Pasted curl commands (bash and cmd quoting): never a crash, and what parses copies back to a
// command that parses to the same request.
#include "collections/curlcommand.h"

#include <cstdint>
#include <cstdlib>

using namespace Hookscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString command
        = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    QString error;
    const std::optional<RequestTemplate> parsed = CurlCommand::parse(command, &error);
    if (!parsed) {
        if (error.isEmpty())
            std::abort(); // a refusal always says why
        return 0;
    }
    HeaderList headers;
    for (const TemplateHeader &header : parsed->headers)
        headers.append({header.name, header.value});
    const QString copied
        = CurlCommand::fromRequest(parsed->method, parsed->url, headers, parsed->body);
    const std::optional<RequestTemplate> again = CurlCommand::parse(copied, &error);
    if (!again || again->method != parsed->method || again->body != parsed->body)
        std::abort();
    return 0;
}
