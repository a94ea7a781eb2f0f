#pragma once

#include "requestparser.h"

#include <QHostAddress>
#include <QList>

namespace Hookscope {

struct ReceiverOptions
{
    static constexpr quint16 DefaultPort = 4747;

    QList<QHostAddress> addresses{QHostAddress::LocalHost, QHostAddress::LocalHostIPv6};
    quint16 port = DefaultPort; // 0 picks a free port
    ParserLimits limits;
    int headerTimeoutMs = 10'000; // the whole header section, from its first byte
    int idleTimeoutMs = 60'000;   // between body bytes, and between keep-alive requests
    int maxConnections = 1000;
};

} // namespace Hookscope
