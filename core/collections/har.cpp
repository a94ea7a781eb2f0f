#include "har.h"

#include "wire/jsonfile.h"

#include "store/capturestore.h"
#include "wire/outgoingrequest.h"
#include "wire/requestparser.h"

#include "version.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>
#include <QUrlQuery>

namespace Hookscope {
namespace {

QJsonArray nameValues(const HeaderList &headers)
{
    QJsonArray array;
    for (const HeaderField &header : headers)
        array.append(QJsonObject{{QStringLiteral("name"), QString::fromUtf8(header.name)},
                                 {QStringLiteral("value"), QString::fromUtf8(header.value)}});
    return array;
}

// The response as sent: status line, headers, body.
QJsonObject response(const CapturedRequest &capture)
{
    const QByteArray head = capture.responseHead;
    const qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArray statusLine = lineEnd < 0 ? head : head.left(lineEnd);
    const qsizetype codeEnd = statusLine.indexOf(' ', statusLine.indexOf(' ') + 1);
    const QByteArray statusText
        = codeEnd < 0 ? QByteArray() : statusLine.mid(codeEnd + 1).trimmed();
    const HeaderList headers = lineEnd < 0 ? HeaderList() : parseHeaderLines(head.mid(lineEnd + 2));
    QJsonObject content{
        {QStringLiteral("size"), capture.responseBody.size()},
        {QStringLiteral("mimeType"), QString::fromUtf8(headerValue(headers, "Content-Type"))}};
    if (JsonFile::isText(capture.responseBody)) {
        content.insert(QStringLiteral("text"), QString::fromUtf8(capture.responseBody));
    } else {
        content.insert(QStringLiteral("text"),
                       QString::fromLatin1(capture.responseBody.toBase64()));
        content.insert(QStringLiteral("encoding"), QStringLiteral("base64"));
    }
    return {{QStringLiteral("status"), capture.responseStatus},
            {QStringLiteral("statusText"), QString::fromUtf8(statusText)},
            {QStringLiteral("httpVersion"), QStringLiteral("HTTP/1.1")},
            {QStringLiteral("cookies"), QJsonArray()},
            {QStringLiteral("headers"), nameValues(headers)},
            {QStringLiteral("redirectURL"), QString::fromUtf8(headerValue(headers, "Location"))},
            {QStringLiteral("headersSize"), head.isEmpty() ? -1 : head.size()},
            {QStringLiteral("bodySize"), capture.responseBody.size()},
            {QStringLiteral("content"), content}};
}

// A request rebuilt from an entry that carries no exact bytes (a browser's HAR, say).
std::optional<QByteArray> rebuild(const QJsonObject &request, QString *error)
{
    const QString method = request.value(QStringLiteral("method")).toString();
    const QUrl url(request.value(QStringLiteral("url")).toString());
    if (method.isEmpty() || !url.isValid() || url.host().isEmpty()) {
        *error = QStringLiteral("request needs a method and an absolute url");
        return std::nullopt;
    }
    if (const QString problem = methodProblem(method.toUtf8()); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    QByteArray target
        = url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority | QUrl::RemoveFragment);
    if (target.isEmpty())
        target = "/";
    QByteArray body;
    const QJsonObject postData = request.value(QStringLiteral("postData")).toObject();
    if (postData.contains(QStringLiteral("text"))) {
        body = postData.value(QStringLiteral("text")).toString().toUtf8();
    } else if (postData.contains(QStringLiteral("params"))) {
        QUrlQuery form;
        for (const QJsonValue &param : postData.value(QStringLiteral("params")).toArray())
            form.addQueryItem(param.toObject().value(QStringLiteral("name")).toString(),
                              param.toObject().value(QStringLiteral("value")).toString());
        body = form.toString(QUrl::FullyEncoded).toUtf8();
    }
    QByteArray raw = method.toUtf8() + ' ' + target + " HTTP/1.1\r\n";
    bool hasHost = false;
    bool hasLength = false;
    for (const QJsonValue &value : request.value(QStringLiteral("headers")).toArray()) {
        const QByteArray name = value.toObject().value(QStringLiteral("name")).toString().toUtf8();
        if (name.startsWith(':'))
            continue; // HTTP/2 pseudo-headers a browser lists
        if (name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0)
            continue; // the body here is whole
        hasHost = hasHost || name.compare("Host", Qt::CaseInsensitive) == 0;
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0) {
            hasLength = true;
            raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
            continue;
        }
        const QByteArray headerValue
            = value.toObject().value(QStringLiteral("value")).toString().toUtf8();
        if (const QString problem = headerProblem(name, headerValue); !problem.isEmpty()) {
            *error = problem; // rebuilt into raw bytes, a line break would add a header
            return std::nullopt;
        }
        raw += name + ": " + headerValue + "\r\n";
    }
    if (!hasHost)
        raw += "Host: " + url.authority().toUtf8() + "\r\n";
    if (!hasLength && !body.isEmpty())
        raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return raw + "\r\n" + body;
}

// The request as it went on the wire: exact when Hookscope wrote the entry, else rebuilt.
std::optional<QByteArray> requestBytes(const QJsonValue &value, QString *error)
{
    const QJsonObject entry = value.toObject();
    QString problem = !value.isObject()
                          ? QStringLiteral("must be an object")
                          : JsonFile::fieldProblem(entry, {{"request", JsonFile::Object},
                                                           {"_hookscope", JsonFile::Object},
                                                           {"startedDateTime", JsonFile::String}});
    if (problem.isEmpty())
        problem = JsonFile::fieldProblem(entry.value(QStringLiteral("request")).toObject(),
                                         {{"method", JsonFile::String},
                                          {"url", JsonFile::String},
                                          {"headers", JsonFile::Array},
                                          {"postData", JsonFile::Object}});
    if (problem.isEmpty())
        problem = JsonFile::fieldProblem(entry.value(QStringLiteral("_hookscope")).toObject(),
                                         {{"raw", JsonFile::String}});
    if (!problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    const QJsonObject hookscope = entry.value(QStringLiteral("_hookscope")).toObject();
    if (!hookscope.contains(QStringLiteral("raw")))
        return rebuild(entry.value(QStringLiteral("request")).toObject(), error);
    const auto decoded = QByteArray::fromBase64Encoding(
        hookscope.value(QStringLiteral("raw")).toString().toLatin1(),
        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        *error = QStringLiteral("_hookscope.raw is not base64");
        return std::nullopt;
    }
    return decoded.decoded;
}

} // namespace

QJsonObject Har::entry(const CapturedRequest &capture, const QString &fallbackHost)
{
    QByteArray host = headerValue(capture.headers, "Host");
    if (host.isEmpty())
        host = fallbackHost.toUtf8();
    const QString url
        = (capture.overTls ? QStringLiteral("https://") : QStringLiteral("http://"))
          + QString::fromUtf8(host)
          + QString::fromUtf8(capture.target.isEmpty() ? QByteArray("/") : capture.target);
    QJsonArray query;
    for (const auto &[name, value] :
         QUrlQuery(QString::fromUtf8(capture.query())).queryItems(QUrl::FullyDecoded))
        query.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    QJsonObject request{
        {QStringLiteral("method"), QString::fromUtf8(capture.method)},
        {QStringLiteral("url"), url},
        {QStringLiteral("httpVersion"), QString::fromUtf8(capture.httpVersion)},
        {QStringLiteral("cookies"), QJsonArray()},
        {QStringLiteral("headers"), nameValues(capture.headers)},
        {QStringLiteral("queryString"), query},
        {QStringLiteral("headersSize"), capture.headSize > 0 ? capture.headSize : -1},
        {QStringLiteral("bodySize"), capture.body.size()},
    };
    if (!capture.body.isEmpty()) {
        // HAR has no base64 for request bodies: binary ones are whole in _hookscope.raw only.
        QJsonObject postData{
            {QStringLiteral("mimeType"), QString::fromUtf8(capture.contentType())}};
        postData.insert(QStringLiteral("text"), JsonFile::isText(capture.body)
                                                    ? QString::fromUtf8(capture.body)
                                                    : QString());
        request.insert(QStringLiteral("postData"), postData);
    }
    const double durationMs = double(capture.durationUs) / 1000;
    QJsonObject hookscope{
        {QStringLiteral("id"), capture.id},
        {QStringLiteral("raw"), QString::fromLatin1(capture.raw.toBase64())},
        {QStringLiteral("responseHead"), QString::fromLatin1(capture.responseHead.toBase64())},
        {QStringLiteral("remoteAddress"), capture.remoteAddress.toString()},
        {QStringLiteral("remotePort"), capture.remotePort},
        {QStringLiteral("receivedAtUs"), QString::number(capture.receivedAtUs)},
        {QStringLiteral("durationUs"), QString::number(capture.durationUs)}};
    if (!capture.parseError.isEmpty())
        hookscope.insert(QStringLiteral("parseError"), capture.parseError);
    if (!capture.note.isEmpty())
        hookscope.insert(QStringLiteral("note"), capture.note);
    return {{QStringLiteral("startedDateTime"),
             QDateTime::fromMSecsSinceEpoch(capture.receivedAtUs / 1000, Qt::UTC)
                 .toString(Qt::ISODateWithMs)},
            {QStringLiteral("time"), durationMs},
            {QStringLiteral("request"), request},
            {QStringLiteral("response"), response(capture)},
            {QStringLiteral("cache"), QJsonObject()},
            {QStringLiteral("timings"), QJsonObject{{QStringLiteral("blocked"), -1},
                                                    {QStringLiteral("dns"), -1},
                                                    {QStringLiteral("connect"), -1},
                                                    {QStringLiteral("ssl"), -1},
                                                    {QStringLiteral("send"), 0},
                                                    {QStringLiteral("wait"), durationMs},
                                                    {QStringLiteral("receive"), 0}}},
            {QStringLiteral("_hookscope"), hookscope}};
}

QByteArray Har::document(const QList<QJsonObject> &entries)
{
    QJsonArray array;
    for (const QJsonObject &entry : entries)
        array.append(entry);
    const QJsonObject log{
        {QStringLiteral("version"), QStringLiteral("1.2")},
        {QStringLiteral("creator"),
         QJsonObject{{QStringLiteral("name"), QStringLiteral("Hookscope")},
                     {QStringLiteral("version"), QStringLiteral(HOOKSCOPE_VERSION)}}},
        {QStringLiteral("entries"), array}};
    return QJsonDocument(QJsonObject{{QStringLiteral("log"), log}}).toJson(QJsonDocument::Indented);
}

qsizetype Har::write(const QString &storePath, const QList<qint64> &ids, const QString &path,
                     QString *error)
{
    CaptureStore store(storePath); // a connection of its own: this may run on any thread
    if (!store.open()) {
        *error = store.errorString();
        return -1;
    }
    QList<QJsonObject> entries;
    for (const qint64 id : ids) {
        if (const std::optional<CapturedRequest> capture = store.capture(id))
            entries.append(entry(*capture, QStringLiteral("127.0.0.1")));
    }
    // Captures hold credentials: the file is the user's alone.
    return JsonFile::writeAtomically(path, document(entries), error, JsonFile::Access::OwnerOnly)
               ? entries.size()
               : -1;
}

std::optional<QList<CapturedRequest>> Har::read(const QByteArray &json, QString *error,
                                                QStringList *skipped, QStringList *origins)
{
    const std::optional<QJsonObject> document = JsonFile::parseObject(json, error);
    if (!document)
        return std::nullopt;
    const QJsonValue entries
        = document->value(QStringLiteral("log")).toObject().value(QStringLiteral("entries"));
    if (!entries.isArray()) {
        *error = QStringLiteral("not a HAR file: no log.entries array");
        return std::nullopt;
    }
    QList<CapturedRequest> captures;
    int index = 0;
    for (const QJsonValue &value : entries.toArray()) {
        ++index;
        const QJsonObject entry = value.toObject();
        const QJsonObject hookscope = entry.value(QStringLiteral("_hookscope")).toObject();
        QString problem;
        const std::optional<QByteArray> raw = requestBytes(value, &problem);
        if (!raw) {
            const QString where = QStringLiteral("entry %1: %2").arg(index).arg(problem);
            if (!skipped) {
                *error = where;
                return std::nullopt;
            }
            skipped->append(where);
            continue;
        }
        CapturedRequest capture = RequestParser::parseStored(*raw);
        const QDateTime started = QDateTime::fromString(
            entry.value(QStringLiteral("startedDateTime")).toString(), Qt::ISODateWithMs);
        capture.receivedAtUs
            = hookscope.contains(QStringLiteral("receivedAtUs"))
                  ? hookscope.value(QStringLiteral("receivedAtUs")).toString().toLongLong()
                  : (started.isValid() ? started.toMSecsSinceEpoch() * 1000 : 0);
        capture.durationUs
            = hookscope.contains(QStringLiteral("durationUs"))
                  ? hookscope.value(QStringLiteral("durationUs")).toString().toLongLong()
                  : qint64(entry.value(QStringLiteral("time")).toDouble() * 1000);
        capture.remoteAddress
            = QHostAddress(hookscope.value(QStringLiteral("remoteAddress")).toString());
        capture.remotePort = quint16(hookscope.value(QStringLiteral("remotePort")).toInt());
        capture.note = hookscope.value(QStringLiteral("note")).toString();
        if (hookscope.contains(QStringLiteral("parseError")))
            capture.parseError = hookscope.value(QStringLiteral("parseError")).toString();
        const QJsonObject response = entry.value(QStringLiteral("response")).toObject();
        capture.responseStatus = response.value(QStringLiteral("status")).toInt();
        if (capture.responseStatus > 0) {
            QByteArray head = "HTTP/1.1 " + QByteArray::number(capture.responseStatus) + ' '
                              + response.value(QStringLiteral("statusText")).toString().toUtf8()
                              + "\r\n";
            for (const QJsonValue &header : response.value(QStringLiteral("headers")).toArray())
                head += header.toObject().value(QStringLiteral("name")).toString().toUtf8() + ": "
                        + header.toObject().value(QStringLiteral("value")).toString().toUtf8()
                        + "\r\n";
            // Exactly as sent when Hookscope wrote the file.
            capture.responseHead
                = hookscope.contains(QStringLiteral("responseHead")) ? QByteArray::fromBase64(
                      hookscope.value(QStringLiteral("responseHead")).toString().toLatin1())
                                                                     : head + "\r\n";
            const QJsonObject content = response.value(QStringLiteral("content")).toObject();
            const QString text = content.value(QStringLiteral("text")).toString();
            capture.responseBody
                = content.value(QStringLiteral("encoding")).toString() == QLatin1String("base64")
                      ? QByteArray::fromBase64(text.toLatin1())
                      : text.toUtf8();
        }
        captures.append(capture);
        if (origins) {
            const QUrl url(entry.value(QStringLiteral("request"))
                               .toObject()
                               .value(QStringLiteral("url"))
                               .toString());
            origins->append(url.isValid() && !url.host().isEmpty()
                                ? url.toString(QUrl::RemovePath | QUrl::RemoveQuery
                                               | QUrl::RemoveFragment | QUrl::RemoveUserInfo)
                                : QString());
        }
    }
    return captures;
}

} // namespace Hookscope
