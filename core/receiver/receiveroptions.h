#pragma once

#include "receiveraccess.h"
#include "wire/requestparser.h"

#include <QHostAddress>
#include <QList>
#include <QSslConfiguration>

#include <optional>

namespace Hookscope {

struct ReceiverOptions
{
    static constexpr quint16 DefaultPort = 4747;
    // "http://ADDRESS:PORT/", an IPv6 address in brackets.
    static QString baseUrl(const QHostAddress &address, quint16 port)
    {
        const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                                 ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
                                 : address.toString();
        return QStringLiteral("http://%1:%2/").arg(host).arg(port);
    }

    QList<QHostAddress> addresses{QHostAddress::LocalHost, QHostAddress::LocalHostIPv6};
    quint16 port = DefaultPort; // 0 picks a free port
    // An HTTPS port beside it, on the same addresses (0 picks a free one), presenting `tls`'s
    // certificate. None: plain HTTP only, and the TLS library is not even loaded.
    struct Https
    {
        quint16 port = 0;
        QSslConfiguration tls;
    };
    std::optional<Https> https;
    // Requests from other machines need its token (see ReceiverAccess).
    ReceiverAccess access;
    ParserLimits limits;
    int headerTimeoutMs = 10'000; // the whole header section, from its first byte
    int idleTimeoutMs = 60'000;   // between body bytes, and between keep-alive requests
    // At this many, the connection idle the longest is closed to make room for a new one.
    int maxConnections = 1000;
    // A client with this many answers not yet sent, or this many bytes of answers it has not
    // read, is not read from until it catches up (nginx closes at 1,000 pipelined requests).
    int maxQueuedAnswers = 100;
    qsizetype maxUnreadAnswerBytes = 1024 * 1024;
    // Bodies that went to disk as they arrived (ParserLimits::bodyBytesInMemory) are read back
    // into memory until stored; together they take at most this much (one alone may take
    // more). Past it, a finished request waits, its body on disk, until stored ones free room.
    qsizetype largeBodyMemory = 128 * 1024 * 1024;
};

} // namespace Hookscope
