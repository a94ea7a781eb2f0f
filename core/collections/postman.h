#pragma once

#include "collection.h"

namespace Hookscope {

// Postman Collection v2.1 (STANDARDS.md) to and from a Hookscope collection: folders, variables,
// headers, raw / urlencoded / formdata / graphql bodies, basic and bearer auth. {{name}}
// placeholders stay variables both ways; {{secret:NAME}} goes out as written, never as a value.
class Postman final
{
public:
    static constexpr const char *Schema
        = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json";

    // What cannot be carried over (file bodies, other auth types, scripts) is listed in
    // `warnings`; a file that is not a Postman v2 collection gives nothing, and `error` says
    // where.
    static std::optional<Collection> read(const QByteArray &json, QStringList *warnings,
                                          QString *error);
    // Environments stay behind (Postman keeps them in files of their own); a body that is not
    // UTF-8 text cannot be written as Postman raw text and is named in `warnings`.
    static QByteArray write(const Collection &collection, QStringList *warnings);
};

} // namespace Hookscope
