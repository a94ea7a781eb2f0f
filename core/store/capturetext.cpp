#include "capturetext.h"

#include "body/bodyformatter.h"
#include "body/hexdump.h"

namespace Hookscope {

QStringList CaptureText::comparableLines(const CapturedRequest &request)
{
    QStringList lines{QString::fromLatin1(request.method) + QLatin1Char(' ')
                      + QString::fromUtf8(request.target)};
    for (const HeaderField &header : request.headers)
        lines.append(QString::fromLatin1(header.name) + QStringLiteral(": ")
                     + QString::fromUtf8(header.value));
    lines.append(QString());
    const QByteArray body = request.decodedBody();
    const FormattedBody formatted = BodyFormatter::format(body, request.contentType());
    if (formatted.kind == FormattedBody::Kind::Binary)
        lines += HexDump::dump(body).split(QLatin1Char('\n'));
    else if (formatted.kind != FormattedBody::Kind::Empty)
        lines += formatted.text.split(QLatin1Char('\n'));
    return lines;
}

} // namespace Hookscope
