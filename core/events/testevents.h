#pragma once

#include "collections/collection.h"

#include <QHash>
#include <QList>

#include <optional>

namespace Hookscope {

// One change to a payload before it is sent: a JSON field by path (JsonPath:
// "data.object.amount_paid", "$.items[0].price"), or a form field by name, set to `value`. A value
// that reads as JSON (5000, true, null, "text", {…}) is written as it is; anything else as a JSON
// string.
struct FieldOverride
{
    QString path;
    QByteArray value;

    // "PATH=VALUE", as `trigger --set` takes it; nothing, saying why, without a '='.
    static std::optional<FieldOverride> parse(const QString &text, QString *error);
};

// A sample of what a provider sends, kept as a collection request: {{target}} is where it goes;
// {{$guid}}, {{$timestamp}} and the like, and the catalog's variables ({{invoiceId}}), are
// filled in afresh each time it is sent, so every send is a new event.
struct TestEvent
{
    QString provider;      // as `trigger` takes it: "stripe", "standard-webhooks"
    QString providerTitle; // as the catalog's folder names it: "Stripe", "Standard Webhooks"
    QString name;          // "invoice.paid", "orders/create"
    RequestTemplate request;
    QHash<QString, QString> variables; // the catalog's: dynamic values in them fresh per send
    bool isOwn = false;                // from the user's catalog file

    // The request that sends it to `target` now: fresh ids and timestamps, `overrides` applied
    // to the payload, marked as a test event (CaptureOrigin::TestEventHeader), then signed with the
    // provider's scheme and `secret` (unsigned without one). Nothing, saying why, when the target
    // is not an http(s) URL, an override does not fit the payload or the secret does not suit the
    // scheme.
    std::optional<OutgoingRequest> prepare(const QString &target,
                                           const std::optional<QByteArray> &secret,
                                           const QList<FieldOverride> &overrides,
                                           QString *error) const;
    bool isSigned() const { return request.signing.isSet(); }
};

// The test events Hookscope ships (Stripe, GitHub, Shopify, Slack, Twilio, Svix, Standard
// Webhooks, CloudEvents), and the user's own: a collection file with a folder per provider
// holding its events. An own event of a shipped provider and name replaces the shipped one.
class TestEventCatalog final
{
public:
    // Where the user's own events are kept: events.json in the data folder.
    static QString ownEventsPath();
    // The shipped events, then those of `ownEventsFile` when it exists. One that cannot be read
    // leaves the shipped events, and problem() says why.
    static TestEventCatalog load(const QString &ownEventsFile);

    const QList<TestEvent> &events() const { return m_events; }
    // Providers as `trigger` takes them, in catalog order.
    QStringList providers() const;
    QList<TestEvent> eventsOf(const QString &provider) const;
    // The event; provider names are matched without regard to case.
    const TestEvent *find(const QString &provider, const QString &name) const;
    QString problem() const { return m_problem; }

private:
    void add(const Collection &collection, bool own);

    QList<TestEvent> m_events;
    QString m_problem;
};

} // namespace Hookscope
