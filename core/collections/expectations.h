#pragma once

#include "mock/mockrules.h"
#include "wire/jsonpath.h"
#include "wire/outgoingrequest.h"

#include <QJsonObject>
#include <QRegularExpression>

#include <optional>

namespace Hookscope {

// One expectation checked against an answer: what it is ("status", "header Content-Type",
// "json $.received", "time", "idempotent"), and, when it failed, what was expected and got.
struct CheckResult
{
    QString what;
    bool passed = false;
    QString expected;
    QString got;
};

// What a collection request's answer must be for a run to pass it, kept under "expect" in the
// collection file:
//   {"status": 200 | "2xx" | "200-204",
//    "headers": {"Content-Type": "application/json*"},  (as mock rules: a glob or "re:…")
//    "json": [{"path": "$.received", "equals": true}, {"path": "$.id", "exists": true},
//             {"path": "$.id", "matches": "^evt_"}, {"path": "$.n", "type": "number"}],
//    "maxMs": 500,
//    "idempotent": true | "same-body"}   (sent twice: both 2xx; "same-body": the same answer)
// Without "status", an answer passes with a 2xx or 3xx.
struct Expectations
{
    struct StatusRange
    {
        int low = 200;
        int high = 399;
        QString written; // as the file has it: "2xx", "200-204", "201"
    };
    struct JsonCheck
    {
        enum class Kind { Equals, Exists, Matches, Type };
        JsonPath path;
        Kind kind = Kind::Exists;
        QJsonValue equals;
        QRegularExpression pattern;
        QString type; // string, number, boolean, object, array, null
    };
    enum class Idempotency { No, BothSucceed, SameBody };

    std::optional<StatusRange> status;
    QList<ValueCondition> headers; // as mock rules match them: a glob or "re:REGEX"
    QList<JsonCheck> json;
    std::optional<int> maxMs;
    Idempotency idempotent = Idempotency::No;

    bool isEmpty() const;
    QJsonObject toJson() const;
    // Nothing, saying which field is wrong and why, for an "expect" that cannot be read.
    static std::optional<Expectations> fromJson(const QJsonValue &value, QString *error);
    // "2xx", "200-204", "201" as a range.
    static std::optional<StatusRange> parseStatus(const QString &text, QString *error);

    // What `answer` was, as expectations: its status exactly, and each of `fields` equal to
    // the value it had there (a field it lacks is left out).
    static Expectations fromAnswer(const DeliveryResult &answer, const QList<JsonPath> &fields);
    // The fields of a JSON answer that hold a value (not an object or list), by path
    // ("$.data.items[0].id"), the first `limit` of them; none for an answer that is not JSON.
    static QList<std::pair<JsonPath, QJsonValue>> fieldsOf(const QByteArray &body, int limit = 200);

    // Every expectation against `answer`, and `repeat` (the second answer) when idempotent.
    QList<CheckResult> check(const DeliveryResult &answer,
                             const std::optional<DeliveryResult> &repeat) const;
};

} // namespace Hookscope
