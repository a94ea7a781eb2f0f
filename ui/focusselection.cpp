#include "focusselection.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QEvent>

namespace Hookscope {
namespace {

class FocusSelection final : public QObject
{
public:
    explicit FocusSelection(QAbstractItemView *view)
        : QObject(view)
        , m_view(view)
    {
        view->installEventFilter(this);
        apply();
    }

    bool eventFilter(QObject *, QEvent *event) override
    {
        switch (event->type()) {
        case QEvent::FocusIn:
        case QEvent::FocusOut:
        case QEvent::ApplicationPaletteChange: apply(); break;
        default: break;
        }
        return false;
    }

private:
    void apply()
    {
        const QPalette application = QApplication::palette(m_view);
        QPalette palette = m_view->palette();
        for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive}) {
            QColor highlight = application.color(group, QPalette::Highlight);
            QColor text = application.color(group, QPalette::HighlightedText);
            if (!m_view->hasFocus()) {
                const QColor base = application.color(group, QPalette::Base);
                highlight = QColor::fromRgbF(0.45 * highlight.redF() + 0.55 * base.redF(),
                                             0.45 * highlight.greenF() + 0.55 * base.greenF(),
                                             0.45 * highlight.blueF() + 0.55 * base.blueF());
                text = application.color(group, QPalette::Text);
            }
            palette.setColor(group, QPalette::Highlight, highlight);
            palette.setColor(group, QPalette::HighlightedText, text);
        }
        m_view->setPalette(palette);
    }

    QAbstractItemView *m_view;
};

} // namespace

void showFocusInSelection(QAbstractItemView *view)
{
    new FocusSelection(view);
}

} // namespace Hookscope
