#include "responsespec.h"

namespace Hookscope {

QByteArray ResponseSpec::reasonPhrase(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Status";
    }
}

QByteArray ResponseSpec::serializeHead(bool keepAlive) const
{
    QByteArray head;
    head.reserve(128);
    head += "HTTP/1.1 " + QByteArray::number(status) + ' '
            + (reason.isEmpty() ? reasonPhrase(status) : reason) + "\r\n";
    for (const HeaderField &header : headers)
        head += header.name + ": " + header.value + "\r\n";
    head += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!keepAlive)
        head += "Connection: close\r\n";
    head += "\r\n";
    return head;
}

ResponseSpec ResponseSpec::forError(int status, const QString &message)
{
    ResponseSpec response;
    response.status = status;
    response.body = message.toUtf8() + '\n';
    return response;
}

ResponseSpec ResponseSpec::relaying(const DeliveryResult &result, const QString &target)
{
    if (result.status == 0)
        return forError(result.timedOut ? 504 : 502,
                        QStringLiteral("Hookscope could not relay this request to %1: %2")
                            .arg(target, result.error));
    ResponseSpec response;
    response.status = result.status;
    response.reason = result.reason;
    response.headers.clear();
    for (const HeaderField &header : result.headers) {
        if (!OutgoingRequest::isHopByHop(header.name)
            && header.name.compare("Content-Length", Qt::CaseInsensitive) != 0)
            response.headers.append(header);
    }
    response.body = result.body;
    return response;
}

} // namespace Hookscope
