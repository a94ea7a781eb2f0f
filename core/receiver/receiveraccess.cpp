#include "receiveraccess.h"

#include "receiveroptions.h"

#include "wire/responsespec.h"

#include <QNetworkInterface>
#include <QRandomGenerator>

#include <openssl/crypto.h>

namespace Hookscope {
namespace {

constexpr QByteArrayView TokenPathPrefix = "/t/";

} // namespace

QHostAddress ReceiverAccess::plain(const QHostAddress &address)
{
    bool isIpv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIpv4);
    return isIpv4 ? QHostAddress(ipv4) : address;
}

ReceiverAccess::ReceiverAccess(QByteArray token, QList<Network> networks)
    : m_token(std::move(token))
    , m_networks(std::move(networks))
{}

bool ReceiverAccess::matchesToken(QByteArrayView candidate) const
{
    // In constant time: the time a wrong guess takes says nothing about the right one.
    return !m_token.isEmpty() && candidate.size() == m_token.size()
           && CRYPTO_memcmp(candidate.data(), m_token.constData(), size_t(m_token.size())) == 0;
}

qsizetype ReceiverAccess::tokenPrefixLength(QByteArrayView target) const
{
    if (m_token.isEmpty() || !target.startsWith(TokenPathPrefix))
        return 0;
    qsizetype end = TokenPathPrefix.size();
    while (end < target.size() && target[end] != '/' && target[end] != '?')
        ++end;
    const QByteArrayView candidate
        = target.sliced(TokenPathPrefix.size(), end - TokenPathPrefix.size());
    return matchesToken(candidate) ? end : 0;
}

ReceiverAccess::Verdict ReceiverAccess::judge(const QHostAddress &peer,
                                              const CapturedRequest &request) const
{
    const QHostAddress address = plain(peer);
    if (address.isLoopback())
        return Verdict::Taken;
    if (!m_networks.isEmpty()
        && std::none_of(m_networks.cbegin(), m_networks.cend(),
                        [&address](const Network &network) { return address.isInSubnet(network); }))
        return Verdict::OutsideNetworks;
    if (tokenPrefixLength(request.target) > 0
        || matchesToken(headerValue(request.headers, TokenHeader)))
        return Verdict::Taken;
    return Verdict::NoToken;
}

void ReceiverAccess::strip(CapturedRequest &request) const
{
    if (m_token.isEmpty())
        return;
    if (const qsizetype prefix = tokenPrefixLength(request.target); prefix > 0) {
        // In the request line, the first place the target appears.
        const qsizetype lineEnd = request.raw.indexOf('\n');
        const qsizetype at = request.raw.indexOf(QByteArray(' ' + request.target));
        if (at >= 0 && (lineEnd < 0 || at < lineEnd)) {
            const bool rootLeft = prefix == request.target.size() || request.target[prefix] == '?';
            const QByteArray replacement = rootLeft ? QByteArray("/") : QByteArray();
            request.raw.replace(at + 1, prefix, replacement);
            request.headSize += replacement.size() - prefix;
            request.target = replacement + request.target.mid(prefix);
        }
    }
    const auto isToken = [](const HeaderField &header) {
        return header.name.compare(TokenHeader, Qt::CaseInsensitive) == 0;
    };
    if (std::none_of(request.headers.cbegin(), request.headers.cend(), isToken))
        return;
    request.headers.removeIf(isToken);
    // Its lines in the raw head: each starts after a line feed.
    const QByteArray name = QByteArray(TokenHeader) + ':';
    qsizetype lineStart = request.raw.indexOf('\n') + 1;
    while (lineStart > 0 && lineStart < request.headSize) {
        const qsizetype next = request.raw.indexOf('\n', lineStart);
        if (next < 0)
            break;
        if (request.raw.mid(lineStart, name.size()).compare(name, Qt::CaseInsensitive) == 0) {
            request.raw.remove(lineStart, next + 1 - lineStart);
            request.headSize -= next + 1 - lineStart;
            continue;
        }
        lineStart = next + 1;
    }
}

QString ReceiverAccess::describe(Verdict verdict, const QHostAddress &peer)
{
    switch (verdict) {
    case Verdict::Taken: return {};
    case Verdict::NoToken:
        return QStringLiteral("refused a request from %1 without the access token")
            .arg(plain(peer).toString());
    case Verdict::OutsideNetworks:
        return QStringLiteral("refused a request from %1, outside the allowed networks")
            .arg(plain(peer).toString());
    }
    return {};
}

QByteArray ReceiverAccess::refusal(Verdict verdict, const QHostAddress &peer)
{
    const ResponseSpec answer
        = verdict == Verdict::OutsideNetworks
              ? ResponseSpec::forError(
                  403, QStringLiteral("This Hookscope receiver does not take requests from %1: "
                                      "it is outside the networks it was told to allow.")
                           .arg(plain(peer).toString()))
              : ResponseSpec::forError(
                  401, QStringLiteral("Requests from other machines need this receiver's access "
                                      "token: send them to the LAN URL Hookscope shows "
                                      "(/t/TOKEN/…), or with an %1 header.")
                           .arg(QLatin1String(TokenHeader)));
    return answer.serializeHead(false) + answer.body;
}

QByteArray ReceiverAccess::newToken()
{
    quint32 words[4];
    QRandomGenerator::system()->fillRange(words);
    return QByteArray(reinterpret_cast<const char *>(words), sizeof words)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<ReceiverAccess::Network> ReceiverAccess::parseNetwork(const QString &text,
                                                                    QString *error)
{
    const QString trimmed = text.trimmed();
    if (!trimmed.contains(QLatin1Char('/'))) {
        const QHostAddress address(trimmed);
        if (!address.isNull())
            return Network{address, address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128};
    } else if (const Network network = QHostAddress::parseSubnet(trimmed);
               !network.first.isNull()) {
        return network;
    }
    if (error)
        *error = QStringLiteral("\"%1\" is not a network: write an address with its prefix "
                                "length, such as 192.168.1.0/24 or fd00::/8, or one address")
                     .arg(text);
    return std::nullopt;
}

QList<QHostAddress> ReceiverAccess::lanAddresses()
{
    QList<QHostAddress> ipv4;
    QList<QHostAddress> ipv6;
    for (const QHostAddress &address : QNetworkInterface::allAddresses()) {
        if (address.isLoopback() || address.isLinkLocal())
            continue;
        (address.protocol() == QAbstractSocket::IPv4Protocol ? ipv4 : ipv6).append(address);
    }
    return ipv4 + ipv6;
}

QStringList ReceiverAccess::lanUrls(const QList<QHostAddress> &bound, quint16 port) const
{
    QList<QHostAddress> addresses;
    for (const QHostAddress &address : bound) {
        if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4
            || address == QHostAddress::AnyIPv6)
            addresses += lanAddresses();
        else if (!address.isLoopback())
            addresses.append(address);
    }
    QStringList urls;
    if (m_token.isEmpty())
        return urls;
    for (const QHostAddress &address : std::as_const(addresses)) {
        const QString url = ReceiverOptions::baseUrl(address, port) + QStringLiteral("t/")
                            + QString::fromLatin1(m_token) + QLatin1Char('/');
        if (!urls.contains(url))
            urls.append(url);
    }
    return urls;
}

} // namespace Hookscope
