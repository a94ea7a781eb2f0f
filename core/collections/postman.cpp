#include "postman.h"

#include "wire/jsonfile.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

namespace Hookscope {
namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

// A value in a key/value list (variables, headers, query, form fields) may be any JSON.
QString text(const QJsonValue &value)
{
    return value.isString() ? value.toString() : value.toVariant().toString();
}

// Form encoding that leaves {{placeholders}} readable, so that they are still variables.
QByteArray formEncoded(const QString &text)
{
    return QUrl::toPercentEncoding(text, "{}").replace("%20", "+");
}

// Postman v2.1 writes auth values as [{key, value, type}]; v2.0 as an object.
QString authValue(const QJsonValue &values, const char *name)
{
    if (values.isObject())
        return text(values[key(name)]);
    for (const QJsonValue &entry : values.toArray()) {
        if (entry[key("key")].toString() == QLatin1String(name))
            return text(entry[key("value")]);
    }
    return {};
}

struct Reader
{
    QStringList *warnings;
    int scriptCount = 0;

    void warn(const QString &message)
    {
        if (!warnings->contains(message))
            warnings->append(message);
    }

    RequestAuth auth(const QJsonValue &value, const RequestAuth &inherited, const QString &where)
    {
        if (!value.isObject())
            return inherited;
        const QString type = value[key("type")].toString();
        if (type == QLatin1String("basic"))
            return {RequestAuth::Kind::Basic,
                    authValue(value[key("basic")], "username"),
                    authValue(value[key("basic")], "password"),
                    {}};
        if (type == QLatin1String("bearer"))
            return {RequestAuth::Kind::Bearer, {}, {}, authValue(value[key("bearer")], "token")};
        if (type != QLatin1String("noauth") && !type.isEmpty())
            warn(QStringLiteral("%1: %2 auth is not carried over (basic and bearer are)")
                     .arg(where, type));
        return {};
    }

    static QString url(const QJsonValue &value)
    {
        if (value.isString())
            return value.toString();
        if (value[key("raw")].isString())
            return value[key("raw")].toString(); // authoritative when present
        QStringList host;
        for (const QJsonValue &part : value[key("host")].toArray())
            host.append(part.toString());
        QStringList path;
        for (const QJsonValue &part : value[key("path")].toArray())
            path.append(part.isString() ? part.toString() : part[key("value")].toString());
        QStringList query;
        for (const QJsonValue &pair : value[key("query")].toArray()) {
            if (!pair[key("disabled")].toBool())
                query.append(text(pair[key("key")]) + QLatin1Char('=') + text(pair[key("value")]));
        }
        const QString protocol = value[key("protocol")].toString();
        QString url = (protocol.isEmpty() ? QString() : protocol + QStringLiteral("://"))
                      + host.join(QLatin1Char('.'));
        if (!value[key("port")].toString().isEmpty())
            url += QLatin1Char(':') + value[key("port")].toString();
        if (!path.isEmpty())
            url += QLatin1Char('/') + path.join(QLatin1Char('/'));
        if (!query.isEmpty())
            url += QLatin1Char('?') + query.join(QLatin1Char('&'));
        return url;
    }

