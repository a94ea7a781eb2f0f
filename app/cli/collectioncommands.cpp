// hookscope-cli run: a collection's requests sent in order, with a line per result.
#include "clicommands.h"
#include "clisupport.h"

#include "collections/collectionrunner.h"
#include "collections/junitreport.h"
#include "wire/jsonfile.h"
#include "secrets/secretstore.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>

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
    line += '\n';
    // Each expectation it missed, under it.
    for (const CheckResult &check : run.checks) {
        if (!check.passed)
            line += QStringLiteral("      %1: expected %2, got %3\n")
                        .arg(check.what, check.expected, check.got)
                        .toUtf8();
    }
    return line;
}

} // namespace

int CliCommands::runCollection(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Send the requests of a collection file in order, each once the one before has been "
        "answered, and print each result. A request passes when its answer meets its "
        "expectations (\"expect\": status, headers, JSON fields, time, idempotent), or without "
        "any, when it is a 2xx or 3xx. Exit 1 if any failed (not sent, no answer, an expectation "
        "missed). The delivery options send them as providers deliver: each several times, "
        "shuffled, with a stale signature, several at once; planned from a seed."));
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
    const QCommandLineOption junitOption(
        QStringLiteral("junit"),
        QStringLiteral("Also write the results as JUnit XML, for CI (Jenkins, GitLab, GitHub)."),
        QStringLiteral("FILE"));
    parser.addOptions({environmentOption, delayOption, folderOption, junitOption, duplicatesOption,
                       shuffleOption, shuffleWindowOption, staleOption, concurrencyOption,
                       seedOption});
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
    const std::optional<ChaosOptions> chaos = chaosFrom(parser, nullptr);
    if (!chaos)
        return 2;
    const bool delivered = !chaos->isPlain() || parser.isSet(seedOption);
    if (delivered && parser.isSet(delayOption))
        return usageError(QStringLiteral("--delay pauses between requests sent one after the "
                                         "other; it does not go with --duplicates, --shuffle, "
                                         "--stale or --concurrency"));

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
    QList<RunResult> results;
    QObject::connect(&runner, &CollectionRunner::finished,
                     [&results](const QList<RunResult> &all) { results = all; });
    const QDateTime startedAt = QDateTime::currentDateTime();
    QElapsedTimer elapsed;
    elapsed.start();
    if (delivered) {
        runner.startChaos(steps, collection->valuesFor(environment), *chaos);
        writeOut(QStringLiteral("seed %1: run again with --seed %1 for the same order\n")
                     .arg(runner.chaosSeed())
                     .toUtf8());
    } else {
        runner.start(steps, collection->valuesFor(environment), delayMs);
    }
    loop.exec();
    if (parser.isSet(junitOption)) {
        const QString name
            = collection->name.isEmpty()
                  ? QFileInfo(parser.positionalArguments().constFirst()).completeBaseName()
                  : collection->name;
        if (!JsonFile::writeAtomically(parser.value(junitOption),
                                       junitReport(name, results, startedAt, elapsed.elapsed()),
                                       &error))
            return usageError(QStringLiteral("--junit: ") + error);
    }
    writeOut(QStringLiteral("%1 request(s): %2 passed, %3 failed\n")
                 .arg(results.size())
                 .arg(results.size() - failed)
                 .arg(failed)
                 .toUtf8());
    return failed > 0 ? 1 : 0;
}

} // namespace Hookscope
