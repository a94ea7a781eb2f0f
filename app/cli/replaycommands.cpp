// hookscope-cli replay: captures sent again, once, or as a provider really delivers them
// (duplicated, shuffled, late, stale, several at once) with a report of what each answered.
#include "clicommands.h"
#include "clisupport.h"

#include "delivery/chaos.h"
#include "store/capturestore.h"
#include "wire/eventtype.h"

#include <QDateTime>
#include <QEventLoop>

namespace Hookscope {

using namespace Cli;

namespace {

QByteArray answerText(const ChaosSend &send)
{
    if (!send.request)
        return "not sent: " + send.error.toUtf8();
    if (send.result.status == 0)
        return "no answer: " + send.result.error.toUtf8();
    return QByteArray::number(send.result.status) + ' ' + send.result.reason + "  "
           + QByteArray::number(double(send.result.durationUs) / 1000, 'f', 1) + " ms";
}

// What the handler answered each capture, copy by copy: whether it took a duplicate well.
QByteArray perCapture(const QList<CapturedRequest> &captures, const QList<ChaosSend> &sends)
{
    QByteArray text;
    for (qsizetype delivery = 0; delivery < captures.size(); ++delivery) {
        const CapturedRequest &capture = captures.at(delivery);
        QByteArrayList answers;
        for (const ChaosSend &send : sends) {
            if (send.planned.delivery == delivery)
                answers.append(send.result.status ? QByteArray::number(send.result.status)
                                                  : QByteArray("none"));
        }
        const QString type = eventType(capture);
        const QString id = eventId(capture);
        text += '#' + QByteArray::number(capture.id)
                + (type.isEmpty() ? QByteArray() : ' ' + type.toUtf8())
                + (id.isEmpty() ? QByteArray() : " (" + id.toUtf8() + ')') + ": sent "
                + QByteArray::number(answers.size()) + " time(s), answered " + answers.join(", ")
                + '\n';
    }
    return text;
}

} // namespace

int CliCommands::replay(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Send captures again: their method, path, headers and exact body, to another base URL. "
        "One capture, sent once, prints the answer; with several, or any delivery option, each "
        "send gets a line (in the order sent) and each capture what it was answered. Exit 0 when "
        "every answer is a 2xx, 1 otherwise."));
    const QCommandLineOption toOption(QStringLiteral("to"),
                                      QStringLiteral("Base URL; the captured path is appended."),
                                      QStringLiteral("URL"));
    const QCommandLineOption keepHostOption(QStringLiteral("keep-host"),
                                            QStringLiteral("Send the captured Host header."));
    const QCommandLineOption fixedUrlOption(
        QStringLiteral("fixed-url"),
        QStringLiteral("Send to the --to URL as written, without the captured path."));
    const QCommandLineOption resignOption(
        QStringLiteral("resign"),
        QStringLiteral(
            "Sign it again, with a fresh timestamp and message id (see --sign-scheme)."));
    const QCommandLineOption delayOption(
        QStringLiteral("delay"),
        QStringLiteral("Wait before each send: MS, or a random MIN-MAX (100-500)."),
        QStringLiteral("MS"));
    parser.addOptions({toOption, keepHostOption, fixedUrlOption, timeoutOption, insecureOption,
                       resignOption, signSchemeOption, secretNameOption, secretEnvOption,
                       duplicatesOption, shuffleOption, shuffleWindowOption, delayOption,
                       staleOption, concurrencyOption, seedOption});
    parser.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("Capture IDs."),
                                 QStringLiteral("ID..."));
    int exitCode = 0;
    if (!parse(parser, arguments, &exitCode))
        return exitCode;
    if (parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("expected the ID of a capture"));
    if (!parser.isSet(toOption))
        return usageError(QStringLiteral("replay needs --to URL"));
    const std::optional<ChaosOptions> chaos = chaosFrom(parser, &delayOption);
    if (!chaos)
        return 2;
    QString error;

    CaptureStore store(storePath(parser));
    if (!openStore(store, true))
        return 2;
    QList<CapturedRequest> captures;
    for (const QString &text : parser.positionalArguments()) {
        bool ok = false;
        const qint64 id = text.toLongLong(&ok);
        std::optional<CapturedRequest> capture = ok ? store.capture(id) : std::nullopt;
        if (!capture)
            return usageError(
                QStringLiteral("no capture with ID %1 in %2").arg(text, store.path()));
        captures.append(*capture);
    }
    TargetOptions options;
    options.fixedUrl = parser.isSet(fixedUrlOption);
    options.keepHost = parser.isSet(keepHostOption);
    std::optional<SignatureSettings> signing;
    if (parser.isSet(resignOption) || chaos->staleSeconds > 0) {
        signing = signingFrom(parser, signSchemeOption);
        if (!signing)
            return 2;
    }
    const QUrl target(parser.value(toOption));
    const auto prepare = [&](const PlannedSend &send, qint64 signedAt,
                             QString *why) -> std::optional<OutgoingRequest> {
        const CapturedRequest &capture = captures.at(send.delivery);
        std::optional<OutgoingRequest> request
            = OutgoingRequest::replay(capture, target, options, why);
        if (request && signing && !signing->resign(*request, capture, signedAt, why))
            return std::nullopt;
        return request;
    };
    if (captures.size() == 1 && chaos->isPlain() && !parser.isSet(seedOption)) {
        const std::optional<OutgoingRequest> request
            = prepare({}, QDateTime::currentSecsSinceEpoch(), &error);
        if (!request)
            return usageError(error);
        return sendAndPrint(*request, parser);
    }
    // Each capture can be sent at all: said before anything goes.
    for (qsizetype delivery = 0; delivery < captures.size(); ++delivery)
        if (!OutgoingRequest::replay(captures.at(delivery), target, options, &error))
            return usageError(QStringLiteral("#%1: %2").arg(captures.at(delivery).id).arg(error));

    const std::optional<SendOptions> sendOptions = sendOptionsFrom(parser);
    if (!sendOptions)
        return 2;
    ChaosSender sender;
    QEventLoop loop;
    QList<ChaosSend> sends;
    qint64 startUs = 0;
    QObject::connect(&sender, &ChaosSender::sent, [&](const ChaosSend &send) {
        // Printed as answered; numbered in the order planned, timed from the start.
        const CapturedRequest &capture = captures.at(send.planned.delivery);
        QByteArray line
            = QByteArray::number(send.order).rightJustified(4) + "  at "
              + QByteArray::number((send.startedAtUs - startUs) / 1000).rightJustified(6) + " ms  #"
              + QByteArray::number(capture.id);
        if (chaos->duplicates > 1)
            line += " copy " + QByteArray::number(send.planned.copy + 1) + '/'
                    + QByteArray::number(chaos->duplicates);
        if (send.request)
            line += "  " + send.request->method + ' ' + send.request->url.toEncoded();
        writeOut(line + "  " + answerText(send) + '\n');
    });
    QObject::connect(&sender, &ChaosSender::finished, [&](const QList<ChaosSend> &all) {
        sends = all;
        loop.quit();
    });
    startUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    sender.start(int(captures.size()), *chaos, prepare, *sendOptions);
    writeOut(QStringLiteral("seed %1: run again with --seed %1 for the same order and delays\n")
                 .arg(sender.seed())
                 .toUtf8());
    loop.exec();
    const qsizetype succeeded
        = std::count_if(sends.cbegin(), sends.cend(), [](const ChaosSend &send) {
              return send.request && send.result.succeeded();
          });
    writeOut(perCapture(captures, sends));
    writeOut(QStringLiteral("%1 sent: %2 answered 2xx, %3 not\n")
                 .arg(sends.size())
                 .arg(succeeded)
                 .arg(sends.size() - succeeded)
                 .toUtf8());
    return succeeded == sends.size() ? 0 : 1;
}

} // namespace Hookscope
