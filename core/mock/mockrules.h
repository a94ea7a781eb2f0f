#pragma once

#include "wire/capturedrequest.h"
#include "wire/jsonpath.h"
#include "wire/responsespec.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>

#include <optional>

namespace Hookscope {

// One answer a rule gives: a response (its header values and body are templates), after a
// fixed or random delay — or a fault, as a failing app would behave, or the answer of a target
// the request is relayed to.
struct MockAnswer
{
    enum class Fault {
        None,
        Close,    // close the connection without answering
        Reset,    // reset it (TCP RST)
        NoAnswer, // keep it open and never answer, until the client gives up
        Trickle,  // send the response, its body a few bytes at a time
    };

    int status = 200;
    HeaderList headers;
    QByteArray body;
    int delayMinMs = 0;
    int delayMaxMs = 0; // above delayMinMs: a random delay in between
    Fault fault = Fault::None;
    int trickleBytesPerSecond = 0;
    QString proxyTarget; // relay the request there and answer with its answer
};

// A condition on a named value (a header, a query parameter): glob or regular expression.
struct ValueCondition
{
    QString name;
    QRegularExpression pattern;
    QString written; // as the file has it, for messages and saving

    // A glob, or "re:REGEX": nothing, saying why, for a regular expression that is not one.
    static std::optional<QRegularExpression> compile(const QString &written, QString *error);
    // {NAME: PATTERN, …}, each pattern a glob or "re:REGEX"; nothing, saying what in `where`
    // is wrong, otherwise.
    static std::optional<QList<ValueCondition>> listFrom(const QJsonValue &value,
                                                         const QString &where, QString *error);
};

// A condition on a JSON body field: `$.data.object.id == "x"`, or that it exists.
struct JsonCondition
{
    JsonPath path;                    // "$.a.b[0].c"
    std::optional<QJsonValue> equals; // none: the field only has to exist
};

struct MockRule
{
    QString name;
    bool enabled = true;
    QByteArray method;       // empty: any
    QRegularExpression path; // from a glob ("/stripe/*") or a regular expression
    QList<ValueCondition> headers;
    QList<ValueCondition> query;
    QList<JsonCondition> json;
    // Answers in turn: each for `times` calls (0: from then on); the last one repeats.
    QList<std::pair<int, MockAnswer>> answers;
    double failureProbability = 0; // of answering with `failure` instead
    MockAnswer failure;
    QJsonObject source; // the rule as written, saved back as it was

    bool matches(const CapturedRequest &request) const;
};

// What a rule decided for one request.
struct MockDecision
{
    int ruleIndex = -1;
    QString ruleName;
    ResponseSpec response; // templates filled in, delay chosen
    MockAnswer::Fault fault = MockAnswer::Fault::None;
    int trickleBytesPerSecond = 0;
    QString proxyTarget;
};

// An ordered list of rules, first match wins (`hookscope-cli listen --rules FILE`, Capture →
// Rules… in the window). The file:
//   {"format": "hookscope-rules", "version": 1, "seed": 1, "rules": [{"name": "…",
//     "match": {"method", "path" | "pathRegex", "headers": {NAME: GLOB}, "query": {NAME: GLOB},
//               "json": [{"path": "$.type", "equals": VALUE}]},
//     "respond": ANSWER | [ANSWER + "times": N, …], "failure": {"probability": P, ANSWER…}}]}
//   ANSWER: {"status", "headers": {NAME: TEMPLATE}, "body": TEMPLATE, "delay": MS |
//            {"min": MS, "max": MS}, "fault": "close" | "reset" | "no-answer" | "trickle",
//            "bytesPerSecond": N, "proxy": URL}
// Templates: {{request.header.NAME}}, {{request.query.NAME}}, {{request.json.PATH}},
// {{request.method}}, {{request.path}}, {{request.body}}, {{now}}, {{uuid}}.
class MockRules final
{
public:
    QList<MockRule> rules;
    quint32 seed = 1;

    bool isEmpty() const { return rules.isEmpty(); }
    // The first enabled rule that matches, and its answer; counts the call for sequences and
    // draws from the seeded generator for delays and failures.
    std::optional<MockDecision> decide(const CapturedRequest &request);
    // What `rule` would answer `request` now, without counting the call ("try this rule").
    static MockDecision preview(const MockRule &rule, const CapturedRequest &request);

    QByteArray toJson() const;
    // On a mistake (an invalid regular expression, a template referring to nothing, an unknown
    // field): nothing, and `error` says which rule and field.
    static std::optional<MockRules> fromJson(const QByteArray &json, QString *error);
    static std::optional<MockRules> load(const QString &path, QString *error);
    // One rule from its JSON object (as the editor holds it).
    static std::optional<MockRule> ruleFromJson(const QJsonObject &object, QString *error);

private:
    QList<int> m_calls; // per rule, for sequences
    std::optional<QRandomGenerator> m_random;
};

} // namespace Hookscope
