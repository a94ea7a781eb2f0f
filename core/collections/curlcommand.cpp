#include "curlcommand.h"

namespace Hookscope {
namespace {

bool needsAnsiC(const QByteArray &bytes)
{
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 && c != '\n' && c != '\t')
            return true;
        if (byte == 0x7f)
            return true;
    }
    return false;
}

// Headers curl writes itself from the command: repeating them would duplicate or contradict.
bool curlSetsItself(const QByteArray &name)
{
    return name.compare("Content-Length", Qt::CaseInsensitive) == 0
           || name.compare("Host", Qt::CaseInsensitive) == 0
           || name.compare("Transfer-Encoding", Qt::CaseInsensitive) == 0
           || name.compare("Expect", Qt::CaseInsensitive) == 0;
}

// A bash word cannot hold a NUL byte, and curl reads a body starting with @ as a file name:
// such bodies come from printf through a pipe.
QString printfBody(const QByteArray &bytes)
{
    QString format;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '%')
            format += QStringLiteral("%%");
        else if (c == '\\')
            format += QStringLiteral("\\\\");
        else if (byte >= 0x20 && byte < 0x7f && c != '\'')
            format += QLatin1Char(c);
        else
            format += QStringLiteral("\\x%1").arg(byte, 2, 16, QLatin1Char('0'));
    }
    return QStringLiteral("@<(printf '") + format + QStringLiteral("')");
}

} // namespace

QString CurlCommand::shellQuote(const QByteArray &bytes)
{
    if (!needsAnsiC(bytes) && QString::fromUtf8(bytes).toUtf8() == bytes) {
        QString text = QString::fromUtf8(bytes);
        text.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
        return QLatin1Char('\'') + text + QLatin1Char('\'');
    }
    QString quoted = QStringLiteral("$'");
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\\' || c == '\'')
            quoted += QLatin1Char('\\') + QLatin1Char(c);
        else if (c == '\n')
            quoted += QStringLiteral("\\n");
        else if (byte >= 0x20 && byte < 0x7f)
            quoted += QLatin1Char(c);
        else
            quoted += QStringLiteral("\\x%1").arg(byte, 2, 16, QLatin1Char('0'));
    }
    return quoted + QLatin1Char('\'');
}

QString CurlCommand::fromCapture(const CapturedRequest &request, const QString &baseUrl)
{
    QString base = baseUrl;
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    QStringList parts{QStringLiteral("curl")};
    const bool impliedGet = request.method == "GET" && request.body.isEmpty();
    const bool impliedPost = request.method == "POST" && !request.body.isEmpty();
    if (!impliedGet && !impliedPost)
        parts << QStringLiteral("-X") << QString::fromLatin1(request.method);
    parts << shellQuote((base + QString::fromUtf8(request.target)).toUtf8());
    for (const HeaderField &header : request.headers) {
        if (curlSetsItself(header.name))
            continue;
        parts << QStringLiteral("\\\n  -H") << shellQuote(header.name + ": " + header.value);
    }
    if (!request.body.isEmpty()) {
        parts << QStringLiteral("\\\n  --data-binary")
              << (request.body.contains('\0') || request.body.startsWith('@')
                      ? printfBody(request.body)
                      : shellQuote(request.body));
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace Hookscope
