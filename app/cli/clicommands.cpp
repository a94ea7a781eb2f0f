#include "clicommands.h"

#include "clisupport.h"
#include "signalwatcher.h"

#include "store/capturejson.h"
#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "delivery/forwarder.h"
#include "delivery/sender.h"
#include "receiver/receiverhost.h"
#include "session/session.h"
#include "receiver/tlsidentity.h"
#include "sources/source.h"
#include "session/settings.h"
#include "mock/mockrules.h"

#include "commit.h"
#include "version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace Hookscope {
namespace {

using namespace Cli;

const char *const usage
    = "Usage: hookscope-cli COMMAND [options]\n"
      "\n"
      "Commands:\n"
      "  listen [--port N] [--bind ADDR]... [--store PATH] [--rules FILE]\n"
      "                                                      receive and capture webhooks\n"
      "  list [--json] [--limit N] [--search TEXT]           newest captures first\n"
      "  show ID [--raw | --json]                            one capture; --raw: exact bytes\n"
      "  delete ID                                           delete one capture\n"
      "  clear                                               delete every capture\n"
      "  send [-X METHOD] [-H 'Name: value']... [--data-binary @FILE|TEXT] URL\n"
      "                                                      send a request, print the answer\n"
      "  replay ID... --to URL [--fixed-url] [--keep-host]   send captures again; delivered as\n"
      "         [--duplicates N] [--shuffle] [--delay MS[-MS]]  providers do, to test a handler\n"
      "         [--stale S] [--concurrency N] [--seed N]\n"
      "  sign --scheme S (--secret-name N | --secret-env VAR) [--id ID] [--timestamp T]\n"
      "       --data-binary @FILE                            print the headers that sign it\n"
      "  verify ID [--scheme S] (--secret-name N | --secret-env VAR)\n"
      "                                                      check a capture's signature\n"
      "  secret set NAME | list | delete NAME                secrets in the system keychain\n"
      "  export --har FILE [--search TEXT]                   captures to a HAR file\n"
      "  export --postman FILE --collection COLLECTION       a collection for Postman\n"
      "  import FILE [--into COLLECTION] [--partial]         a HAR file's requests as captures;\n"
      "                                                      HAR, Postman, collection or curl\n"
      "                                                      requests into a collection\n"
      "  run COLLECTION [--env NAME] [--delay MS] [--folder NAME] [--junit FILE]\n"
      "      [--duplicates N] [--shuffle] [--stale S] [--concurrency N] [--seed N]\n"
      "                                                      send a collection's requests in "
      "order\n"
      "  trigger PROVIDER EVENT --to URL [--set PATH=VALUE]...\n"
      "          [--secret-name N | --secret-env VAR | --unsigned]\n"
      "                                                      send a provider's test event, fresh\n"
      "                                                      and signed; --list: which there are\n"
      "  shape [EVENT] [--json-schema | --typescript]        what an event type's payloads look\n"
      "                                                      like; without EVENT: which there are\n"
      "\n"
      "Every command takes --store PATH (default: HOOKSCOPE_STORE, or the per-user data\n"
      "folder). Run 'hookscope-cli COMMAND --help' for a command's options, and\n"
      "'hookscope-cli --version' for the version and the commit it was built from.\n";

QString formatLocalTime(qint64 microseconds)
{
    return QDateTime::fromMSecsSinceEpoch(microseconds / 1000)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

// Built from bytes: `listen` prints one of these per capture at full ingest rate.
QByteArray summaryLine(const CaptureSummary &summary)
{
    static const qint64 utcOffsetUs
        = qint64(QDateTime::currentDateTime().offsetFromUtc()) * 1'000'000;
    const qint64 localUs = summary.receivedAtUs + utcOffsetUs;
    const qint64 secondOfDay = (localUs / 1'000'000) % 86'400;
    char time[32];
    std::snprintf(time, sizeof time, "%02d:%02d:%02d.%03d", int(secondOfDay / 3600),
                  int(secondOfDay / 60 % 60), int(secondOfDay % 60), int(localUs / 1000 % 1000));
    QByteArray method = summary.method.isEmpty() ? QByteArray("?") : summary.method;
    return time + QByteArray("  ") + method.leftJustified(7) + ' '
           + (summary.target.isEmpty() ? QByteArray("(unparsed)") : summary.target) + "  "
           + (summary.responseStatus ? QByteArray::number(summary.responseStatus)
                                     : QByteArray("---"))
           + "  " + QByteArray::number(summary.bodySize) + " B  "
           + (summary.rule.isEmpty() ? QByteArray() : "rule:" + summary.rule.toUtf8() + "  ") + '#'
           + QByteArray::number(summary.id);
}

// "  #12 → http://localhost:3000: 200 in 3.1 ms", one per attempt; never ends in "#ID", which
// marks capture lines.
QByteArray deliveryLine(const DeliveryAttempt &attempt)
{
    const DeliveryResult &result = attempt.result;
    QByteArray line = "  #" + QByteArray::number(attempt.captureId) + " \u2192 "
                      + attempt.target.toUtf8() + ": ";
    line += result.status
                ? QByteArray::number(result.status) + " in "
                      + QByteArray::number(double(result.durationUs) / 1000, 'f', 1) + " ms"
                : result.error.toUtf8();
    if (attempt.state == DeliveryAttempt::State::Pending
        && attempt.nextAttemptUs == DeliveryLog::HeldUs)
        line += "; the target is down: this waits until it answers again";
    else if (attempt.state == DeliveryAttempt::State::Pending)
        line
            += "; attempt " + QByteArray::number(attempt.attempt + 1) + " in "
               + QByteArray::number(
                   double(attempt.nextAttemptUs - QDateTime::currentMSecsSinceEpoch() * 1000) / 1e6,
                   'f', 1)
               + " s";
    else if (attempt.state == DeliveryAttempt::State::Failed && RetryPolicy::isRetryable(result))
        line += "; gave up after " + QByteArray::number(attempt.attempt) + " attempt(s)";
    else if (attempt.state == DeliveryAttempt::State::Failed)
        line += "; not retried: the answer is final";
    if (attempt.mayRepeat)
        line += "; may repeat a send under way when Hookscope stopped";
    return line;
}

bool parseHeaderLine(const QString &line, HeaderField *header)
{
    const qsizetype colon = line.indexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    header->name = line.left(colon).trimmed().toUtf8();
    header->value = line.mid(colon + 1).trimmed().toUtf8();
    return true;
}

} // namespace

int CliCommands::run(const QStringList &arguments)
{
    const QString command = arguments.value(1);
    // Named as typed, for usage lines and messages.
    const QStringList rest
        = QStringList{QStringLiteral("hookscope-cli ") + command} + arguments.mid(2);
    if (command == QLatin1String("listen"))
        return listen(rest);
    if (command == QLatin1String("list"))
        return list(rest);
    if (command == QLatin1String("show"))
        return show(rest);
    if (command == QLatin1String("delete"))
        return remove(rest);
    if (command == QLatin1String("clear"))
        return clear(rest);
    if (command == QLatin1String("send"))
        return send(rest);
    if (command == QLatin1String("replay"))
        return replay(rest);
    if (command == QLatin1String("sign"))
        return sign(rest);
    if (command == QLatin1String("verify"))
        return verify(rest);
    if (command == QLatin1String("secret"))
        return secret(rest);
    if (command == QLatin1String("export"))
        return exportCaptures(rest);
    if (command == QLatin1String("import"))
        return importCaptures(rest);
    if (command == QLatin1String("run"))
        return runCollection(rest);
    if (command == QLatin1String("trigger"))
        return trigger(rest);
    if (command == QLatin1String("shape"))
        return shape(rest);
    if (command == QLatin1String("--version")) {
        writeOut("hookscope-cli " HOOKSCOPE_VERSION " (commit " HOOKSCOPE_COMMIT ")\n");
        return 0;
    }
    if (command.isEmpty() || command == QLatin1String("--help") || command == QLatin1String("-h")) {
        writeOut(usage);
        return command.isEmpty() ? 2 : 0;
    }
    return usageError(
        QStringLiteral("unknown command '%1'; run 'hookscope-cli --help'").arg(command));
}

int CliCommands::listen(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Receive webhooks and capture each request."));
    const QCommandLineOption portOption(
        QStringLiteral("port"),
        QStringLiteral("Port to listen on (default %1; 0 picks a free one).")
            .arg(ReceiverOptions::DefaultPort),
        QStringLiteral("N"));
    const QCommandLineOption bindOption(
        QStringLiteral("bind"),
        QStringLiteral("Address to listen on, repeatable (default 127.0.0.1 and ::1, or every "
                       "address when the window listens on the LAN; 0.0.0.0 or :: for every "
                       "address). Requests from other machines need the access token in the "
                       "LAN URL printed at the start."),
        QStringLiteral("ADDR"));
    const QCommandLineOption httpsPortOption(
        QStringLiteral("https-port"),
        QStringLiteral("Also listen for HTTPS on port N (0 picks a free one), with a certificate "
                       "Hookscope makes and signs with a local authority of its own (clients "
                       "trust its ca.pem: the path is printed), or yours (--cert, --key, or the "
                       "one chosen in the window)."),
        QStringLiteral("N"));
    const QCommandLineOption certOption(
        QStringLiteral("cert"),
        QStringLiteral("For --https-port: your certificate (PEM; a chain, the server's first)."),
        QStringLiteral("FILE"));
    const QCommandLineOption keyOption(
        QStringLiteral("key"),
        QStringLiteral("For --https-port: its unencrypted private key (PEM)."),
        QStringLiteral("FILE"));
    const QCommandLineOption allowOption(
        QStringLiteral("allow"),
        QStringLiteral("Take requests from other machines only from this network, repeatable "
                       "(192.168.1.0/24, fd00::/8, or one address; default: the window's list, "
                       "or any)."),
        QStringLiteral("CIDR"));
    const QCommandLineOption sourceOption(
        QStringLiteral("source"),
        QStringLiteral("Get a public URL from a tunnel Hookscope starts (and stops): "
                       "cloudflared (a quick tunnel), ngrok, or a command with {port} in it. "
                       "Its URL is printed before the first capture. Or stripe: `stripe listen` "
                       "forwards your account's test events to /stripe, and the signing secret "
                       "it prints is kept in the keychain and verifies them. Or smee: a new "
                       "smee.io channel (smee:CHANNEL for yours), read by Hookscope itself; its "
                       "events are captured at /smee."),
        QStringLiteral("cloudflared|ngrok|stripe|smee[:CHANNEL]|'CMD'"));
    const QCommandLineOption sourcePatternOption(
        QStringLiteral("source-pattern"),
        QStringLiteral("For a command: the regular expression that finds the URL in its output "
                       "(default: the first https:// URL)."),
        QStringLiteral("REGEX"));
    const QCommandLineOption freshOption(
        QStringLiteral("fresh-store"),
        QStringLiteral("If the store cannot be opened, move it aside and start a new one."));
    const QCommandLineOption statusOption(QStringLiteral("status"),
                                          QStringLiteral("Status to answer with (default 200)."),
                                          QStringLiteral("CODE"));
    const QCommandLineOption headerOption(QStringLiteral("response-header"),
                                          QStringLiteral("Header to answer with, repeatable."),
                                          QStringLiteral("'Name: value'"));
    const QCommandLineOption bodyOption(QStringLiteral("response-body"),
                                        QStringLiteral("Body to answer with."),
                                        QStringLiteral("TEXT"));
    const QCommandLineOption delayOption(QStringLiteral("delay"),
                                         QStringLiteral("Wait this long before answering."),
                                         QStringLiteral("MS"));
    const QCommandLineOption maxBodyOption(
        QStringLiteral("max-body"), QStringLiteral("Largest body accepted (default 100 MiB)."),
        QStringLiteral("BYTES"));
    const QCommandLineOption headerTimeoutOption(
        QStringLiteral("header-timeout"),
        QStringLiteral("Close a connection whose header section takes longer (default 10000)."),
        QStringLiteral("MS"));
    const QCommandLineOption idleTimeoutOption(
        QStringLiteral("idle-timeout"),
        QStringLiteral("Close a connection idle this long, between requests or body bytes "
                       "(default 60000)."),
        QStringLiteral("MS"));
    const QCommandLineOption maxConnectionsOption(
        QStringLiteral("max-connections"),
        QStringLiteral("At this many open connections, close the one idle the longest "
                       "to make room (default 1000)."),
        QStringLiteral("N"));
    const QCommandLineOption forwardOption(
        QStringLiteral("forward"),
        QStringLiteral("Send every capture on to this base URL too (its path is appended), or "
                       "only those under a path: /stripe=URL. Options after the URL, in the "
                       "same argument: fixed-url (send to the URL as written), proxy (answer "
                       "the provider with the target's answer), keep-host, accept-self-signed, "
                       "resign; delivered as providers do: duplicates=N, shuffle=MS, "
                       "delay=MS[-MS], stale=S (re-signed S seconds old), concurrency=N (in "
                       "flight to the target at once), seed=N. Repeat for more routes. Pending "
                       "sends resume after a restart."),
        QStringLiteral("[/PREFIX=]URL [OPTION...]"));
    const QCommandLineOption rulesOption(
        QStringLiteral("rules"),
        QStringLiteral("Answer with the mock rules in this file (first match wins): statuses, "
                       "templated bodies, delays, sequences, failures, faults, proxying."),
        QStringLiteral("FILE"));
    const QCommandLineOption attemptsOption(
        QStringLiteral("max-attempts"),
        QStringLiteral("Attempts per forwarded capture before giving up (default: no limit "
                       "but --give-up-after)."),
        QStringLiteral("N"));
    const QCommandLineOption giveUpOption(
        QStringLiteral("give-up-after"),
        QStringLiteral("How long a forwarded capture is retried while its target is down or "
                       "failing, e.g. 90s, 30m, 24h, 2d (default: as set in the window's "
                       "Forwarding dialog, or 24h). While a target is down, only its oldest "
                       "capture is tried; the moment it answers, the rest follow in order."),
        QStringLiteral("TIME"));
    const QCommandLineOption retryBaseOption(
        QStringLiteral("retry-base"),
        QStringLiteral("First retry delay ceiling in ms; it doubles per attempt, with full "
                       "jitter, up to --retry-max-delay (default 1000)."),
        QStringLiteral("MS"));
    const QCommandLineOption retryMaxDelayOption(
        QStringLiteral("retry-max-delay"),
        QStringLiteral("The longest wait between two tries, e.g. 30s, 2m (default: as set in "
                       "the window, or 30s)."),
        QStringLiteral("TIME"));
    const QCommandLineOption durabilityOption(
        QStringLiteral("durability"),
        QStringLiteral("disk (default): a request is answered once it is on the disk, and "
                       "survives a power loss; process: once the OS has it, which survives "
                       "Hookscope being killed but not a power loss, and is faster."),
        QStringLiteral("disk|process"));
    parser.addOption(durabilityOption);
    parser.addOptions({portOption,
                       bindOption,
                       httpsPortOption,
                       certOption,
                       keyOption,
                       allowOption,
                       sourceOption,
                       sourcePatternOption,
                       freshOption,
                       statusOption,
                       headerOption,
                       bodyOption,
                       delayOption,
                       maxBodyOption,
                       headerTimeoutOption,
                       idleTimeoutOption,
                       maxConnectionsOption,
                       forwardOption,
                       rulesOption,
                       attemptsOption,
                       giveUpOption,
                       retryBaseOption,
                       retryMaxDelayOption,
                       timeoutOption,
                       insecureOption,
                       signSchemeOption,
                       secretNameOption,
                       secretEnvOption});
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;

    ReceiverOptions options;
    bool ok = true;
    if (parser.isSet(portOption)) {
        const uint port = parser.value(portOption).toUInt(&ok);
        if (!ok || port > 65535)
            return usageError(QStringLiteral("--port expects a number from 0 to 65535, not '%1'")
                                  .arg(parser.value(portOption)));
        options.port = quint16(port);
    }
    if (parser.isSet(bindOption)) {
        options.addresses.clear();
        for (const QString &text : parser.values(bindOption)) {
            QHostAddress address;
            if (!address.setAddress(text))
                return usageError(QStringLiteral("--bind expects an IP address such as 127.0.0.1 "
                                                 "or ::1, not '%1'")
                                      .arg(text));
            options.addresses.append(address);
        }
    }
    if (parser.isSet(maxBodyOption)) {
        options.limits.maxBodyBytes = parser.value(maxBodyOption).toLongLong(&ok);
        if (!ok || options.limits.maxBodyBytes < 0)
            return usageError(QStringLiteral("--max-body expects a number of bytes"));
    }
    const auto positiveInt = [&](const QCommandLineOption &option, int *value) {
        if (!parser.isSet(option))
            return true;
        *value = parser.value(option).toInt(&ok);
        return ok && *value > 0;
    };
    if (!positiveInt(headerTimeoutOption, &options.headerTimeoutMs)
        || !positiveInt(idleTimeoutOption, &options.idleTimeoutMs)
        || !positiveInt(maxConnectionsOption, &options.maxConnections))
        return usageError(QStringLiteral("--header-timeout, --idle-timeout and --max-connections "
                                         "expect a positive number"));
    ResponseSpec response;
    if (parser.isSet(statusOption)) {
        response.status = parser.value(statusOption).toInt(&ok);
        if (!ok || response.status < 200 || response.status > 599)
            return usageError(QStringLiteral("--status expects a code from 200 to 599"));
    }
    if (parser.isSet(headerOption)) {
        response.headers.clear();
        for (const QString &line : parser.values(headerOption)) {
            HeaderField header;
            if (!parseHeaderLine(line, &header))
                return usageError(
                    QStringLiteral("--response-header expects 'Name: value', not '%1'").arg(line));
            response.headers.append(header);
        }
    }
    if (parser.isSet(bodyOption))
        response.body = parser.value(bodyOption).toUtf8();
    if (parser.isSet(delayOption)) {
        response.delayMs = parser.value(delayOption).toInt(&ok);
        if (!ok || response.delayMs < 0)
            return usageError(QStringLiteral("--delay expects milliseconds"));
    }

    const QString path = storePath(parser);
    {
        CaptureStore store(path);
        // Damaged pages are found now, in a second at most, not at the first capture read.
        if (!store.open() || !store.checkIntegrity(1000)) {
            if (!parser.isSet(freshOption)
                || store.openError() == CaptureStore::OpenError::Unreadable)
                return reportStoreProblem(store, true) ? 0 : 2;
            QString error;
            const QString aside = CaptureStore::moveAside(path, &error);
            if (aside.isEmpty())
                return usageError(error);
            std::fprintf(
                stderr, "hookscope-cli: %s\nhookscope-cli: kept it as %s; starting a fresh store\n",
                qUtf8Printable(store.errorString()), qUtf8Printable(aside));
            CaptureStore fresh(path);
            if (!openStore(fresh, false))
                return 2;
        }
    }

    // What was set up in the window is used unless the command line says otherwise.
    Settings saved;
    if (!parser.isSet(portOption))
        options.port = saved.port().value_or(options.port);
    if (!parser.isSet(bindOption) && saved.listensOnLan())
        options.addresses = {QHostAddress::Any};
    QList<ReceiverAccess::Network> networks;
    const bool savedNetworks = !parser.isSet(allowOption);
    for (const QString &text :
         savedNetworks ? saved.allowedNetworks() : parser.values(allowOption)) {
        QString problem;
        const std::optional<ReceiverAccess::Network> network
            = ReceiverAccess::parseNetwork(text, &problem);
        if (!network)
            return usageError(savedNetworks ? QStringLiteral("the allowed network set in the "
                                                             "window cannot be used: %1 (give "
                                                             "networks with --allow)")
                                                  .arg(problem)
                                            : QStringLiteral("--allow: ") + problem);
        networks.append(*network);
    }
    const bool reachableFromOthers
        = std::any_of(options.addresses.cbegin(), options.addresses.cend(),
                      [](const QHostAddress &address) { return !address.isLoopback(); });
    // The token is made (and kept for the window too) only when another machine could use it.
    options.access
        = ReceiverAccess(reachableFromOthers ? saved.lanAccessToken() : QByteArray(), networks);
    std::optional<quint16> httpsPort = saved.httpsPort();
    if (parser.isSet(httpsPortOption)) {
        const uint port = parser.value(httpsPortOption).toUInt(&ok);
        if (!ok || port > 65535)
            return usageError(
                QStringLiteral("--https-port expects a number from 0 to 65535, not '%1'")
                    .arg(parser.value(httpsPortOption)));
        httpsPort = quint16(port);
    }
    // The window's certificate unless --cert and --key name another.
    std::optional<CertificateFiles> ownCertificate = saved.httpsCertificate();
    if (parser.isSet(certOption) && !httpsPort)
        return usageError(QStringLiteral("--cert and --key are for --https-port"));
    if (httpsPort) {
        if (parser.isSet(certOption) != parser.isSet(keyOption))
            return usageError(QStringLiteral("--cert and --key go together: give both, or "
                                             "neither for a certificate Hookscope makes"));
        if (parser.isSet(certOption))
            ownCertificate = CertificateFiles{parser.value(certOption), parser.value(keyOption)};
        QString problem;
        // Named in the certificate: loopback, and this machine's addresses when others may send.
        const QList<QHostAddress> named
            = reachableFromOthers ? ReceiverAccess::lanAddresses() : options.addresses;
        const std::optional<TlsIdentity> identity
            = ownCertificate ? TlsIdentity::fromFiles(*ownCertificate, &problem)
                             : TlsIdentity::local(Session::tlsFolder(), named, &problem);
        if (!identity && ownCertificate && !parser.isSet(certOption))
            return usageError(
                QStringLiteral("--https-port: the certificate set in the window cannot be "
                               "used: %1 (choose another in Capture → LAN and HTTPS…, or give "
                               "--cert and --key)")
                    .arg(problem));
        if (!identity)
            return usageError(QStringLiteral("--https-port: ") + problem);
        options.https = ReceiverOptions::Https{*httpsPort, identity->serverConfiguration()};
    }
    ForwardOptions forwarding;
    forwarding.retry = saved.forwardRetry();
    QList<ForwardRoute> routes;
    const bool savedRoutes = !parser.isSet(forwardOption);
    for (const QString &spec : savedRoutes ? saved.forwardRoutes() : parser.values(forwardOption)) {
        QString problem;
        std::optional<ForwardRoute> route = ForwardRoute::parse(spec, &problem);
        if (!route && savedRoutes)
            return usageError(QStringLiteral("the forward route \"%1\" set in the window cannot "
                                             "be used: %2 (change it in Capture → Forwarding…, or "
                                             "give routes with --forward)")
                                  .arg(spec, problem));
        if (!route)
            return usageError(QStringLiteral("--forward: ") + problem);
        if (parser.isSet(insecureOption))
            route->options.acceptSelfSigned = true;
        routes.append(*route);
    }
    int retryBaseMs = int(forwarding.retry.baseDelayMs);
    if (!positiveInt(attemptsOption, &forwarding.retry.maxAttempts)
        || !positiveInt(retryBaseOption, &retryBaseMs))
        return usageError(
            QStringLiteral("--max-attempts and --retry-base expect positive numbers"));
    forwarding.retry.baseDelayMs = retryBaseMs;
    for (const auto &[option, value] :
         {std::pair(&giveUpOption, &forwarding.retry.giveUpAfterMs),
          std::pair(&retryMaxDelayOption, &forwarding.retry.maxDelayMs)}) {
        if (!parser.isSet(*option))
            continue;
        const std::optional<qint64> ms = durationMs(parser.value(*option));
        if (!ms || *ms <= 0)
            return usageError(QStringLiteral("--%1 takes a time such as 90s, 30m, 24h or 2d, "
                                             "not \"%2\"")
                                  .arg(option->names().first(), parser.value(*option)));
        *value = *ms;
    }
    forwarding.timeoutMs = int(parser.value(timeoutOption).toDouble(&ok) * 1000);
    if (!ok || forwarding.timeoutMs <= 0)
        return usageError(QStringLiteral("--timeout takes a positive number of seconds"));

    MockRules rules;
    QString error;
    if (parser.isSet(rulesOption)) {
        std::optional<MockRules> loaded = MockRules::load(parser.value(rulesOption), &error);
        if (!loaded)
            return usageError(QStringLiteral("--rules: ") + error);
        rules = *loaded;
    } else if (const QString savedRules = Settings::rulesToRead(); QFileInfo::exists(savedRules)) {
        std::optional<MockRules> loaded = MockRules::load(savedRules, &error);
        if (!loaded)
            return usageError(QStringLiteral("the mock rules set in the window cannot be used: "
                                             "%1 (change them in Capture → Mock Rules…, or give "
                                             "a file with --rules)")
                                  .arg(error));
        rules = *loaded;
    }

    Session::Options sessionOptions;
    sessionOptions.receiver = options;
    sessionOptions.forwarding = forwarding;
    const QString durability = parser.value(durabilityOption);
    if (durability == QLatin1String("process"))
        sessionOptions.durability = CaptureWriter::Durability::Process;
    else if (!durability.isEmpty() && durability != QLatin1String("disk"))
        return usageError(
            QStringLiteral("--durability expects disk or process, not '%1'").arg(durability));
    std::optional<SignatureSettings> signing;
    if (std::any_of(routes.cbegin(), routes.cend(),
                    [](const ForwardRoute &route) { return route.options.resign; })) {
        // The secret given here, or else the window's bindings with their secrets.
        signing = parser.isSet(secretNameOption) || parser.isSet(secretEnvOption)
                      ? signingFrom(parser, signSchemeOption)
                      : savedSigning(saved);
        if (!signing)
            return 2;
    }

    Session session(path, sessionOptions);
    // Connected before anything starts, so no capture or delivery goes unprinted.
    QObject::connect(&session.writer(), &CaptureWriter::committed, qApp,
                     [](const CommittedBatch &batch) {
                         QByteArray lines;
                         for (const CommittedCapture &committed : batch) {
                             if (committed.summary.id != 0)
                                 lines += summaryLine(committed.summary) + '\n';
                         }
                         writeOut(lines);
                         std::fflush(stdout);
                     });
    QObject::connect(&session.forwarder(), &ForwarderHost::attempted, qApp,
                     [](const DeliveryAttempt &attempt) {
                         writeOut(deliveryLine(attempt) + '\n');
                         std::fflush(stdout);
                     });
    QObject::connect(
        &session.forwarder(), &ForwarderHost::gaveUp, qApp, [](const DeliveryAttempt &last) {
            writeOut("  #" + QByteArray::number(last.captureId) + " \u2192 " + last.target.toUtf8()
                     + ": " + last.result.error.toUtf8() + '\n');
            std::fflush(stdout);
        });
    const auto reportWriteFailure = [](const QString &message) {
        std::fprintf(stderr, "hookscope-cli: %s\n", qUtf8Printable(message));
    };
    QObject::connect(&session.writer(), &CaptureWriter::writeFailed, qApp, reportWriteFailure);
    QObject::connect(&session.forwarder(), &ForwarderHost::writeFailed, qApp, reportWriteFailure);
    if (!session.start(&error))
        return usageError(error);
    QStringList specs;
    for (const ForwardRoute &route : std::as_const(routes))
        specs.append(route.spec());
    if (!session.setForwardRoutes(specs, &error) || !session.setMockRules(rules, &error))
        return usageError(error);
    if (signing)
        session.setSignatureSettings(*signing);
    // The receiver has a thread of its own; this one only prints.
    ReceiverHost &receiver = session.receiver();
    receiver.setDefaultResponse(response);
    if (!receiver.listen(&error))
        return usageError(error + QStringLiteral(" (choose another with --port)"));

    QStringList urls;
    for (const QHostAddress &address : receiver.addresses())
        urls.append(ReceiverOptions::baseUrl(address, receiver.port()));
    writeOut(QStringLiteral("Listening on %1 (store: %2)\n")
                 .arg(urls.join(QStringLiteral(" and ")), path)
                 .toUtf8());
    if (receiver.httpsPort() != 0) {
        writeOut(
            QStringLiteral("HTTPS on port %1%2\n")
                .arg(receiver.httpsPort())
                .arg(ownCertificate
                         ? QStringLiteral(" (certificate: %1)").arg(ownCertificate->certificate)
                         : QStringLiteral(" (clients trust %1: curl --cacert %1)")
                               .arg(TlsIdentity::authorityFile(Session::tlsFolder())))
                .toUtf8());
    }
    std::fflush(stdout);
    const QList<QHostAddress> bound = receiver.addresses();
    const QStringList lanUrls = options.access.lanUrls(bound, receiver.port());
    for (const QString &url : lanUrls)
        writeOut(QStringLiteral("LAN URL: %1\n").arg(url).toUtf8());
    std::fflush(stdout);
    if (std::any_of(bound.cbegin(), bound.cend(),
                    [](const QHostAddress &address) { return !address.isLoopback(); }))
        std::fprintf(stderr,
                     "hookscope-cli: listening on other addresses than loopback: requests from "
                     "other machines need the access token in the LAN URL (or an %s header)%s\n",
                     ReceiverAccess::TokenHeader,
                     networks.isEmpty() ? "" : ", from the allowed networks");
    QObject::connect(&receiver, &ReceiverHost::requestRefused, qApp, [](const QString &what) {
        std::fprintf(stderr, "hookscope-cli: %s\n", qUtf8Printable(what));
    });
    if (parser.isSet(sourceOption)) {
        // Its output is read from the event loop on: nothing is missed by connecting now.
        if (!session.startTunnel(parser.value(sourceOption), parser.value(sourcePatternOption),
                                 &error))
            return usageError(QStringLiteral("--source: ") + error);
        QObject::connect(session.tunnel(), &Source::urlChanged, qApp, [](const QString &url) {
            if (!url.isEmpty()) {
                writeOut(QStringLiteral("Public URL: %1\n").arg(url).toUtf8());
                std::fflush(stdout);
            }
        });
        QObject::connect(session.tunnel(), &Source::problem, qApp, [](const QString &what) {
            std::fprintf(stderr, "hookscope-cli: %s\n", qUtf8Printable(what));
        });
        QObject::connect(&session, &Session::tunnelSecretBound, qApp,
                         [&session](const QString &name, const QByteArray &, const QString &where,
                                    const QString &error) {
                             if (!error.isEmpty()) {
                                 std::fprintf(stderr, "hookscope-cli: %s\n", qUtf8Printable(error));
                                 return;
                             }
                             writeOut(QStringLiteral("%1 forwards to %2, signed with the secret "
                                                     "\"%3\" (kept in %4)\n")
                                          .arg(session.tunnel()->name(),
                                               session.tunnel()->forwardUrl(), name, where)
                                          .toUtf8());
                             std::fflush(stdout);
                         });
    }

    SignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &SignalWatcher::terminationRequested, qApp,
                     &QCoreApplication::quit);
    QCoreApplication::exec();

