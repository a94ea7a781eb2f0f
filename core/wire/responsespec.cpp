#include "responsespec.h"

namespace Hookscope {

QByteArray ResponseSpec::reasonPhrase(int status)
{
    // RFC 9110 §15 (418 as the mock servers everyone knows send it); none for others, which
    // HTTP allows: "HTTP/1.1 599 " (it said "Status" before, which no server sends).
    switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 407: return "Proxy Authentication Required";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 418: return "I'm a Teapot";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 451: return "Unavailable For Legal Reasons";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    case 511: return "Network Authentication Required";
    default: return {};
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
