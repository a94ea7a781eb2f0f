#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace Hookscope {

// One field of a form body or one part of a multipart body.
struct BodyPart
{
    QString name;
    QString fileName;       // multipart parts that carry a file
    QByteArray contentType; // multipart parts that say
    QByteArray head;        // the part's header lines as sent (multipart)
    QByteArray data;        // the value, or the part's bytes exactly

    // A name to offer when saving it: the sender's file name, else the field's name + ".bin",
    // with path separators, leading dots and control characters taken out (the sender chose
    // it: "../../.bashrc" must not become a path, nor a hidden file). Never empty.
    QString suggestedFileName() const;
};

// Splits application/x-www-form-urlencoded and multipart/* bodies into their fields and parts.
class BodyParts final
{
public:
    // Empty when the content type is neither; a multipart body that cannot be split returns
    // the parts read so far and says why in `error`, with the byte position.
    static QList<BodyPart> split(const QByteArray &body, QByteArrayView contentType,
                                 QString *error);
    static QList<BodyPart> formFields(const QByteArray &body);
    static QList<BodyPart> multipart(const QByteArray &body, const QByteArray &boundary,
                                     QString *error);
    // The boundary parameter of a multipart content type, unquoted; empty if none.
    static QByteArray boundary(QByteArrayView contentType);
};

} // namespace Hookscope
