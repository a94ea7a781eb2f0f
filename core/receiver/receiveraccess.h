#pragma once

#include "wire/capturedrequest.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

namespace Hookscope {

// Who may send requests from other machines. A request from loopback is always taken; one from
// any other address needs the access token — as the first path segments (`/t/TOKEN/…`, the LAN
// URL) or in the X-Hookscope-Token header — and, when networks are listed, an address in one of
// them. The token is taken out of the request before rules, routes and the store see it, so it
// never ends up in a capture, an export or a forwarded request.
class ReceiverAccess final
{
public:
    using Network = QPair<QHostAddress, int>;

    enum class Verdict { Taken, NoToken, OutsideNetworks };

    static constexpr const char *TokenHeader = "X-Hookscope-Token";

    ReceiverAccess() = default;
    ReceiverAccess(QByteArray token, QList<Network> networks);

    const QByteArray &token() const { return m_token; }
    const QList<Network> &networks() const { return m_networks; }

    // Judged once the head is in: `request` has its target and headers.
    Verdict judge(const QHostAddress &peer, const CapturedRequest &request) const;
    // Takes the token out of an admitted request (path prefix or header), its raw bytes too.
    void strip(CapturedRequest &request) const;
    // The answer a refused request gets (401 or 403), saying what the sender has to do.
    static QByteArray refusal(Verdict verdict, const QHostAddress &peer);
    // What the status bar and `listen` say about it.
    static QString describe(Verdict verdict, const QHostAddress &peer);

    // IPv4 peers of a dual-stack socket come as ::ffff:a.b.c.d: this gives a.b.c.d.
    static QHostAddress plain(const QHostAddress &address);
    // A new random token: 128 bits, URL-safe.
    static QByteArray newToken();
    // "192.168.1.0/24", "10.0.0.0/8", "fd00::/8" or one address; nullopt, saying why, when the
    // text is none of these.
    static std::optional<Network> parseNetwork(const QString &text, QString *error);
    // The addresses of this machine other than loopback, as a LAN URL would name them.
    static QList<QHostAddress> lanAddresses();
    // http://ADDRESS:PORT/t/TOKEN/ for each address other than loopback among `bound` (every
    // LAN address for 0.0.0.0 or ::); none without a token.
    QStringList lanUrls(const QList<QHostAddress> &bound, quint16 port) const;

private:
    // The length of the `/t/TOKEN` prefix of `target`, or 0.
    qsizetype tokenPrefixLength(QByteArrayView target) const;
    bool matchesToken(QByteArrayView candidate) const;

    QByteArray m_token;
    QList<Network> m_networks;
};

} // namespace Hookscope
