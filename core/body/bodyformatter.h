#pragma once

#include "bodyparts.h"

#include <QByteArray>
#include <QString>

namespace Hookscope {

struct FormattedBody
{
    enum class Kind { Empty, Json, Xml, Form, Text, Binary };
    Kind kind = Kind::Empty;
    QString text;  // what the Pretty view shows
    QString error; // why a body that claims a format could not be formatted, with the position
    QList<BodyPart> parts; // form fields or multipart parts
    QString partsError;    // why a multipart body could not be split, with the position
};

// Turns a (decoded) body into readable text for the Pretty view. JSON is re-indented token by
// token, so key order, numbers and escapes stay exactly as sent. Safe to call off the GUI
// thread.
class BodyFormatter final
{
public:
    static FormattedBody format(const QByteArray &body, QByteArrayView contentType);
    // NUL bytes or invalid UTF-8 near the start: shown in hex, never as text.
    static bool looksBinary(const QByteArray &body);
    // Re-indents JSON; on a structural error returns an empty string and sets `error` ("JSON
    // error at line 3, column 14: expected ',' or '}' after a member") and `errorOffset` (the
    // byte it found the error at).
    static QString indentJson(const QByteArray &json, QString *error,
                              qsizetype *errorOffset = nullptr);
};

} // namespace Hookscope
