#include "mockrules.h"

#include "wire/jsonfile.h"
#include "wire/jsonpath.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>
#include <QUuid>

namespace Hookscope {
namespace {

const QString FormatName = QStringLiteral("hookscope-rules");
constexpr int Version = 1;

QString key(const char *name)
{
    return QString::fromLatin1(name);
}

QRegularExpression globExpression(const QString &glob)
{
    QString pattern;
    for (const QChar c : glob) {
        if (c == QLatin1Char('*'))
            pattern += QStringLiteral(".*");
        else if (c == QLatin1Char('?'))
            pattern += QLatin1Char('.');
        else
            pattern += QRegularExpression::escape(QString(c));
    }
    return QRegularExpression(QRegularExpression::anchoredPattern(pattern),
                              QRegularExpression::DotMatchesEverythingOption);
}

// The request as templates and JSON conditions see it; the body is parsed once, when asked.
class RequestView
{
public:
    explicit RequestView(const CapturedRequest &request)
        : m_request(request)
    {}
    const CapturedRequest &request() const { return m_request; }
    const QJsonDocument &json()
    {
        if (!m_parsed) {
            m_json = QJsonDocument::fromJson(m_request.decodedBody());
            m_parsed = true;
        }
        return m_json;
    }
    QString query(const QString &name) const
    {
        return QUrlQuery(QString::fromUtf8(m_request.query()))
            .queryItemValue(name, QUrl::FullyDecoded);
    }

private:
    const CapturedRequest &m_request;
    QJsonDocument m_json;
    bool m_parsed = false;
};

// Whether `name` is one a template may use; it says why not in `error`.
bool isTemplateName(const QString &name, QString *error)
{
    static const QStringList plain{QStringLiteral("request.method"), QStringLiteral("request.path"),
                                   QStringLiteral("request.body"), QStringLiteral("now"),
                                   QStringLiteral("uuid")};
    if (plain.contains(name))
        return true;
    for (const char *prefix : {"request.header.", "request.query."}) {
        if (name.startsWith(QLatin1String(prefix)) && name.size() > qsizetype(strlen(prefix)))
            return true;
    }
    if (name.startsWith(QLatin1String("request.json.")))
        return JsonPath::parse(name.mid(13), error).has_value();
    *error = QStringLiteral("{{%1}} refers to nothing (request.header.NAME, request.query.NAME, "
                            "request.json.PATH, request.method, request.path, request.body, now "
                            "or uuid)")
                 .arg(name);
    return false;
}

bool checkTemplate(const QByteArray &text, QString *error)
{
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{\\s*([^}]*?)\\s*\\}\\}"));
    for (const QRegularExpressionMatch &match : placeholder.globalMatch(QString::fromUtf8(text))) {
        if (!isTemplateName(match.captured(1), error))
            return false;
    }
    return true;
}

QByteArray fill(const QByteArray &text, RequestView &view)
{
    if (!text.contains("{{"))
        return text;
    static const QRegularExpression placeholder(QStringLiteral("\\{\\{\\s*([^}]*?)\\s*\\}\\}"));
    const QString source = QString::fromUtf8(text);
    QByteArray out;
    qsizetype at = 0;
    for (const QRegularExpressionMatch &match : placeholder.globalMatch(source)) {
        out += source.mid(at, match.capturedStart() - at).toUtf8();
        at = match.capturedEnd();
        const QString name = match.captured(1);
        const CapturedRequest &request = view.request();
        if (name == QLatin1String("request.method")) {
            out += request.method;
        } else if (name == QLatin1String("request.path")) {
            out += request.path();
        } else if (name == QLatin1String("request.body")) {
            out += request.decodedBody();
        } else if (name == QLatin1String("now")) {
            out += QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8();
        } else if (name == QLatin1String("uuid")) {
            out += QUuid::createUuid().toByteArray(QUuid::WithoutBraces);
        } else if (name.startsWith(QLatin1String("request.header."))) {
            out += headerValue(request.headers, name.mid(15).toUtf8());
        } else if (name.startsWith(QLatin1String("request.query."))) {
            out += view.query(name.mid(14)).toUtf8();
        } else if (name.startsWith(QLatin1String("request.json."))) {
            QString unused;
            const std::optional<JsonPath> path = JsonPath::parse(name.mid(13), &unused);
            if (const auto value = path ? path->valueIn(view.json()) : std::nullopt)
                out += JsonPath::textOf(*value);
        }
    }
    return out + source.mid(at).toUtf8();
}

