#include "capturejson.h"

#include "wire/captureorigin.h"
#include "wire/jsonfile.h"

#include <QDateTime>
#include <QJsonArray>

namespace Hookscope::CaptureJson {

QString formatTime(qint64 microsecondsSinceEpoch)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(microsecondsSinceEpoch / 1000, Qt::UTC);
    return time.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss."))
        .append(
            QStringLiteral("%1Z").arg(microsecondsSinceEpoch % 1'000'000, 6, 10, QLatin1Char('0')));
}

QJsonObject fromSummary(const CaptureSummary &summary)
{
    return QJsonObject{
        {QStringLiteral("id"), summary.id},
        {QStringLiteral("receivedAt"), formatTime(summary.receivedAtUs)},
        {QStringLiteral("durationUs"), summary.durationUs},
        {QStringLiteral("method"), QString::fromLatin1(summary.method)},
        {QStringLiteral("target"), QString::fromUtf8(summary.target)},
        {QStringLiteral("status"), summary.responseStatus},
        {QStringLiteral("requestSize"), summary.requestSize},
        {QStringLiteral("bodySize"), summary.bodySize},
        {QStringLiteral("contentType"), QString::fromUtf8(summary.contentType)},
        {QStringLiteral("remoteAddress"), summary.remoteAddress},
        {QStringLiteral("remotePort"), summary.remotePort},
        {QStringLiteral("malformed"), summary.malformed},
        {QStringLiteral("starred"), summary.starred},
        {QStringLiteral("rule"), summary.rule.isEmpty() ? QJsonValue() : summary.rule},
        {QStringLiteral("source"), summary.source.isEmpty() ? QJsonValue() : summary.source},
        {QStringLiteral("sourceUrl"),
         summary.sourceUrl.isEmpty() ? QJsonValue() : summary.sourceUrl},
    };
}

namespace {

QJsonArray headersArray(const HeaderList &headers)
{
    QJsonArray array;
    for (const HeaderField &header : headers) {
        array.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(header.name)},
                                 {QStringLiteral("value"), QString::fromUtf8(header.value)}});
    }
    return array;
}

} // namespace

QJsonObject fromCapture(const CapturedRequest &request)
{
    QJsonObject object{
        {QStringLiteral("id"), request.id},
        {QStringLiteral("receivedAt"), formatTime(request.receivedAtUs)},
        {QStringLiteral("durationUs"), request.durationUs},
        {QStringLiteral("method"), QString::fromLatin1(request.method)},
        {QStringLiteral("target"), QString::fromUtf8(request.target)},
        {QStringLiteral("path"), QString::fromUtf8(request.path())},
        {QStringLiteral("query"), QString::fromUtf8(request.query())},
        {QStringLiteral("httpVersion"), QString::fromLatin1(request.httpVersion)},
        {QStringLiteral("headers"), headersArray(request.headers)},
        {QStringLiteral("remoteAddress"), request.remoteAddress.toString()},
        {QStringLiteral("remotePort"), request.remotePort},
        {QStringLiteral("localAddress"), request.localAddress.toString()},
        {QStringLiteral("localPort"), request.localPort},
        {QStringLiteral("tls"), request.overTls},
        {QStringLiteral("requestSize"), request.raw.size()},
    };
    JsonFile::putBytes(object, QStringLiteral("body"), request.body);
    const QByteArray decoded = request.decodedBody();
    if (decoded != request.body)
        JsonFile::putBytes(object, QStringLiteral("decodedBody"), decoded);
    if (!request.parseError.isEmpty())
        object.insert(QStringLiteral("parseError"), request.parseError);
    if (!request.note.isEmpty())
        object.insert(QStringLiteral("note"), request.note);
    if (!request.rule.isEmpty())
        object.insert(QStringLiteral("rule"), request.rule);
    if (const CaptureOrigin origin = CaptureOrigin::of(request); !origin.via.isEmpty()) {
        QJsonObject source{{QStringLiteral("via"), origin.via}};
        if (!origin.publicUrl.isEmpty())
            source.insert(QStringLiteral("publicUrl"), origin.publicUrl);
        if (!origin.client.isEmpty())
            source.insert(QStringLiteral("client"), origin.client);
        object.insert(QStringLiteral("source"), source);
    }

    QJsonObject response{{QStringLiteral("status"), request.responseStatus}};
    JsonFile::putBytes(response, QStringLiteral("head"), request.responseHead);
    JsonFile::putBytes(response, QStringLiteral("body"), request.responseBody);
    object.insert(QStringLiteral("response"), response);
    return object;
}

} // namespace Hookscope::CaptureJson
