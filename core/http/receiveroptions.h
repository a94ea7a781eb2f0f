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
    // At this many, the connection idle the longest is closed to make room for a new one.
    int maxConnections = 1000;
    // A client with this many answers not yet sent, or this many bytes of answers it has not
    // read, is not read from until it catches up (nginx closes at 1,000 pipelined requests).
    int maxQueuedAnswers = 100;
    qsizetype maxUnreadAnswerBytes = 1024 * 1024;
    // Bodies still arriving are held in memory: past this much of each, all of them together
    // may take at most the budget. A request that needs more waits, not read from, until
    // others finish (16 clients each holding a 95 MB body open took 3 GB).
    qsizetype bodyBytesOutsideBudget = 256 * 1024;
    qsizetype inMemoryBodyBudget = 256 * 1024 * 1024;
};

} // namespace Hookscope
