#include "importer.h"

#include "curlcommand.h"
#include "har.h"
#include "wire/jsonfile.h"
#include "postman.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Hookscope {

Importer::Format Importer::detect(const QByteArray &bytes)
{
    const QByteArray start = bytes.left(64).trimmed();
    if (start.startsWith("curl ") || start.startsWith("curl.exe ") || start.startsWith("curl\t"))
        return Format::Curl;
    if (!start.startsWith('{'))
        return Format::Unknown;
    // A whole parse to tell them apart: files are at most JsonFile::MaxBytes.
    const QJsonObject object = QJsonDocument::fromJson(bytes).object();
    if (object.value(QLatin1String("log")).isObject())
        return Format::Har;
    if (object.value(QLatin1String("format")).toString() == QLatin1String("hookscope-collection"))
        return Format::Collection;
    if (object.value(QLatin1String("info")).isObject())
        return Format::Postman;
    // Broken JSON: guessed from how it starts, so that the error comes from the right reader.
    if (bytes.contains("\"log\""))
        return Format::Har;
    if (bytes.contains("\"hookscope-collection\""))
        return Format::Collection;
    if (bytes.contains("getpostman.com"))
        return Format::Postman;
    return Format::Unknown;
}

QString Importer::formatName(Format format)
{
    switch (format) {
    case Format::Har: return QStringLiteral("a HAR file");
    case Format::Postman: return QStringLiteral("a Postman collection");
    case Format::Collection: return QStringLiteral("a Hookscope collection");
    case Format::Curl: return QStringLiteral("a curl command");
    case Format::Unknown: break;
    }
    return QStringLiteral("of a kind Hookscope does not import");
}

std::optional<Collection> Importer::asCollection(const QByteArray &bytes, const QString &name,
                                                 QStringList *warnings, QString *error)
{
    switch (detect(bytes)) {
    case Format::Collection: return Collection::fromJson(bytes, error);
    case Format::Postman: return Postman::read(bytes, warnings, error);
    case Format::Curl: {
        // Read as text, bytes that are not UTF-8 would become U+FFFD and be sent as such.
        if (const qsizetype at = JsonFile::firstNonText(bytes); at >= 0) {
            *error = QStringLiteral("the curl command is not UTF-8 text (byte %1 is 0x%2); save "
                                    "it as UTF-8")
                         .arg(at)
                         .arg(uchar(bytes[at]), 2, 16, QLatin1Char('0'));
            return std::nullopt;
        }
        std::optional<RequestTemplate> request
            = CurlCommand::parse(QString::fromUtf8(bytes), error);
        if (!request)
            return std::nullopt;
        Collection collection;
        collection.name = name;
        CollectionItem item;
        item.name = QUrl(request->url).path();
        item.request = *request;
        collection.items.append(item);
        return collection;
    }
    case Format::Har: {
        QStringList origins;
        const std::optional<QList<CapturedRequest>> captures
            = Har::read(bytes, error, nullptr, &origins);
        if (!captures)
            return std::nullopt;
        return Collection::fromCaptures(*captures, origins, name);
    }
    case Format::Unknown: break;
    }
    *error = QStringLiteral("not a HAR file, Postman collection, Hookscope collection or curl "
                            "command");
    return std::nullopt;
}

Importer::HarCaptures Importer::harCaptures(const QByteArray &bytes)
{
    HarCaptures read;
    if (std::optional<QList<CapturedRequest>> all = Har::read(bytes, &read.error)) {
        read.captures = std::move(*all);
        return read;
    }
    QString unreadable;
    if (std::optional<QList<CapturedRequest>> some = Har::read(bytes, &unreadable, &read.skipped))
        read.captures = std::move(*some);
    return read;
}

void Importer::merge(const Collection &from, Collection *into, const QList<int> &folder)
{
    QList<CollectionItem> *items = into->itemsAt(folder);
    (items ? items : &into->items)->append(from.items);
    for (const Variable &variable : from.variables) {
        if (!into->valuesFor({}).contains(variable.name))
            into->variables.append(variable);
    }
    for (const Environment &environment : from.environments) {
        if (!into->environmentNames().contains(environment.name))
            into->environments.append(environment);
    }
}

} // namespace Hookscope
