#pragma once

#include "wire/capturedrequest.h"

#include <QStringList>

namespace Hookscope {

class CaptureText final
{
public:
    // A capture as lines to compare with another: request line, headers in received order, a
    // blank line, then the body pretty-printed (hex rows when binary).
    static QStringList comparableLines(const CapturedRequest &request);
};

} // namespace Hookscope