// Fields a part of a rule may have: anything else is most likely a typo, and says so.
bool onlyKnown(const QJsonObject &object, const QStringList &known, const QString &where,
               QString *error)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key())) {
            *error = QStringLiteral("unknown field \"%1\" in %2 (known: %3)")
                         .arg(it.key(), where, known.join(QStringLiteral(", ")));
            return false;
        }
    }
    return true;
}

std::optional<MockAnswer> answerFrom(const QJsonObject &object, const QString &where,
                                     const QStringList &extra, QString *error)
{
    if (!onlyKnown(object,
                   QStringList{QStringLiteral("status"), QStringLiteral("headers"),
                               QStringLiteral("body"), QStringLiteral("delay"),
                               QStringLiteral("fault"), QStringLiteral("bytesPerSecond"),
                               QStringLiteral("proxy")}
                       + extra,
                   where, error))
        return std::nullopt;
    if (const QString problem
        = JsonFile::fieldProblem(object, {{"status", JsonFile::Number},
                                          {"headers", JsonFile::Object},
                                          {"delay", JsonFile::Number | JsonFile::Object},
                                          {"fault", JsonFile::String},
                                          {"bytesPerSecond", JsonFile::Number},
                                          {"proxy", JsonFile::String},
                                          {"times", JsonFile::Number},
                                          {"probability", JsonFile::Number}});
        !problem.isEmpty()) {
        *error = where + QStringLiteral(": ") + problem;
        return std::nullopt;
    }
    MockAnswer answer;
    answer.status = object[key("status")].toInt(200);
    if (answer.status < 100 || answer.status > 999) {
        *error
            = QStringLiteral("%1: status %2 is not an HTTP status").arg(where).arg(answer.status);
        return std::nullopt;
    }
    const QJsonObject headers = object[key("headers")].toObject();
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        if (!it.value().isString()) {
            *error = QStringLiteral("%1: header %2 must be a string").arg(where, it.key());
            return std::nullopt;
        }
        const QByteArray value = it.value().toString().toUtf8();
        if (!checkTemplate(value, error)) {
            *error = QStringLiteral("%1: header %2: %3").arg(where, it.key(), *error);
            return std::nullopt;
        }
        answer.headers.append({it.key().toUtf8(), value});
    }
    const QJsonValue body = object[key("body")];
    answer.body = body.isString() ? body.toString().toUtf8() : JsonPath::textOf(body);
    if (!checkTemplate(answer.body, error)) {
        *error = QStringLiteral("%1: body: %2").arg(where, *error);
        return std::nullopt;
    }
    const QJsonValue delay = object[key("delay")];
    if (delay.isObject()) {
        answer.delayMinMs = delay[key("min")].toInt();
        answer.delayMaxMs = delay[key("max")].toInt();
    } else {
        answer.delayMinMs = answer.delayMaxMs = delay.toInt();
    }
    if (answer.delayMinMs < 0 || answer.delayMaxMs < answer.delayMinMs) {
        *error = QStringLiteral("%1: delay must be milliseconds, or {\"min\": MS, \"max\": MS} "
                                "with min ≤ max")
                     .arg(where);
        return std::nullopt;
    }
    static const QHash<QString, MockAnswer::Fault> faults{
        {QStringLiteral("close"), MockAnswer::Fault::Close},
        {QStringLiteral("reset"), MockAnswer::Fault::Reset},
        {QStringLiteral("no-answer"), MockAnswer::Fault::NoAnswer},
        {QStringLiteral("trickle"), MockAnswer::Fault::Trickle}};
    const QString fault = object[key("fault")].toString();
    if (!fault.isEmpty() && !faults.contains(fault)) {
        *error = QStringLiteral("%1: unknown fault \"%2\" (close, reset, no-answer or trickle)")
                     .arg(where, fault);
        return std::nullopt;
    }
    answer.fault = faults.value(fault, MockAnswer::Fault::None);
    answer.trickleBytesPerSecond = object[key("bytesPerSecond")].toInt(10);
    if (answer.fault == MockAnswer::Fault::Trickle && answer.trickleBytesPerSecond <= 0) {
        *error = QStringLiteral("%1: bytesPerSecond must be above 0").arg(where);
        return std::nullopt;
    }
    answer.proxyTarget = object[key("proxy")].toString();
    if (!answer.proxyTarget.isEmpty()) {
        if (const QString problem = OutgoingRequest::targetProblem(QUrl(answer.proxyTarget));
            !problem.isEmpty()) {
            *error = QStringLiteral("%1: proxy: %2").arg(where, problem);
            return std::nullopt;
        }
    }
    return answer;
}

