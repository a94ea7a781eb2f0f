#pragma once

#include "expectations.h"
#include "signing/signaturesettings.h"
#include "wire/outgoingrequest.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace Hookscope {

struct TemplateHeader
{
    QByteArray name;
    QByteArray value;
    bool enabled = true; // a switched-off header is kept but not sent
};

// How a request authenticates, kept apart from the headers so that {{variables}} in it are
// filled in before the Authorization header is built.
struct RequestAuth
{
    enum class Kind { None, Basic, Bearer };
    Kind kind = Kind::None;
    QString username; // Basic
    QString password; // Basic
    QString token;    // Bearer
};

// How a request is signed each time it is sent (a fresh timestamp and id): the provider's
// scheme and the name of the secret in the keychain. Empty: sent as its headers say.
struct RequestSigning
{
    QString scheme; // as SignatureScheme::name() writes it: "stripe", "github", …
    QString secretName;

    bool isSet() const { return !scheme.isEmpty(); }
};

// A request as a user keeps it: text that may hold {{variables}} and {{secret:name}}, filled
// in only when it is sent.
struct RequestTemplate
{
    QByteArray method = "GET";
    QString url;
    QList<TemplateHeader> headers;
    QByteArray body;
    RequestAuth auth;
    RequestSigning signing;
    Expectations expect; // what a run checks its answer against

    static RequestTemplate fromOutgoing(const OutgoingRequest &request);
    // What a capture turns into: `origin` ("https://host", or {{baseUrl}} when empty) followed
    // by its path and query, its headers minus the connection-level ones and Host, its body.
    static RequestTemplate fromCapture(const CapturedRequest &capture, const QString &origin = {});
    // The request to send with `values` filled in (a secret under "secret:NAME"), dynamic
    // values ({{$guid}}…, OutgoingRequest::withDynamicValues) fresh, signed afresh when
    // `signing` says so; nothing, and the reason, when a value is missing or the URL cannot be
    // a target.
    // `signedAt` (unix seconds, default now) is when its signature says it was signed.
    std::optional<OutgoingRequest> resolve(const QHash<QString, QString> &values, QString *error,
                                           std::optional<qint64> signedAt = {}) const;
    // Why it could never be sent: a method or header name that is not an HTTP token, a CR, LF
    // or NUL in a header value (names holding a {{variable}} are checked once filled in, at
    // send; a switched-off header when it is switched on). Empty when it can be.
    QString problem() const;
    // The secrets it refers to ({{secret:NAME}}, and the one it is signed with), each once.
    QStringList secretNames() const;
    bool hasHeader(QByteArrayView name) const;
    // Adds the header unless one of that name is there already (set by the user, say).
    void addHeaderUnlessSet(const QByteArray &name, const QByteArray &value);
    // The body as multipart/form-data holding these text fields, with its Content-Type.
    void setMultipartFields(const QList<std::pair<QByteArray, QByteArray>> &fields);
};

struct Variable
{
    QString name;
    QString value;
};

// A named set of values ("dev", "staging") laid over the collection's own variables.
struct Environment
{
    QString name;
    QList<Variable> variables;
    QJsonObject unknown; // fields a later version wrote, kept as they were
};

struct CollectionItem
{
    QString name;
    bool isFolder = false;
    QList<CollectionItem> items; // a folder's, in order
    RequestTemplate request;     // a request's
    QJsonObject unknown;         // fields a later version wrote (for a request, its "request" too)
};

// A collection file (DESIGN.md): pretty-printed JSON with sorted keys, so that a change makes a
// small diff; bodies as text when they are UTF-8, else base64; secrets only by name.
struct Collection
{
    static constexpr int Version = 1;

    QString name;
    QList<Variable> variables;
    QList<Environment> environments;
    QList<CollectionItem> items;
    QJsonObject unknown;

    // The collection's variables with `environment`'s laid over them.
    QHash<QString, QString> valuesFor(const QString &environment) const;
    QStringList environmentNames() const;
    // The item at `path` (indexes from the top), or null when there is none.
    const CollectionItem *item(const QList<int> &path) const;
    CollectionItem *item(const QList<int> &path);
    // The list `path` names: the top level for an empty path, else that folder's items.
    QList<CollectionItem> *itemsAt(const QList<int> &path);

    // Captures as requests, each named by its event type (eventType()), else its path.
    // `origins`: where each was sent ("https://api.example.com"), one per capture, or one for
    // all. The origin most share is the collection's {{baseUrl}}, and their URLs use it; a
    // request sent elsewhere keeps its own scheme and host.
    // A capture signed by a recognised scheme whose path has a secret bound in `bindings`
    // keeps both, so it is signed again whenever it is sent.
    static Collection fromCaptures(const QList<CapturedRequest> &captures,
                                   const QStringList &origins, const QString &name,
                                   const QList<SignatureBinding> &bindings = {});

    // As fromCaptures(), each request expecting what its target answered when the capture was
    // forwarded or replayed there (`answers`, one per capture; none: no expectations): the
    // status, and those of `fields` the answer has, equal to their values in it.
    static Collection testsFromCaptures(const QList<CapturedRequest> &captures,
                                        const QList<std::optional<DeliveryResult>> &answers,
                                        const QStringList &origins, const QList<JsonPath> &fields,
                                        const QString &name,
                                        const QList<SignatureBinding> &bindings = {});

    QByteArray toJson() const;
    // On a mistake: nothing, and `error` says where (line and column, or which item).
    static std::optional<Collection> fromJson(const QByteArray &json, QString *error);
    static std::optional<Collection> load(const QString &path, QString *error);
    bool save(const QString &path, QString *error) const;
};

} // namespace Hookscope
