#pragma once

#include "capturedrequest.h"

#include <QList>
#include <QString>

#include <utility>

namespace Hookscope {

// The standard envelope a webhook's event came in, when it follows one, with its attributes
// as the request carries them: CloudEvents 1.0 over HTTP (binary mode's ce-* headers,
// structured mode's application/cloudevents+json body, or a batch of them) or Standard
// Webhooks (webhook-id and webhook-timestamp; Svix sends them as svix-*).
struct EventEnvelope
{
    enum class Kind {
        None,
        CloudEventBinary,
        CloudEventStructured,
        CloudEventBatch,
        StandardWebhooks
    };
    Kind kind = Kind::None;
    // CloudEvents: specversion, id, source, type, subject, time, datacontenttype, dataschema,
    // then extensions, as named by the specification; Standard Webhooks: id, timestamp. Only
    // those present, values decoded (a binary-mode header is percent-encoded).
    QList<std::pair<QString, QString>> attributes;
    int batchSize = 0; // CloudEventBatch: events in the batch

    static EventEnvelope of(const CapturedRequest &request);
    // "CloudEvents, binary mode", "Standard Webhooks"…; empty for None.
    QString name() const;
    QString attribute(const QString &name) const;
};

} // namespace Hookscope