bool valuesMatch(const QList<ValueCondition> &conditions,
                 const std::function<std::optional<QString>(const QString &)> &valueOf)
{
    for (const ValueCondition &condition : conditions) {
        const std::optional<QString> value = valueOf(condition.name);
        if (!value || !condition.pattern.match(*value).hasMatch())
            return false;
    }
    return true;
}

bool jsonMatches(const QList<JsonCondition> &conditions, RequestView &view)
{
    for (const JsonCondition &condition : conditions) {
        const std::optional<QJsonValue> value = condition.path.valueIn(view.json());
        if (!value || (condition.equals && *value != *condition.equals))
            return false;
    }
    return true;
}

bool ruleMatches(const MockRule &rule, RequestView &view)
{
    const CapturedRequest &request = view.request();
    if (!rule.method.isEmpty() && rule.method.compare(request.method, Qt::CaseInsensitive) != 0)
        return false;
    if (!rule.path.match(QString::fromUtf8(request.path())).hasMatch())
        return false;
    if (!valuesMatch(rule.headers, [&](const QString &name) -> std::optional<QString> {
            for (const HeaderField &header : request.headers) {
                if (header.name.compare(name.toUtf8(), Qt::CaseInsensitive) == 0)
                    return QString::fromUtf8(header.value);
            }
            return std::nullopt;
        }))
        return false;
    const QUrlQuery query(QString::fromUtf8(request.query()));
    if (!valuesMatch(rule.query, [&](const QString &name) -> std::optional<QString> {
            if (!query.hasQueryItem(name))
                return std::nullopt;
            return query.queryItemValue(name, QUrl::FullyDecoded);
        }))
        return false;
    return jsonMatches(rule.json, view);
}

MockDecision decision(int index, const MockRule &rule, const MockAnswer &answer, int delayMs,
                      RequestView &view)
{
    MockDecision decided;
    decided.ruleIndex = index;
    decided.ruleName = rule.name;
    decided.fault = answer.fault;
    decided.trickleBytesPerSecond = answer.trickleBytesPerSecond;
    decided.proxyTarget = answer.proxyTarget;
    decided.response.status = answer.status;
    decided.response.headers.clear();
    for (const HeaderField &header : answer.headers)
        decided.response.headers.append({header.name, fill(header.value, view)});
    decided.response.body = fill(answer.body, view);
    decided.response.delayMs = delayMs;
    return decided;
}

} // namespace

// "re:…" is a regular expression, anything else a glob. The same pattern read again (a
// collection of many requests expecting the same header) shares one compiled expression.
std::optional<QRegularExpression> ValueCondition::compile(const QString &written, QString *error)
{
    thread_local QHash<QString, QRegularExpression> compiled;
    if (const auto known = compiled.constFind(written); known != compiled.cend())
        return *known;
    QRegularExpression expression = written.startsWith(QLatin1String("re:"))
                                        ? QRegularExpression(written.mid(3))
                                        : globExpression(written);
    if (!expression.isValid()) {
        *error = QStringLiteral("invalid regular expression \"%1\": %2 at offset %3")
                     .arg(written.mid(3), expression.errorString())
                     .arg(expression.patternErrorOffset());
        return std::nullopt;
    }
    if (compiled.size() >= 1024) // a bound, not a store: patterns are few and short
        compiled.clear();
    compiled.insert(written, expression);
    return expression;
}

std::optional<QList<ValueCondition>> ValueCondition::listFrom(const QJsonValue &value,
                                                              const QString &where, QString *error)
{
    QList<ValueCondition> conditions;
    if (!value.isUndefined() && !value.isNull() && !value.isObject()) {
        *error = QStringLiteral("%1 must be an object of NAME: PATTERN").arg(where);
        return std::nullopt;
    }
    const QJsonObject object = value.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString()) {
            *error = QStringLiteral("%1 %2: the pattern must be a string").arg(where, it.key());
            return std::nullopt;
        }
        QString problem;
        const std::optional<QRegularExpression> pattern
            = ValueCondition::compile(it.value().toString(), &problem);
        if (!pattern) {
            *error = QStringLiteral("%1 %2: %3").arg(where, it.key(), problem);
            return std::nullopt;
        }
        conditions.append({it.key(), *pattern, it.value().toString()});
    }
    return conditions;
}

