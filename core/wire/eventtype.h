#pragma once

#include "capturedrequest.h"

#include <QJsonObject>

namespace Hookscope {

// What kind of event a webhook delivers, when the request says: the provider's header
// (X-GitHub-Event with the payload's action, X-Shopify-Topic, X-Gitlab-Event, X-Event-Key,
// CloudEvents' ce-type) or the JSON body's own field (`type`, as Stripe, Svix and structured
// CloudEvents send it, the inner event's for Slack's event_callback; else `event`,
// `event_type` or `eventType`). Empty when nothing names one.
QString eventType(const CapturedRequest &request);
// The same, with the request's JSON body already parsed (jsonBodyOf()).
QString eventType(const CapturedRequest &request, const QJsonObject &body);

// The id the provider gave the event, the same in each delivery of it (a retry, a duplicate):
// the webhook-id, svix-id, X-GitHub-Delivery, X-Shopify-Webhook-Id or ce-id header, else the
// JSON body's own "id" (Stripe's evt_…, a structured CloudEvent) or "event_id" (Slack). Empty
// when nothing names one.
QString eventId(const CapturedRequest &request);
QString eventId(const CapturedRequest &request, const QJsonObject &body);

// Whether the sender says this is a test, not a live event: one of Hookscope's test events
// (CaptureOrigin::TestEventHeader), Stripe's test mode ("livemode": false), a Shopify test
// notification (X-Shopify-Test: true).
bool isTestEvent(const CapturedRequest &request, const QJsonObject &body);

// The request's body as a JSON object: empty when it is none, or larger than is worth parsing
// for a label (2 MiB).
QJsonObject jsonBodyOf(const CapturedRequest &request);

} // namespace Hookscope
