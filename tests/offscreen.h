#pragma once

#include <QtGlobal>

// Widget tests run on the offscreen platform, as under ctest, when started by hand too (a
// test's initMain(), before the application exists); QT_QPA_PLATFORM set says otherwise.
inline void useOffscreenUnlessTold()
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}
