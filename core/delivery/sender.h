#pragma once

#include "outgoingrequest.h"

#include <QNetworkAccessManager>

#include <functional>

namespace Hookscope {

struct SendOptions
{
    int timeoutMs = 10'000;
    bool acceptSelfSigned = false; // per target, the user's explicit choice
};

// Sends requests with QNetworkAccessManager (TLS, HTTP/2 and proxies come with it) and reports
// each outcome once. Lives and answers on the thread that created it.
class Sender final : public QObject
{
    Q_OBJECT
public:
    explicit Sender(QObject *parent = nullptr);

    void send(const OutgoingRequest &request, const SendOptions &options,
              std::function<void(const DeliveryResult &)> done);

private:
    QNetworkAccessManager m_network;
};

} // namespace Hookscope