bool MockRule::matches(const CapturedRequest &request) const
{
    RequestView view(request);
    return ruleMatches(*this, view);
}

std::optional<MockDecision> MockRules::decide(const CapturedRequest &request)
{
    if (!m_random)
        m_random.emplace(seed);
    m_calls.resize(rules.size());
    RequestView view(request);
    for (int index = 0; index < rules.size(); ++index) {
        const MockRule &rule = rules.at(index);
        if (!rule.enabled || !ruleMatches(rule, view))
            continue;
        const int call = m_calls[index]++;
        // The answer whose turn it is: each covers `times` calls; the last covers the rest.
        const MockAnswer *answer = &rule.answers.last().second;
        int covered = 0;
        for (const auto &[times, candidate] : rule.answers) {
            if (times == 0 || call < covered + times) {
                answer = &candidate;
                break;
            }
            covered += times;
        }
        if (rule.failureProbability > 0 && m_random->generateDouble() < rule.failureProbability)
            answer = &rule.failure;
        const int delayMs
            = answer->delayMaxMs > answer->delayMinMs
                  ? answer->delayMinMs
                        + int(m_random->bounded(answer->delayMaxMs - answer->delayMinMs + 1))
                  : answer->delayMinMs;
        return decision(index, rule, *answer, delayMs, view);
    }
    return std::nullopt;
}

MockDecision MockRules::preview(const MockRule &rule, const CapturedRequest &request)
{
    RequestView view(request);
    const MockAnswer &answer = rule.answers.first().second;
    return decision(-1, rule, answer, answer.delayMinMs, view);
}

