#pragma once

#include <QColor>
#include <QGuiApplication>
#include <QPalette>
#include <QWidget>

namespace Hookscope {

// A colour of `hue` that reads well on the current palette's base: hues carry the meaning,
// lightness follows light or dark themes.
inline QColor paletteTone(int hue)
{
    const bool dark = QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
    return QColor::fromHsl(hue, 170, dark ? 175 : 95);
}

// Shows a label's text in the warning colour.
inline void showAsWarning(QWidget *label)
{
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, paletteTone(0));
    label->setPalette(palette);
}

} // namespace Hookscope
