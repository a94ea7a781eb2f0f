#pragma once

#include "wire/capturedrequest.h"
#include "capturesummary.h"

#include <QJsonObject>

namespace Hookscope::CaptureJson {

QJsonObject fromSummary(const CaptureSummary &summary);
QJsonObject fromCapture(const CapturedRequest &request);

// ISO 8601 with microseconds, in UTC.
QString formatTime(qint64 microsecondsSinceEpoch);

} // namespace Hookscope::CaptureJson
