#pragma once

#include <QSplitter>

namespace Hookscope {

// The list beside the detail pane when there is room for both (the pane's tabs keep their
// names, the list its columns), one above the other when there is not: a narrow window, the
// Collections dock open, a large scale factor. It turns by its own width only, never by what
// it shows, and the share each side gets is the same either way.
class AdaptiveSplitter final : public QSplitter
{
    Q_OBJECT
public:
    // Side by side from `sideBySideWidth` up (with some slack, so that it does not turn back
    // and forth at the edge).
    explicit AdaptiveSplitter(int sideBySideWidth, QWidget *parent = nullptr);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    int m_sideBySideWidth;
};

} // namespace Hookscope