    void body(const QJsonValue &value, RequestTemplate *request, const QString &where)
    {
        const QString mode = value[key("mode")].toString();
        if (value[key("disabled")].toBool())
            return;
        if (mode == QLatin1String("raw")) {
            request->body = value[key("raw")].toString().toUtf8();
            const QString language = value[key("options")][key("raw")][key("language")].toString();
            static const QHash<QString, QByteArray> types{
                {QStringLiteral("json"), "application/json"},
                {QStringLiteral("xml"), "application/xml"},
                {QStringLiteral("html"), "text/html"},
                {QStringLiteral("text"), "text/plain"},
                {QStringLiteral("javascript"), "application/javascript"}};
            // Postman adds the type the language implies unless a header says otherwise.
            if (types.contains(language))
                request->addHeaderUnlessSet("Content-Type", types.value(language));
        } else if (mode == QLatin1String("urlencoded")) {
            QByteArrayList pairs;
            for (const QJsonValue &field : value[key("urlencoded")].toArray()) {
                if (!field[key("disabled")].toBool())
                    pairs.append(formEncoded(text(field[key("key")])) + '='
                                 + formEncoded(text(field[key("value")])));
            }
            request->body = pairs.join('&');
            request->addHeaderUnlessSet("Content-Type", "application/x-www-form-urlencoded");
        } else if (mode == QLatin1String("formdata")) {
            QList<std::pair<QByteArray, QByteArray>> fields;
            for (const QJsonValue &field : value[key("formdata")].toArray()) {
                if (field[key("disabled")].toBool())
                    continue;
                if (field[key("type")].toString() == QLatin1String("file")) {
                    warn(QStringLiteral("%1: the file field \"%2\" is left out (a collection "
                                        "holds no files)")
                             .arg(where, text(field[key("key")])));
                    continue;
                }
                fields.append(
                    {text(field[key("key")]).toUtf8(), text(field[key("value")]).toUtf8()});
            }
            request->setMultipartFields(fields);
        } else if (mode == QLatin1String("graphql")) {
            const QJsonObject graphql = value[key("graphql")].toObject();
            QJsonObject payload{{key("query"), graphql[key("query")].toString()}};
            const QJsonDocument variables
                = QJsonDocument::fromJson(graphql[key("variables")].toString().toUtf8());
            if (variables.isObject())
                payload.insert(key("variables"), variables.object());
            request->body = QJsonDocument(payload).toJson(QJsonDocument::Compact);
            request->addHeaderUnlessSet("Content-Type", "application/json");
        } else if (mode == QLatin1String("file")) {
            warn(QStringLiteral("%1: a file body is left out (a collection holds no files)")
                     .arg(where));
        }
    }