    return 0; // the session commits what is queued; the rest is sent after a restart
}

int CliCommands::list(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List captures, newest first."));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption limitOption(QStringLiteral("limit"),
                                         QStringLiteral("At most N captures (default 50)."),
                                         QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption searchOption(
        QStringLiteral("search"),
        QStringLiteral("Only captures matching TEXT: words and \"phrases\" in "
                       "paths, headers and bodies, and method:POST path:/prefix "
                       "status:4xx type:json event:invoice.paid is:malformed is:starred"),
        QStringLiteral("TEXT"));
    parser.addOptions({jsonOption, limitOption, searchOption});
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    bool ok = false;
    const int limit = parser.value(limitOption).toInt(&ok);
    if (!ok || limit <= 0)
        return usageError(QStringLiteral("--limit expects a positive number"));

    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    QString queryError;
    const CaptureQuery query = CaptureQuery::parse(parser.value(searchOption), &queryError);
    if (!queryError.isEmpty())
        return usageError(QStringLiteral("--search: ") + queryError);
    const QList<CaptureSummary> summaries = store.find(query, 0, limit);
    if (parser.isSet(jsonOption)) {
        QJsonArray array;
        for (const CaptureSummary &summary : summaries)
            array.append(CaptureJson::fromSummary(summary));
        writeOut(QJsonDocument(array).toJson(QJsonDocument::Indented));
        return 0;
    }
    QByteArray lines;
    for (const CaptureSummary &summary : summaries)
        lines += QDateTime::fromMSecsSinceEpoch(summary.receivedAtUs / 1000)
                     .toString(QStringLiteral("yyyy-MM-dd "))
                     .toUtf8()
                 + summaryLine(summary) + '\n';
    writeOut(lines);
    return 0;
}

