#pragma once

#include "sender.h"

#include "wire/chaosoptions.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>

namespace Hookscope {

// One send as it went.
struct ChaosSend
{
    PlannedSend planned;
    int order = 0;          // its place in the plan, from 1
    qint64 startedAtUs = 0; // when it went (µs since the epoch)
    std::optional<OutgoingRequest> request;
    QString error; // why it was not sent
    DeliveryResult result;
};

// Sends a plan: up to `concurrency` at once, each after its delay.
class ChaosSender final : public QObject
{
    Q_OBJECT
public:
    // The request for a send, signed at `signedAt` (unix seconds: now, or stale) when it is
    // signed at all; nothing, saying why, when it cannot be made.
    using Prepare = std::function<std::optional<OutgoingRequest>(const PlannedSend &send,
                                                                 qint64 signedAt, QString *error)>;

    explicit ChaosSender(QObject *parent = nullptr);
    void start(int deliveries, const ChaosOptions &options, Prepare prepare,
               const SendOptions &sendOptions);
    // The seed the plan was made from (the one given, or the fresh one drawn).
    quint32 seed() const { return m_options.seed; }

signals:
    void sent(const Hookscope::ChaosSend &send);
    void finished(const QList<Hookscope::ChaosSend> &sends);

private:
    void fillSlots();
    void sendNow(int index);
    void done(ChaosSend send);

    Sender m_sender;
    ChaosOptions m_options;
    Prepare m_prepare;
    SendOptions m_sendOptions;
    QList<PlannedSend> m_plan;
    QList<ChaosSend> m_done;
    int m_next = 0;     // the next send of the plan to start
    int m_inFlight = 0; // waiting for their delay or their answer
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::ChaosSend)
