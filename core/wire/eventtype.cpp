#include "eventtype.h"

#include "captureorigin.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <optional>

namespace Hookscope {
namespace {

// Bodies larger than this are not parsed for a name: it is a label, not worth a long parse.
constexpr qsizetype MaxParsedBody = 2 * 1024 * 1024;

// A name fit for a label: one short line.
QString label(const QString &text)
{
    // One line, and nothing a terminal would act on (an escape sequence from a payload).
    QString line = text.simplified();
    line.removeIf([](QChar c) { return c.category() == QChar::Other_Control; });
    return line.size() > 120 ? line.left(119) + QChar(0x2026) : line;
}

// The body, parsed only when it is needed.
class LazyBody
{
public:
    LazyBody(const CapturedRequest &request, const QJsonObject *parsed)
        : m_request(request)
        , m_parsed(parsed)
    {}
    const QJsonObject &get()
    {
        if (m_parsed)
            return *m_parsed;
        if (!m_own)
            m_own = jsonBodyOf(m_request);
        return *m_own;
    }

private:
    const CapturedRequest &m_request;
    const QJsonObject *m_parsed;
    std::optional<QJsonObject> m_own;
};

QString typeOf(const CapturedRequest &request, LazyBody body)
{
    if (const QByteArray github = headerValue(request.headers, "X-GitHub-Event");
        !github.isEmpty()) {
        const QString action = body.get().value(QStringLiteral("action")).toString();
        return label(QString::fromUtf8(github)
                     + (action.isEmpty() ? QString() : QLatin1Char('.') + action));
    }
    for (const char *header : {"X-Shopify-Topic", "X-Gitlab-Event", "X-Event-Key", "ce-type"}) {
        if (const QByteArray value = headerValue(request.headers, header); !value.isEmpty())
            return label(QString::fromUtf8(value));
    }
    const QJsonObject &json = body.get();
    const QString type = json.value(QStringLiteral("type")).toString();
    if (type == QLatin1String("event_callback")) { // Slack: the event inside says what
        if (const QString inner = json.value(QStringLiteral("event"))
                                      .toObject()
                                      .value(QStringLiteral("type"))
                                      .toString();
            !inner.isEmpty())
            return label(inner);
    }
    if (!type.isEmpty())
        return label(type);
    for (const QString &field :
         {QStringLiteral("event"), QStringLiteral("event_type"), QStringLiteral("eventType")}) {
        if (const QString value = json.value(field).toString(); !value.isEmpty())
            return label(value);
    }
    return {};
}

QString idOf(const CapturedRequest &request, LazyBody body)
{
    for (const char *header :
         {"webhook-id", "svix-id", "X-GitHub-Delivery", "X-Shopify-Webhook-Id", "ce-id"}) {
        if (const QByteArray value = headerValue(request.headers, header); !value.isEmpty())
            return label(QString::fromUtf8(value));
    }
    const QJsonObject &json = body.get();
    for (const QString &field : {QStringLiteral("id"), QStringLiteral("event_id")}) {
        if (const QString value = json.value(field).toString(); !value.isEmpty())
            return label(value);
    }
    return {};
}

} // namespace

bool isTestEvent(const CapturedRequest &request, const QJsonObject &body)
{
    if (!headerValue(request.headers, CaptureOrigin::TestEventHeader).isNull())
        return true;
    if (headerValue(request.headers, "X-Shopify-Test").trimmed().toLower() == "true")
        return true;
    const QJsonValue livemode = body.value(QLatin1String("livemode"));
    return livemode.isBool() && !livemode.toBool();
}

QJsonObject jsonBodyOf(const CapturedRequest &request)
{
    if (request.body.isEmpty())
        return {};
    const std::optional<QByteArray> body = request.decodedBodyUpTo(MaxParsedBody);
    if (!body || !body->trimmed().startsWith('{'))
        return {};
    return QJsonDocument::fromJson(*body).object();
}

QString eventType(const CapturedRequest &request)
{
    return typeOf(request, LazyBody(request, nullptr));
}

QString eventType(const CapturedRequest &request, const QJsonObject &body)
{
    return typeOf(request, LazyBody(request, &body));
}

QString eventId(const CapturedRequest &request)
{
    return idOf(request, LazyBody(request, nullptr));
}

QString eventId(const CapturedRequest &request, const QJsonObject &body)
{
    return idOf(request, LazyBody(request, &body));
}

} // namespace Hookscope
