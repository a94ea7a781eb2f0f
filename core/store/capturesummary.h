#pragma once

#include <QByteArray>
#include <QMetaType>
#include <QString>

namespace Hookscope {

// What a list of captures shows: small, fixed-size fields only, never bodies.
struct CaptureSummary
{
    qint64 id = 0;
    qint64 receivedAtUs = 0;
    qint64 durationUs = 0;
    QByteArray method;
    QByteArray target;
    int responseStatus = 0;
    qint64 requestSize = 0; // bytes on the wire
    qint64 bodySize = 0;
    QByteArray contentType;
    QString remoteAddress;
    quint16 remotePort = 0;
    bool malformed = false;
    bool starred = false;
    QString rule;      // the mock rule that answered, if any
    QString source;    // the tunnel or relay it came through, and its client (CaptureOrigin::label)
    QString sourceUrl; // the public URL it was sent to there
    // Forwarding: the delivery to show (a not yet delivered one first), if any.
    enum class Delivery { None, Pending, Delivered, Failed };
    Delivery delivery = Delivery::None;
    int deliveryStatus = 0; // its last answer; 0: none yet or no answer
    int deliveryAttempts = 0;
};

} // namespace Hookscope

// Its members are all relocatable, so the list model's QList moves rows with memmove.
Q_DECLARE_TYPEINFO(Hookscope::CaptureSummary, Q_RELOCATABLE_TYPE);
Q_DECLARE_METATYPE(Hookscope::CaptureSummary)
