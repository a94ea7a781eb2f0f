#pragma once

#include "wire/outgoingrequest.h"

#include "storeconnection.h"

namespace Hookscope {

struct SentRequest
{
    qint64 id = 0;
    OutgoingRequest request;
    DeliveryResult result;
};

// The composer's sends, newest first, in the capture store (table sent_requests).
class SendHistory final
{
public:
    explicit SendHistory(const QString &storePath);
    SendHistory(const SendHistory &) = delete;
    SendHistory &operator=(const SendHistory &) = delete;

    bool open(QString *error);
    qint64 add(const OutgoingRequest &request, const DeliveryResult &result);
    QList<SentRequest> recent(int limit);

private:
    StoreConnection m_connection;
};

} // namespace Hookscope
