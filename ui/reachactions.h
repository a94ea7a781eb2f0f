#pragma once

#include <QObject>

class QAction;
class QToolBar;
class QWidget;

namespace Hookscope {

class LanDialog;
class PublicUrlDialog;
class Session;

// How the receiver is reached from elsewhere, in the toolbar: LAN… (other machines on the
// network) and Public URL… (a tunnel for providers on the internet). Each button is checked
// while what it opens is on.
class ReachActions final : public QObject
{
    Q_OBJECT
public:
    ReachActions(Session &session, QToolBar *toolbar, QWidget *window);

    // LAN… and Public URL…, for a menu.
    QList<QAction *> actions() const { return {m_lan, m_publicUrl}; }
    LanDialog *lanDialog();
    PublicUrlDialog *publicUrlDialog();

signals:
    // The LAN was switched on or off, or its token or networks changed.
    void lanChanged();

private:
    void showState();

    Session &m_session;
    QWidget *m_window;
    QAction *m_lan;
    QAction *m_publicUrl;
};

} // namespace Hookscope
