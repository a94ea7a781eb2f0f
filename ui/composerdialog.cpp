#include "composerdialog.h"

#include "editabletable.h"
#include "expectationseditor.h"
#include "jsonhighlighter.h"
#include "palettetone.h"
#include "textpane.h"

#include "body/bodyformatter.h"
#include "collections/curlcommand.h"
#include "secrets/secretstore.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextCursor>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

enum HeaderColumn { NameColumn, ValueColumn };

} // namespace

ComposerDialog::ComposerDialog(const QString &storePath, QWidget *parent)
    : QDialog(parent)
    , m_store(storePath)
    , m_method(new QComboBox(this))
    , m_url(new QLineEdit(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_headers(makeEditableTable({tr("Name"), tr("Value")}, this))
    , m_variables(makeEditableTable({tr("Variable"), tr("Value")}, this))
    , m_contentType(new QComboBox(this))
    , m_body(new QPlainTextEdit(this))
    , m_bodyProblem(new QLabel(this))
    , m_answerStatus(new QLabel(this))
    , m_answerHeaders(makeEditableTable({tr("Name"), tr("Value")}, this))
    , m_answerBody(new TextPane(this))
    , m_history(new QListWidget(this))
    , m_signScheme(new QComboBox(this))
    , m_signSecret(new QComboBox(this))
    , m_authKind(new QComboBox(this))
    , m_authUser(new QLineEdit(this))
    , m_authPassword(new QLineEdit(this))
    , m_authToken(new QLineEdit(this))
    , m_save(new QPushButton(tr("Save to Collection…"), this))
    , m_expect(new ExpectationsEditor(this))
{
    setWindowTitle(tr("Compose Request"));
    resize(1100, 720);
    m_store.open(nullptr);

    m_method->setEditable(true); // any method, as the receiver accepts any
    m_method->addItems({QStringLiteral("POST"), QStringLiteral("GET"), QStringLiteral("PUT"),
                        QStringLiteral("PATCH"), QStringLiteral("DELETE"), QStringLiteral("HEAD"),
                        QStringLiteral("OPTIONS")});
    connect(m_method, &QComboBox::editTextChanged, this, &ComposerDialog::checkMethod);
    m_url->setPlaceholderText(tr("http://localhost:3000/webhooks/stripe — {{variables}} allowed"));
    m_send->setDefault(true);
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_send->setToolTip(tr("Send (Ctrl+Enter)"));

    // Headers: the check box on the name turns a row off without deleting it.
    auto *addHeader = new QPushButton(tr("Add Header"), this);
    auto *removeHeader = new QPushButton(tr("Remove"), this);
    connect(addHeader, &QPushButton::clicked, this, [this] { addHeaderRow({}, {}); });
    connect(removeHeader, &QPushButton::clicked, this,
            [this] { m_headers->removeRow(m_headers->currentRow()); });
    auto *headersPage = new QWidget(this);
    auto *headersLayout = new QVBoxLayout(headersPage);
    auto *headerButtons = new QHBoxLayout;
    headerButtons->addWidget(addHeader);
    headerButtons->addWidget(removeHeader);
    headerButtons->addStretch();
    headersLayout->addWidget(m_headers);
    headersLayout->addLayout(headerButtons);

    m_contentType->addItems({tr("Content type…"), QStringLiteral("application/json"),
                             QStringLiteral("application/x-www-form-urlencoded"),
                             QStringLiteral("application/xml"), QStringLiteral("text/plain")});
    connect(m_contentType, &QComboBox::activated, this, [this](int index) {
        if (index > 0)
            setContentType(m_contentType->itemText(index));
        m_contentType->setCurrentIndex(0);
    });
    auto *format = new QPushButton(tr("Format JSON"), this);
    connect(format, &QPushButton::clicked, this, &ComposerDialog::formatBody);
    m_body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_body->setLineWrapMode(QPlainTextEdit::NoWrap);
    new JsonHighlighter(m_body->document());
    m_bodyProblem->setWordWrap(true);
    connect(m_body, &QPlainTextEdit::textChanged, this, &ComposerDialog::checkBody);
    auto *bodyPage = new QWidget(this);
    auto *bodyLayout = new QVBoxLayout(bodyPage);
    auto *bodyTools = new QHBoxLayout;
    bodyTools->addWidget(m_contentType);
    bodyTools->addWidget(format);
    bodyTools->addStretch();
    bodyLayout->addLayout(bodyTools);
    bodyLayout->addWidget(m_body);
    bodyLayout->addWidget(m_bodyProblem);

    auto *addVariable = new QPushButton(tr("Add Variable"), this);
    connect(addVariable, &QPushButton::clicked, this,
            [this] { m_variables->insertRow(m_variables->rowCount()); });
    auto *variablesPage = new QWidget(this);
    auto *variablesLayout = new QVBoxLayout(variablesPage);
    variablesLayout->addWidget(m_variables);
    variablesLayout->addWidget(addVariable, 0, Qt::AlignLeft);

    m_signScheme->setEditable(true); // a generic scheme is written out
    m_signScheme->addItem(tr("Do not sign"));
    m_signScheme->addItems(SignatureScheme::names());
    auto *signPage = new QWidget(this);
    auto *signLayout = new QFormLayout(signPage);
    signLayout->addRow(tr("Scheme:"), m_signScheme);
    signLayout->addRow(tr("Secret:"), m_signSecret);
    auto *signNote = new QLabel(tr("Each send is signed again over the body as sent, with a fresh "
                                   "timestamp and message id: the signature headers in the "
                                   "Headers tab are replaced."),
                                signPage);
    signNote->setWordWrap(true);
    signLayout->addRow(signNote);
    signPage->setEnabled(false); // until there are secrets to sign with

    // Auth: built into an Authorization header at send time, after {{variables}} are filled in
    // (a Basic header is base64 of the values, so it cannot hold a placeholder itself).
    m_authKind->addItems({tr("None"), tr("Basic"), tr("Bearer token")});
    m_authPassword->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_authPassword->setPlaceholderText(tr("{{secret:name}} reads it from the keychain"));
    m_authToken->setPlaceholderText(tr("{{secret:name}} reads it from the keychain"));
    auto *authPage = new QWidget(this);
    auto *authLayout = new QFormLayout(authPage);
    authLayout->addRow(tr("Type:"), m_authKind);
    authLayout->addRow(tr("User name:"), m_authUser);
    authLayout->addRow(tr("Password:"), m_authPassword);
    authLayout->addRow(tr("Token:"), m_authToken);
    const auto showAuthFields = [this, authLayout] {
        const int kind = m_authKind->currentIndex();
        authLayout->setRowVisible(m_authUser, kind == int(RequestAuth::Kind::Basic));
        authLayout->setRowVisible(m_authPassword, kind == int(RequestAuth::Kind::Basic));
        authLayout->setRowVisible(m_authToken, kind == int(RequestAuth::Kind::Bearer));
    };
    connect(m_authKind, &QComboBox::currentIndexChanged, this, showAuthFields);
    showAuthFields();

    auto *requestTabs = new QTabWidget(this);
    requestTabs->addTab(bodyPage, tr("Body"));
    requestTabs->addTab(headersPage, tr("Headers"));
    requestTabs->addTab(authPage, tr("Auth"));
    requestTabs->addTab(variablesPage, tr("Variables"));
    requestTabs->addTab(signPage, tr("Sign"));
    requestTabs->addTab(m_expect, tr("Expect"));
    // Kept only when every expectation can be checked.
    connect(m_expect, &ExpectationsEditor::changed, this,
            [this] { m_save->setEnabled(m_expect->problem().isEmpty()); });

    m_answerStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_answerStatus->setText(tr("Not sent yet."));
    m_answerStatus->setForegroundRole(QPalette::PlaceholderText);
    m_answerHeaders->setEditTriggers(QAbstractItemView::NoEditTriggers);
    auto *answerTabs = new QTabWidget(this);
    answerTabs->addTab(m_answerBody, tr("Answer"));
    answerTabs->addTab(m_answerHeaders, tr("Answer Headers"));
    auto *answer = new QWidget(this);
    auto *answerLayout = new QVBoxLayout(answer);
    answerLayout->setContentsMargins(0, 0, 0, 0);
    answerLayout->addWidget(m_answerStatus);
    answerLayout->addWidget(answerTabs);

    auto *pasteCurlButton = new QPushButton(tr("Paste cURL"), this);
    pasteCurlButton->setToolTip(tr("Fill the request from a curl command on the clipboard (as "
                                   "browsers' \"Copy as cURL\" write it)"));
    connect(pasteCurlButton, &QPushButton::clicked, this,
            [this] { pasteCurl(QApplication::clipboard()->text()); });
    m_save->setToolTip(tr("Keep this request, {{variables}} and all, in a collection"));
    connect(m_save, &QPushButton::clicked, this, [this] { emit saveRequested(requestTemplate()); });
    auto *requestLine = new QHBoxLayout;
    requestLine->addWidget(m_method);
    requestLine->addWidget(m_url, 1);
    requestLine->addWidget(m_send);
    requestLine->addWidget(pasteCurlButton);
    requestLine->addWidget(m_save);
    auto *editor = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editor);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->addLayout(requestLine);
    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(requestTabs);
    vertical->addWidget(answer);
    editorLayout->addWidget(vertical);

    m_history->setToolTip(tr("Sent before (kept in the store); click one to load it"));
    connect(m_history, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < m_sent.size()) {
            load(m_sent.at(row).request);
            showAnswer(m_sent.at(row));
        }
    });
    auto *horizontal = new QSplitter(Qt::Horizontal, this);
    horizontal->addWidget(m_history);
    horizontal->addWidget(editor);
    horizontal->setSizes({220, 880});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(horizontal);

    connect(m_send, &QPushButton::clicked, this, &ComposerDialog::send);
    reloadHistory();
    checkBody();
}

