#include "reachactions.h"

#include "landialog.h"
#include "publicurldialog.h"

#include "session/session.h"

#include <QAction>
#include <QToolBar>

namespace Hookscope {

ReachActions::ReachActions(Session &session, QToolBar *toolbar, QWidget *window)
    : QObject(window)
    , m_session(session)
    , m_window(window)
    , m_lan(toolbar->addAction(tr("L&AN…"), this, &ReachActions::lanDialog))
    , m_publicUrl(toolbar->addAction(tr("&Public URL…"), this, &ReachActions::publicUrlDialog))
{
    // In a menu too, with a shortcut: reachable from the keyboard.
    m_lan->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_publicUrl->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U));
    m_lan->setObjectName(QStringLiteral("lanAction"));
    m_lan->setCheckable(true);
    m_lan->setToolTip(tr("Let other machines on this network send, with a LAN URL and QR code"));
    m_publicUrl->setCheckable(true);
    m_publicUrl->setToolTip(tr("A public URL for providers on the internet: a tunnel Hookscope "
                               "starts (cloudflared, ngrok, a command), a smee.io channel, or "
                               "the Stripe CLI"));
    connect(&m_session, &Session::tunnelChanged, this, &ReachActions::showState);
    showState();
}

void ReachActions::showState()
{
    m_lan->setChecked(m_session.listensOnLan());
    m_publicUrl->setChecked(m_session.tunnel() != nullptr);
}

LanDialog *ReachActions::lanDialog()
{
    showState(); // a click opens the dialog; the dialog switches
    auto *dialog = new LanDialog(m_session, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &LanDialog::changed, this, [this] {
        showState();
        emit lanChanged();
    });
    dialog->open();
    return dialog;
}

PublicUrlDialog *ReachActions::publicUrlDialog()
{
    showState();
    auto *dialog = new PublicUrlDialog(m_session, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show(); // not modal: the tunnel's output can be watched beside the captures
    return dialog;
}

} // namespace Hookscope
