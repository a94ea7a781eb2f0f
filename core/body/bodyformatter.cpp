#include "bodyformatter.h"

#include <QUrlQuery>
#include <QXmlStreamReader>
#include <QXmlStreamWriter>

namespace Hookscope {
namespace {

constexpr qsizetype BinarySniffBytes = 8192;

bool contains(QByteArrayView contentType, QByteArrayView part)
{
    return contentType.toByteArray().toLower().contains(part);
}

QString indentXml(const QByteArray &xml, QString *error)
{
    QXmlStreamReader reader(xml);
    QString out;
    QXmlStreamWriter writer(&out);
    writer.setAutoFormatting(true);
    writer.setAutoFormattingIndent(2);
    while (!reader.atEnd()) {
        reader.readNext();
        if (reader.isWhitespace())
            continue;
        if (reader.isStartDocument() && reader.documentVersion().isEmpty())
            continue; // the writer would invent an <?xml?> declaration the body did not have
        writer.writeCurrentToken(reader);
    }
    if (reader.hasError()) {
        *error = QStringLiteral("XML error at line %1, column %2: %3")
                     .arg(reader.lineNumber())
                     .arg(reader.columnNumber())
                     .arg(reader.errorString());
        return {};
    }
    // Auto-formatting starts with a line break when no declaration was written.
    if (out.startsWith(QLatin1Char('\n')))
        out.remove(0, 1);
    return out;
}

QString formFields(const QByteArray &body)
{
    QString out;
    // Forms encode spaces as '+', which QUrlQuery leaves alone.
    QByteArray percentEncoded = body;
    percentEncoded.replace('+', "%20");
    const QUrlQuery query(QString::fromUtf8(percentEncoded));
    for (const auto &[name, value] : query.queryItems(QUrl::FullyDecoded))
        out += name + QStringLiteral(" = ") + value + QLatin1Char('\n');
    return out;
}

} // namespace

bool BodyFormatter::looksBinary(const QByteArray &body)
{
    QByteArray head = body.left(BinarySniffBytes);
    if (head.contains('\0'))
        return true;
    if (body.size() > head.size()) {
        // Do not count a multi-byte character cut at the sniff boundary as an error.
        qsizetype end = head.size() - 1;
        while (end > head.size() - 4 && (uchar(head.at(end)) & 0xC0) == 0x80)
            --end;
        head.truncate(end);
    }
    // Invalid UTF-8 does not survive a round trip (it becomes replacement characters).
    return QString::fromUtf8(head).toUtf8() != head;
}

namespace {

bool isAsciiDigit(char c)
{
    return c >= '0' && c <= '9';
}

bool isAsciiHexDigit(char c)
{
    return isAsciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Where byte `offset` stands, for a person: "line 3, column 14" (columns count characters).
QString jsonPlace(const QByteArray &json, qsizetype offset)
{
    const QByteArrayView before(json.constData(), std::min(offset, json.size()));
    const qsizetype lineStart = before.lastIndexOf('\n') + 1;
    qsizetype column = 1;
    for (qsizetype i = lineStart; i < before.size(); ++i)
        column += (uchar(before[i]) & 0xC0) != 0x80; // UTF-8 continuation bytes add nothing
    return QStringLiteral("line %1, column %2").arg(before.count('\n') + 1).arg(column);
}

// One past the end of the number at `at`, or -1 when it breaks RFC 8259's grammar.
qsizetype scanNumber(const QByteArray &json, qsizetype at)
{
    const auto digitAt = [&](qsizetype i) {
        return i < json.size() && isAsciiDigit(json[i]);
    };
    if (at < json.size() && json[at] == '-')
        ++at;
    if (!digitAt(at))
        return -1;
    if (json[at] == '0')
        ++at;
    else
        while (digitAt(at))
            ++at;
    if (at < json.size() && json[at] == '.') {
        if (!digitAt(++at))
            return -1;
        while (digitAt(at))
            ++at;
    }
    if (at < json.size() && (json[at] == 'e' || json[at] == 'E')) {
        ++at;
        if (at < json.size() && (json[at] == '+' || json[at] == '-'))
            ++at;
        if (!digitAt(at))
            return -1;
        while (digitAt(at))
            ++at;
    }
    return at;
}

// The length of the well-formed UTF-8 sequence at `at`, or 0 (Unicode's table 3-7).
int utf8Length(const QByteArray &text, qsizetype at)
{
    const uchar lead = uchar(text[at]);
    uchar low = 0x80;
    uchar high = 0xBF;
    int length = 0;
    if (lead < 0x80)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;  // no overlong forms
        high = lead == 0xED ? 0x9F : 0xBF; // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
    } else {
        return 0;
    }
    if (at + length > text.size() || uchar(text[at + 1]) < low || uchar(text[at + 1]) > high)
        return 0;
    for (int next = 2; next < length; ++next) {
        if ((uchar(text[at + next]) & 0xC0) != 0x80)
            return 0;
    }
    return length;
}

// One past the closing quote of the string whose opening quote is at `at`, or -1 with
// `problemAt` set when it has a bad escape, a raw control character, bytes that are not
// UTF-8, or no end.
qsizetype scanString(const QByteArray &json, qsizetype at, qsizetype *problemAt)
{
    for (++at; at < json.size(); ++at) {
        const uchar c = uchar(json[at]);
        if (c == '"')
            return at + 1;
        if (c < 0x20) {
            *problemAt = at;
            return -1;
        }
        if (c >= 0x80) {
            const int length = utf8Length(json, at);
            if (length == 0) {
                *problemAt = at;
                return -1;
            }
            at += length - 1;
            continue;
        }
        if (c != '\\')
            continue;
        *problemAt = at;
        if (++at >= json.size())
            return -1;
        if (json[at] == 'u') {
            for (int digit = 0; digit < 4; ++digit) {
                if (++at >= json.size() || !isAsciiHexDigit(json[at]))
                    return -1;
            }
        } else if (!QByteArrayView("\"\\/bfnrt").contains(json[at])) {
            return -1;
        }
    }
    *problemAt = json.size();
    return -1;
}

} // namespace

QString BodyFormatter::indentJson(const QByteArray &json, QString *error, qsizetype *errorOffset)
{
    // What may come next; the containers open around it are in `openers`.
    enum class Expect { Value, ValueOrClose, Key, KeyOrClose, Colon, CommaOrClose, Nothing };
    Expect expect = Expect::Value;
    QByteArray openers;
    QByteArray out;
    out.reserve(json.size() + json.size() / 2);
    const auto newline = [&] {
        out += '\n';
        out.append(openers.size() * 2, ' ');
    };
    const auto fail = [&](qsizetype at, const QString &what) {
        *error = QStringLiteral("JSON error at %1: %2").arg(jsonPlace(json, at), what);
        if (errorOffset)
            *errorOffset = at;
        return QString();
    };
    const auto expected = [&] {
        switch (expect) {
        case Expect::Value: return QStringLiteral("expected a value");
        case Expect::ValueOrClose: return QStringLiteral("expected a value or ']'");
        case Expect::Key: return QStringLiteral("expected a member name in double quotes");
        case Expect::KeyOrClose:
            return QStringLiteral("expected a member name in double quotes or '}'");
        case Expect::Colon: return QStringLiteral("expected ':' after the member name");
        case Expect::CommaOrClose:
            return openers.endsWith('{') ? QStringLiteral("expected ',' or '}' after a member")
                                         : QStringLiteral("expected ',' or ']' after an item");
        case Expect::Nothing: return QStringLiteral("more after the end of the document");
        }
        return QString();
    };
    const auto valueDone = [&] {
        expect = openers.isEmpty() ? Expect::Nothing : Expect::CommaOrClose;
    };
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        const bool valueExpected = expect == Expect::Value || expect == Expect::ValueOrClose;
        const bool keyExpected = expect == Expect::Key || expect == Expect::KeyOrClose;
        if (c == '"' && (valueExpected || keyExpected)) {
            qsizetype problemAt = i;
            const qsizetype end = scanString(json, i, &problemAt);
            if (end < 0)
                return fail(problemAt, problemAt >= json.size()
                                           ? QStringLiteral("the string never ends")
                                       : uchar(json[problemAt]) >= 0x80
                                           ? QStringLiteral("bytes that are not UTF-8 inside a "
                                                            "string")
                                           : QStringLiteral("a bad escape or a raw control "
                                                            "character inside a string"));
            out.append(json.constData() + i, end - i);
            i = end - 1;
            if (keyExpected)
                expect = Expect::Colon;
            else
                valueDone();
        } else if ((c == '{' || c == '[') && valueExpected) {
            openers += c;
            out += c;
            expect = c == '{' ? Expect::KeyOrClose : Expect::ValueOrClose;
            // Empty containers stay on one line.
            qsizetype next = i + 1;
            while (next < json.size() && QByteArrayView(" \t\r\n").contains(json[next]))
                ++next;
            if (next < json.size() && json[next] == (c == '{' ? '}' : ']')) {
                out += json[next];
                openers.chop(1);
                i = next;
                valueDone();
            } else {
                newline();
            }
        } else if ((c == '}' || c == ']') && !openers.isEmpty()
                   && openers.back() == (c == '}' ? '{' : '[')
                   && (expect == Expect::CommaOrClose
                       || expect == (c == '}' ? Expect::KeyOrClose : Expect::ValueOrClose))) {
            openers.chop(1);
            newline();
            out += c;
            valueDone();
        } else if (c == ',' && expect == Expect::CommaOrClose) {
            out += c;
            newline();
            expect = openers.endsWith('{') ? Expect::Key : Expect::Value;
        } else if (c == ':' && expect == Expect::Colon) {
            out += ": ";
            expect = Expect::Value;
        } else if (valueExpected && (c == '-' || isAsciiDigit(c))) {
            const qsizetype end = scanNumber(json, i);
            if (end < 0)
                return fail(i, QStringLiteral("a malformed number"));
            out.append(json.constData() + i, end - i); // copied exactly as sent
            i = end - 1;
            valueDone();
        } else if (valueExpected && (c == 't' || c == 'f' || c == 'n')) {
            const QByteArrayView literal = c == 't' ? "true" : c == 'f' ? "false" : "null";
            if (!QByteArrayView(json).sliced(i).startsWith(literal))
                return fail(i, QStringLiteral("expected true, false or null"));
            out += literal;
            i += literal.size() - 1;
            valueDone();
        } else {
            const QString found = uchar(c) < 0x80 ? QStringLiteral("'%1'").arg(QLatin1Char(c))
                                                  : QStringLiteral("a non-ASCII character");
            return fail(i, expected() + QStringLiteral(", found ") + found);
        }
    }
    if (expect != Expect::Nothing)
        return fail(json.size(), QStringLiteral("the document ends early (%1)").arg(expected()));
    return QString::fromUtf8(out);
}

