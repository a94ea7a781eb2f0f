// hookscope-cli trigger: a provider's test event, made fresh, signed and sent.
#include "clicommands.h"
#include "clisupport.h"

#include "events/testevents.h"
#include "secrets/secretstore.h"

#include <cstdio>

namespace Hookscope {

using namespace Cli;

namespace {

QByteArray catalogListing(const TestEventCatalog &catalog)
{
    QByteArray text;
    for (const QString &provider : catalog.providers()) {
        const QList<TestEvent> events = catalog.eventsOf(provider);
        text += provider.toUtf8();
        if (events.constFirst().isSigned())
            text += "  (signed: " + events.constFirst().request.signing.scheme.toUtf8() + ")";
        text += '\n';
        for (const TestEvent &event : events)
            text += "  " + event.name.toUtf8() + (event.isOwn ? "  (yours)" : "") + '\n';
    }
    return text;
}

} // namespace

int CliCommands::trigger(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral(
            "Send a provider's test event: a realistic payload with fresh ids and timestamps, the "
            "provider's headers, signed with its scheme. Prints the answer (exit 0 for 2xx, 1 "
            "otherwise). Your own events: %1 (a collection file, a folder per provider).")
            .arg(TestEventCatalog::ownEventsPath()));
    parser.addPositionalArgument(QStringLiteral("PROVIDER"),
                                 QStringLiteral("stripe, github, shopify, … (see --list)."));
    parser.addPositionalArgument(QStringLiteral("EVENT"), QStringLiteral("invoice.paid, push, …"));
    const QCommandLineOption listOption(QStringLiteral("list"),
                                        QStringLiteral("List the providers and their events."));
    const QCommandLineOption toOption(QStringLiteral("to"), QStringLiteral("Where to send it."),
                                      QStringLiteral("URL"));
    const QCommandLineOption setOption(
        QStringLiteral("set"),
        QStringLiteral("Change a payload field: a JSON path as mock rules write them "
                       "(data.object.amount_paid=5000, $.items[0].sku=MUG) or a form field "
                       "(Body=hello). A value that reads as JSON is written as is, anything else "
                       "as a string. Repeat for more."),
        QStringLiteral("PATH=VALUE"));
    const QCommandLineOption unsignedOption(QStringLiteral("unsigned"),
                                            QStringLiteral("Send it without a signature."));
    parser.addOptions({listOption, toOption, setOption, secretNameOption, secretEnvOption,
                       unsignedOption, timeoutOption, insecureOption});
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    const TestEventCatalog catalog = TestEventCatalog::load(TestEventCatalog::ownEventsPath());
    if (!catalog.problem().isEmpty())
        std::fprintf(stderr, "hookscope-cli: %s\n", qUtf8Printable(catalog.problem()));
    if (parser.isSet(listOption)) {
        writeOut(catalogListing(catalog));
        return 0;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(QStringLiteral("expected PROVIDER EVENT (hookscope-cli trigger stripe "
                                         "invoice.paid --to URL); --list shows them"));
    const QString &provider = positional.at(0);
    const TestEvent *event = catalog.find(provider, positional.at(1));
    if (!event) {
        const QList<TestEvent> events = catalog.eventsOf(provider);
        if (events.isEmpty())
            return usageError(QStringLiteral("no provider \"%1\"; there are: %2")
                                  .arg(provider, catalog.providers().join(QStringLiteral(", "))));
        QStringList names;
        for (const TestEvent &known : events)
            names.append(known.name);
        return usageError(QStringLiteral("no %1 event \"%2\"; there are: %3")
                              .arg(events.constFirst().provider, positional.at(1),
                                   names.join(QStringLiteral(", "))));
    }
    if (!parser.isSet(toOption))
        return usageError(QStringLiteral("say where to send it with --to URL"));
    QList<FieldOverride> overrides;
    QString error;
    for (const QString &text : parser.values(setOption)) {
        const std::optional<FieldOverride> change = FieldOverride::parse(text, &error);
        if (!change)
            return usageError(QStringLiteral("--set ") + error);
        overrides.append(*change);
    }

    std::optional<QByteArray> secret;
    QString signedWith;
    if (event->isSigned() && !parser.isSet(unsignedOption)) {
        if (parser.isSet(secretNameOption) || parser.isSet(secretEnvOption)) {
            secret = secretFrom(parser);
            if (!secret)
                return 2;
            signedWith
                = parser.isSet(secretNameOption)
                      ? QStringLiteral("the secret \"%1\"").arg(parser.value(secretNameOption))
                      : QStringLiteral("$") + parser.value(secretEnvOption);
        } else {
            // The secret the catalog names, when the user keeps one by that name.
            const QString name = event->request.signing.secretName;
            SecretStore secrets;
            secret = secrets.readNow(name, &error);
            if (!secret)
                return usageError(
                    QStringLiteral("%1 events are signed (%2): give the secret with "
                                   "--secret-name NAME or --secret-env VAR, keep it in the "
                                   "keychain as \"%3\" (hookscope-cli secret set %3), or send "
                                   "it --unsigned")
                        .arg(event->provider, event->request.signing.scheme, name));
            signedWith = QStringLiteral("the secret \"%1\"").arg(name);
        }
    }
    const std::optional<OutgoingRequest> request
        = event->prepare(parser.value(toOption), secret, overrides, &error);
    if (!request)
        return usageError(QStringLiteral("%1 %2: %3").arg(event->provider, event->name, error));
    std::fprintf(
        stderr, "%s %s, %s\n", qUtf8Printable(event->provider), qUtf8Printable(event->name),
        signedWith.isEmpty() ? "unsigned"
                             : qUtf8Printable(QStringLiteral("signed (%1) with %2")
                                                  .arg(event->request.signing.scheme, signedWith)));
    return sendAndPrint(*request, parser);
}

} // namespace Hookscope
