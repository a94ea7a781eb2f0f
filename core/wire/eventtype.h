#pragma once

#include "capturedrequest.h"

namespace Hookscope {

// What kind of event a webhook delivers, when the request says: the provider's header
// (X-GitHub-Event with the payload's action, X-Shopify-Topic, X-Gitlab-Event, X-Event-Key,
// CloudEvents' ce-type) or the JSON body's own field (`type`, as Stripe, Svix and structured
// CloudEvents send it, the inner event's for Slack's event_callback; else `event`,
// `event_type` or `eventType`). Empty when nothing names one.
QString eventType(const CapturedRequest &request);

} // namespace Hookscope