void ComposerDialog::addHeaderRow(const QByteArray &name, const QByteArray &value, bool enabled)
{
    const int row = m_headers->rowCount();
    m_headers->insertRow(row);
    auto *nameItem = new QTableWidgetItem(QString::fromUtf8(name));
    nameItem->setFlags(nameItem->flags() | Qt::ItemIsUserCheckable);
    nameItem->setCheckState(enabled ? Qt::Checked : Qt::Unchecked);
    m_headers->setItem(row, NameColumn, nameItem);
    m_headers->setItem(row, ValueColumn, new QTableWidgetItem(QString::fromUtf8(value)));
}

void ComposerDialog::setContentType(const QString &type)
{
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        QTableWidgetItem *name = m_headers->item(row, NameColumn);
        if (name && name->text().compare(QLatin1String("Content-Type"), Qt::CaseInsensitive) == 0) {
            m_headers->item(row, ValueColumn)->setText(type);
            name->setCheckState(Qt::Checked);
            checkBody();
            return;
        }
    }
    addHeaderRow("Content-Type", type.toUtf8());
    checkBody();
}

void ComposerDialog::load(const OutgoingRequest &request)
{
    load(RequestTemplate::fromOutgoing(request));
}

void ComposerDialog::load(const RequestTemplate &request)
{
    m_method->setCurrentText(QString::fromUtf8(request.method));
    m_url->setText(request.url);
    m_headers->setRowCount(0);
    for (const TemplateHeader &header : request.headers)
        addHeaderRow(header.name, header.value, header.enabled);
    m_body->setPlainText(QString::fromUtf8(request.body));
    m_authKind->setCurrentIndex(int(request.auth.kind));
    m_authUser->setText(request.auth.username);
    m_authPassword->setText(request.auth.password);
    m_authToken->setText(request.auth.token);
    QString unused;
    setSigning(request.signing.isSet() ? SignatureScheme::parse(request.signing.scheme, &unused)
                                       : std::nullopt,
               request.signing.secretName);
    m_expect->setExpectations(request.expect);
}

