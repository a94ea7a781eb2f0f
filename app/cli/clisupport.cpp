#include "clisupport.h"

#include "delivery/sender.h"
#include "store/capturestore.h"
#include "wire/jsonfile.h"
#include "wire/requestparser.h"
#include "secrets/secretstore.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QRegularExpression>

#include <cstdio>

namespace Hookscope::Cli {

void writeOut(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
}

int usageError(const QString &message)
{
    std::fprintf(stderr, "hookscope-cli: %s\n", qUtf8Printable(message));
    return 2;
}

std::optional<qint64> durationMs(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)?\\s*$"));
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    static const QHash<QString, double> unitMs{
        {QStringLiteral("ms"), 1},   {QStringLiteral("s"), 1e3},    {QString(), 1e3},
        {QStringLiteral("m"), 60e3}, {QStringLiteral("h"), 3600e3}, {QStringLiteral("d"), 86400e3}};
    const double ms = match.captured(1).toDouble() * unitMs.value(match.captured(2));
    if (ms > 1e15)
        return std::nullopt;
    return qint64(ms);
}

const QCommandLineOption storeOption(QStringLiteral("store"), QStringLiteral("Capture store file."),
                                     QStringLiteral("PATH"));

bool parse(QCommandLineParser &parser, const QStringList &arguments, int *exitCode)
{
    parser.addHelpOption();
    parser.addOption(storeOption);
    if (!parser.parse(arguments)) {
        *exitCode = usageError(parser.errorText());
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        // Qt names the program by the path it was started from; "hookscope-cli listen" is what
        // to type.
        QString help = parser.helpText();
        const QString usage = QStringLiteral("Usage: ") + QCoreApplication::arguments().value(0);
        if (help.startsWith(usage))
            help.replace(7, usage.size() - 7, arguments.value(0));
        writeOut(help.toUtf8());
        *exitCode = 0;
        return false;
    }
    return true;
}

QString storePath(const QCommandLineParser &parser)
{
    return parser.isSet(storeOption) ? parser.value(storeOption) : CaptureStore::defaultPath();
}

bool openStore(CaptureStore &store, bool offerFresh)
{
    return store.open() || reportStoreProblem(store, offerFresh);
}

bool reportStoreProblem(const CaptureStore &store, bool offerFresh)
{
    QString message = store.errorString();
    if (!message.endsWith(QLatin1Char('.')))
        message += QLatin1Char('.');
    if (offerFresh && store.openError() != CaptureStore::OpenError::Unreadable)
        message += QStringLiteral(" To keep that file aside and start a fresh store, run "
                                  "'hookscope-cli listen --fresh-store'.");
    usageError(message);
    return false;
}

bool parseId(const QCommandLineParser &parser, qint64 *id, int *exitCode)
{
    const QStringList positional = parser.positionalArguments();
    bool ok = false;
    *id = positional.size() == 1 ? positional.at(0).toLongLong(&ok) : 0;
    if (!ok || *id <= 0) {
        *exitCode = usageError(
            QStringLiteral("expected one capture ID (a positive number, as 'list' shows it)"));
        return false;
    }
    return true;
}

const QCommandLineOption secretNameOption(QStringLiteral("secret-name"),
                                          QStringLiteral("A secret kept in the keychain "
                                                         "('hookscope-cli secret set NAME')."),
                                          QStringLiteral("NAME"));
const QCommandLineOption secretEnvOption(
    QStringLiteral("secret-env"), QStringLiteral("The environment variable holding the secret."),
    QStringLiteral("VAR"));

// The secret the options name, or nothing after reporting why.
std::optional<QByteArray> secretFrom(const QCommandLineParser &parser)
{
    if (parser.isSet(secretNameOption) == parser.isSet(secretEnvOption)) {
        usageError(QStringLiteral("give the secret with either --secret-name NAME or "
                                  "--secret-env VAR"));
        return std::nullopt;
    }
    if (parser.isSet(secretEnvOption)) {
        const QByteArray variable = parser.value(secretEnvOption).toUtf8();
        if (!qEnvironmentVariableIsSet(variable.constData())) {
            usageError(
                QStringLiteral("--secret-env: %1 is not set").arg(QString::fromUtf8(variable)));
            return std::nullopt;
        }
        return qgetenv(variable.constData());
    }
    SecretStore secrets;
    QString error;
    std::optional<QByteArray> value = secrets.readNow(parser.value(secretNameOption), &error);
    if (!value)
        usageError(error + QStringLiteral("; or pass it with --secret-env VAR"));
    return value;
}

std::optional<SignatureSettings> signingFrom(const QCommandLineParser &parser,
                                             const QCommandLineOption &schemeOption)
{
    SignatureBinding everyPath;
    if (parser.isSet(schemeOption)) {
        QString error;
        everyPath.scheme = SignatureScheme::parse(parser.value(schemeOption), &error);
        if (!everyPath.scheme) {
            usageError(QStringLiteral("--%1: ").arg(schemeOption.names().constFirst()) + error);
            return std::nullopt;
        }
    }
    const std::optional<QByteArray> secret = secretFrom(parser);
    if (!secret)
        return std::nullopt;
    everyPath.secretName = QStringLiteral("command line");
    SignatureSettings settings;
    settings.bindings = {everyPath};
    settings.secrets.insert(everyPath.secretName, *secret);
    return settings;
}

