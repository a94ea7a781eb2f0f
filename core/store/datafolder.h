#pragma once

#include <QString>

namespace Hookscope {

// Where Hookscope keeps what it records. Captures hold credentials and signed payloads: its
// folders are private to the user (0700) from the moment they are made.
class DataFolder final
{
public:
    // ~/.local/share/hookscope: one folder for the window and the command line alike.
    static QString path();
    // Makes `folder` and any missing parents, each mode 0700; the data folder itself is made
    // private even when an earlier version created it open to others. False, with the
    // reason, when it cannot be made.
    static bool ensure(const QString &folder, QString *error = nullptr);
};

} // namespace Hookscope