void ComposerDialog::setVariables(const QHash<QString, QString> &values)
{
    QStringList names = values.keys();
    names.sort();
    m_variables->setRowCount(0);
    for (const QString &name : std::as_const(names)) {
        const int row = m_variables->rowCount();
        m_variables->insertRow(row);
        m_variables->setItem(row, 0, new QTableWidgetItem(name));
        m_variables->setItem(row, 1, new QTableWidgetItem(values.value(name)));
    }
}

bool ComposerDialog::pasteCurl(const QString &text)
{
    QString error;
    const std::optional<RequestTemplate> parsed = CurlCommand::parse(text, &error);
    if (!parsed) {
        showProblem(tr("Not a usable curl command: %1").arg(error));
        return false;
    }
    load(*parsed);
    m_answerStatus->setText(tr("Filled in from a curl command; not sent yet."));
    m_answerStatus->setForegroundRole(QPalette::PlaceholderText);
    return true;
}

void ComposerDialog::setOrigin(const QString &itemName)
{
    setWindowTitle(itemName.isEmpty() ? tr("Compose Request")
                                      : tr("%1 — Compose Request").arg(itemName));
    m_save->setText(itemName.isEmpty() ? tr("Save to Collection…") : tr("Save"));
}

RequestTemplate ComposerDialog::requestTemplate() const
{
    RequestTemplate request;
    request.method = m_method->currentText().trimmed().toUtf8();
    request.url = m_url->text().trimmed();
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QTableWidgetItem *name = m_headers->item(row, NameColumn);
        const QTableWidgetItem *value = m_headers->item(row, ValueColumn);
        if (name && !name->text().trimmed().isEmpty())
            request.headers.append({name->text().trimmed().toUtf8(),
                                    value ? value->text().toUtf8() : QByteArray(),
                                    name->checkState() == Qt::Checked});
    }
    request.body = m_body->toPlainText().toUtf8();
    request.auth = {RequestAuth::Kind(m_authKind->currentIndex()), m_authUser->text(),
                    m_authPassword->text(), m_authToken->text()};
    // Kept signed: each send (a Run, the composer) signs it afresh.
    if (m_signScheme->currentText() != m_signScheme->itemText(0)
        && !m_signSecret->currentText().isEmpty())
        request.signing = {m_signScheme->currentText().trimmed(), m_signSecret->currentText()};
    request.expect = m_expect->expectations().value_or(Expectations());
    return request;
}