    std::optional<QList<CollectionItem>> items(const QJsonValue &list, const RequestAuth &auth,
                                               const QString &where, QString *error)
    {
        if (!list.isUndefined() && !list.isArray()) {
            *error = QStringLiteral("%1: \"item\" is not a list")
                         .arg(where.isEmpty() ? QStringLiteral("the collection") : where);
            return std::nullopt;
        }
        QList<CollectionItem> read;
        const QJsonArray array = list.toArray();
        for (qsizetype index = 0; index < array.size(); ++index) {
            const QJsonValue value = array.at(index);
            CollectionItem item;
            item.name = value[key("name")].toString();
            const QString here
                = (where.isEmpty() ? QStringLiteral("item %1") : where + QStringLiteral(" › %1"))
                      .arg(index + 1)
                  + (item.name.isEmpty() ? QString() : QStringLiteral(" (\"%1\")").arg(item.name));
            const QString problem
                = !value.isObject()
                      ? QStringLiteral("must be an object")
                      : JsonFile::fieldProblem(value.toObject(),
                                               {{"name", JsonFile::String},
                                                {"request", JsonFile::String | JsonFile::Object},
                                                {"auth", JsonFile::Object}});
            if (!problem.isEmpty()) {
                *error = here + QStringLiteral(": ") + problem;
                return std::nullopt;
            }
            if (!value[key("event")].toArray().isEmpty())
                ++scriptCount;
            const RequestAuth itemAuth = this->auth(value[key("auth")], auth, here);
            if (value[key("item")].isArray()) {
                item.isFolder = true;
                std::optional<QList<CollectionItem>> children
                    = items(value[key("item")], itemAuth, here, error);
                if (!children)
                    return std::nullopt;
                item.items = *children;
            } else if (value[key("request")].isString() || value[key("request")].isObject()) {
                const QJsonValue request = value[key("request")];
                if (const QString problem = JsonFile::fieldProblem(
                        request.toObject(), {{"method", JsonFile::String},
                                             {"url", JsonFile::String | JsonFile::Object},
                                             {"header", JsonFile::Array},
                                             {"body", JsonFile::Object},
                                             {"auth", JsonFile::Object}});
                    !problem.isEmpty()) {
                    *error = here + QStringLiteral(": request: ") + problem;
                    return std::nullopt;
                }
                RequestTemplate &kept = item.request;
                kept.url = url(request.isString() ? request : request[key("url")]);
                kept.method = request[key("method")].toString(QStringLiteral("GET")).toUtf8();
                for (const QJsonValue &header : request[key("header")].toArray())
                    kept.headers.append({text(header[key("key")]).toUtf8(),
                                         text(header[key("value")]).toUtf8(),
                                         !header[key("disabled")].toBool()});
                body(request[key("body")], &kept, here);
                kept.auth = this->auth(request[key("auth")], itemAuth, here);
                if (const QString problem = kept.problem(); !problem.isEmpty()) {
                    *error = here + QStringLiteral(": ") + problem;
                    return std::nullopt;
                }
            } else {
                *error = here + QStringLiteral(": neither a \"request\" nor an \"item\" list");
                return std::nullopt;
            }
            read.append(item);
        }
        return read;
    }
};

QJsonValue urlJson(const QString &raw)
{
    // Postman's own shape: raw (authoritative), and the parts it shows in its editor.
    QJsonObject url{{key("raw"), raw}};
    QString rest = raw;
    if (const qsizetype scheme = rest.indexOf(QLatin1String("://")); scheme > 0) {
        url.insert(key("protocol"), rest.left(scheme));
        rest = rest.mid(scheme + 3);
    }
    QString query;
    if (const qsizetype question = rest.indexOf(QLatin1Char('?')); question >= 0) {
        query = rest.mid(question + 1);
        rest = rest.left(question);
    }
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    const QString host = slash < 0 ? rest : rest.left(slash);
    url.insert(key("host"), QJsonArray::fromStringList(host.split(QLatin1Char('.'))));
    if (slash >= 0)
        url.insert(key("path"),
                   QJsonArray::fromStringList(rest.mid(slash + 1).split(QLatin1Char('/'))));
    if (!query.isEmpty()) {
        QJsonArray pairs;
        for (const QString &pair : query.split(QLatin1Char('&'))) {
            const qsizetype equals = pair.indexOf(QLatin1Char('='));
            pairs.append(
                QJsonObject{{key("key"), equals < 0 ? pair : pair.left(equals)},
                            {key("value"), equals < 0 ? QJsonValue(QJsonValue::Null)
                                                      : QJsonValue(pair.mid(equals + 1))}});
        }
        url.insert(key("query"), pairs);
    }
    return url;
}

QJsonArray keyValues(const QList<Variable> &variables)
{
    QJsonArray array;
    for (const Variable &variable : variables)
        array.append(QJsonObject{{key("key"), variable.name}, {key("value"), variable.value}});
    return array;
}

QJsonValue authJson(const RequestAuth &auth)
{
    auto entry = [](const char *name, const QString &value) {
        return QJsonObject{{key("key"), key(name)},
                           {key("value"), value},
                           {key("type"), QStringLiteral("string")}};
    };
    switch (auth.kind) {
    case RequestAuth::Kind::Basic:
        return QJsonObject{{key("type"), QStringLiteral("basic")},
                           {key("basic"), QJsonArray{entry("username", auth.username),
                                                     entry("password", auth.password)}}};
    case RequestAuth::Kind::Bearer:
        return QJsonObject{{key("type"), QStringLiteral("bearer")},
                           {key("bearer"), QJsonArray{entry("token", auth.token)}}};
    case RequestAuth::Kind::None: break;
    }
    return QJsonValue::Undefined;
}

QJsonArray itemsJson(const QList<CollectionItem> &items, QStringList *warnings)
{
    QJsonArray array;
    for (const CollectionItem &item : items) {
        if (item.isFolder) {
            array.append(QJsonObject{{key("name"), item.name},
                                     {key("item"), itemsJson(item.items, warnings)}});
            continue;
        }
        const RequestTemplate &request = item.request;
        QJsonArray headers;
        for (const TemplateHeader &header : request.headers) {
            QJsonObject entry{{key("key"), QString::fromUtf8(header.name)},
                              {key("value"), QString::fromUtf8(header.value)}};
            if (!header.enabled)
                entry.insert(key("disabled"), true);
            headers.append(entry);
        }
        QJsonObject postmanRequest{{key("method"), QString::fromUtf8(request.method)},
                                   {key("header"), headers},
                                   {key("url"), urlJson(request.url)}};
        if (request.signing.isSet())
            warnings->append(QStringLiteral("\"%1\": it is signed afresh with %2 at each send in "
                                            "Hookscope; Postman sends the headers as they are")
                                 .arg(item.name, request.signing.scheme));
        if (!request.body.isEmpty()) {
            if (!JsonFile::isText(request.body))
                warnings->append(
                    QStringLiteral("\"%1\": its body is binary; Postman's raw body holds text "
                                   "only, so it is written as Latin-1")
                        .arg(item.name));
            QJsonObject body{{key("mode"), QStringLiteral("raw")},
                             {key("raw"), JsonFile::isText(request.body)
                                              ? QString::fromUtf8(request.body)
                                              : QString::fromLatin1(request.body)}};
            for (const TemplateHeader &header : request.headers) {
                if (header.name.compare("Content-Type", Qt::CaseInsensitive) == 0
                    && header.value.contains("json"))
                    body.insert(key("options"),
                                QJsonObject{{key("raw"), QJsonObject{{key("language"),
                                                                      QStringLiteral("json")}}}});
            }
            postmanRequest.insert(key("body"), body);
        }
        if (const QJsonValue auth = authJson(request.auth); !auth.isUndefined())
            postmanRequest.insert(key("auth"), auth);
        array.append(QJsonObject{{key("name"), item.name},
                                 {key("request"), postmanRequest},
                                 {key("response"), QJsonArray()}});
    }
    return array;
}

} // namespace

