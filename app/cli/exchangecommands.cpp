// hookscope-cli export and import: captures to and from HAR files; requests of HAR, Postman,
// collection and curl files into collections.
#include "clicommands.h"
#include "clisupport.h"

#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "collections/collectionrunner.h"
#include "collections/har.h"
#include "collections/importer.h"
#include "wire/jsonfile.h"
#include "collections/postman.h"

#include <QFile>
#include <QFileInfo>

namespace Hookscope {

using namespace Cli;

int CliCommands::exportCaptures(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Write captures to a HAR 1.2 file, oldest first, with their exact bytes; "
                       "or a collection as a Postman Collection v2.1."));
    const QCommandLineOption harOption(QStringLiteral("har"), QStringLiteral("The file to write."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption searchOption(QStringLiteral("search"),
                                          QStringLiteral("Only captures matching this filter."),
                                          QStringLiteral("TEXT"));
    const QCommandLineOption postmanOption(
        QStringLiteral("postman"), QStringLiteral("The Postman file to write from --collection."),
        QStringLiteral("FILE"));
    const QCommandLineOption collectionOption(QStringLiteral("collection"),
                                              QStringLiteral("The collection file to export."),
                                              QStringLiteral("COLLECTION"));
    parser.addOptions({harOption, searchOption, postmanOption, collectionOption});
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (parser.isSet(postmanOption)) {
        if (!parser.isSet(collectionOption))
            return usageError(
                QStringLiteral("export --postman FILE needs --collection COLLECTION"));
        QString error;
        const std::optional<Collection> collection
            = Collection::load(parser.value(collectionOption), &error);
        if (!collection)
            return usageError(error);
        QStringList warnings;
        if (!JsonFile::writeAtomically(parser.value(postmanOption),
                                       Postman::write(*collection, &warnings), &error))
            return usageError(error);
        for (const QString &warning : std::as_const(warnings))
            std::fprintf(stderr, "hookscope-cli: %s\n", qUtf8Printable(warning));
        writeOut(QStringLiteral("Exported %1 to %2\n")
                     .arg(parser.value(collectionOption), parser.value(postmanOption))
                     .toUtf8());
        return 0;
    }
    if (!parser.isSet(harOption))
        return usageError(QStringLiteral("export needs --har FILE, or --postman FILE --collection "
                                         "COLLECTION"));
    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    const CaptureQuery query = CaptureQuery::parse(parser.value(searchOption));
    const QList<qint64> ids = store.idsMatching(query);
    QString error;
    const qsizetype written = Har::write(store.path(), ids, parser.value(harOption), &error);
    if (written < 0)
        return usageError(error);
    writeOut(QStringLiteral("Exported %1 capture(s) to %2\n")
                 .arg(written)
                 .arg(parser.value(harOption))
                 .toUtf8());
    return 0;
}

int CliCommands::importCaptures(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Add the requests of a HAR file to the store as captures; or the requests of a HAR, "
        "Postman, Hookscope collection or curl command file to a collection (--into)."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("The file to import."));
    const QCommandLineOption intoOption(
        QStringLiteral("into"),
        QStringLiteral("The collection file to add the requests to (created when missing)."),
        QStringLiteral("COLLECTION"));
    const QCommandLineOption partialOption(
        QStringLiteral("partial"),
        QStringLiteral("Import the HAR entries that can be read and skip the others."));
    parser.addOptions({intoOption, partialOption});
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one file to import"));
    const QString path = parser.positionalArguments().constFirst();
    QString error;
    const std::optional<QByteArray> bytes = JsonFile::read(path, &error);
    if (!bytes)
        return usageError(error);
    if (parser.isSet(intoOption))
        return importIntoCollection(path, *bytes, parser.value(intoOption));
    if (const Importer::Format format = Importer::detect(*bytes); format != Importer::Format::Har)
        return usageError(QStringLiteral("%1 is %2: only a HAR file becomes captures; add --into "
                                         "COLLECTION to put its requests in a collection")
                              .arg(path, Importer::formatName(format)));
    // Nothing is imported from a file with a mistake in it, unless --partial says to take the
    // entries that can be read.
    const Importer::HarCaptures read = Importer::harCaptures(*bytes);
    if (read.captures.isEmpty() && !read.error.isEmpty())
        return usageError(QStringLiteral("%1: %2; nothing was imported").arg(path, read.error));
    if (!read.skipped.isEmpty()) {
        if (!parser.isSet(partialOption))
            return usageError(QStringLiteral("%1: %2; nothing was imported (--partial imports "
                                             "the %3 entries that can be read, skipping %4)")
                                  .arg(path, read.error)
                                  .arg(read.captures.size())
                                  .arg(read.skipped.size()));
        for (const QString &entry : read.skipped)
            std::fprintf(stderr, "hookscope-cli: %s: skipped %s\n", qUtf8Printable(path),
                         qUtf8Printable(entry));
    }
    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    CaptureWriter writer(store.path());
    if (!writer.start(&error))
        return usageError(error);
    // Read on the writer's thread until stop() returns, then here. Captures are committed in
    // the order they were appended: entry i of the file is the i-th one reported.
    QList<qint64> ids; // 0 where an entry could not be stored
    QObject::connect(
        &writer, &CaptureWriter::committed, &writer,
        [&ids](const CommittedBatch &batch) {
            for (const CommittedCapture &one : batch)
                ids.append(one.summary.id);
        },
        Qt::DirectConnection);
    for (const CapturedRequest &capture : read.captures)
        writer.append(capture, 0);
    writer.stop(); // commits them all
    const qsizetype stored = ids.size() - ids.count(0);
    if (stored != read.captures.size()) {
        // Exactly what went in, so nothing is guessed at or imported twice.
        // The entries that did not go in, as ranges of the file's entry numbers.
        QStringList missing;
        for (qsizetype at = 0; at < read.captures.size(); ++at) {
            if (ids.value(at) != 0)
                continue;
            qsizetype end = at;
            while (end + 1 < read.captures.size() && ids.value(end + 1) == 0)
                ++end;
            missing.append(end == at ? QString::number(at + 1)
                                     : QStringLiteral("%1-%2").arg(at + 1).arg(end + 1));
            at = end;
        }
        const QString which
            = stored == 0 ? QStringLiteral("nothing went in")
                          : QStringLiteral("the file's entries %1 did not go in, the others did")
                                .arg(missing.join(QStringLiteral(", ")));
        return usageError(QStringLiteral("only %1 of %2 requests could be stored in %3 (is its "
                                         "disk full?); %4")
                              .arg(stored)
                              .arg(read.captures.size())
                              .arg(store.path(), which));
    }
    writeOut(QStringLiteral("Imported %1 capture(s)\n").arg(stored).toUtf8());
    return 0;
}

int CliCommands::importIntoCollection(const QString &path, const QByteArray &bytes,
                                      const QString &collectionPath)
{
    QString error;
    QStringList warnings;
    const std::optional<Collection> imported
        = Importer::asCollection(bytes, QFileInfo(path).completeBaseName(), &warnings, &error);
    if (!imported)
        return usageError(QStringLiteral("%1: %2; nothing was imported").arg(path, error));
    Collection collection;
    if (QFileInfo::exists(collectionPath)) {
        std::optional<Collection> existing = Collection::load(collectionPath, &error);
        if (!existing)
            return usageError(error + QStringLiteral("; nothing was imported"));
        collection = *existing;
    } else {
        collection.name = imported->name;
    }
    Importer::merge(*imported, &collection);
    if (!collection.save(collectionPath, &error))
        return usageError(error);
    for (const QString &warning : std::as_const(warnings))
        std::fprintf(stderr, "hookscope-cli: %s\n", qUtf8Printable(warning));
    writeOut(QStringLiteral("Imported %1 request(s) into %2\n")
                 .arg(CollectionRunner::steps(imported->items).size())
                 .arg(collectionPath)
                 .toUtf8());
    return 0;
}

} // namespace Hookscope