QHash<QString, QString> ComposerDialog::variableValues() const
{
    QHash<QString, QString> variables;
    for (int row = 0; row < m_variables->rowCount(); ++row) {
        const QTableWidgetItem *name = m_variables->item(row, 0);
        const QTableWidgetItem *value = m_variables->item(row, 1);
        if (name && !name->text().trimmed().isEmpty())
            variables.insert(name->text().trimmed(), value ? value->text() : QString());
    }
    return variables;
}

std::optional<OutgoingRequest> ComposerDialog::request(QString *error) const
{
    QString problem;
    RequestTemplate asWritten = requestTemplate();
    asWritten.signing = {}; // signed at send, with the secret read then
    std::optional<OutgoingRequest> request = asWritten.resolve(variableValues(), &problem);
    if (!request) {
        *error = problem.startsWith(QLatin1String("no value for"))
                     ? tr("No value for %1: add it under Variables").arg(problem.mid(13))
                     : problem;
    }
    return request;
}

void ComposerDialog::checkMethod()
{
    const QString problem = methodProblem(m_method->currentText().trimmed().toUtf8());
    if (!problem.isEmpty()) {
        if (!m_methodRefused)
            m_statusBeforeRefusal = m_answerStatus->text();
        m_methodRefused = true;
        m_send->setEnabled(false);
        m_answerStatus->setText(problem);
    } else if (m_methodRefused) {
        m_methodRefused = false;
        m_send->setEnabled(true);
        m_answerStatus->setText(m_statusBeforeRefusal);
    }
}

void ComposerDialog::showProblem(const QString &problem)
{
    m_send->setEnabled(!m_methodRefused);
    m_answerStatus->setText(problem);
    m_answerStatus->setForegroundRole(QPalette::WindowText);
}

void ComposerDialog::send()
{
    // {{secret:NAME}} values come from the keychain now, and only into what is sent. The Sign
    // tab signs it once resolved (sendResolved), not the template.
    RequestTemplate written = requestTemplate();
    written.signing = {};
    const QStringList secretNames = written.secretNames();
    if (!secretNames.isEmpty() && !m_secrets) {
        showProblem(tr("Not sent: it refers to the secret \"%1\", and no keychain is open")
                        .arg(secretNames.first()));
        return;
    }
    m_send->setEnabled(false);
    const auto withSecrets
        = [this, written](const QHash<QString, QString> &values, const QString &secretError) {
              if (!secretError.isEmpty()) {
                  showProblem(tr("Not sent: %1").arg(secretError));
                  return;
              }
              QString error;
              const std::optional<OutgoingRequest> outgoing = written.resolve(values, &error);
              if (!outgoing) {
                  showProblem(error.startsWith(QLatin1String("no value for"))
                                  ? tr("No value for %1: add it under Variables").arg(error.mid(13))
                                  : error);
                  return;
              }
              // The history keeps {{secret:NAME}} where the secret's value went out.
              QHash<QString, QString> placeholders = values;
              for (const QString &name : written.secretNames())
                  placeholders.insert(QStringLiteral("secret:") + name,
                                      QStringLiteral("{{secret:%1}}").arg(name));
              sendResolved(*outgoing, *written.resolve(placeholders, &error));
          };
    if (secretNames.isEmpty())
        withSecrets(variableValues(), {});
    else
        m_secrets->readPlaceholders(secretNames, variableValues(), withSecrets);
}