std::optional<Collection> Postman::read(const QByteArray &json, QStringList *warnings,
                                        QString *error)
{
    const std::optional<QJsonObject> object = JsonFile::parseObject(json, error);
    if (!object)
        return std::nullopt;
    const QJsonObject info = (*object)[key("info")].toObject();
    const QString schema = info[key("schema")].toString();
    if (!schema.contains(QLatin1String("getpostman.com"))) {
        *error = QStringLiteral("not a Postman collection: no info.schema from getpostman.com");
        return std::nullopt;
    }
    if (!schema.contains(QLatin1String("/v2."))) {
        *error = QStringLiteral("a Postman collection in an older format (%1); export it from "
                                "Postman as Collection v2.1")
                     .arg(schema);
        return std::nullopt;
    }
    if (const QString problem = JsonFile::fieldProblem(
            *object,
            {{"variable", JsonFile::Array}, {"auth", JsonFile::Object}, {"item", JsonFile::Array}});
        !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    Collection collection;
    collection.name = info[key("name")].toString();
    for (const QJsonValue &variable : (*object)[key("variable")].toArray()) {
        if (!variable[key("disabled")].toBool())
            collection.variables.append({text(variable[key("key")]), text(variable[key("value")])});
    }
    Reader reader{warnings};
    const RequestAuth auth
        = reader.auth((*object)[key("auth")], {}, QStringLiteral("the collection"));
    std::optional<QList<CollectionItem>> items
        = reader.items((*object)[key("item")], auth, {}, error);
    if (!items)
        return std::nullopt;
    collection.items = *items;
    if (reader.scriptCount > 0 || !(*object)[key("event")].toArray().isEmpty())
        warnings->append(QStringLiteral("pre-request and test scripts are not run by Hookscope "
                                        "and were left out"));
    return collection;
}

QByteArray Postman::write(const Collection &collection, QStringList *warnings)
{
    QJsonObject object{
        {key("info"), QJsonObject{{key("name"), collection.name}, {key("schema"), key(Schema)}}},
        {key("item"), itemsJson(collection.items, warnings)},
        {key("variable"), keyValues(collection.variables)}};
    if (!collection.environments.isEmpty())
        warnings->append(QStringLiteral("environments (%1) are not part of a Postman collection "
                                        "and were left out")
                             .arg(collection.environmentNames().join(QStringLiteral(", "))));
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

} // namespace Hookscope
