#pragma once

#include <QToolBar>

class QAction;
class QLabel;
class QSpinBox;
class QStatusBar;

namespace Hookscope {

class ReceiverHost;

// The receiver's toolbar: the URL to send webhooks to (with Copy), the port, Start and Stop.
// A port that is taken is said in the status bar, with a button to use another one.
class ReceiverBar final : public QToolBar
{
    Q_OBJECT
public:
    ReceiverBar(ReceiverHost &receiver, QStatusBar *statusBar, QWidget *parent = nullptr);

    // Listens on the port last used (see ReceiverHost::listen()).
    void startListening();
    void stopListening();
    // Moves the receiver to `port`, kept for the next launch once it listens there.
    void listenOnPort(quint16 port);
    // On a port the system picks, when the usual one is taken.
    bool listenOnFreePort();
    // Shows the receiver's URL and state as they are now.
    void showState();

protected:
    void changeEvent(QEvent *event) override; // a new palette: the icon drawn again

signals:
    void stateChanged();
    void message(const QString &text, int timeoutMs);

private:
    void showListenError(const QString &error);

    ReceiverHost &m_receiver;
    QStatusBar *m_statusBar;
    QLabel *m_url;
    QLabel *m_temporaryNote; // beside the URL while on a port taken because the usual was busy
    QSpinBox *m_port;
    QAction *m_startStop;
    QWidget *m_listenProblem = nullptr; // the busy-port message and its button
    quint16 m_busyPort = 0;             // the usual port, busy, while on another for this run
};

} // namespace Hookscope