void ComposerDialog::sendResolved(const OutgoingRequest &resolved, const OutgoingRequest &recorded)
{
    QString error;
    m_answerStatus->setText(tr("Sending to %1…").arg(resolved.url.toString()));
    if (m_signScheme->currentText() == m_signScheme->itemText(0) || !m_secrets) {
        sendNow(resolved, recorded);
        return;
    }
    std::optional<SignatureScheme> scheme
        = SignatureScheme::parse(m_signScheme->currentText(), &error);
    if (!scheme) {
        showProblem(tr("Not sent: %1").arg(error));
        return;
    }
    const QString secretName = m_signSecret->currentText();
    m_secrets->read(secretName, [this, scheme = *scheme, outgoing = resolved,
                                 recorded = recorded](const std::optional<QByteArray> &secret,
                                                      const QString &readError) mutable {
        QString signError = readError;
        HeaderList signature;
        if (secret) {
            signature = Signatures::sign(scheme, *secret, SignedRequest::fromOutgoing(outgoing),
                                         QDateTime::currentSecsSinceEpoch(),
                                         Signatures::newMessageId(), &signError);
        }
        if (signature.isEmpty()) {
            showProblem(tr("Not sent: %1").arg(signError));
            return;
        }
        outgoing.headers = Signatures::withHeaders(outgoing.headers, signature);
        recorded.headers = Signatures::withHeaders(recorded.headers, signature);
        showHeaders(signature);
        sendNow(outgoing, recorded);
    });
}

void ComposerDialog::sendNow(const OutgoingRequest &outgoing, const OutgoingRequest &recorded)
{
    m_sender.send(outgoing, SendOptions(), [this, recorded](const DeliveryResult &result) {
        m_send->setEnabled(!m_methodRefused);
        SentRequest sent{m_store.add(recorded, result), recorded, result};
        reloadHistory();
        showAnswer(sent);
        if (!sent.id)
            m_answerStatus->setText(m_answerStatus->text()
                                    + tr(" — not kept in the history: the store could not be "
                                         "written (see the log)"));
        emit answered(sent);
    });
}

void ComposerDialog::showHeaders(const HeaderList &headers)
{
    for (const HeaderField &header : headers) {
        bool shown = false;
        for (int row = 0; row < m_headers->rowCount() && !shown; ++row) {
            QTableWidgetItem *name = m_headers->item(row, NameColumn);
            if (name && name->text().toUtf8().compare(header.name, Qt::CaseInsensitive) == 0) {
                m_headers->item(row, ValueColumn)->setText(QString::fromUtf8(header.value));
                name->setCheckState(Qt::Checked);
                shown = true;
            }
        }
        if (!shown)
            addHeaderRow(header.name, header.value);
    }
}

void ComposerDialog::setSecrets(SecretStore *secrets)
{
    m_secrets = secrets;
    // A secret added meanwhile (in the Signatures dialog, say) is offered at once.
    connect(secrets, &SecretStore::namesChanged, this, &ComposerDialog::showSecretNames,
            Qt::UniqueConnection);
    showSecretNames();
}

void ComposerDialog::showSecretNames()
{
    const QString chosen = m_signSecret->currentText();
    m_signSecret->clear();
    m_signSecret->addItems(m_secrets->names());
    m_signSecret->setCurrentText(chosen);
    m_signScheme->parentWidget()->setEnabled(!m_secrets->names().isEmpty());
}

void ComposerDialog::setSigning(const std::optional<SignatureScheme> &scheme,
                                const QString &secretName)
{
    // A named scheme is picked from the list; a generic one is written out.
    const int listed = scheme ? m_signScheme->findText(scheme->name()) : 0;
    m_signScheme->setCurrentIndex(std::max(listed, 0));
    if (listed < 0)
        m_signScheme->setEditText(scheme->name());
    if (m_signSecret->findText(secretName) < 0 && !secretName.isEmpty())
        m_signSecret->addItem(secretName);
    m_signSecret->setCurrentText(secretName);
}

