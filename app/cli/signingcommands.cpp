// hookscope-cli sign, verify and secret: signatures and the keychain's named secrets.
#include "clicommands.h"
#include "clisupport.h"

#include "store/capturestore.h"
#include "secrets/secretstore.h"
#include "signing/signature.h"
#include "signing/signaturesettings.h"

#include <QDateTime>
#include <QFile>
#include <QUrl>

namespace Hookscope {
namespace {

using namespace Cli;

const QCommandLineOption schemeOption(
    QStringLiteral("scheme"),
    QStringLiteral("standard-webhooks, svix, stripe, github, shopify, slack, twilio, or "
                   "generic:header=NAME,algorithm=sha256,encoding=hex,prefix=P,"
                   "content={timestamp}.{body},timestamp-header=NAME,id-header=NAME."),
    QStringLiteral("SCHEME"));
std::optional<SignatureScheme> schemeFrom(const QCommandLineParser &parser)
{
    QString error;
    std::optional<SignatureScheme> scheme
        = SignatureScheme::parse(parser.value(schemeOption), &error);
    if (!scheme)
        usageError(QStringLiteral("--scheme: ") + error);
    return scheme;
}

// Bytes as text for a terminal: printable ASCII kept, the rest escaped, long runs cut.
QByteArray printable(const QByteArray &bytes, qsizetype limit = 400)
{
    QByteArray out;
    for (const char c : bytes.left(limit)) {
        if (c >= 0x20 && c < 0x7f)
            out += c;
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += "\\x" + QByteArray::number(uchar(c), 16).rightJustified(2, '0');
    }
    if (bytes.size() > limit)
        out += "… (" + QByteArray::number(bytes.size()) + " bytes in all)";
    return out;
}

} // namespace

int CliCommands::sign(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print the header lines that sign a body (add them to the request)."));
    const QCommandLineOption idOption(QStringLiteral("id"),
                                      QStringLiteral("Message id (default: a new msg_…)."),
                                      QStringLiteral("ID"));
    const QCommandLineOption timestampOption(QStringLiteral("timestamp"),
                                             QStringLiteral("Unix time to sign at (default: now)."),
                                             QStringLiteral("T"));
    const QCommandLineOption urlOption(
        QStringLiteral("url"), QStringLiteral("The URL the request goes to (Twilio signs it)."),
        QStringLiteral("URL"));
    const QCommandLineOption methodOption(QStringLiteral("method"),
                                          QStringLiteral("Method (default POST)."),
                                          QStringLiteral("METHOD"), QStringLiteral("POST"));
    const QCommandLineOption contentTypeOption(
        QStringLiteral("content-type"),
        QStringLiteral("The body's type (Twilio signs form fields, not form bodies)."),
        QStringLiteral("TYPE"));
    parser.addOptions({schemeOption, secretNameOption, secretEnvOption, idOption, timestampOption,
                       urlOption, methodOption, contentTypeOption, dataOption});
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (!parser.isSet(schemeOption))
        return usageError(QStringLiteral("sign needs --scheme SCHEME"));
    const std::optional<SignatureScheme> scheme = schemeFrom(parser);
    if (!scheme)
        return 2;
    qint64 timestamp = QDateTime::currentSecsSinceEpoch();
    if (parser.isSet(timestampOption)) {
        bool ok = false;
        timestamp = parser.value(timestampOption).toLongLong(&ok);
        if (!ok || timestamp < 0)
            return usageError(QStringLiteral("--timestamp takes a unix time in seconds"));
    }
    SignedRequest request;
    request.method = parser.value(methodOption).toUtf8();
    request.url = parser.value(urlOption).toUtf8();
    request.target = QUrl::fromEncoded(request.url).path(QUrl::FullyEncoded).toUtf8();
    if (parser.isSet(contentTypeOption))
        request.headers.append({"Content-Type", parser.value(contentTypeOption).toUtf8()});
    if (parser.isSet(dataOption)) {
        QString error;
        const std::optional<QByteArray> body = readData(parser.value(dataOption), &error);
        if (!body)
            return usageError(QStringLiteral("the body: ") + error);
        request.body = *body;
    }
    const std::optional<QByteArray> secret = secretFrom(parser);
    if (!secret)
        return 2;
    QString error;
    const QByteArray id
        = parser.isSet(idOption) ? parser.value(idOption).toUtf8() : Signatures::newMessageId();
    const HeaderList headers = Signatures::sign(*scheme, *secret, request, timestamp, id, &error);
    if (headers.isEmpty())
        return usageError(error);
    QByteArray lines;
    for (const HeaderField &header : headers)
        lines += header.name + ": " + header.value + '\n';
    writeOut(lines);
    return 0;
}

int CliCommands::verify(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Check a capture's signature: prints the verdict and why (exit 0 valid, 1 not valid)."));
    const QCommandLineOption toleranceOption(
        QStringLiteral("tolerance"),
        QStringLiteral("Seconds a timestamp may be off (default 300)."), QStringLiteral("S"),
        QString::number(Signatures::DefaultToleranceSeconds));
    const QCommandLineOption urlOption(
        QStringLiteral("url"),
        QStringLiteral("The public URL the provider called (Twilio signs it; default: rebuilt "
                       "from Host and X-Forwarded-* headers)."),
        QStringLiteral("URL"));
    const QCommandLineOption nowOption(
        QStringLiteral("now"),
        QStringLiteral("Judge the timestamp against the current time, not the time the capture "
                       "arrived (what the receiving app saw)."));
    parser.addOptions(
        {schemeOption, secretNameOption, secretEnvOption, toleranceOption, urlOption, nowOption});
    parser.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("Capture ID."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    qint64 id = 0;
    if (!parseId(parser, &id, &exitCode))
        return exitCode;
    bool ok = false;
    const int tolerance = parser.value(toleranceOption).toInt(&ok);
    if (!ok || tolerance < 0)
        return usageError(QStringLiteral("--tolerance takes a number of seconds"));
    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    const std::optional<CapturedRequest> capture = store.capture(id);
    if (!capture)
        return usageError(QStringLiteral("no capture with ID %1 in %2").arg(id).arg(store.path()));
    std::optional<SignatureScheme> scheme;
    if (parser.isSet(schemeOption))
        scheme = schemeFrom(parser);
    else if (!(scheme = SignatureScheme::detect(capture->headers)))
        return usageError(QStringLiteral("capture #%1 carries no signature header this build "
                                         "knows; name the scheme with --scheme")
                              .arg(id));
    if (!scheme)
        return 2;
    const std::optional<QByteArray> secret = secretFrom(parser);
    if (!secret)
        return 2;
    SignedRequest request = SignedRequest::fromCapture(*capture);
    if (parser.isSet(urlOption))
        request.url = parser.value(urlOption).toUtf8();
    const qint64 judgedAt = parser.isSet(nowOption) ? QDateTime::currentSecsSinceEpoch()
                                                    : SignatureSettings::arrivalSeconds(*capture);
    const SignatureVerdict verdict
        = Signatures::verify(*scheme, *secret, request, judgedAt, tolerance);
    QByteArray out = SignatureVerdict::outcomeName(verdict.outcome).toUtf8() + ": "
                     + verdict.reason.toUtf8() + '\n';
    out += "  scheme:   " + scheme->name().toUtf8() + '\n';
    if (!verdict.header.isEmpty())
        out += "  header:   " + verdict.header + '\n';
    if (!verdict.signedBytes.isEmpty())
        out += "  signed:   " + printable(verdict.signedBytes) + '\n';
    for (const QByteArray &received : verdict.received)
        out += "  received: " + received + '\n';
    if (!verdict.expected.isEmpty())
        out += "  expected: " + verdict.expected + '\n';
    if (verdict.skewSeconds)
        out += "  skew:     " + QByteArray::number(*verdict.skewSeconds) + " s\n";
    writeOut(out);
    return verdict.outcome == SignatureVerdict::Outcome::Valid ? 0 : 1;
}

int CliCommands::secret(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Named secrets in the system keychain (service \"Hookscope\"):\n"
                       "  secret set NAME     reads the value from standard input\n"
                       "  secret list         the names, never the values\n"
                       "  secret delete NAME"));
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("set, list or delete."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    SecretStore secrets;
    if (action == QLatin1String("list") && positional.size() == 1) {
        QByteArray lines;
        for (const QString &name : secrets.names())
            lines += name.toUtf8() + '\n';
        writeOut(lines);
        return 0;
    }
    if ((action != QLatin1String("set") && action != QLatin1String("delete"))
        || positional.size() != 2)
        return usageError(QStringLiteral("expected 'secret set NAME', 'secret list' or "
                                         "'secret delete NAME'"));
    const QString name = positional.at(1);
    QString error;
    if (action == QLatin1String("delete")) {
        error = secrets.removeNow(name);
    } else {
        QFile input;
        if (!input.open(stdin, QIODevice::ReadOnly))
            return usageError(QStringLiteral("cannot read the secret from standard input"));
        QByteArray value = input.readAll();
        if (value.endsWith('\n'))
            value.chop(value.endsWith("\r\n") ? 2 : 1); // as `echo` or a file adds
        if (value.isEmpty())
            return usageError(QStringLiteral("no secret on standard input"));
        error = secrets.writeNow(name, value);
    }
    // Kept in this process's memory only: useless once it exits, so say nothing was stored.
    if (error.isEmpty() && !secrets.keychainProblem().isEmpty())
        error = secrets.keychainProblem()
                + QStringLiteral(": nothing was stored. Start a Secret Service (e.g. "
                                 "gnome-keyring), or pass secrets with --secret-env VAR");
    return error.isEmpty() ? 0 : usageError(error);
}

} // namespace Hookscope
