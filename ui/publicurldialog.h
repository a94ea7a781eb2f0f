#pragma once

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace Hookscope {

class Session;

// Receiver → Public URL…: a tunnel of the user's (cloudflared, ngrok or any command) that
// Hookscope starts, with the public URL it prints (Copy) and its output as it comes; or the
// Stripe CLI, with where its events arrive and where its signing secret is kept. Closing
// the dialog leaves it running; Stop, or quitting Hookscope, stops it.
class PublicUrlDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit PublicUrlDialog(Session &session, QWidget *parent = nullptr);

    QComboBox *tool() const { return m_tool; }
    QLineEdit *command() const { return m_command; }
    QLineEdit *channel() const { return m_channel; }
    QPushButton *startStop() const { return m_startStop; }
    QLineEdit *url() const { return m_url; }
    QPlainTextEdit *log() const { return m_log; }
    QLabel *problem() const { return m_problem; }
    QLabel *secretNote() const { return m_secretNote; }

private:
    void startOrStop();
    // Follows the session's tunnel: its URL, output and problems.
    void follow();
    void showState();
    void showProblem(const QString &problem);
    // Sets the tool and its fields as Session::startTunnel's spec says.
    void showSpec(const QString &spec);

    Session &m_session;
    QComboBox *m_tool;
    QLineEdit *m_command;
    QLineEdit *m_channel; // smee's: empty for a new one
    QLineEdit *m_pattern;
    QPushButton *m_startStop;
    QLineEdit *m_url;
    QPushButton *m_copy;
    QPlainTextEdit *m_log;
    QLabel *m_problem;
    QLabel *m_secretNote; // where the secret a tool printed is kept
};

} // namespace Hookscope