void ComposerDialog::showAnswer(const SentRequest &sent)
{
    const DeliveryResult &result = sent.result;
    m_answerStatus->setForegroundRole(QPalette::WindowText);
    m_answerStatus->setText(result.status ? tr("%1 %2 · %3 ms")
                                                .arg(result.status)
                                                .arg(QString::fromUtf8(result.reason))
                                                .arg(double(result.durationUs) / 1000, 0, 'f', 1)
                                          : tr("No answer: %1 · after %2 ms")
                                                .arg(result.error)
                                                .arg(double(result.durationUs) / 1000, 0, 'f', 1));
    m_answerHeaders->setRowCount(int(result.headers.size()));
    for (int row = 0; row < result.headers.size(); ++row) {
        m_answerHeaders->setItem(row, 0,
                                 new QTableWidgetItem(QString::fromUtf8(result.headers[row].name)));
        m_answerHeaders->setItem(
            row, 1, new QTableWidgetItem(QString::fromUtf8(result.headers[row].value)));
    }
    const FormattedBody pretty
        = BodyFormatter::format(result.body, headerValue(result.headers, "Content-Type"));
    m_answerBody->setText(pretty.kind == FormattedBody::Kind::Binary
                              ? tr("%n byte(s) of binary data", nullptr, int(result.body.size()))
                              : pretty.text,
                          pretty.kind == FormattedBody::Kind::Json ? TextPane::Syntax::Json
                                                                   : TextPane::Syntax::Plain);
}

void ComposerDialog::checkBody()
{
    // JSON is checked when the headers say it is JSON: where it breaks, by line and column, and
    // marked in the text.
    bool json = false;
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QTableWidgetItem *name = m_headers->item(row, NameColumn);
        const QTableWidgetItem *value = m_headers->item(row, ValueColumn);
        if (name && value && name->checkState() == Qt::Checked
            && name->text().compare(QLatin1String("Content-Type"), Qt::CaseInsensitive) == 0)
            json = value->text().contains(QLatin1String("json"), Qt::CaseInsensitive);
    }
    QString error;
    qsizetype errorOffset = -1;
    const QByteArray body = m_body->toPlainText().toUtf8();
    if (json && !body.trimmed().isEmpty())
        BodyFormatter::indentJson(body, &error, &errorOffset);
    QList<QTextEdit::ExtraSelection> marks;
    if (!error.isEmpty() && errorOffset >= 0) {
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_body->document());
        // The character there (or the last one, when the text ended too soon).
        const int at = int(QString::fromUtf8(body.left(errorOffset)).size());
        mark.cursor.setPosition(std::min(at, std::max(0, int(m_body->toPlainText().size()) - 1)));
        mark.cursor.movePosition(QTextCursor::NextCharacter, QTextCursor::KeepAnchor);
        mark.format.setBackground(paletteTone(0).lighter(170));
        mark.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        mark.format.setUnderlineColor(paletteTone(0));
        marks.append(mark);
    }
    m_body->setExtraSelections(marks);
    m_bodyProblem->setText(error);
    m_bodyProblem->setVisible(!error.isEmpty());
    showAsWarning(m_bodyProblem);
}

void ComposerDialog::formatBody()
{
    QString error;
    const QString formatted = BodyFormatter::indentJson(m_body->toPlainText().toUtf8(), &error);
    if (error.isEmpty())
        m_body->setPlainText(formatted);
    else
        m_bodyProblem->setText(error);
}

void ComposerDialog::reloadHistory()
{
    const QSignalBlocker blocker(m_history);
    m_sent = m_store.recent(200);
    m_history->clear();
    for (const SentRequest &sent : std::as_const(m_sent)) {
        auto *item = new QListWidgetItem(
            QStringLiteral("%1 %2\n%3  %4")
                .arg(QString::fromUtf8(sent.request.method), sent.request.url.path(),
                     sent.result.status ? QString::number(sent.result.status) : tr("no answer"),
                     QDateTime::fromMSecsSinceEpoch(sent.result.startedAtUs / 1000)
                         .toString(QStringLiteral("MM-dd HH:mm:ss"))),
            m_history);
        item->setToolTip(sent.request.url.toString());
    }
}

} // namespace Hookscope
