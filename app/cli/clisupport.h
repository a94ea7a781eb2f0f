#pragma once

#include <QByteArray>
#include <QCommandLineOption>
#include <QCommandLineParser>

#include "session/settings.h"
#include "signing/signaturesettings.h"
#include "delivery/chaos.h"
#include "delivery/sender.h"
#include "wire/outgoingrequest.h"

#include <optional>

namespace Hookscope {

class CaptureStore;

// What every hookscope-cli command shares: output, errors, the --store option, parsing.
namespace Cli {

void writeOut(const QByteArray &bytes);
// Prints "hookscope-cli: MESSAGE" on stderr; returns the usage-error exit code, 2.
int usageError(const QString &message);
// "500ms", "90s", "30m", "24h", "2d", or a bare number of seconds, in milliseconds.
std::optional<qint64> durationMs(const QString &text);

extern const QCommandLineOption storeOption;
// Where a secret comes from: the keychain by name, or an environment variable.
extern const QCommandLineOption secretNameOption;
extern const QCommandLineOption secretEnvOption;
// The secret those options name, or nothing after reporting why.
std::optional<QByteArray> secretFrom(const QCommandLineParser &parser);
// Re-signs with this scheme (default: the one each capture's headers show) and the secret of
// --secret-name or --secret-env.
extern const QCommandLineOption signSchemeOption;
// Re-signing for every path with that secret and the scheme `schemeOption` names (when not
// set: the one each capture's headers show), or nothing after reporting why.
// The signature bindings set up in the window, with their secrets from the keychain; none, said
// on stderr, when there are none or a secret cannot be read.
std::optional<SignatureSettings> savedSigning(const Settings &settings);
std::optional<SignatureSettings> signingFrom(const QCommandLineParser &parser,
                                             const QCommandLineOption &schemeOption);
// How long to wait for an answer, and whether to accept a self-signed certificate: the
// options of every command that sends.
extern const QCommandLineOption timeoutOption;
extern const QCommandLineOption insecureOption;
// How deliveries are sent to test a handler (delivery/chaos.h): --duplicates, --shuffle,
// --shuffle-window, --stale, --concurrency, --seed, and `randomDelay` when the command has it;
// nothing after reporting a mistake.
extern const QCommandLineOption duplicatesOption;
extern const QCommandLineOption shuffleOption;
extern const QCommandLineOption shuffleWindowOption;
extern const QCommandLineOption staleOption;
extern const QCommandLineOption concurrencyOption;
extern const QCommandLineOption seedOption;
std::optional<ChaosOptions> chaosFrom(const QCommandLineParser &parser,
                                      const QCommandLineOption *randomDelay);
// What those two options say, or nothing after reporting a --timeout that is not a number.
std::optional<SendOptions> sendOptionsFrom(const QCommandLineParser &parser);
// Sends `request` and prints the answer as curl -i would: status line, headers, blank line,
// body. Exit 0 for a 2xx answer, 1 for any other answer or none.
int sendAndPrint(const OutgoingRequest &request, const QCommandLineParser &parser);
// --data-binary TEXT | @FILE | @-, read by readData().
extern const QCommandLineOption dataOption;

// Parses a command's options; returns false (with the exit code in `exitCode`) when the
// command should not run: --help, or a usage error already reported.
bool parse(QCommandLineParser &parser, const QStringList &arguments, int *exitCode);
QString storePath(const QCommandLineParser &parser);
// Opens the store or reports why not, naming the file and what to do.
bool openStore(CaptureStore &store, bool offerFresh);
// Reports why `store` could not be opened or used; always false.
bool reportStoreProblem(const CaptureStore &store, bool offerFresh);
bool parseId(const QCommandLineParser &parser, qint64 *id, int *exitCode);
// A --data-binary style argument: TEXT, @FILE or @- (standard input), read byte for byte.
// Nothing, with the reason in `error`, when the file cannot be read.
std::optional<QByteArray> readData(const QString &argument, QString *error);

} // namespace Cli
} // namespace Hookscope
