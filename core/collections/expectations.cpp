#include "expectations.h"

#include "wire/jsonfile.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace Hookscope {
namespace {

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

QString typeOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return QStringLiteral("string");
    case QJsonValue::Double: return QStringLiteral("number");
    case QJsonValue::Bool: return QStringLiteral("boolean");
    case QJsonValue::Object: return QStringLiteral("object");
    case QJsonValue::Array: return QStringLiteral("array");
    case QJsonValue::Null: return QStringLiteral("null");
    case QJsonValue::Undefined: break;
    }
    return {};
}

QString statusText(const DeliveryResult &answer)
{
    if (answer.status == 0)
        return QStringLiteral("no answer (%1)").arg(answer.error);
    return QString::number(answer.status);
}

std::optional<Expectations::JsonCheck> jsonCheckFrom(const QJsonValue &value, const QString &where,
                                                     QString *error)
{
    const QJsonObject object = value.toObject();
    if (!value.isObject() || !object[key("path")].isString()) {
        *error = QStringLiteral("%1 must be {\"path\": \"$.…\", and one of \"equals\", "
                                "\"exists\", \"matches\" or \"type\"}")
                     .arg(where);
        return std::nullopt;
    }
    QString problem;
    const std::optional<JsonPath> path = JsonPath::parse(object[key("path")].toString(), &problem);
    if (!path) {
        *error = where + QStringLiteral(": ") + problem;
        return std::nullopt;
    }
    Expectations::JsonCheck check;
    check.path = *path;
    if (object.contains(key("equals"))) {
        check.kind = Expectations::JsonCheck::Kind::Equals;
        check.equals = object[key("equals")];
    } else if (object.contains(key("matches"))) {
        check.kind = Expectations::JsonCheck::Kind::Matches;
        const std::optional<QRegularExpression> pattern = ValueCondition::compile(
            QStringLiteral("re:") + object[key("matches")].toString(), &problem);
        if (!object[key("matches")].isString() || !pattern) {
            *error = QStringLiteral("%1: \"matches\": %2")
                         .arg(where,
                              pattern ? QStringLiteral("must be a regular expression") : problem);
            return std::nullopt;
        }
        check.pattern = *pattern;
    } else if (object.contains(key("type"))) {
        check.kind = Expectations::JsonCheck::Kind::Type;
        check.type = object[key("type")].toString();
        static const QStringList types{QStringLiteral("string"),  QStringLiteral("number"),
                                       QStringLiteral("boolean"), QStringLiteral("object"),
                                       QStringLiteral("array"),   QStringLiteral("null")};
        if (!types.contains(check.type)) {
            *error = QStringLiteral("%1: \"type\" must be one of %2")
                         .arg(where, types.join(QStringLiteral(", ")));
            return std::nullopt;
        }
    } else if (object[key("exists")].toBool(true) == false) {
        *error = QStringLiteral("%1: \"exists\": false is not an expectation; leave it out")
                     .arg(where);
        return std::nullopt;
    }
    return check;
}

} // namespace

bool Expectations::isEmpty() const
{
    return !status && headers.isEmpty() && json.isEmpty() && !maxMs
           && idempotent == Idempotency::No;
}

std::optional<Expectations::StatusRange> Expectations::parseStatus(const QString &text,
                                                                   QString *error)
{
    const QString written = text.trimmed();
    bool low = false;
    bool high = false;
    StatusRange range{0, 0, written};
    if (written.size() == 3 && written.endsWith(QLatin1String("xx"))) {
        range.low = written.left(1).toInt(&low) * 100;
        range.high = range.low + 99;
        high = true;
    } else if (const qsizetype dash = written.indexOf(QLatin1Char('-')); dash > 0) {
        range.low = written.left(dash).trimmed().toInt(&low);
        range.high = written.mid(dash + 1).trimmed().toInt(&high);
    } else {
        range.low = range.high = written.toInt(&low);
        high = true;
    }
    if (!low || !high || range.low < 100 || range.high > 599 || range.low > range.high) {
        *error = QStringLiteral("\"status\": \"%1\" is not a status (201), a class (2xx) or a "
                                "range (200-204)")
                     .arg(written);
        return std::nullopt;
    }
    return range;
}

