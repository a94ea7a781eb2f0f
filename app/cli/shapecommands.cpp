// hookscope-cli shape: what an event type's payloads look like, learnt from the captures.
#include "clicommands.h"
#include "clisupport.h"

#include "store/capturestore.h"

#include <QJsonDocument>

namespace Hookscope {

using namespace Cli;

int CliCommands::shape(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The shape of an event type's JSON payloads, learnt from every capture of it: each "
        "field by path, its types, how often it is there, its values. Without EVENT: the event "
        "types there are, with how many payloads each was learnt from."));
    const QCommandLineOption schemaOption(
        QStringLiteral("json-schema"),
        QStringLiteral("Print it as a JSON Schema (draft 2020-12) that every payload it was "
                       "learnt from is valid against."));
    const QCommandLineOption typeScriptOption(QStringLiteral("typescript"),
                                              QStringLiteral("Print it as TypeScript types."));
    parser.addOptions({schemaOption, typeScriptOption});
    parser.addPositionalArgument(QStringLiteral("EVENT"),
                                 QStringLiteral("An event type, such as invoice.paid."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (parser.isSet(schemaOption) && parser.isSet(typeScriptOption))
        return usageError(QStringLiteral("choose one of --json-schema and --typescript"));
    if (parser.positionalArguments().size() > 1)
        return usageError(QStringLiteral("one event type at a time"));

    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    const QList<std::pair<QString, qint64>> types = store.eventTypes();
    if (parser.positionalArguments().isEmpty()) {
        QByteArray lines;
        for (const auto &[type, payloads] : types)
            lines += QByteArray::number(payloads).rightJustified(9) + "  " + type.toUtf8() + '\n';
        writeOut(lines);
        return 0;
    }
    const QString eventType = parser.positionalArguments().constFirst();
    const PayloadShape shape = store.shapeOf(eventType);
    if (shape.payloads() == 0) {
        QStringList known;
        for (const auto &[type, payloads] : types)
            known << type;
        return usageError(
            known.isEmpty()
                ? QStringLiteral("no event type has a shape in %1 yet: shapes are learnt from "
                                 "JSON payloads that name their event type, as they arrive")
                      .arg(store.path())
                : QStringLiteral("no payloads of \"%1\" in %2; there are: %3")
                      .arg(eventType, store.path(), known.join(QStringLiteral(", "))));
    }
    if (parser.isSet(schemaOption))
        writeOut(QJsonDocument(shape.jsonSchema(eventType)).toJson(QJsonDocument::Indented));
    else if (parser.isSet(typeScriptOption))
        writeOut(shape.typeScript(eventType).toUtf8());
    else
        writeOut(shape.describe(eventType).toUtf8());
    return 0;
}

} // namespace Hookscope