int CliCommands::show(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show one capture."));
    const QCommandLineOption rawOption(QStringLiteral("raw"),
                                       QStringLiteral("Write the request exactly as received."));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOptions({rawOption, jsonOption});
    parser.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("Capture ID."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    qint64 id = 0;
    if (!parseId(parser, &id, &exitCode))
        return exitCode;
    if (parser.isSet(rawOption) && parser.isSet(jsonOption))
        return usageError(QStringLiteral("choose one of --raw and --json"));

    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    const std::optional<CapturedRequest> request = store.capture(id);
    if (!request)
        return usageError(QStringLiteral("no capture with ID %1 in %2").arg(id).arg(store.path()));
    if (parser.isSet(rawOption)) {
        writeOut(request->raw);
        return 0;
    }
    if (parser.isSet(jsonOption)) {
        writeOut(QJsonDocument(CaptureJson::fromCapture(*request)).toJson(QJsonDocument::Indented));
        return 0;
    }
    QByteArray text = "Capture #" + QByteArray::number(id) + " from "
                      + request->remoteAddress.toString().toUtf8() + ':'
                      + QByteArray::number(request->remotePort) + " at "
                      + formatLocalTime(request->receivedAtUs).toUtf8() + '\n';
    if (!request->parseError.isEmpty())
        text += "Malformed: " + request->parseError.toUtf8() + '\n';
    text += '\n' + request->raw.left(request->headSize);
    const QByteArray body = request->decodedBody();
    if (body.contains('\0'))
        text += "[" + QByteArray::number(body.size()) + " bytes of binary body; use --raw]\n";
    else if (!body.isEmpty())
        text += body + (body.endsWith('\n') ? "" : "\n");
    text += "\nAnswered: "
            + (request->responseStatus ? QByteArray::number(request->responseStatus)
                                       : QByteArray("nothing"))
            + '\n';
    writeOut(text);
    return 0;
}

int CliCommands::send(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Send one request and print the answer (exit 0 for 2xx, 1 otherwise)."));
    const QCommandLineOption methodOption({QStringLiteral("X"), QStringLiteral("request")},
                                          QStringLiteral("Method (GET, or POST with a body)."),
                                          QStringLiteral("METHOD"));
    const QCommandLineOption headerOption({QStringLiteral("H"), QStringLiteral("header")},
                                          QStringLiteral("A header line; repeat for more."),
                                          QStringLiteral("'Name: value'"));
    parser.addOptions({methodOption, headerOption, dataOption, timeoutOption, insecureOption});
    parser.addPositionalArgument(QStringLiteral("URL"), QStringLiteral("Where to send it."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().size() != 1)
        return usageError(QStringLiteral("expected one URL"));
    OutgoingRequest request;
    request.url = QUrl(parser.positionalArguments().constFirst());
    if (const QString problem = OutgoingRequest::targetProblem(request.url); !problem.isEmpty())
        return usageError(problem);
    for (const QString &line : parser.values(headerOption)) {
        HeaderField header;
        if (!parseHeaderLine(line, &header))
            return usageError(
                QStringLiteral("-H '%1' is not a header line ('Name: value')").arg(line));
        request.headers.append(header);
    }
    if (parser.isSet(dataOption)) {
        QString error;
        const std::optional<QByteArray> body = readData(parser.value(dataOption), &error);
        if (!body)
            return usageError(QStringLiteral("the body: ") + error);
        request.body = *body;
    }
    request.method = parser.isSet(methodOption) ? parser.value(methodOption).toUtf8()
                     : parser.isSet(dataOption) ? QByteArray("POST")
                                                : QByteArray("GET");
    return sendAndPrint(request, parser);
}

int CliCommands::remove(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Delete one capture."));
    parser.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("Capture ID."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    qint64 id = 0;
    if (!parseId(parser, &id, &exitCode))
        return exitCode;
    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    if (!store.remove(id))
        return usageError(QStringLiteral("no capture with ID %1 in %2").arg(id).arg(store.path()));
    return 0;
}

int CliCommands::clear(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Delete every capture."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    const qint64 count = store.count();
    if (!store.clear())
        return usageError(
            QStringLiteral("could not clear %1: %2").arg(store.path(), store.errorString()));
    writeOut(QStringLiteral("Deleted %1 captures from %2\n").arg(count).arg(store.path()).toUtf8());
    return 0;
}

} // namespace Hookscope