std::optional<SignatureSettings> savedSigning(const Settings &settings)
{
    SignatureSettings signing;
    signing.bindings = settings.signatureBindings();
    if (signing.bindings.isEmpty()) {
        usageError(QStringLiteral("a forward route re-signs, and no signature is set up: bind a "
                                  "secret in the window (Capture → Signatures…) or give one with "
                                  "--secret-name NAME or --secret-env VAR"));
        return std::nullopt;
    }
    SecretStore secrets;
    for (const SignatureBinding &binding : std::as_const(signing.bindings)) {
        if (signing.secrets.contains(binding.secretName))
            continue;
        QString error;
        const std::optional<QByteArray> value = secrets.readNow(binding.secretName, &error);
        if (!value) {
            usageError(error + QStringLiteral("; or pass a secret with --secret-env VAR"));
            return std::nullopt;
        }
        signing.secrets.insert(binding.secretName, *value);
    }
    return signing;
}

const QCommandLineOption dataOption(
    QStringLiteral("data-binary"),
    QStringLiteral("The body, byte for byte: text, @FILE, or @- for standard input."),
    QStringLiteral("DATA"));

std::optional<QByteArray> readData(const QString &argument, QString *error)
{
    if (!argument.startsWith(QLatin1Char('@')))
        return argument.toUtf8();
    // A body is at most what the receiver itself accepts.
    const qint64 maxBytes = ParserLimits().maxBodyBytes;
    if (argument != QLatin1String("@-"))
        return JsonFile::read(argument.mid(1), error, maxBytes);
    QFile input;
    if (!input.open(stdin, QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read standard input: %1").arg(input.errorString());
        return std::nullopt;
    }
    return JsonFile::readCapped(input, QStringLiteral("standard input"), error, maxBytes);
}

const QCommandLineOption signSchemeOption(
    QStringLiteral("sign-scheme"),
    QStringLiteral("Re-sign with this scheme (default: the one the capture's headers show), "
                   "and the secret of --secret-name or --secret-env."),
    QStringLiteral("SCHEME"));

const QCommandLineOption timeoutOption(QStringLiteral("timeout"),
                                       QStringLiteral("Seconds to wait for the answer (10)."),
                                       QStringLiteral("SECONDS"), QStringLiteral("10"));
const QCommandLineOption insecureOption(QStringLiteral("insecure"),
                                        QStringLiteral("Accept a self-signed certificate."));
const QCommandLineOption duplicatesOption(
    QStringLiteral("duplicates"), QStringLiteral("Send each one N times, as a provider may (1)."),
    QStringLiteral("N"));
const QCommandLineOption shuffleOption(QStringLiteral("shuffle"),
                                       QStringLiteral("Send them in a random order."));
const QCommandLineOption shuffleWindowOption(
    QStringLiteral("shuffle-window"),
    QStringLiteral("Shuffle only within each N sends, as a provider's order drifts."),
    QStringLiteral("N"));
const QCommandLineOption staleOption(
    QStringLiteral("stale"),
    QStringLiteral("Sign each send as if SECONDS ago (re-signed: only the age is wrong)."),
    QStringLiteral("SECONDS"));
const QCommandLineOption concurrencyOption(QStringLiteral("concurrency"),
                                           QStringLiteral("Sends in flight at once (1)."),
                                           QStringLiteral("N"));
const QCommandLineOption seedOption(
    QStringLiteral("seed"),
    QStringLiteral("Repeat the order and delays of an earlier run (its report gives it)."),
    QStringLiteral("N"));

std::optional<ChaosOptions> chaosFrom(const QCommandLineParser &parser,
                                      const QCommandLineOption *randomDelay)
{
    // Read as a forward route writes them, so both say the same about the same mistake.
    QStringList written;
    for (const auto &[option, name] :
         {std::pair(&duplicatesOption, "duplicates"), std::pair(&shuffleWindowOption, "shuffle"),
          std::pair(randomDelay, "delay"), std::pair(&staleOption, "stale"),
          std::pair(&concurrencyOption, "concurrency"), std::pair(&seedOption, "seed")})
        if (option && parser.isSet(*option))
            written << QString::fromLatin1(name) + QLatin1Char('=') + parser.value(*option);
    if (parser.isSet(shuffleOption))
        written << QStringLiteral("shuffle");
    QString error;
    std::optional<ChaosOptions> chaos = ChaosOptions::parse(written.join(QLatin1Char(' ')), &error);
    if (!chaos)
        usageError(QStringLiteral("--") + error);
    return chaos;
}

std::optional<SendOptions> sendOptionsFrom(const QCommandLineParser &parser)
{
    bool ok = false;
    SendOptions options;
    options.timeoutMs = int(parser.value(timeoutOption).toDouble(&ok) * 1000);
    if (!ok || options.timeoutMs <= 0) {
        usageError(QStringLiteral("--timeout takes a positive number of seconds"));
        return std::nullopt;
    }
    options.acceptSelfSigned = parser.isSet(insecureOption);
    return options;
}

// Sends `request` and prints the answer as curl -i would: status line, headers, blank line,
// body. Exit 0 for a 2xx answer, 1 for any other answer or none.
int sendAndPrint(const OutgoingRequest &request, const QCommandLineParser &parser)
{
    const std::optional<SendOptions> options = sendOptionsFrom(parser);
    if (!options)
        return 2;
    Sender sender;
    QEventLoop loop;
    DeliveryResult result;
    sender.send(request, *options, [&](const DeliveryResult &answer) {
        result = answer;
        loop.quit();
    });
    loop.exec();
    if (result.status == 0) {
        std::fprintf(stderr, "hookscope-cli: %s %s: %s\n", request.method.constData(),
                     request.url.toEncoded().constData(), qUtf8Printable(result.error));
        return 1;
    }
    writeOut(result.head() + "\r\n" + result.body);
    std::fprintf(stderr, "%d from %s in %.1f ms\n", result.status,
                 request.url.toEncoded().constData(), double(result.durationUs) / 1000);
    return result.succeeded() ? 0 : 1;
}

} // namespace Hookscope::Cli
