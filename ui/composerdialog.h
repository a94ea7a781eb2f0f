#pragma once

#include "collections/collection.h"
#include "delivery/sender.h"
#include "store/sendhistory.h"
#include "signing/signature.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace Hookscope {

class ExpectationsEditor;
class SecretStore;
class TextPane;

// Compose a request (or edit a captured one) and send it: method, URL and headers with
// {{variables}}, a body editor that colours and checks JSON, and the answer with its timing.
// Every send is kept in the store's send history, listed on the left.
class ComposerDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit ComposerDialog(const QString &storePath, QWidget *parent = nullptr);

    // Fills the fields, e.g. from a capture ("Edit and Resend").
    void load(const OutgoingRequest &request);
    // Fills the fields from a collection's request, {{placeholders}} as written.
    void load(const RequestTemplate &request);
    // The Variables tab's rows, replaced.
    void setVariables(const QHash<QString, QString> &values);
    // Reads a curl command from `text` (e.g. the clipboard) into the fields; false, with the
    // reason shown, when it is not one.
    bool pasteCurl(const QString &text);
    // The fields as written, placeholders and all (what "Save to Collection" keeps).
    RequestTemplate requestTemplate() const;
    // Names the collection item the fields came from (shown in the title); empty: none.
    void setOrigin(const QString &itemName);
    // Where the secrets for signing come from; without it the Sign tab is off.
    void setSecrets(SecretStore *secrets);
    // Signs each send with `scheme` and the secret named (a fresh timestamp and message id
    // each time, so an edited body verifies); no scheme: sent as the headers say.
    void setSigning(const std::optional<SignatureScheme> &scheme, const QString &secretName);
    // What the fields describe, variables expanded; nothing, with the reason, when it cannot
    // be sent (an invalid URL, a variable without a value). Secrets are read only by send().
    std::optional<OutgoingRequest> request(QString *error) const;
    void send();

    QComboBox *method() const { return m_method; }
    QLineEdit *url() const { return m_url; }
    QTableWidget *headers() const { return m_headers; }
    QTableWidget *variables() const { return m_variables; }
    QPlainTextEdit *body() const { return m_body; }
    QLabel *bodyProblem() const { return m_bodyProblem; }
    QLabel *answerStatus() const { return m_answerStatus; }
    TextPane *answerBody() const { return m_answerBody; }
    QListWidget *history() const { return m_history; }
    QComboBox *signScheme() const { return m_signScheme; }
    QComboBox *signSecret() const { return m_signSecret; }
    QComboBox *authKind() const { return m_authKind; }
    QLineEdit *authUser() const { return m_authUser; }
    QLineEdit *authPassword() const { return m_authPassword; }
    QLineEdit *authToken() const { return m_authToken; }
    QPushButton *saveButton() const { return m_save; }
    QPushButton *sendButton() const { return m_send; }
    ExpectationsEditor *expectations() const { return m_expect; }

signals:
    void answered(const Hookscope::SentRequest &sent);
    // "Save to Collection": where it goes is for the window to decide.
    void saveRequested(const Hookscope::RequestTemplate &request);

private:
    void showSecretNames();
    void addHeaderRow(const QByteArray &name, const QByteArray &value, bool enabled = true);
    void setContentType(const QString &type);
    void checkBody();
    // A method that is not an HTTP token is refused as it is typed: Send waits for a good one.
    void checkMethod();
    void formatBody();
    void showAnswer(const SentRequest &sent);
    void showProblem(const QString &problem);
    QHash<QString, QString> variableValues() const;
    void reloadHistory();
    // `recorded` is what the history keeps: `outgoing` with {{secret:NAME}} for secret values.
    void sendNow(const OutgoingRequest &outgoing, const OutgoingRequest &recorded);
    // Signs (when the Sign tab says so) and sends.
    void sendResolved(const OutgoingRequest &resolved, const OutgoingRequest &recorded);
    // Replaces (or adds) the rows of these headers, so the table shows what was sent.
    void showHeaders(const HeaderList &headers);

    SendHistory m_store;
    Sender m_sender;
    QList<SentRequest> m_sent; // as listed in m_history
    QComboBox *m_method;
    QLineEdit *m_url;
    QPushButton *m_send;
    QTableWidget *m_headers;
    QTableWidget *m_variables;
    QComboBox *m_contentType;
    QPlainTextEdit *m_body;
    QLabel *m_bodyProblem;
    QLabel *m_answerStatus;
    QTableWidget *m_answerHeaders;
    TextPane *m_answerBody;
    QListWidget *m_history;
    SecretStore *m_secrets = nullptr;
    QComboBox *m_signScheme;
    QComboBox *m_signSecret;
    QComboBox *m_authKind;
    QLineEdit *m_authUser;
    QLineEdit *m_authPassword;
    QLineEdit *m_authToken;
    QPushButton *m_save;
    ExpectationsEditor *m_expect;
    bool m_methodRefused = false;
    QString m_statusBeforeRefusal; // shown again once the method is right
};

} // namespace Hookscope
