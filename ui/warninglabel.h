#pragma once

#include "palettetone.h"

#include <QLabel>

namespace Hookscope {

// A hidden, word-wrapped, selectable label in the palette's red, for a dialog to say what is
// wrong; shown with setText() and show().
inline QLabel *warningLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, paletteTone(0));
    label->setPalette(palette);
    label->hide();
    return label;
}

} // namespace Hookscope
