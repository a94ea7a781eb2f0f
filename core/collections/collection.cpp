#include "collection.h"

#include "wire/eventtype.h"
#include "wire/jsonfile.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace Hookscope {
namespace {

const QString FormatName = QStringLiteral("hookscope-collection");

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

QJsonArray variablesJson(const QList<Variable> &variables)
{
    QJsonArray array;
    for (const Variable &variable : variables)
        array.append(QJsonObject{{key("name"), variable.name}, {key("value"), variable.value}});
    return array;
}

// `where` names the list for messages.
std::optional<QList<Variable>> variablesFrom(const QJsonValue &value, const QString &where,
                                             QString *error)
{
    QList<Variable> variables;
    const QJsonArray entries = value.toArray();
    for (qsizetype index = 0; index < entries.size(); ++index) {
        const QJsonValue entry = entries.at(index);
        const QString problem
            = !entry.isObject()
                  ? QStringLiteral("must be an object")
                  : JsonFile::fieldProblem(
                      entry.toObject(), {{"name", JsonFile::String}, {"value", JsonFile::String}});
        if (!problem.isEmpty()) {
            *error = QStringLiteral("%1 %2: %3").arg(where).arg(index + 1).arg(problem);
            return std::nullopt;
        }
        variables.append({entry[key("name")].toString(), entry[key("value")].toString()});
    }
    return variables;
}

QJsonObject withoutKeys(QJsonObject object, std::initializer_list<const char *> known)
{
    for (const char *name : known)
        object.remove(key(name));
    return object;
}

QJsonObject requestJson(const RequestTemplate &request, QJsonObject object)
{
    object.insert(key("method"), QString::fromUtf8(request.method));
    object.insert(key("url"), request.url);
    QJsonArray headers;
    for (const TemplateHeader &header : request.headers) {
        QJsonObject entry{{key("name"), QString::fromUtf8(header.name)},
                          {key("value"), QString::fromUtf8(header.value)}};
        if (!header.enabled)
            entry.insert(key("enabled"), false);
        headers.append(entry);
    }
    object.insert(key("headers"), headers);
    if (request.body.isEmpty())
        object.remove(key("body"));
    else
        JsonFile::putBytes(object, key("body"), request.body);
    switch (request.auth.kind) {
    case RequestAuth::Kind::None: break;
    case RequestAuth::Kind::Basic:
        object.insert(key("auth"), QJsonObject{{key("type"), QStringLiteral("basic")},
                                               {key("username"), request.auth.username},
                                               {key("password"), request.auth.password}});
        break;
    case RequestAuth::Kind::Bearer:
        object.insert(key("auth"), QJsonObject{{key("type"), QStringLiteral("bearer")},
                                               {key("token"), request.auth.token}});
        break;
    }
    if (request.signing.isSet())
        object.insert(key("sign"), QJsonObject{{key("scheme"), request.signing.scheme},
                                               {key("secret"), request.signing.secretName}});
    else
        object.remove(key("sign"));
    if (request.expect.isEmpty())
        object.remove(key("expect"));
    else
        object.insert(key("expect"), request.expect.toJson());
    return object;
}

QJsonArray itemsJson(const QList<CollectionItem> &items)
{
    QJsonArray array;
    for (const CollectionItem &item : items) {
        QJsonObject object = item.unknown;
        object.insert(key("name"), item.name);
        if (item.isFolder) {
            object.insert(key("items"), itemsJson(item.items));
        } else {
            object.insert(key("request"),
                          requestJson(item.request, item.unknown[key("request")].toObject()));
        }
        array.append(object);
    }
    return array;
}

std::optional<RequestTemplate> requestFrom(const QJsonObject &object, QString *error)
{
    if (const QString problem = JsonFile::fieldProblem(object, {{"method", JsonFile::String},
                                                                {"url", JsonFile::String},
                                                                {"headers", JsonFile::Array},
                                                                {"body", JsonFile::String},
                                                                {"bodyEncoding", JsonFile::String},
                                                                {"auth", JsonFile::Object},
                                                                {"sign", JsonFile::Object},
                                                                {"expect", JsonFile::Object}});
        !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    RequestTemplate request;
    request.method = object[key("method")].toString().toUtf8();
    if (request.method.isEmpty()) {
        *error = QStringLiteral("\"method\" is missing");
        return std::nullopt;
    }
    request.url = object[key("url")].toString();
    for (const QJsonValue &value : object[key("headers")].toArray()) {
        if (!value[key("name")].isString()) {
            *error = QStringLiteral("a header has no \"name\"");
            return std::nullopt;
        }
        if (const QString problem = JsonFile::fieldProblem(
                value.toObject(), {{"value", JsonFile::String}, {"enabled", JsonFile::Bool}});
            !problem.isEmpty()) {
            *error = QStringLiteral("header %1: %2").arg(value[key("name")].toString(), problem);
            return std::nullopt;
        }
        request.headers.append({value[key("name")].toString().toUtf8(),
                                value[key("value")].toString().toUtf8(),
                                value[key("enabled")].toBool(true)});
    }
    const std::optional<QByteArray> body = JsonFile::bytesAt(object, key("body"), error);
    if (!body)
        return std::nullopt;
    request.body = *body;
    if (const QString problem = request.problem(); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    const QJsonObject auth = object[key("auth")].toObject();
    const QString type = auth[key("type")].toString();
    if (type == QLatin1String("basic")) {
        request.auth = {RequestAuth::Kind::Basic,
                        auth[key("username")].toString(),
                        auth[key("password")].toString(),
                        {}};
    } else if (type == QLatin1String("bearer")) {
        request.auth = {RequestAuth::Kind::Bearer, {}, {}, auth[key("token")].toString()};
    } else if (!type.isEmpty()) {
        *error = QStringLiteral("unknown auth type \"%1\" (basic or bearer)").arg(type);
        return std::nullopt;
    }
    const std::optional<Expectations> expect = Expectations::fromJson(object[key("expect")], error);
    if (!expect)
        return std::nullopt;
    request.expect = *expect;
    if (object.contains(key("sign"))) {
        const QJsonObject sign = object[key("sign")].toObject();
        request.signing = {sign[key("scheme")].toString(), sign[key("secret")].toString()};
        QString problem;
        if (!SignatureScheme::parse(request.signing.scheme, &problem)) {
            *error = QStringLiteral("\"sign\": %1").arg(problem);
            return std::nullopt;
        }
        if (request.signing.secretName.isEmpty()) {
            *error = QStringLiteral("\"sign\" needs the name of a secret in \"secret\"");
            return std::nullopt;
        }
    }
    return request;
}

// `where` names the list for messages: "item 2 › 1".
std::optional<QList<CollectionItem>> itemsFrom(const QJsonValue &value, const QString &where,
                                               QString *error)
{
    QList<CollectionItem> items;
    const QJsonArray array = value.toArray();
    for (qsizetype index = 0; index < array.size(); ++index) {
        const QJsonObject object = array.at(index).toObject();
        const QString here
            = (where.isEmpty() ? QStringLiteral("item %1") : where + QStringLiteral(" › %1"))
                  .arg(index + 1);
        const QString problem
            = !array.at(index).isObject()
                  ? QStringLiteral("must be an object")
                  : JsonFile::fieldProblem(object, {{"name", JsonFile::String},
                                                    {"items", JsonFile::Array},
                                                    {"request", JsonFile::Object}});
        if (!problem.isEmpty()) {
            *error = here + QStringLiteral(": ") + problem;
            return std::nullopt;
        }
        CollectionItem item;
        item.name = object[key("name")].toString();
        const QString named
            = item.name.isEmpty() ? here : here + QStringLiteral(" (\"%1\")").arg(item.name);
        if (object[key("items")].isArray()) {
            item.isFolder = true;
            std::optional<QList<CollectionItem>> children
                = itemsFrom(object[key("items")], here, error);
            if (!children)
                return std::nullopt;
            item.items = *children;
            item.unknown = withoutKeys(object, {"name", "items"});
        } else if (object[key("request")].isObject()) {
            QString problem;
            const QJsonObject request = object[key("request")].toObject();
            std::optional<RequestTemplate> parsed = requestFrom(request, &problem);
            if (!parsed) {
                *error = named + QStringLiteral(": ") + problem;
                return std::nullopt;
            }
            item.request = *parsed;
            item.unknown = withoutKeys(object, {"name"});
            item.unknown.insert(
                key("request"),
                withoutKeys(request, {"method", "url", "headers", "body", "bodyEncoding", "auth"}));
        } else {
            *error = named + QStringLiteral(": neither a \"request\" object nor an \"items\" list");
            return std::nullopt;
        }
        items.append(item);
    }
    return items;
}

const QRegularExpression &secretReference()
{
    static const QRegularExpression pattern(QStringLiteral("\\{\\{\\s*secret:([^}]+?)\\s*\\}\\}"));
    return pattern;
}

} // namespace

RequestTemplate RequestTemplate::fromOutgoing(const OutgoingRequest &request)
{
    RequestTemplate kept;
    kept.method = request.method;
    kept.url = request.url.toString();
    for (const HeaderField &header : request.headers)
        kept.headers.append({header.name, header.value, true});
    kept.body = request.body;
    return kept;
}

RequestTemplate RequestTemplate::fromCapture(const CapturedRequest &capture, const QString &origin)
{
    RequestTemplate kept;
    if (!capture.method.isEmpty())
        kept.method = capture.method;
    kept.url = (origin.isEmpty() ? QStringLiteral("{{baseUrl}}") : origin)
               + QString::fromUtf8(capture.target.isEmpty() ? QByteArray("/") : capture.target);
    for (const HeaderField &header : capture.headers) {
        if (OutgoingRequest::isHopByHop(header.name)
            || header.name.compare("Host", Qt::CaseInsensitive) == 0
            || header.name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            continue;
        kept.headers.append({header.name, header.value, true});
    }
    kept.body = capture.body;
    return kept;
}

std::optional<OutgoingRequest> RequestTemplate::resolve(const QHash<QString, QString> &givenValues,
                                                        QString *error,
                                                        std::optional<qint64> signedAt) const
{
    QStringList missing;
    OutgoingRequest request;
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    // A variable may hold dynamic values ("ord-{{$randomInt}}"): one fresh value per send, the
    // same in every place it is used.
    QHash<QString, QString> values = givenValues;
    for (QString &value : values)
        if (value.contains(QLatin1String("{{")))
            value = QString::fromUtf8(OutgoingRequest::withDynamicValues(value.toUtf8(), nowMs));
    request.method = method.trimmed();
    request.url = QUrl(OutgoingRequest::expandVariables(
        QString::fromUtf8(OutgoingRequest::withDynamicValues(url.trimmed().toUtf8(), nowMs)),
        values, &missing));
    for (const TemplateHeader &header : headers) {
        if (header.enabled && !header.name.trimmed().isEmpty())
            request.headers.append(
                {header.name.trimmed(), OutgoingRequest::withDynamicValues(header.value, nowMs)});
    }
    request.body = OutgoingRequest::withDynamicValues(body, nowMs);
    request = request.withVariables(values, &missing);
    QByteArray authorization;
    if (auth.kind == RequestAuth::Kind::Basic) {
        authorization = "Basic "
                        + (OutgoingRequest::expandVariables(auth.username, values, &missing)
                           + QLatin1Char(':')
                           + OutgoingRequest::expandVariables(auth.password, values, &missing))
                              .toUtf8()
                              .toBase64();
    } else if (auth.kind == RequestAuth::Kind::Bearer) {
        authorization
            = "Bearer " + OutgoingRequest::expandVariables(auth.token, values, &missing).toUtf8();
    }
    if (!authorization.isEmpty()) {
        request.headers.removeIf([](const HeaderField &header) {
            return header.name.compare("Authorization", Qt::CaseInsensitive) == 0;
        });
        request.headers.append({"Authorization", authorization});
    }
    if (!missing.isEmpty()) {
        *error = QStringLiteral("no value for {{%1}}").arg(missing.join(QStringLiteral("}}, {{")));
        return std::nullopt;
    }
    if (const QString problem = requestHeadProblem(request.method, request.headers);
        !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    if (const QString problem = OutgoingRequest::targetProblem(request.url); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    if (signing.isSet()) {
        const std::optional<SignatureScheme> scheme = SignatureScheme::parse(signing.scheme, error);
        const QString secret = values.value(QStringLiteral("secret:") + signing.secretName);
        if (!scheme)
            return std::nullopt;
        if (secret.isEmpty()) {
            *error = QStringLiteral("no value for the secret \"%1\" it is signed with")
                         .arg(signing.secretName);
            return std::nullopt;
        }
        const HeaderList signature
            = Signatures::sign(*scheme, secret.toUtf8(), SignedRequest::fromOutgoing(request),
                               signedAt.value_or(nowMs / 1000), Signatures::newMessageId(), error);
        if (signature.isEmpty())
            return std::nullopt;
        request.headers = Signatures::withHeaders(request.headers, signature);
    }
    return request;
}

QString RequestTemplate::problem() const
{
    const auto hasVariable = [](QByteArrayView text) {
        return text.contains("{{");
    };
    if (!hasVariable(method))
        if (QString problem = methodProblem(method.trimmed()); !problem.isEmpty())
            return problem;
    for (const TemplateHeader &header : headers) {
        const QByteArray name = header.name.trimmed();
        if ((name.isEmpty() && header.value.isEmpty()) || !header.enabled)
            continue; // an empty row the user has not filled in, or one never sent
        QString problem
            = headerProblem(hasVariable(name) ? QByteArrayView("X") : name, header.value);
        if (!problem.isEmpty())
            return problem;
    }
    return {};
}

QStringList RequestTemplate::secretNames() const
{
    QString text = url + QLatin1Char('\n') + QString::fromUtf8(body) + QLatin1Char('\n')
                   + auth.username + auth.password + auth.token;
    for (const TemplateHeader &header : headers)
        text += QLatin1Char('\n') + QString::fromUtf8(header.value);
    QStringList names;
    for (const QRegularExpressionMatch &match : secretReference().globalMatch(text)) {
        if (!names.contains(match.captured(1)))
            names.append(match.captured(1));
    }
    if (signing.isSet() && !names.contains(signing.secretName))
        names.append(signing.secretName);
    return names;
}

bool RequestTemplate::hasHeader(QByteArrayView name) const
{
    return std::any_of(headers.cbegin(), headers.cend(), [&](const TemplateHeader &header) {
        return header.name.compare(name, Qt::CaseInsensitive) == 0;
    });
}

void RequestTemplate::addHeaderUnlessSet(const QByteArray &name, const QByteArray &value)
{
    if (!hasHeader(name))
        headers.append({name, value, true});
}

void RequestTemplate::setMultipartFields(const QList<std::pair<QByteArray, QByteArray>> &fields)
{
    const QByteArray boundary = "------------------------hookscope";
    body.clear();
    for (const auto &[name, value] : fields)
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"\r\n\r\n" + value + "\r\n";
    body += "--" + boundary + "--\r\n";
    headers.removeIf([](const TemplateHeader &header) {
        return header.name.compare("Content-Type", Qt::CaseInsensitive) == 0;
    });
    headers.append({"Content-Type", "multipart/form-data; boundary=" + boundary, true});
}

QHash<QString, QString> Collection::valuesFor(const QString &environment) const
{
    QHash<QString, QString> values;
    for (const Variable &variable : variables)
        values.insert(variable.name, variable.value);
    for (const Environment &candidate : environments) {
        if (candidate.name == environment) {
            for (const Variable &variable : candidate.variables)
                values.insert(variable.name, variable.value);
        }
    }
    return values;
}

QStringList Collection::environmentNames() const
{
    QStringList names;
    for (const Environment &environment : environments)
        names.append(environment.name);
    return names;
}

const CollectionItem *Collection::item(const QList<int> &path) const
{
    return const_cast<Collection *>(this)->item(path);
}

CollectionItem *Collection::item(const QList<int> &path)
{
    if (path.isEmpty())
        return nullptr;
    QList<CollectionItem> *list = itemsAt(path.mid(0, path.size() - 1));
    if (!list || path.last() < 0 || path.last() >= list->size())
        return nullptr;
    return &(*list)[path.last()];
}

QList<CollectionItem> *Collection::itemsAt(const QList<int> &path)
{
    QList<CollectionItem> *list = &items;
    for (const int index : path) {
        if (index < 0 || index >= list->size() || !(*list)[index].isFolder)
            return nullptr;
        list = &(*list)[index].items;
    }
    return list;
}

Collection Collection::fromCaptures(const QList<CapturedRequest> &captures,
                                    const QStringList &origins, const QString &name,
                                    const QList<SignatureBinding> &bindings)
{
    SignatureSettings bound;
    bound.bindings = bindings;
    const auto originOf = [&](qsizetype index) {
        QString origin = origins.size() == 1 ? origins.first() : origins.value(index);
        if (origin.isEmpty()) { // the Host it was sent to, over plain HTTP as it was captured
            const QByteArray host = headerValue(captures.at(index).headers, "Host");
            origin
                = host.isEmpty() ? QString() : QStringLiteral("http://") + QString::fromUtf8(host);
        }
        return origin.endsWith(QLatin1Char('/')) ? origin.chopped(1) : origin;
    };
    // The origin most requests share (the first of those tied).
    QHash<QString, int> shares;
    QString baseUrl;
    for (qsizetype index = 0; index < captures.size(); ++index) {
        const QString origin = originOf(index);
        if (!origin.isEmpty() && ++shares[origin] > shares.value(baseUrl))
            baseUrl = origin;
    }
    Collection collection;
    collection.name = name;
    if (!baseUrl.isEmpty())
        collection.variables.append({QStringLiteral("baseUrl"), baseUrl});
    for (qsizetype index = 0; index < captures.size(); ++index) {
        const CapturedRequest &capture = captures.at(index);
        const QString origin = originOf(index);
        CollectionItem item;
        item.name = eventType(capture);
        if (item.name.isEmpty())
            item.name = QString::fromUtf8(capture.path()); // the method is shown beside it
        item.request
            = RequestTemplate::fromCapture(capture, origin == baseUrl ? QString() : origin);
        // Signed again at each send: its old signature would have expired by then.
        const SignatureBinding *binding = bound.bindingFor(capture.path());
        const std::optional<SignatureScheme> scheme
            = binding && binding->scheme ? binding->scheme
                                         : SignatureScheme::detect(capture.headers);
        if (binding && scheme)
            item.request.signing = {scheme->name(), binding->secretName};
        collection.items.append(item);
    }
    return collection;
}

Collection Collection::testsFromCaptures(const QList<CapturedRequest> &captures,
                                         const QList<std::optional<DeliveryResult>> &answers,
                                         const QStringList &origins, const QList<JsonPath> &fields,
                                         const QString &name,
                                         const QList<SignatureBinding> &bindings)
{
    Collection tests = fromCaptures(captures, origins, name, bindings);
    for (qsizetype index = 0; index < tests.items.size(); ++index) {
        if (const std::optional<DeliveryResult> answer = answers.value(index);
            answer && answer->status != 0)
            tests.items[index].request.expect = Expectations::fromAnswer(*answer, fields);
    }
    return tests;
}

QByteArray Collection::toJson() const
{
    QJsonObject object = unknown;
    object.insert(key("format"), FormatName);
    object.insert(key("version"), Version);
    object.insert(key("name"), name);
    object.insert(key("variables"), variablesJson(variables));
    QJsonArray environmentList;
    for (const Environment &environment : environments) {
        QJsonObject entry = environment.unknown;
        entry.insert(key("name"), environment.name);
        entry.insert(key("variables"), variablesJson(environment.variables));
        environmentList.append(entry);
    }
    object.insert(key("environments"), environmentList);
    object.insert(key("items"), itemsJson(items));
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

std::optional<Collection> Collection::fromJson(const QByteArray &json, QString *error)
{
    const std::optional<QJsonObject> object = JsonFile::parseObject(json, error);
    if (!object)
        return std::nullopt;
    if ((*object)[key("format")].toString() != FormatName) {
        *error = QStringLiteral("not a Hookscope collection: \"format\" is not \"%1\"")
                     .arg(FormatName);
        return std::nullopt;
    }
    const int version = (*object)[key("version")].toInt();
    if (version < 1 || version > Version) {
        *error = QStringLiteral("collection version %1; this Hookscope reads version %2")
                     .arg((*object)[key("version")].toVariant().toString())
                     .arg(Version);
        return std::nullopt;
    }
    if (const QString problem = JsonFile::fieldProblem(*object, {{"name", JsonFile::String},
                                                                 {"variables", JsonFile::Array},
                                                                 {"environments", JsonFile::Array},
                                                                 {"items", JsonFile::Array}});
        !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    Collection collection;
    collection.name = (*object)[key("name")].toString();
    std::optional<QList<Variable>> variables
        = variablesFrom((*object)[key("variables")], QStringLiteral("variable"), error);
    if (!variables)
        return std::nullopt;
    collection.variables = *variables;
    const QJsonArray environments = (*object)[key("environments")].toArray();
    for (qsizetype index = 0; index < environments.size(); ++index) {
        const QJsonValue value = environments.at(index);
        const QString where = QStringLiteral("environment %1").arg(index + 1);
        const QString problem
            = !value.isObject()
                  ? QStringLiteral("must be an object")
                  : JsonFile::fieldProblem(value.toObject(), {{"name", JsonFile::String},
                                                              {"variables", JsonFile::Array}});
        if (!problem.isEmpty()) {
            *error = where + QStringLiteral(": ") + problem;
            return std::nullopt;
        }
        std::optional<QList<Variable>> values
            = variablesFrom(value[key("variables")], where + QStringLiteral(" variable"), error);
        if (!values)
            return std::nullopt;
        collection.environments.append({value[key("name")].toString(), *values,
                                        withoutKeys(value.toObject(), {"name", "variables"})});
    }
    std::optional<QList<CollectionItem>> items = itemsFrom((*object)[key("items")], {}, error);
    if (!items)
        return std::nullopt;
    collection.items = *items;
    collection.unknown
        = withoutKeys(*object, {"format", "version", "name", "variables", "environments", "items"});
    return collection;
}

std::optional<Collection> Collection::load(const QString &path, QString *error)
{
    return JsonFile::load<Collection>(path, error, &Collection::fromJson);
}

bool Collection::save(const QString &path, QString *error) const
{
    return JsonFile::writeAtomically(path, toJson(), error);
}

} // namespace Hookscope
