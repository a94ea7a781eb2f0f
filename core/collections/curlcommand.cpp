#include "curlcommand.h"

#include <QRegularExpression>
#include <QUrl>

namespace Hookscope {
namespace {

struct Word
{
    QByteArray text;
    int line = 1; // where it starts in the pasted text
    // What a <(printf '…') in it produces, read by curl as a file (@<(…)): Hookscope's own
    // Copy as cURL sends a body with NUL bytes so, since no shell word can hold one.
    std::optional<QByteArray> substituted;
};

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// The body of a $'…' string from `at` (just past the opening quote) to its closing quote.
qsizetype readAnsiC(const QByteArray &text, qsizetype at, QByteArray *out)
{
    while (at < text.size()) {
        const char c = text[at];
        if (c == '\'')
            return at + 1;
        if (c != '\\' || at + 1 >= text.size()) {
            *out += c;
            ++at;
            continue;
        }
        const char escape = text[at + 1];
        at += 2;
        switch (escape) {
        case 'n': *out += '\n'; break;
        case 't': *out += '\t'; break;
        case 'r': *out += '\r'; break;
        case 'a': *out += '\a'; break;
        case 'b': *out += '\b'; break;
        case 'e':
        case 'E': *out += '\x1b'; break;
        case 'f': *out += '\f'; break;
        case 'v': *out += '\v'; break;
        case 'x':
        case 'u':
        case 'U': {
            const int maxDigits = escape == 'x' ? 2 : escape == 'u' ? 4 : 8;
            uint value = 0;
            int digits = 0;
            while (digits < maxDigits && at < text.size() && hexValue(text[at]) >= 0) {
                value = value * 16 + uint(hexValue(text[at++]));
                ++digits;
            }
            if (digits == 0)
                *out += '\\' + QByteArray(1, escape);
            else if (escape == 'x')
                *out += char(value); // a byte, as bash writes it
            else
                *out += QString::fromUcs4(reinterpret_cast<const char32_t *>(&value), 1).toUtf8();
            break;
        }
        default:
            if (escape >= '0' && escape <= '7') {
                int value = escape - '0';
                for (int digits = 1;
                     digits < 3 && at < text.size() && text[at] >= '0' && text[at] <= '7'; ++digits)
                    value = value * 8 + (text[at++] - '0');
                *out += char(value);
            } else {
                *out += escape; // \\ \' \" and \? stand for themselves
            }
        }
    }
    return -1;
}

// The bytes `printf 'FORMAT'` writes, for the escapes printfBody() uses and the usual others;
// nothing when FORMAT asks for an argument (a % conversion other than %%).
std::optional<QByteArray> printfOutput(const QByteArray &format)
{
    QByteArray out;
    for (qsizetype at = 0; at < format.size(); ++at) {
        const char c = format[at];
        if (c == '%') {
            if (at + 1 >= format.size() || format[at + 1] != '%')
                return std::nullopt;
            out += '%';
            ++at;
        } else if (c == '\\' && at + 1 < format.size()) {
            // printf's escapes read as $'…''s do: \xHH, octal, \n and the like.
            const char kind = format[at + 1];
            const bool octal = kind >= '0' && kind <= '7';
            qsizetype used = 2;
            while (used < (kind == 'x' ? 4
                           : octal     ? 4
                                       : 2)
                   && at + used < format.size()
                   && (kind == 'x' ? hexValue(format[at + used]) >= 0
                                   : format[at + used] >= '0' && format[at + used] <= '7'))
                ++used;
            readAnsiC(format.mid(at, used) + '\'', 0, &out);
            at += used - 1;
        } else {
            out += c;
        }
    }
    return out;
}

// Words as bash splits them.
std::optional<QList<Word>> bashWords(const QByteArray &text, QString *error)
{
    QList<Word> words;
    Word word;
    bool inWord = false;
    int line = 1;
    auto startWord = [&] {
        if (!inWord) {
            word = {{}, line, {}};
            inWord = true;
        }
    };
    for (qsizetype at = 0; at < text.size();) {
        const char c = text[at];
        if (isBlank(c)) {
            if (inWord)
                words.append(word);
            inWord = false;
            line += c == '\n';
            ++at;
        } else if (c == '\\') {
            const qsizetype next = at + 1 < text.size() && text[at + 1] == '\r' ? at + 2 : at + 1;
            if (next < text.size() && text[next] == '\n') { // a line continuation
                ++line;
                at = next + 1;
                continue;
            }
            startWord();
            if (at + 1 < text.size())
                word.text += text[at + 1];
            at += 2;
        } else if (c == '\'' || (c == '$' && at + 1 < text.size() && text[at + 1] == '\'')) {
            startWord();
            const qsizetype open = at;
            qsizetype close;
            if (c == '$') {
                close = readAnsiC(text, at + 2, &word.text);
            } else {
                const qsizetype end = text.indexOf('\'', at + 1);
                close = end < 0 ? -1 : end + 1;
                if (end >= 0)
                    word.text += text.mid(at + 1, end - at - 1);
            }
            if (close < 0) {
                *error = QStringLiteral("line %1: the quote opened here is never closed").arg(line);
                return std::nullopt;
            }
            line += int(text.mid(open, close - open).count('\n'));
            at = close;
        } else if (c == '<' && at + 1 < text.size() && text[at + 1] == '(') {
            // A process substitution: only <(printf 'FORMAT'), which Copy as cURL writes.
            static const QRegularExpression printfCall(
                QStringLiteral("^<\\(\\s*printf\\s+'([^']*)'\\s*\\)"));
            const QRegularExpressionMatch match
                = printfCall.match(QString::fromLatin1(text.mid(at, 1 << 20)));
            std::optional<QByteArray> output;
            if (match.hasMatch())
                output = printfOutput(match.captured(1).toLatin1());
            if (!output) {
                *error = QStringLiteral("line %1: a command in <(…) cannot be run here; paste "
                                        "what it writes instead")
                             .arg(line);
                return std::nullopt;
            }
            startWord();
            word.text += "/dev/fd/63"; // what bash puts in its place
            word.substituted = output;
            at += match.capturedLength(0);
        } else if (c == '"') {
            startWord();
            const int openedOn = line;
            ++at;
            while (at < text.size() && text[at] != '"') {
                if (text[at] == '\\' && at + 1 < text.size()
                    && QByteArrayView("$`\"\\\n").contains(text[at + 1])) {
                    if (text[at + 1] == '\n')
                        ++line;
                    else
                        word.text += text[at + 1];
                    at += 2;
                    continue;
                }
                line += text[at] == '\n';
                word.text += text[at++];
            }
            if (at >= text.size()) {
                *error
                    = QStringLiteral("line %1: the \" opened here is never closed").arg(openedOn);
                return std::nullopt;
            }
            ++at;
        } else {
            startWord();
            word.text += c;
            ++at;
        }
    }
    if (inWord)
        words.append(word);
    return words;
}

// Words as Windows' cmd and then the C runtime split them: first cmd takes ^ as an escape (and,
// at a line end, as a continuation) outside its quotes; then the runtime splits on blanks
// outside quotes, where 2n backslashes before a quote stand for n and 2n+1 for n and the quote.
std::optional<QList<Word>> cmdWords(const QByteArray &text, QString *error)
{
    QByteArray unescaped;
    QList<int> lines; // the line of each unescaped byte
    int line = 1;
    bool quoted = false;
    for (qsizetype at = 0; at < text.size(); ++at) {
        char c = text[at];
        if (c == '^' && !quoted && at + 1 < text.size()) {
            c = text[++at];
            if (c == '\r' && at + 1 < text.size() && text[at + 1] == '\n')
                c = text[++at];
            if (c == '\n') { // a continuation: the next character is taken as it is
                ++line;
                if (at + 1 >= text.size())
                    break;
                c = text[++at];
            }
        } else if (c == '"') {
            quoted = !quoted;
        }
        unescaped += c;
        lines.append(line);
        line += c == '\n';
    }
    QList<Word> words;
    Word word;
    bool inWord = false;
    quoted = false;
    int quoteLine = 0;
    for (qsizetype at = 0; at < unescaped.size();) {
        const char c = unescaped[at];
        if (!inWord && !isBlank(c)) {
            word = {{}, lines[at], {}};
            inWord = true;
        }
        if (c == '\\') {
            qsizetype count = 0;
            while (at + count < unescaped.size() && unescaped[at + count] == '\\')
                ++count;
            at += count;
            if (at < unescaped.size() && unescaped[at] == '"') {
                word.text += QByteArray(count / 2, '\\');
                if (count % 2) {
                    word.text += '"';
                    ++at;
                }
            } else {
                word.text += QByteArray(count, '\\');
            }
        } else if (c == '"') {
            if (quoted && at + 1 < unescaped.size() && unescaped[at + 1] == '"') {
                word.text += '"';
                at += 2;
                continue;
            }
            quoted = !quoted;
            quoteLine = lines[at];
            ++at;
        } else if (isBlank(c) && !quoted) {
            if (inWord)
                words.append(word);
            inWord = false;
            ++at;
        } else {
            if (inWord)
                word.text += c;
            ++at;
        }
    }
    if (quoted) {
        *error = QStringLiteral("line %1: the \" opened here is never closed").arg(quoteLine);
        return std::nullopt;
    }
    if (inWord)
        words.append(word);
    return words;
}

// cmd's marks (^" and ^ at a line end) outside bash's single quotes: inside them, as in a
// command copied from Hookscope with such a header value, they are only text.
bool isWindowsCommand(const QByteArray &text)
{
    for (qsizetype at = 0; at < text.size(); ++at) {
        const char c = text[at];
        if (c == '\\') {
            ++at; // bash's escape, as in '\'' (cmd has none: its marks come before any)
        } else if (c == '\'') {
            const bool ansiC = at > 0 && text[at - 1] == '$';
            for (++at; at < text.size() && text[at] != '\''; ++at) {
                if (ansiC && text[at] == '\\')
                    ++at;
            }
        } else if (c == '^' && at + 1 < text.size()
                   && (text[at + 1] == '"' || text[at + 1] == '\n'
                       || (text[at + 1] == '\r' && at + 2 < text.size() && text[at + 2] == '\n'))) {
            return true;
        }
    }
    return false;
}

enum class CurlAction {
    Method,
    Header,
    Data,       // -d: a leading @ names a file
    DataRaw,    // --data-raw: taken as written
    DataBinary, // --data-binary: a leading @ names a file
    DataUrlencode,
    Json,
    User,
    UserAgent,
    Referer,
    Cookie,
    Bearer,
    Form,
    FormString,
    Get,
    Head,
    Compressed,
    Url,
    Ignore, // changes how curl runs, not what it sends
};

struct CurlOption
{
    char shortName; // 0: long only
    const char *longName;
    CurlAction action;
    bool takesArgument;
};

constexpr CurlOption CurlOptions[] = {
    {'X', "request", CurlAction::Method, true},
    {'H', "header", CurlAction::Header, true},
    {'d', "data", CurlAction::Data, true},
    {0, "data-ascii", CurlAction::Data, true},
    {0, "data-raw", CurlAction::DataRaw, true},
    {0, "data-binary", CurlAction::DataBinary, true},
    {0, "data-urlencode", CurlAction::DataUrlencode, true},
    {0, "json", CurlAction::Json, true},
    {'u', "user", CurlAction::User, true},
    {'A', "user-agent", CurlAction::UserAgent, true},
    {'e', "referer", CurlAction::Referer, true},
    {'b', "cookie", CurlAction::Cookie, true},
    {0, "oauth2-bearer", CurlAction::Bearer, true},
    {'F', "form", CurlAction::Form, true},
    {0, "form-string", CurlAction::FormString, true},
    {'G', "get", CurlAction::Get, false},
    {'I', "head", CurlAction::Head, false},
    {0, "compressed", CurlAction::Compressed, false},
    {0, "url", CurlAction::Url, true},
    {'s', "silent", CurlAction::Ignore, false},
    {'S', "show-error", CurlAction::Ignore, false},
    {'v', "verbose", CurlAction::Ignore, false},
    {'i', "include", CurlAction::Ignore, false},
    {'L', "location", CurlAction::Ignore, false},
    {0, "location-trusted", CurlAction::Ignore, false},
    {'k', "insecure", CurlAction::Ignore, false},
    {'g', "globoff", CurlAction::Ignore, false},
    {'f', "fail", CurlAction::Ignore, false},
    {0, "fail-with-body", CurlAction::Ignore, false},
    {'N', "no-buffer", CurlAction::Ignore, false},
    {'0', "http1.0", CurlAction::Ignore, false},
    {0, "http1.1", CurlAction::Ignore, false},
    {0, "http2", CurlAction::Ignore, false},
    {0, "http2-prior-knowledge", CurlAction::Ignore, false},
    {0, "http3", CurlAction::Ignore, false},
    {'4', "ipv4", CurlAction::Ignore, false},
    {'6', "ipv6", CurlAction::Ignore, false},
    {'#', "progress-bar", CurlAction::Ignore, false},
    {0, "no-progress-meter", CurlAction::Ignore, false},
    {0, "path-as-is", CurlAction::Ignore, false},
    {0, "raw", CurlAction::Ignore, false},
    {0, "no-keepalive", CurlAction::Ignore, false},
    {0, "ssl-no-revoke", CurlAction::Ignore, false},
    {0, "tlsv1.2", CurlAction::Ignore, false},
    {0, "tlsv1.3", CurlAction::Ignore, false},
    {'q', "disable", CurlAction::Ignore, false},
    {'o', "output", CurlAction::Ignore, true},
    {'D', "dump-header", CurlAction::Ignore, true},
    {'m', "max-time", CurlAction::Ignore, true},
    {0, "connect-timeout", CurlAction::Ignore, true},
    {0, "retry", CurlAction::Ignore, true},
    {0, "retry-delay", CurlAction::Ignore, true},
    {0, "retry-max-time", CurlAction::Ignore, true},
    {'w', "write-out", CurlAction::Ignore, true},
    {'x', "proxy", CurlAction::Ignore, true},
    {'U', "proxy-user", CurlAction::Ignore, true},
    {0, "resolve", CurlAction::Ignore, true},
    {0, "connect-to", CurlAction::Ignore, true},
    {'c', "cookie-jar", CurlAction::Ignore, true},
    {0, "cacert", CurlAction::Ignore, true},
    {'E', "cert", CurlAction::Ignore, true},
    {0, "key", CurlAction::Ignore, true},
    {0, "limit-rate", CurlAction::Ignore, true},
    {0, "max-redirs", CurlAction::Ignore, true},
    {0, "trace", CurlAction::Ignore, true},
    {0, "trace-ascii", CurlAction::Ignore, true},
    {0, "interface", CurlAction::Ignore, true},
};

const CurlOption *findOption(char shortName, QByteArrayView longName)
{
    for (const CurlOption &option : CurlOptions) {
        if (shortName ? option.shortName == shortName : longName == option.longName)
            return &option;
    }
    return nullptr;
}

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
    return fromRequest(request.method, base + QString::fromUtf8(request.target), request.headers,
                       request.body);
}

QString CurlCommand::fromRequest(const QByteArray &method, const QString &url,
                                 const HeaderList &headers, const QByteArray &body)
{
    QStringList parts{QStringLiteral("curl")};
    const bool impliedGet = method == "GET" && body.isEmpty();
    const bool impliedPost = method == "POST" && !body.isEmpty();
    if (!impliedGet && !impliedPost)
        parts << QStringLiteral("-X")
              << (QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]+$"))
                          .match(QString::fromLatin1(method))
                          .hasMatch()
                      ? QString::fromLatin1(method)
                      : shellQuote(method)); // never a word the shell acts on
    // A URL that starts with "-" would be read as an option: curl takes it after --url.
    if (url.startsWith(QLatin1Char('-')))
        parts << QStringLiteral("--url");
    parts << shellQuote(url.toUtf8());
    for (const HeaderField &header : headers) {
        if (curlSetsItself(header.name))
            continue;
        parts << QStringLiteral("\\\n  -H") << shellQuote(header.name + ": " + header.value);
    }
    // Without one, curl would send its form type with the body: the request had none.
    if (!body.isEmpty() && headerValue(headers, "Content-Type").isNull())
        parts << QStringLiteral("\\\n  -H") << shellQuote("Content-Type:");
    if (!body.isEmpty()) {
        parts << QStringLiteral("\\\n  --data-binary")
              << (body.contains('\0') || body.startsWith('@') ? printfBody(body)
                                                              : shellQuote(body));
    }
    return parts.join(QLatin1Char(' '));
}

