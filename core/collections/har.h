#pragma once

#include "wire/capturedrequest.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace Hookscope {

// HAR 1.2 (STANDARDS.md) for captures: every required field, and Hookscope's own under
// "_hookscope" — the request exactly as received (base64), so nothing is lost on a round trip.
class Har final
{
public:
    // One capture as an entry; its absolute URL is built from its Host header (or `fallbackHost`).
    static QJsonObject entry(const CapturedRequest &capture, const QString &fallbackHost);
    // The whole file, pretty-printed.
    static QByteArray document(const QList<QJsonObject> &entries);
    // Captures from a HAR file: exact bytes where Hookscope wrote them, else rebuilt from the
    // entry's method, URL, headers and postData. On a mistake: nothing, and `error` says where
    // (line and column, or which entry and field) — unless `skipped` is given: then entries
    // that cannot be read are left out and each is described there. `origins`, when given,
    // gets where each capture was sent ("https://api.example.com:8443"; empty when unknown).
    static std::optional<QList<CapturedRequest>> read(const QByteArray &json, QString *error,
                                                      QStringList *skipped = nullptr,
                                                      QStringList *origins = nullptr);
    // Writes the captures with these ids (in this order) from the store file at `storePath` to
    // `path`, atomically; returns how many, or -1 with the reason in `error`.
    static qsizetype write(const QString &storePath, const QList<qint64> &ids, const QString &path,
                           QString *error);
};

} // namespace Hookscope
