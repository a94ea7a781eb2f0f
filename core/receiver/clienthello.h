#pragma once

#include <QByteArrayView>
#include <QString>

#include <optional>

namespace Hookscope {

// The host name a TLS client asks for (Server Name Indication, RFC 6066 section 3), read from
// the first record of what it sent, before the handshake takes those bytes. nullopt while the
// record is not whole yet; an empty string when it is whole and names nothing, or is no TLS
// ClientHello at all (plain HTTP, garbage). Only the first record is read: a ClientHello split
// over several names nothing here.
std::optional<QString> serverNameInClientHello(QByteArrayView firstBytes);

} // namespace Hookscope
