#pragma once

#include "wire/capturedrequest.h"
#include "capturesummary.h"

#include <QJsonObject>

namespace Hookscope::CaptureJson {

// Bytes as JSON: text when they are valid UTF-8, otherwise base64 with `<key>Encoding`.
void putBytes(QJsonObject &object, const QString &key, const QByteArray &bytes);

QJsonObject fromSummary(const CaptureSummary &summary);
QJsonObject fromCapture(const CapturedRequest &request);

// ISO 8601 with microseconds, in UTC.
QString formatTime(qint64 microsecondsSinceEpoch);

} // namespace Hookscope::CaptureJson
