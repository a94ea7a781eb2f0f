// hookscope-cli export and import: captures to and from HAR files.
#include "clicommands.h"
#include "clisupport.h"

#include "capture/capturequery.h"
#include "capture/capturestore.h"
#include "capture/capturewriter.h"
#include "collections/har.h"

#include <QFile>

#include <atomic>

namespace Hookscope {

using namespace Cli;

int CliCommands::exportCaptures(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Write captures to a HAR 1.2 file, oldest first, with their exact bytes."));
    const QCommandLineOption harOption(QStringLiteral("har"), QStringLiteral("The file to write."),
                                       QStringLiteral("FILE"));
    const QCommandLineOption searchOption(QStringLiteral("search"),
                                          QStringLiteral("Only captures matching this filter."),
                                          QStringLiteral("TEXT"));
    parser.addOptions({harOption, searchOption});
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (!parser.isSet(harOption))
        return usageError(QStringLiteral("export needs --har FILE"));
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
    parser.setApplicationDescription(
        QStringLiteral("Add the requests of a HAR file to the store as captures."));
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A HAR file."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one file to import"));
    const QString path = parser.positionalArguments().constFirst();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return usageError(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    QString error;
    const std::optional<QList<CapturedRequest>> captures = Har::read(file.readAll(), &error);
    if (!captures) // nothing is imported from a file with a mistake in it
        return usageError(QStringLiteral("%1: %2; nothing was imported").arg(path, error));
    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    CaptureWriter writer(store.path());
    if (!writer.start(&error))
        return usageError(error);
    std::atomic<qsizetype> stored = 0;
    QObject::connect(
        &writer, &CaptureWriter::committed, &writer,
        [&stored](const CommittedBatch &batch) {
            for (const CommittedCapture &one : batch)
                stored += one.summary.id != 0 ? 1 : 0;
        },
        Qt::DirectConnection); // on the writer's thread, before stop() returns
    for (const CapturedRequest &capture : *captures)
        writer.append(capture, 0);
    writer.stop(); // commits them all
    if (stored != captures->size())
        return usageError(QStringLiteral("only %1 of %2 requests could be stored in %3")
                              .arg(qsizetype(stored))
                              .arg(captures->size())
                              .arg(store.path()));
    writeOut(QStringLiteral("Imported %1 capture(s)\n").arg(qsizetype(stored)).toUtf8());
    return 0;
}

} // namespace Hookscope
