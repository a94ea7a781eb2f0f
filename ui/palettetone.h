#pragma once

#include <QColor>
#include <QGuiApplication>
#include <QPalette>

namespace Hookscope {

// A colour of `hue` that reads well on the current palette's base: hues carry the meaning,
// lightness follows light or dark themes.
inline QColor paletteTone(int hue)
{
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    return QColor::fromHsl(hue, 170, dark ? 175 : 95);
}

} // namespace Hookscope
