#pragma once

#include "delivery/sender.h"
#include "events/testevents.h"
#include "signing/signaturesettings.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTreeWidget;

namespace Hookscope {

class SecretStore;
class TextPane;

// Capture → Send Test Event…: a provider's sample event picked from the catalog, its payload
// editable (an edit is kept for that event until reset), sent to this receiver, the last replay
// target or any URL, with fresh ids and timestamps, signed with a secret from the keychain.
class TestEventDialog final : public QDialog
{
    Q_OBJECT
public:
    // `receiverUrl`: this receiver's base URL (the event goes to its provider's path);
    // `bindings`: which secret the receiver verifies each path with, offered first.
    TestEventDialog(const QString &receiverUrl, const QList<SignatureBinding> &bindings,
                    SecretStore &secrets, QWidget *parent = nullptr);

    // Picks the event; false when the catalog has none of that name.
    bool select(const QString &provider, const QString &name);
    void send();

    QTreeWidget *events() const { return m_events; }
    QComboBox *targetChoice() const { return m_targetChoice; }
    QLineEdit *targetUrl() const { return m_targetUrl; }
    QComboBox *secret() const { return m_secret; }
    QPlainTextEdit *payload() const { return m_payload; }
    QLabel *note() const { return m_note; }
    QLabel *answerStatus() const { return m_answerStatus; }
    TextPane *answer() const { return m_answer; }
    QPushButton *sendButton() const { return m_send; }
    QPushButton *resetButton() const { return m_reset; }

signals:
    void answered(const Hookscope::DeliveryResult &result);
    // An event signed for this receiver went to a path no binding covered: from now on the
    // receiver checks that path with the secret it was signed with.
    void bindingAdded(const Hookscope::SignatureBinding &binding);

private:
    enum Target { ThisReceiver, LastReplayTarget, AnotherUrl };

    const TestEvent *current() const;
    void showCurrent();
    void showTarget();
    void chooseSecret();
    void keepPayload();
    void sendSigned(const std::optional<QByteArray> &secret);
    // Binds the secret to `path` unless a binding covers it; says so, or returns empty.
    QString bindForReceiver(const TestEvent &event, const QByteArray &path);
    void showAnswer(const DeliveryResult &result, const QString &sent);

    TestEventCatalog m_catalog;
    QString m_receiverUrl;
    QString m_lastReplayTarget;
    QList<SignatureBinding> m_bindings;
    SecretStore &m_secrets;
    Sender m_sender;
    bool m_showing = false; // filling the payload, not the user editing it
    QTreeWidget *m_events;
    QComboBox *m_targetChoice;
    QLineEdit *m_targetUrl;
    QComboBox *m_secret;
    QPlainTextEdit *m_payload;
    QLabel *m_note;
    QPushButton *m_reset;
    QPushButton *m_send;
    QLabel *m_answerStatus;
    TextPane *m_answer;
};

} // namespace Hookscope