FormattedBody BodyFormatter::format(const QByteArray &body, QByteArrayView contentType)
{
    FormattedBody result;
    if (body.isEmpty())
        return result;
    result.parts = BodyParts::split(body, contentType, &result.partsError);
    if (looksBinary(body)) {
        result.kind = FormattedBody::Kind::Binary;
        return result;
    }
    const QByteArray trimmedStart = body.left(64).trimmed();
    const bool jsonType = contains(contentType, "json");
    const bool jsonShape = trimmedStart.startsWith('{') || trimmedStart.startsWith('[');
    if (jsonType || (contentType.isEmpty() && jsonShape)) {
        result.text = indentJson(body, &result.error);
        if (result.error.isEmpty()) {
            result.kind = FormattedBody::Kind::Json;
            return result;
        }
    } else if (contains(contentType, "xml") || trimmedStart.startsWith("<?xml")) {
        result.text = indentXml(body, &result.error);
        if (result.error.isEmpty()) {
            result.kind = FormattedBody::Kind::Xml;
            return result;
        }
    } else if (contains(contentType, "application/x-www-form-urlencoded")) {
        result.kind = FormattedBody::Kind::Form;
        result.text = formFields(body);
        return result;
    }
    result.kind = FormattedBody::Kind::Text;
    result.text = QString::fromUtf8(body);
    return result;
}

} // namespace Hookscope
