#include "capturedrequest.h"

#include "body/contentdecoder.h"

namespace Hookscope {

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const HeaderField &header : headers) {
        if (header.name.compare(name, Qt::CaseInsensitive) == 0)
            return header.value;
    }
    return {};
}

QByteArray CapturedRequest::path() const
{
    const qsizetype question = target.indexOf('?');
    return question < 0 ? target : target.left(question);
}

QByteArray CapturedRequest::query() const
{
    const qsizetype question = target.indexOf('?');
    return question < 0 ? QByteArray() : target.mid(question + 1);
}

QByteArray CapturedRequest::decodedBody() const
{
    const DecodeResult result
        = ContentDecoder::decode(body, headerValue(headers, "Content-Encoding"));
    return result.ok ? result.data : body;
}

} // namespace Hookscope