std::optional<MockRule> MockRules::ruleFromJson(const QJsonObject &object, QString *error)
{
    MockRule rule;
    rule.source = object;
    rule.name = object[key("name")].toString();
    rule.enabled = object[key("enabled")].toBool(true);
    if (!onlyKnown(object,
                   {QStringLiteral("name"), QStringLiteral("enabled"), QStringLiteral("match"),
                    QStringLiteral("respond"), QStringLiteral("failure")},
                   QStringLiteral("the rule"), error))
        return std::nullopt;
    if (const QString problem
        = JsonFile::fieldProblem(object, {{"name", JsonFile::String},
                                          {"enabled", JsonFile::Bool},
                                          {"match", JsonFile::Object},
                                          {"respond", JsonFile::Object | JsonFile::Array},
                                          {"failure", JsonFile::Object}});
        !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    const QJsonObject match = object[key("match")].toObject();
    if (!onlyKnown(match,
                   {QStringLiteral("method"), QStringLiteral("path"), QStringLiteral("pathRegex"),
                    QStringLiteral("headers"), QStringLiteral("query"), QStringLiteral("json")},
                   QStringLiteral("match"), error))
        return std::nullopt;
    if (const QString problem = JsonFile::fieldProblem(match, {{"method", JsonFile::String},
                                                               {"path", JsonFile::String},
                                                               {"pathRegex", JsonFile::String},
                                                               {"json", JsonFile::Array}});
        !problem.isEmpty()) {
        *error = QStringLiteral("match: ") + problem;
        return std::nullopt;
    }
    rule.method = match[key("method")].toString().toUtf8();
    if (match.contains(key("pathRegex"))) {
        std::optional<QRegularExpression> path = ValueCondition::compile(
            QStringLiteral("re:") + match[key("pathRegex")].toString(), error);
        if (!path) {
            *error = QStringLiteral("match.pathRegex: ") + *error;
            return std::nullopt;
        }
        rule.path = *path;
    } else {
        rule.path = globExpression(match[key("path")].toString(QStringLiteral("*")));
    }
    std::optional<QList<ValueCondition>> headers
        = ValueCondition::listFrom(match[key("headers")], QStringLiteral("match.headers"), error);
    std::optional<QList<ValueCondition>> query
        = headers
              ? ValueCondition::listFrom(match[key("query")], QStringLiteral("match.query"), error)
              : std::nullopt;
    if (!headers || !query)
        return std::nullopt;
    rule.headers = *headers;
    rule.query = *query;
    for (const QJsonValue &condition : match[key("json")].toArray()) {
        if (!condition.isObject() || !condition[key("path")].isString()) {
            *error = QStringLiteral("match.json: each condition must be {\"path\": \"…\"}, "
                                    "optionally with \"equals\"");
            return std::nullopt;
        }
        const QString written = condition[key("path")].toString();
        QString problem;
        const std::optional<JsonPath> path = JsonPath::parse(written, &problem);
        if (!path || written.isEmpty()) {
            *error
                = QStringLiteral("match.json: ")
                  + (written.isEmpty() ? QStringLiteral("a condition has no \"path\"") : problem);
            return std::nullopt;
        }
        rule.json.append({*path, condition.toObject().contains(key("equals"))
                                     ? std::optional<QJsonValue>(condition[key("equals")])
                                     : std::nullopt});
    }
    const QJsonValue respond = object[key("respond")];
    const QJsonArray sequence = respond.isArray() ? respond.toArray() : QJsonArray{respond};
    for (qsizetype index = 0; index < sequence.size(); ++index) {
        const QJsonObject step = sequence.at(index).toObject();
        const QString where = respond.isArray() ? QStringLiteral("respond[%1]").arg(index)
                                                : QStringLiteral("respond");
        if (respond.isArray() && !sequence.at(index).isObject()) {
            *error = where + QStringLiteral(" must be an object");
            return std::nullopt;
        }
        std::optional<MockAnswer> answer = answerFrom(
            step, where, respond.isArray() ? QStringList{QStringLiteral("times")} : QStringList(),
            error);
        if (!answer)
            return std::nullopt;
        rule.answers.append({step[key("times")].toInt(0), *answer});
    }
    if (rule.answers.isEmpty()) {
        *error = QStringLiteral("\"respond\" has no answer");
        return std::nullopt;
    }
    if (object.contains(key("failure"))) {
        const QJsonObject failure = object[key("failure")].toObject();
        rule.failureProbability = failure[key("probability")].toDouble(-1);
        if (rule.failureProbability < 0 || rule.failureProbability > 1) {
            *error = QStringLiteral("failure.probability must be between 0 and 1");
            return std::nullopt;
        }
        std::optional<MockAnswer> answer = answerFrom(failure, QStringLiteral("failure"),
                                                      {QStringLiteral("probability")}, error);
        if (!answer)
            return std::nullopt;
        rule.failure = *answer;
    }
    return rule;
}

QByteArray MockRules::toJson() const
{
    QJsonArray list;
    for (const MockRule &rule : rules)
        list.append(rule.source);
    return QJsonDocument(QJsonObject{{key("format"), FormatName},
                                     {key("version"), Version},
                                     {key("seed"), qint64(seed)},
                                     {key("rules"), list}})
        .toJson(QJsonDocument::Indented);
}

std::optional<MockRules> MockRules::fromJson(const QByteArray &json, QString *error)
{
    const std::optional<QJsonObject> object = JsonFile::parseObject(json, error);
    if (!object)
        return std::nullopt;
    if ((*object)[key("format")].toString() != FormatName) {
        *error = QStringLiteral("not a Hookscope rules file: \"format\" is not \"%1\"")
                     .arg(FormatName);
        return std::nullopt;
    }
    if ((*object)[key("version")].toInt() != Version) {
        *error = QStringLiteral("rules version %1; this Hookscope reads version %2")
                     .arg((*object)[key("version")].toVariant().toString())
                     .arg(Version);
        return std::nullopt;
    }
    if (const QString problem
        = JsonFile::fieldProblem(*object, {{"seed", JsonFile::Number}, {"rules", JsonFile::Array}});
        !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    MockRules parsed;
    parsed.seed = quint32((*object)[key("seed")].toInteger(1));
    const QJsonArray list = (*object)[key("rules")].toArray();
    for (qsizetype index = 0; index < list.size(); ++index) {
        QString problem;
        std::optional<MockRule> rule = list.at(index).isObject()
                                           ? ruleFromJson(list.at(index).toObject(), &problem)
                                           : std::nullopt;
        if (!list.at(index).isObject())
            problem = QStringLiteral("must be an object");
        if (!rule) {
            const QString name = list.at(index)[key("name")].toString();
            *error = QStringLiteral("rule %1%2: %3")
                         .arg(index + 1)
                         .arg(name.isEmpty() ? QString() : QStringLiteral(" (\"%1\")").arg(name),
                              problem);
            return std::nullopt;
        }
        parsed.rules.append(*rule);
    }
    return parsed;
}

std::optional<MockRules> MockRules::load(const QString &path, QString *error)
{
    return JsonFile::load<MockRules>(path, error, &MockRules::fromJson);
}

} // namespace Hookscope
