#pragma once

#include "eventstream.h"
#include "source.h"

#include "wire/capturedrequest.h"

#include <QNetworkAccessManager>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkReply;

namespace Hookscope {

// A smee.io channel (or another relay that speaks its format), read by Hookscope itself: no
// install, no account. The channel's URL is the public URL; each event on its stream
// (Server-Sent Events) is a request a provider sent there, handed on as a capture (relayed())
// that says it was relayed. smee sends {…the request's headers, "body": its JSON, "query":
// {…}, "timestamp": ms}: the body is the JSON as smee wrote it again, taken byte for byte.
// A stream that drops, or stays silent past smee's 30 s pings, is opened again with the last
// event id (Last-Event-ID), so a relay that keeps events sends the missed ones, once.
class SmeeSource final : public Source
{
    Q_OBJECT
public:
    // The path relayed captures carry, as rules, routes and bindings see it.
    static constexpr const char *Path = "/smee";

    // `channel`: a channel's URL, or a relay's /new (https://smee.io/new) to make one.
    explicit SmeeSource(QUrl channel, QObject *parent = nullptr);
    ~SmeeSource() override;

    // "smee" (a new channel on smee.io), "smee:ID" or "smee:URL"; nullopt for anything else.
    static std::optional<QUrl> channelFor(const QString &spec);

    // The request a relayed event's data stands for (smee's JSON, above), at Path. Headers
    // that could not go on the wire are left out, each saying why in `leftOut`; nullopt, saying
    // why, for data that is not a JSON object.
    static std::optional<CapturedRequest> requestFrom(QByteArrayView eventData,
                                                      QStringList *leftOut, QString *error);

    void start();
    void stop() override;
    QString name() const override { return QStringLiteral("smee"); }

signals:
    void relayed(const Hookscope::CapturedRequest &request);

private:
    void createChannel();
    void connectToChannel();
    void readStream();
    void streamEnded();
    void takeEvent(const EventStreamReader::Event &event);
    void reconnectLater(const QString &why);

    QNetworkAccessManager m_network;
    QUrl m_channel;
    QPointer<QNetworkReply> m_reply;
    EventStreamReader m_reader;
    QTimer m_restart;
    QTimer m_silence;      // no byte for this long: the stream is dead even if the socket is not
    QString m_abortReason; // why Hookscope ended the stream itself
    qint64 m_connectedAtMs = 0;
    bool m_stopping = false;
};

} // namespace Hookscope
