#pragma once

#include "collection.h"
#include "wire/capturedrequest.h"

namespace Hookscope {

// What File → Import and `hookscope-cli import` accept, told apart by their content rather than
// their name, and turned into collection items where they are to go into a collection.
class Importer final
{
public:
    enum class Format { Unknown, Har, Postman, Collection, Curl };

    static Format detect(const QByteArray &bytes);
    static QString formatName(Format format);
    // The requests of a HAR, Postman, Hookscope collection or curl file as a collection
    // (HAR entries as Collection::fromCaptures makes them: {{baseUrl}} is the scheme and host
    // most of them were sent to; the others keep theirs).
    // `name` names it when the file does not. Nothing, with the reason, on a mistake.
    static std::optional<Collection> asCollection(const QByteArray &bytes, const QString &name,
                                                  QStringList *warnings, QString *error);
    // A HAR file's entries as captures: all of them; or, when some cannot be read, those that can
    // with the others described in `skipped` and the first mistake in `error`; or none, saying
    // why in `error`. Each front end decides whether a partial file is imported.
    struct HarCaptures
    {
        QList<CapturedRequest> captures;
        QStringList skipped;
        QString error;
    };
    static HarCaptures harCaptures(const QByteArray &bytes);
    // `from`'s items appended to `into`'s (in the folder at `folder`); its variables and
    // environments added where `into` has none of that name (what is there already wins).
    static void merge(const Collection &from, Collection *into, const QList<int> &folder = {});
};

} // namespace Hookscope
