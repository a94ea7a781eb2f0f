#include "smeesource.h"

#include "wire/jsonfile.h"
#include "wire/logging.h"
#include "wire/requestparser.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QUrlQuery>

#include <limits>

namespace Hookscope {
namespace {

// smee pings every 30 s: three missed pings and the stream is taken for dead.
constexpr int SilenceMs = 90'000;
constexpr qint64 DayUs = 24LL * 3600 * 1000 * 1000;

bool isNewChannelUrl(const QUrl &url)
{
    return url.path() == QLatin1String("/new");
}

// A member's value as a header carries it: a JSON string unquoted, anything else as written.
QByteArray headerText(QByteArrayView json)
{
    if (!json.startsWith('"'))
        return json.toByteArray();
    return QJsonDocument::fromJson("[" + json.toByteArray() + "]")
        .array()
        .first()
        .toString()
        .toUtf8();
}

} // namespace

SmeeSource::SmeeSource(QUrl channel, QObject *parent)
    : Source(parent)
    , m_channel(std::move(channel))
{
    m_restart.setSingleShot(true);
    connect(&m_restart, &QTimer::timeout, this, &SmeeSource::start);
    m_silence.setSingleShot(true);
    m_silence.setInterval(SilenceMs);
    connect(&m_silence, &QTimer::timeout, this, [this] {
        if (!m_reply)
            return;
        m_abortReason = tr("nothing came for %1 s").arg(SilenceMs / 1000);
        m_reply->abort();
    });
}

SmeeSource::~SmeeSource()
{
    stop();
}

std::optional<QUrl> SmeeSource::channelFor(const QString &spec)
{
    const QString trimmed = spec.trimmed();
    if (trimmed == QLatin1String("smee"))
        return QUrl(QStringLiteral("https://smee.io/new"));
    if (!trimmed.startsWith(QLatin1String("smee:")))
        return std::nullopt;
    const QString channel = trimmed.mid(5);
    if (channel.startsWith(QLatin1String("http://"))
        || channel.startsWith(QLatin1String("https://")))
        return QUrl(channel, QUrl::StrictMode);
    return QUrl(QStringLiteral("https://smee.io/") + channel, QUrl::StrictMode);
}

void SmeeSource::start()
{
    m_stopping = false;
    m_connectedAtMs = QDateTime::currentMSecsSinceEpoch();
    if (isNewChannelUrl(m_channel))
        createChannel();
    else
        connectToChannel();
}

void SmeeSource::stop()
{
    m_stopping = true;
    m_restart.stop();
    m_silence.stop();
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
    setUrl({});
}

void SmeeSource::createChannel()
{
    // The relay answers /new with a redirect to a channel it just made.
    QNetworkRequest request(m_channel);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    addToLog(tr("Creating a channel at %1").arg(m_channel.toString()));
    m_reply = m_network.head(request);
    connect(m_reply, &QNetworkReply::finished, this, [this, reply = m_reply] {
        reply->deleteLater();
        const QUrl location(QString::fromUtf8(reply->rawHeader("Location")), QUrl::StrictMode);
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status / 100 != 3 || location.isEmpty() || !location.isValid()) {
            reconnectLater(
                tr("could not create a channel at %1: %2")
                    .arg(m_channel.toString(),
                         reply->error() != QNetworkReply::NoError
                             ? reply->errorString()
                             : tr("it answered %1 without a channel's address").arg(status)));
            return;
        }
        m_channel = m_channel.resolved(location);
        addToLog(tr("Created %1").arg(m_channel.toString()));
        connectToChannel();
    });
}

void SmeeSource::connectToChannel()
{
    QNetworkRequest request(m_channel);
    request.setRawHeader("Accept", "text/event-stream");
    request.setRawHeader("Cache-Control", "no-cache");
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    // A relay that keeps its events sends those after this one: none missed, none twice.
    if (!m_reader.lastEventId().isEmpty())
        request.setRawHeader("Last-Event-ID", m_reader.lastEventId());
    m_reader.restart();
    m_abortReason.clear();
    addToLog(tr("Connecting to %1").arg(m_channel.toString()));
    m_reply = m_network.get(request);
    connect(m_reply, &QNetworkReply::readyRead, this, &SmeeSource::readStream);
    connect(m_reply, &QNetworkReply::finished, this, &SmeeSource::streamEnded);
    m_silence.start();
}

