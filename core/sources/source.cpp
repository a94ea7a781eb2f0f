#include "source.h"

#include <algorithm>

namespace Hookscope {
namespace {

constexpr qsizetype MaxLogLines = 1000;
constexpr int FirstRestartDelayMs = 1000;
constexpr int MaxRestartDelayMs = 30'000;
// A run at least this long counts as having worked: the next restart waits 1 s again.
constexpr qint64 HealthyRunMs = 60'000;

} // namespace

void Source::setUrl(const QString &url)
{
    if (url == m_url)
        return;
    m_url = url;
    emit urlChanged(m_url);
}

void Source::setForwarding(bool forwarding)
{
    if (forwarding == m_forwarding)
        return;
    m_forwarding = forwarding;
    emit urlChanged(m_url);
}

void Source::addToLog(const QString &line)
{
    m_log.append(line);
    if (m_log.size() > MaxLogLines)
        m_log.removeFirst();
    emit logged(line);
}

int Source::nextRestartDelayMs(qint64 ranForMs)
{
    if (ranForMs >= HealthyRunMs)
        m_restartDelayMs = FirstRestartDelayMs;
    const int delay = m_restartDelayMs;
    m_restartDelayMs = std::min(m_restartDelayMs * 2, MaxRestartDelayMs);
    return delay;
}

} // namespace Hookscope
