// hookscope-cli run: a collection's requests sent in order, with a line per result.
#include "clicommands.h"
#include "clisupport.h"

#include "collections/collectionrunner.h"
#include "secrets/secretstore.h"

#include <QEventLoop>

#include <memory>

namespace Hookscope {

using namespace Cli;

namespace {

QByteArray resultLine(const RunResult &run)
{
    QByteArray line = run.passed() ? "PASS  " : "FAIL  ";
    if (!run.request) {
        line += "not sent: " + run.error.toUtf8();
    } else if (run.result.status == 0) {
        line += "no answer: " + run.result.error.toUtf8();
    } else {
        line += QByteArray::number(run.result.status) + ' ' + run.result.reason + "  "
                + QByteArray::number(double(run.result.durationUs) / 1000, 'f', 1) + " ms";
    }
    line += "  " + run.name.toUtf8();
    if (run.request)
        line += "  " + run.request->method + ' ' + run.request->url.toEncoded();
    return line + '\n';
}

} // namespace

int CliCommands::runCollection(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Send the requests of a collection file in order, each once the one before has been "
        "answered, and print each result. Exit 1 if any failed (not sent, no answer, or a "
        "4xx/5xx answer)."));
    parser.addPositionalArgument(QStringLiteral("COLLECTION"),
                                 QStringLiteral("The collection file."));
    const QCommandLineOption environmentOption(
        QStringLiteral("env"), QStringLiteral("The environment whose variables to use."),
        QStringLiteral("NAME"));
    const QCommandLineOption delayOption(
        QStringLiteral("delay"), QStringLiteral("Milliseconds to wait between requests (0)."),
        QStringLiteral("MS"), QStringLiteral("0"));
    const QCommandLineOption folderOption(
        QStringLiteral("folder"),
        QStringLiteral("Only the requests in this folder (\"Outer/Inner\" for a nested one)."),
        QStringLiteral("NAME"));
    parser.addOptions({environmentOption, delayOption, folderOption});
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one collection file to run"));
    QString error;
    const std::optional<Collection> collection
        = Collection::load(parser.positionalArguments().constFirst(), &error);
    if (!collection)
        return usageError(error);
    const QString environment = parser.value(environmentOption);
    if (!environment.isEmpty() && !collection->environmentNames().contains(environment))
        return usageError(
            QStringLiteral("no environment \"%1\" in the collection (it has: %2)")
                .arg(environment, collection->environmentNames().join(QStringLiteral(", "))));
    bool ok = false;
    const int delayMs = parser.value(delayOption).toInt(&ok);
    if (!ok || delayMs < 0)
        return usageError(QStringLiteral("--delay takes a number of milliseconds"));

    QList<CollectionItem> items = collection->items;
    QString prefix;
    if (parser.isSet(folderOption)) {
        QList<CollectionItem> found = items;
        for (const QString &name : parser.value(folderOption).split(QLatin1Char('/'))) {
            const auto folder
                = std::find_if(found.cbegin(), found.cend(), [&](const CollectionItem &item) {
                      return item.isFolder && item.name == name;
                  });
            if (folder == found.cend())
                return usageError(QStringLiteral("no folder \"%1\" in the collection")
                                      .arg(parser.value(folderOption)));
            prefix = prefix.isEmpty() ? name : prefix + QStringLiteral(" / ") + name;
            found = folder->items;
        }
        items = found;
    }
    const QList<RunStep> steps = CollectionRunner::steps(items, prefix);
    bool needsSecrets = false;
    for (const RunStep &step : steps)
        needsSecrets = needsSecrets || !step.request.secretNames().isEmpty();
    // The keychain is only asked when a request refers to a secret.
    std::unique_ptr<SecretStore> secrets(needsSecrets ? new SecretStore : nullptr);
    CollectionRunner runner(secrets.get());
    QEventLoop loop;
    qsizetype failed = 0;
    QObject::connect(&runner, &CollectionRunner::stepFinished,
                     [&failed](int, const RunResult &result) {
                         failed += result.passed() ? 0 : 1;
                         writeOut(resultLine(result));
                     });
    QObject::connect(&runner, &CollectionRunner::finished, &loop, &QEventLoop::quit);
    runner.start(steps, collection->valuesFor(environment), delayMs);
    loop.exec();
    writeOut(QStringLiteral("%1 request(s): %2 passed, %3 failed\n")
                 .arg(steps.size())
                 .arg(steps.size() - failed)
                 .arg(failed)
                 .toUtf8());
    return failed > 0 ? 1 : 0;
}

} // namespace Hookscope