void SmeeSource::readStream()
{
    m_silence.start();
    const int status = m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status != 200) {
        m_reply->readAll();
        return; // streamEnded() says what it answered
    }
    if (url().isEmpty()) {
        addToLog(tr("Connected: providers can send to %1").arg(m_channel.toString()));
        setUrl(m_channel.toString());
    }
    const std::optional<QList<EventStreamReader::Event>> events = m_reader.feed(m_reply->readAll());
    if (!events) {
        m_abortReason = tr("an event over %1 MiB").arg(EventStreamReader::MaxEventBytes >> 20);
        m_reply->abort();
        return;
    }
    for (const EventStreamReader::Event &event : *events)
        takeEvent(event);
}

void SmeeSource::streamEnded()
{
    QNetworkReply *reply = m_reply;
    if (!reply || m_stopping)
        return;
    reply->deleteLater();
    m_silence.stop();
    setUrl({});
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reconnectLater(
        !m_abortReason.isEmpty() ? m_abortReason
        : status != 0 && status != 200
            ? tr("%1 answered %2 %3")
                  .arg(m_channel.toString())
                  .arg(status)
                  .arg(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
        : reply->error() != QNetworkReply::NoError ? reply->errorString()
                                                   : tr("the relay ended the stream"));
}

void SmeeSource::reconnectLater(const QString &why)
{
    const int delayMs = nextRestartDelayMs(QDateTime::currentMSecsSinceEpoch() - m_connectedAtMs);
    const QString message
        = tr("smee: %1; connecting again in %2 s").arg(why, QString::number(delayMs / 1000));
    addToLog(message);
    emit problem(message);
    qCInfo(lcSession, "%s", qPrintable(message));
    m_restart.start(delayMs);
}

void SmeeSource::takeEvent(const EventStreamReader::Event &event)
{
    if (event.type != "message")
        return; // "ready", "ping"
    const QString id = QString::fromUtf8(event.lastEventId);
    QStringList leftOut;
    QString error;
    std::optional<CapturedRequest> request = requestFrom(event.data, &leftOut, &error);
    for (const QString &header : std::as_const(leftOut))
        addToLog(tr("Event %1: header left out: %2").arg(id, header));
    if (!request) {
        addToLog(tr("Event %1 skipped: %2").arg(id, error));
        return;
    }
    request->relay = m_channel.toString();
    addToLog(tr("Event %1: %2 (%3 bytes)")
                 .arg(id, QString::fromUtf8(request->target))
                 .arg(request->body.size()));
    emit relayed(*request);
}

std::optional<CapturedRequest> SmeeSource::requestFrom(QByteArrayView eventData,
                                                       QStringList *leftOut, QString *error)
{
    const std::optional<QList<JsonFile::RawMember>> members
        = JsonFile::rawMembers(eventData, error);
    if (!members)
        return std::nullopt;
    QByteArray body;
    QByteArray query;
    qint64 sentAtMs = 0;
    QByteArray headers;
    for (const JsonFile::RawMember &member : *members) {
        const QString name = member.name.toLower();
        if (name == QLatin1String("body")) {
            body = member.value == "null" ? QByteArray() : member.value.toByteArray();
        } else if (name == QLatin1String("query")) {
            QUrlQuery items;
            const QJsonObject object = QJsonDocument::fromJson(member.value.toByteArray()).object();
            for (auto it = object.constBegin(); it != object.constEnd(); ++it)
                items.addQueryItem(it.key(), it.value().toVariant().toString());
            query = items.query(QUrl::FullyEncoded).toUtf8();
        } else if (name == QLatin1String("timestamp")) {
            sentAtMs = member.value.toLongLong();
        } else if (name != QLatin1String("content-length")
                   && name != QLatin1String("transfer-encoding")) {
            // The body's length is written anew below: smee wrote the body again.
            const QByteArray value = headerText(member.value);
            const QByteArray headerName = member.name.toUtf8();
            if (const QString problem = headerProblem(headerName, value); !problem.isEmpty()) {
                leftOut->append(problem);
                continue;
            }
            headers += headerName + ": " + value + "\r\n";
        }
    }
    QByteArray target = Path;
    if (!query.isEmpty())
        target += '?' + query;
    const QByteArray raw = "POST " + target + " HTTP/1.1\r\n" + headers + "content-length: "
                           + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    CapturedRequest request = RequestParser::parseStored(raw);
    const qint64 nowUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    // When the relay took it, if its clock is near ours.
    const bool plausible = sentAtMs > 0 && sentAtMs < std::numeric_limits<qint64>::max() / 1000
                           && std::abs(sentAtMs * 1000 - nowUs) < DayUs;
    request.receivedAtUs = plausible ? sentAtMs * 1000 : nowUs;
    return request;
}

} // namespace Hookscope