std::optional<Expectations> Expectations::fromJson(const QJsonValue &value, QString *error)
{
    Expectations expect;
    if (value.isUndefined() || value.isNull())
        return expect;
    const QJsonObject object = value.toObject();
    if (const QString problem = value.isObject() ? JsonFile::fieldProblem(
                                    object, {{"status", JsonFile::String | JsonFile::Number},
                                             {"headers", JsonFile::Object},
                                             {"json", JsonFile::Array},
                                             {"maxMs", JsonFile::Number},
                                             {"idempotent", JsonFile::Bool | JsonFile::String}})
                                                 : QStringLiteral("must be an object");
        !problem.isEmpty()) {
        *error = QStringLiteral("\"expect\": ") + problem;
        return std::nullopt;
    }
    if (object.contains(key("status"))) {
        const QJsonValue status = object[key("status")];
        expect.status = parseStatus(
            status.isDouble() ? QString::number(status.toInt()) : status.toString(), error);
        if (!expect.status)
            return std::nullopt;
    }
    const std::optional<QList<ValueCondition>> headers = ValueCondition::listFrom(
        object[key("headers")], QStringLiteral("\"expect\".headers"), error);
    if (!headers)
        return std::nullopt;
    expect.headers = *headers;
    const QJsonArray checks = object[key("json")].toArray();
    for (qsizetype index = 0; index < checks.size(); ++index) {
        const std::optional<JsonCheck> check = jsonCheckFrom(
            checks.at(index), QStringLiteral("\"expect\".json[%1]").arg(index), error);
        if (!check)
            return std::nullopt;
        expect.json.append(*check);
    }
    if (object.contains(key("maxMs"))) {
        expect.maxMs = object[key("maxMs")].toInt(-1);
        if (*expect.maxMs <= 0) {
            *error = QStringLiteral("\"expect\".maxMs must be a positive number of milliseconds");
            return std::nullopt;
        }
    }
    const QJsonValue idempotent = object[key("idempotent")];
    if (idempotent == QJsonValue(true))
        expect.idempotent = Idempotency::BothSucceed;
    else if (idempotent == QJsonValue(QStringLiteral("same-body")))
        expect.idempotent = Idempotency::SameBody;
    else if (!idempotent.isUndefined() && idempotent != QJsonValue(false)) {
        *error = QStringLiteral("\"expect\".idempotent must be true, false or \"same-body\"");
        return std::nullopt;
    }
    return expect;
}

QJsonObject Expectations::toJson() const
{
    QJsonObject object;
    if (status) {
        bool plain = false;
        const int code = status->written.toInt(&plain);
        object.insert(key("status"), plain ? QJsonValue(code) : QJsonValue(status->written));
    }
    if (!headers.isEmpty()) {
        QJsonObject written;
        for (const ValueCondition &header : headers)
            written.insert(header.name, header.written);
        object.insert(key("headers"), written);
    }
    QJsonArray checks;
    for (const JsonCheck &check : json) {
        QJsonObject written{{key("path"), check.path.text()}};
        switch (check.kind) {
        case JsonCheck::Kind::Equals: written.insert(key("equals"), check.equals); break;
        case JsonCheck::Kind::Exists: written.insert(key("exists"), true); break;
        case JsonCheck::Kind::Matches:
            written.insert(key("matches"), check.pattern.pattern());
            break;
        case JsonCheck::Kind::Type: written.insert(key("type"), check.type); break;
        }
        checks.append(written);
    }
    if (!checks.isEmpty())
        object.insert(key("json"), checks);
    if (maxMs)
        object.insert(key("maxMs"), *maxMs);
    if (idempotent != Idempotency::No)
        object.insert(key("idempotent"), idempotent == Idempotency::SameBody
                                             ? QJsonValue(QStringLiteral("same-body"))
                                             : QJsonValue(true));
    return object;
}

Expectations Expectations::fromAnswer(const DeliveryResult &answer, const QList<JsonPath> &fields)
{
    Expectations expect;
    QString unused;
    expect.status = parseStatus(QString::number(answer.status), &unused);
    const QJsonDocument document = QJsonDocument::fromJson(answer.body);
    for (const JsonPath &path : fields) {
        if (const std::optional<QJsonValue> value = path.valueIn(document)) {
            JsonCheck check;
            check.path = path;
            check.kind = JsonCheck::Kind::Equals;
            check.equals = *value;
            expect.json.append(check);
        }
    }
    return expect;
}

