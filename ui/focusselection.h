#pragma once

class QAbstractItemView;

namespace Hookscope {

// Makes where the keyboard is visible: `view`'s selected rows keep the palette's highlight
// while it has the focus, and turn a muted blend of highlight and base when another widget
// has it (Qt draws both the same). Follows palette changes (a dark theme).
void showFocusInSelection(QAbstractItemView *view);

} // namespace Hookscope
