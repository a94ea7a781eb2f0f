#include "eventenvelope.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Hookscope {
namespace {

// The context attributes CloudEvents 1.0 defines, in the order the specification lists them.
const char *const cloudEventAttributes[]
    = {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema"};

// Bodies larger than this are not parsed for attributes: an envelope is a few fields.
constexpr qsizetype MaxParsedBody = 2 * 1024 * 1024;

QString text(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isDouble() || value.isBool())
        return value.toVariant().toString();
    return {};
}

// The attributes of a structured-mode event: the specification's first, then extensions (any
// other member but the data).
QList<std::pair<QString, QString>> structuredAttributes(const QJsonObject &event)
{
    QList<std::pair<QString, QString>> attributes;
    for (const char *name : cloudEventAttributes) {
        if (const QString value = text(event.value(QLatin1String(name))); !value.isEmpty())
            attributes.append({QLatin1String(name), value});
    }
    for (auto member = event.begin(); member != event.end(); ++member) {
        const QString &name = member.key();
        if (name == QLatin1String("data") || name == QLatin1String("data_base64")
            || std::any_of(std::begin(cloudEventAttributes), std::end(cloudEventAttributes),
                           [&](const char *known) { return name == QLatin1String(known); }))
            continue;
        if (const QString value = text(member.value()); !value.isEmpty())
            attributes.append({name, value});
    }
    return attributes;
}

} // namespace

EventEnvelope EventEnvelope::of(const CapturedRequest &request)
{
    EventEnvelope envelope;
    const QByteArray contentType = request.contentType().toLower();
    const auto parsed = [&] {
        return QJsonDocument::fromJson(
            request.decodedBodyUpTo(MaxParsedBody).value_or(QByteArray()));
    };
    if (contentType.startsWith("application/cloudevents-batch+json")) {
        const QJsonArray batch = parsed().array();
        envelope.kind = Kind::CloudEventBatch;
        envelope.batchSize = int(batch.size());
        if (!batch.isEmpty())
            envelope.attributes = structuredAttributes(batch.first().toObject());
        return envelope;
    }
    if (contentType.startsWith("application/cloudevents+json")) {
        envelope.kind = Kind::CloudEventStructured;
        envelope.attributes = structuredAttributes(parsed().object());
        return envelope;
    }
    if (!headerValue(request.headers, "ce-specversion").isEmpty()
        || !headerValue(request.headers, "ce-type").isEmpty()) {
        envelope.kind = Kind::CloudEventBinary;
        for (const char *name : cloudEventAttributes) {
            const QByteArray value
                = name == QByteArrayView("datacontenttype")
                      ? request.contentType()
                      : headerValue(request.headers, QByteArray(QByteArray("ce-") + name));
            if (!value.isEmpty())
                envelope.attributes.append(
                    {QLatin1String(name),
                     QString::fromUtf8(QByteArray::fromPercentEncoding(value))});
        }
        for (const HeaderField &header : request.headers) {
            const QByteArray name = header.name.toLower();
            if (!name.startsWith("ce-"))
                continue;
            const QString attribute = QString::fromLatin1(name.mid(3));
            if (std::none_of(envelope.attributes.cbegin(), envelope.attributes.cend(),
                             [&](const auto &known) { return known.first == attribute; }))
                envelope.attributes.append(
                    {attribute, QString::fromUtf8(QByteArray::fromPercentEncoding(header.value))});
        }
        return envelope;
    }
    for (const char *prefix : {"webhook-", "svix-"}) {
        const QByteArray id = headerValue(request.headers, QByteArray(QByteArray(prefix) + "id"));
        const QByteArray timestamp
            = headerValue(request.headers, QByteArray(QByteArray(prefix) + "timestamp"));
        if (id.isEmpty() && timestamp.isEmpty())
            continue;
        envelope.kind = Kind::StandardWebhooks;
        if (!id.isEmpty())
            envelope.attributes.append({QStringLiteral("id"), QString::fromUtf8(id)});
        if (!timestamp.isEmpty())
            envelope.attributes.append({QStringLiteral("timestamp"), QString::fromUtf8(timestamp)});
        return envelope;
    }
    return envelope;
}

QString EventEnvelope::name() const
{
    switch (kind) {
    case Kind::None: return {};
    case Kind::CloudEventBinary: return QStringLiteral("CloudEvents, binary mode");
    case Kind::CloudEventStructured: return QStringLiteral("CloudEvents, structured mode");
    case Kind::CloudEventBatch: return QStringLiteral("CloudEvents, a batch of %1").arg(batchSize);
    case Kind::StandardWebhooks: return QStringLiteral("Standard Webhooks");
    }
    return {};
}

QString EventEnvelope::attribute(const QString &name) const
{
    for (const auto &[key, value] : attributes) {
        if (key == name)
            return value;
    }
    return {};
}

} // namespace Hookscope
