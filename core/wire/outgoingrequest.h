#pragma once

#include "capturedrequest.h"

#include <QHash>
#include <QUrl>

namespace Hookscope {

// How requests go to one target, chosen per target by the user.
struct TargetOptions
{
    bool fixedUrl = false; // send to the URL as written; otherwise it is a base for the path
    bool keepHost = false; // keep the captured Host header instead of the target's
    bool acceptSelfSigned = false;
    // Sign again with the scheme and secret bound to the capture's path (fresh timestamp and
    // message id) instead of sending its signature as captured.
    bool resign = false;

    // As stored beside a queued delivery.
    int flags() const;
    static TargetOptions fromFlags(int flags);
};

// A request Hookscope sends: composed, replayed or forwarded.
struct OutgoingRequest
{
    QByteArray method;
    QUrl url;
    HeaderList headers; // in the order they will be sent
    QByteArray body;    // exactly these bytes

    // What replaying `capture` to `target` sends: the captured method, path and query appended
    // to the target's path (or the target URL alone, with `fixedUrl`), the headers minus
    // hop-by-hop ones and Host (unless `keepHost`), and the body bytes exactly (still
    // content-encoded, so signatures still verify).
    // A malformed capture without a request line cannot be replayed: returns nothing and says
    // why in `error`.
    static std::optional<OutgoingRequest> replay(const CapturedRequest &capture, const QUrl &target,
                                                 TargetOptions options, QString *error);
    // {{name}} in header values and the body replaced by `variables`; names with no value are
    // left as written and listed in `missing`. (A URL is expanded as text, before it is parsed:
    // expandVariables().)
    OutgoingRequest withVariables(const QHash<QString, QString> &variables,
                                  QStringList *missing) const;
    static QString expandVariables(const QString &text, const QHash<QString, QString> &variables,
                                   QStringList *missing);
    // Postman's dynamic variables, each place a fresh value: {{$guid}} and {{$randomUUID}} (a
    // UUID), {{$timestamp}} (unix seconds), {{$isoTimestamp}} (UTC, to the millisecond),
    // {{$randomInt}} (0 to 1000); and Hookscope's {{$randomId}} (24 letters and digits, as
    // provider ids end) and {{$randomHex}} (32 hex digits). Other {{names}} are left as written.
    static QByteArray withDynamicValues(const QByteArray &text, qint64 nowMs);
    // Connection-level headers a proxy must not pass on (RFC 9110 §7.6.1).
    static bool isHopByHop(QByteArrayView name);
    // The reason `url` cannot be a target (not http/https, no host), or empty when it can.
    static QString targetProblem(const QUrl &url);
};

// "Name: value" lines, each ended by `lineEnd`.
QByteArray headerLines(const HeaderList &headers, QByteArrayView lineEnd);
// Such lines back into a list (CRLF or LF line ends).
HeaderList parseHeaderLines(QByteArrayView text);

// What came back for one attempt.
struct DeliveryResult
{
    int status = 0;                  // 0: no HTTP answer (see error)
    QByteArray version = "HTTP/1.1"; // as the status line said it
    QByteArray reason;
    HeaderList headers;
    QByteArray body;
    qint64 startedAtUs = 0;
    qint64 durationUs = 0;
    QString error; // connection, TLS or timeout problem; empty when answered
    bool timedOut = false;

    bool succeeded() const { return status >= 200 && status < 300; }
    // The status line ("HTTP/1.1 200 OK", as curl -i prints it) and headers, each line ended by
    // `lineEnd`; empty when nothing answered.
    QByteArray head(QByteArrayView lineEnd = "\r\n") const;
    // Takes the version, reason phrase and headers from a head() (the status is kept apart);
    // heads stored by earlier versions ("HTTP 200 OK") read as HTTP/1.1.
    void readHead(QByteArrayView head);
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::DeliveryResult)
