#include "chaos.h"

#include <QDateTime>
#include <QRandomGenerator>

namespace Hookscope {

ChaosSender::ChaosSender(QObject *parent)
    : QObject(parent)
{}

void ChaosSender::start(int deliveries, const ChaosOptions &options, Prepare prepare,
                        const SendOptions &sendOptions)
{
    m_options = options;
    if (m_options.seed == 0)
        m_options.seed = std::max(1u, QRandomGenerator::global()->generate());
    m_prepare = std::move(prepare);
    m_sendOptions = sendOptions;
    m_plan = chaosPlan(deliveries, m_options);
    m_done.clear();
    m_next = 0;
    m_inFlight = 0;
    QTimer::singleShot(0, this, &ChaosSender::fillSlots);
}

void ChaosSender::fillSlots()
{
    while (m_inFlight < std::max(1, m_options.concurrency) && m_next < m_plan.size()) {
        const int index = m_next++;
        ++m_inFlight;
        QTimer::singleShot(m_plan.at(index).delayMs, Qt::PreciseTimer, this,
                           [this, index] { sendNow(index); });
    }
    if (m_inFlight == 0 && m_next >= m_plan.size())
        emit finished(m_done);
}

void ChaosSender::sendNow(int index)
{
    ChaosSend send;
    send.planned = m_plan.at(index);
    send.order = index + 1;
    send.startedAtUs = QDateTime::currentMSecsSinceEpoch() * 1000;
    send.request = m_prepare(
        send.planned, QDateTime::currentSecsSinceEpoch() - m_options.staleSeconds, &send.error);
    if (!send.request) {
        done(send);
        return;
    }
    m_sender.send(*send.request, m_sendOptions, [this, send](const DeliveryResult &result) mutable {
        send.result = result;
        done(send);
    });
}

void ChaosSender::done(ChaosSend send)
{
    m_done.append(send);
    --m_inFlight;
    emit sent(send);
    fillSlots();
}

} // namespace Hookscope