namespace {

void collectFields(const QJsonValue &root, const QJsonValue &value, const QString &path, int limit,
                   QList<std::pair<JsonPath, QJsonValue>> &fields)
{
    if (fields.size() >= limit)
        return;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto member = object.begin(); member != object.end(); ++member)
            collectFields(root, member.value(), path + QLatin1Char('.') + member.key(), limit,
                          fields);
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype index = 0; index < array.size(); ++index)
            collectFields(root, array.at(index), path + QStringLiteral("[%1]").arg(index), limit,
                          fields);
    } else {
        QString unused;
        // A member name with a dot or bracket cannot be written as a path: left out.
        if (const std::optional<JsonPath> parsed = JsonPath::parse(path, &unused);
            parsed && parsed->valueIn(root) == value)
            fields.append({*parsed, value});
    }
}

} // namespace

QList<std::pair<JsonPath, QJsonValue>> Expectations::fieldsOf(const QByteArray &body, int limit)
{
    QList<std::pair<JsonPath, QJsonValue>> fields;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject())
        collectFields(document.object(), document.object(), QStringLiteral("$"), limit, fields);
    return fields;
}

QList<CheckResult> Expectations::check(const DeliveryResult &answer,
                                       const std::optional<DeliveryResult> &repeat) const
{
    QList<CheckResult> results;
    const StatusRange range = status.value_or(StatusRange{200, 399, QStringLiteral("2xx or 3xx")});
    results.append({QStringLiteral("status"),
                    answer.status >= range.low && answer.status <= range.high, range.written,
                    statusText(answer)});
    if (answer.status == 0)
        return results; // nothing else to look at
    for (const ValueCondition &header : headers) {
        const QByteArray value = headerValue(answer.headers, header.name.toUtf8());
        const bool present = !value.isNull();
        results.append({QStringLiteral("header ") + header.name,
                        present && header.pattern.match(QString::fromUtf8(value)).hasMatch(),
                        header.written,
                        present ? QString::fromUtf8(value) : QStringLiteral("none")});
    }
    if (!json.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(answer.body, &parseError);
        for (const JsonCheck &check : json) {
            const QString what = QStringLiteral("json ") + check.path.text();
            if (parseError.error != QJsonParseError::NoError) {
                results.append({what, false, QStringLiteral("a JSON answer"),
                                QStringLiteral("not JSON: %1").arg(parseError.errorString())});
                continue;
            }
            const std::optional<QJsonValue> value = check.path.valueIn(document);
            const QString got = value ? QString::fromUtf8(JsonPath::textOf(*value))
                                      : QStringLiteral("nothing there");
            switch (check.kind) {
            case JsonCheck::Kind::Equals:
                results.append({what, value && *value == check.equals,
                                QString::fromUtf8(JsonPath::textOf(check.equals)), got});
                break;
            case JsonCheck::Kind::Exists:
                results.append({what, value.has_value(), QStringLiteral("present"), got});
                break;
            case JsonCheck::Kind::Matches:
                results.append({what,
                                value && value->isString()
                                    && check.pattern.match(value->toString()).hasMatch(),
                                QStringLiteral("matching %1").arg(check.pattern.pattern()), got});
                break;
            case JsonCheck::Kind::Type:
                results.append({what, value && typeOf(*value) == check.type, check.type,
                                value ? typeOf(*value) : got});
                break;
            }
        }
    }
    if (maxMs) {
        const double ms = double(answer.durationUs) / 1000;
        results.append({QStringLiteral("time"), ms <= *maxMs,
                        QStringLiteral("at most %1 ms").arg(*maxMs),
                        QStringLiteral("%1 ms").arg(ms, 0, 'f', 1)});
    }
    if (idempotent != Idempotency::No) {
        const QString expected = idempotent == Idempotency::SameBody
                                     ? QStringLiteral("sent again: 2xx, the same body")
                                     : QStringLiteral("sent again: 2xx");
        if (!repeat) {
            results.append(
                {QStringLiteral("idempotent"), false, expected, QStringLiteral("not sent again")});
        } else if (!repeat->succeeded()) {
            results.append({QStringLiteral("idempotent"), false, expected,
                            QStringLiteral("sent again: %1").arg(statusText(*repeat))});
        } else if (idempotent == Idempotency::SameBody && repeat->body != answer.body) {
            results.append({QStringLiteral("idempotent"), false, expected,
                            QStringLiteral("sent again: %1, another body (%2 bytes, first %3)")
                                .arg(repeat->status)
                                .arg(repeat->body.size())
                                .arg(answer.body.size())});
        } else {
            results.append({QStringLiteral("idempotent"), answer.succeeded(), expected,
                            QStringLiteral("sent again: %1").arg(repeat->status)});
        }
    }
    return results;
}

} // namespace Hookscope