std::optional<RequestTemplate> CurlCommand::parse(const QString &command, QString *error)
{
    const QByteArray text = command.trimmed().toUtf8();
    const std::optional<QList<Word>> words
        = isWindowsCommand(text) ? cmdWords(text, error) : bashWords(text, error);
    if (!words)
        return std::nullopt;
    if (words->isEmpty()) {
        *error = QStringLiteral("nothing to read: paste a command that starts with curl");
        return std::nullopt;
    }
    const QByteArray program = words->first().text.toLower();
    if (program != "curl" && program != "curl.exe" && !program.endsWith("/curl")) {
        *error = QStringLiteral("not a curl command: it starts with \"%1\"")
                     .arg(QString::fromUtf8(words->first().text.left(40)));
        return std::nullopt;
    }

    RequestTemplate request;
    QByteArray method;
    QByteArray url;
    QList<QByteArray> data;
    QList<std::pair<QByteArray, QByteArray>> form;
    bool get = false;
    bool head = false;
    bool json = false;
    bool formData = false;     // data that makes curl add a form Content-Type
    QList<QByteArray> removed; // headers curl adds itself, switched off by "-H 'Name:'"
    const auto addAsCurlWould = [&](const QByteArray &name, const QByteArray &value) {
        if (!removed.contains(name.toLower()))
            request.addHeaderUnlessSet(name, value);
    };
    auto fail = [&](const Word &word, const QString &why) {
        *error = QStringLiteral("line %1: %2").arg(word.line).arg(why);
        return std::nullopt;
    };
    auto needsFile = [&](const Word &word, const QByteArray &option) {
        return fail(word, QStringLiteral("%1 %2 reads a file, which a pasted command cannot bring "
                                         "along; paste the content instead")
                              .arg(QString::fromUtf8(option), QString::fromUtf8(word.text)));
    };
    for (qsizetype index = 1; index < words->size(); ++index) {
        const Word &word = words->at(index);
        if (!word.text.startsWith('-') || word.text == "-") {
            if (!url.isEmpty())
                return fail(word, QStringLiteral("a second URL (%1): one request at a time")
                                      .arg(QString::fromUtf8(word.text)));
            url = word.text;
            continue;
        }
        // A long option, or a group of short ones of which the last may take an argument
        // (-sSL, -XPOST, -H 'Name: value').
        QList<std::pair<const CurlOption *, QByteArray>> options;
        QByteArray spelled = word.text;
        if (word.text.startsWith("--")) {
            const CurlOption *option = findOption(0, QByteArrayView(word.text).sliced(2));
            if (!option)
                return fail(word,
                            QStringLiteral("unknown curl option %1; remove it and paste again")
                                .arg(QString::fromUtf8(word.text)));
            options.append({option, QByteArray()});
        } else {
            for (qsizetype at = 1; at < word.text.size(); ++at) {
                const CurlOption *option = findOption(word.text[at], {});
                if (!option)
                    return fail(word, QStringLiteral("unknown curl option -%1 in %2")
                                          .arg(QLatin1Char(word.text[at]))
                                          .arg(QString::fromUtf8(word.text)));
                if (option->takesArgument) {
                    spelled = "-" + QByteArray(1, word.text[at]);
                    options.append({option, QByteArray(word.text.mid(at + 1))});
                    break;
                }
                options.append({option, QByteArray()});
            }
        }
        for (auto &[option, argument] : options) {
            if (option->takesArgument && argument.isEmpty()) {
                if (index + 1 >= words->size())
                    return fail(word, QStringLiteral("%1 needs a value after it")
                                          .arg(QString::fromUtf8(spelled)));
                argument = words->at(++index).text;
            }
            const Word &value = option->takesArgument ? words->at(index) : word;
            switch (option->action) {
            case CurlAction::Method: method = argument; break;
            case CurlAction::Header: {
                if (argument.startsWith('@'))
                    return needsFile(value, spelled);
                const qsizetype colon = argument.indexOf(':');
                const qsizetype semicolon = argument.indexOf(';');
                if (colon > 0) {
                    const QByteArray headerValue = argument.mid(colon + 1).trimmed();
                    if (!headerValue.isEmpty())
                        request.headers.append(
                            TemplateHeader{argument.left(colon).trimmed(), headerValue});
                    else // "Name:" only stops curl sending its own
                        removed.append(argument.left(colon).trimmed().toLower());
                } else if (semicolon > 0 && semicolon == argument.size() - 1) {
                    request.headers.append(TemplateHeader{argument.left(semicolon).trimmed(), {}});
                } else {
                    return fail(value, QStringLiteral("the header \"%1\" has no colon")
                                           .arg(QString::fromUtf8(argument)));
                }
                break;
            }
            case CurlAction::Data:
            case CurlAction::DataBinary:
            case CurlAction::Json:
                if (argument.startsWith('@') && value.substituted && option->takesArgument)
                    argument = *value.substituted;
                else if (argument.startsWith('@'))
                    return needsFile(value, spelled);
                data.append(argument);
                formData = formData || option->action != CurlAction::Json;
                json = json || option->action == CurlAction::Json;
                break;
            case CurlAction::DataRaw:
                data.append(argument);
                formData = true;
                break;
            case CurlAction::DataUrlencode: {
                // As curl encodes: everything but unreserved characters, a space as "+".
                const auto encoded = [](const QByteArray &content) {
                    return QUrl::toPercentEncoding(QString::fromUtf8(content)).replace("%20", "+");
                };
                const qsizetype split = argument.indexOf('=');
                const qsizetype at = argument.indexOf('@');
                if (at >= 0 && (split < 0 || at < split))
                    return needsFile(value, spelled);
                data.append(split < 0 ? encoded(argument)
                            : split == 0
                                ? encoded(argument.mid(1))
                                : argument.left(split) + '=' + encoded(argument.mid(split + 1)));
                formData = true;
                break;
            }
            case CurlAction::User: {
                const qsizetype colon = argument.indexOf(':');
                request.auth.kind = RequestAuth::Kind::Basic;
                request.auth.username
                    = QString::fromUtf8(colon < 0 ? argument : argument.left(colon));
                request.auth.password
                    = colon < 0 ? QString() : QString::fromUtf8(argument.mid(colon + 1));
                break;
            }
            case CurlAction::UserAgent:
                request.headers.append(TemplateHeader{"User-Agent", argument});
                break;
            case CurlAction::Referer:
                request.headers.append(TemplateHeader{"Referer", argument});
                break;
            case CurlAction::Cookie:
                if (!argument.contains('='))
                    return needsFile(value, spelled); // without "=", curl reads a cookie file
                request.headers.append(TemplateHeader{"Cookie", argument});
                break;
            case CurlAction::Bearer:
                request.auth = {RequestAuth::Kind::Bearer, {}, {}, QString::fromUtf8(argument)};
                break;
            case CurlAction::Form:
            case CurlAction::FormString: {
                const qsizetype equals = argument.indexOf('=');
                if (equals <= 0)
                    return fail(value,
                                QStringLiteral("%1 %2 is not name=value")
                                    .arg(QString::fromUtf8(spelled), QString::fromUtf8(argument)));
                const QByteArray content = argument.mid(equals + 1);
                if (option->action == CurlAction::Form
                    && (content.startsWith('@') || content.startsWith('<')))
                    return needsFile(value, spelled);
                form.append({argument.left(equals), content});
                break;
            }
            case CurlAction::Get: get = true; break;
            case CurlAction::Head: head = true; break;
            case CurlAction::Compressed:
                request.addHeaderUnlessSet("Accept-Encoding", "deflate, gzip");
                break;
            case CurlAction::Url:
                if (!url.isEmpty())
                    return fail(value, QStringLiteral("a second URL (%1): one request at a time")
                                           .arg(QString::fromUtf8(argument)));
                url = argument;
                break;
            case CurlAction::Ignore: break;
            }
        }
    }
    if (url.isEmpty()) {
        *error = QStringLiteral("the command has no URL");
        return std::nullopt;
    }
    if (!url.contains("://"))
        url.prepend("http://"); // as curl assumes
    if (!data.isEmpty() && !form.isEmpty()) {
        *error = QStringLiteral("the command has both -F and -d data; curl refuses that too");
        return std::nullopt;
    }
    const QByteArray joined = data.join(json ? "" : "&"); // --json pieces are concatenated
    if (get) {
        if (!joined.isEmpty())
            url += (url.contains('?') ? '&' : '?') + joined;
    } else if (!form.isEmpty()) {
        request.setMultipartFields(form); // its boundary goes in the Content-Type, as curl's
    } else {
        request.body = joined;
        if (json) {
            addAsCurlWould("Content-Type", "application/json");
            addAsCurlWould("Accept", "application/json");
        } else if (formData) {
            addAsCurlWould("Content-Type", "application/x-www-form-urlencoded");
        }
    }
    request.url = QString::fromUtf8(url);
    const bool sendsBody
        = !request.body.isEmpty() || (!get && (!data.isEmpty() || !form.isEmpty()));
    request.method = !method.isEmpty() ? method
                     : head            ? QByteArray("HEAD")
                     : sendsBody       ? QByteArray("POST")
                                       : QByteArray("GET");
    if (const QString problem = request.problem(); !problem.isEmpty()) {
        *error = problem;
        return std::nullopt;
    }
    return request;
}

} // namespace Hookscope
