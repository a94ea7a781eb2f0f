// What a client sends first to the HTTPS port, looked at for the name it asks for before the
// handshake: never a crash or a read past the end; once a name is read, more bytes after it do
// not change it; a name read carries only what host names hold.
#include "receiver/clienthello.h"

#include <cstdint>
#include <cstdlib>

using namespace Hookscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const std::optional<QString> name = serverNameInClientHello(bytes);
    if (size == 0)
        return 0;
    const std::optional<QString> shorter = serverNameInClientHello(bytes.chopped(1));
    if (shorter && shorter != name)
        std::abort();
    if (name) {
        for (const QChar c : *name) {
            if (c.unicode() <= ' ' || c.unicode() > '~')
                std::abort();
        }
    }
    return 0;
}
