#include "testeventdialog.h"

#include "jsonhighlighter.h"
#include "palettetone.h"
#include "textpane.h"

#include "body/bodyformatter.h"
#include "secrets/secretstore.h"
#include "session/settings.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

enum Role { ProviderRole = Qt::UserRole, NameRole };

QString eventKey(const TestEvent &event)
{
    return event.provider + QLatin1Char('/') + event.name;
}

} // namespace

TestEventDialog::TestEventDialog(const QString &receiverUrl,
                                 const QList<SignatureBinding> &bindings, SecretStore &secrets,
                                 QWidget *parent)
    : QDialog(parent)
    , m_catalog(TestEventCatalog::load(TestEventCatalog::ownEventsPath()))
    , m_receiverUrl(receiverUrl.endsWith(QLatin1Char('/')) ? receiverUrl.chopped(1) : receiverUrl)
    , m_lastReplayTarget(Settings().replayTarget())
    , m_bindings(bindings)
    , m_secrets(secrets)
    , m_events(new QTreeWidget(this))
    , m_targetChoice(new QComboBox(this))
    , m_targetUrl(new QLineEdit(this))
    , m_secret(new QComboBox(this))
    , m_payload(new QPlainTextEdit(this))
    , m_note(new QLabel(this))
    , m_reset(new QPushButton(tr("Reset Payload"), this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_answerStatus(new QLabel(this))
    , m_answer(new TextPane(this))
{
    setWindowTitle(tr("Send Test Event"));
    resize(1000, 680);

    m_events->setHeaderHidden(true);
    m_events->setRootIsDecorated(true);
    for (const QString &provider : m_catalog.providers()) {
        const QList<TestEvent> events = m_catalog.eventsOf(provider);
        auto *folder = new QTreeWidgetItem(m_events, {events.constFirst().providerTitle});
        folder->setFlags(Qt::ItemIsEnabled);
        for (const TestEvent &event : events) {
            auto *item = new QTreeWidgetItem(
                folder, {event.isOwn ? tr("%1 (yours)").arg(event.name) : event.name});
            item->setData(0, ProviderRole, event.provider);
            item->setData(0, NameRole, event.name);
        }
    }
    m_events->expandAll();
    connect(m_events, &QTreeWidget::currentItemChanged, this, &TestEventDialog::showCurrent);

    m_targetChoice->addItem(tr("This receiver"));
    m_targetChoice->addItem(tr("Last replay target"));
    m_targetChoice->addItem(tr("Another URL"));
    if (m_lastReplayTarget.isEmpty())
        m_targetChoice->setItemData(LastReplayTarget, false, Qt::UserRole - 1); // off: none yet
    if (m_receiverUrl.isEmpty())
        m_targetChoice->setItemData(ThisReceiver, false, Qt::UserRole - 1);
    m_targetChoice->setCurrentIndex(!m_receiverUrl.isEmpty()        ? ThisReceiver
                                    : !m_lastReplayTarget.isEmpty() ? LastReplayTarget
                                                                    : AnotherUrl);
    m_targetUrl->setPlaceholderText(tr("http://localhost:3000/webhooks"));
    connect(m_targetChoice, &QComboBox::currentIndexChanged, this, &TestEventDialog::showTarget);
    connect(m_targetChoice, &QComboBox::currentIndexChanged, this, &TestEventDialog::chooseSecret);
    auto *targetRow = new QHBoxLayout;
    targetRow->addWidget(m_targetChoice);
    targetRow->addWidget(m_targetUrl, 1);

    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setLineWrapMode(QPlainTextEdit::NoWrap);
    new JsonHighlighter(m_payload->document());
    connect(m_payload, &QPlainTextEdit::textChanged, this, &TestEventDialog::keepPayload);
    connect(m_reset, &QPushButton::clicked, this, [this] {
        if (const TestEvent *event = current()) {
            Settings().setTestEventPayload(eventKey(*event), {});
            showCurrent();
        }
    });
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText);

    m_send->setDefault(true);
    m_send->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_send->setToolTip(tr("Send (Ctrl+Enter)"));
    connect(m_send, &QPushButton::clicked, this, &TestEventDialog::send);
    m_answerStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_answerStatus->setWordWrap(true);
    m_answer->setPlaceholderText(tr("What the target answers appears here."));

    auto *form = new QFormLayout;
    auto *targetLabel = new QLabel(tr("Send &to:"), this);
    targetLabel->setBuddy(m_targetChoice);
    form->addRow(targetLabel, targetRow);
    form->addRow(tr("Signed &with:"), m_secret);
    auto *payloadTools = new QHBoxLayout;
    payloadTools->addWidget(new QLabel(tr("Payload — {{$guid}}, {{$timestamp}} and the like are "
                                          "fresh at each send"),
                                       this),
                            1);
    payloadTools->addWidget(m_reset);
    auto *sendRow = new QHBoxLayout;
    sendRow->addWidget(m_answerStatus, 1);
    sendRow->addWidget(m_send);
    auto *editor = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editor);
    editorLayout->setContentsMargins(0, 0, 0, 0);
    editorLayout->addLayout(form);
    editorLayout->addLayout(payloadTools);
    editorLayout->addWidget(m_payload, 3);
    editorLayout->addWidget(m_note);
    editorLayout->addLayout(sendRow);
    editorLayout->addWidget(m_answer, 2);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_events);
    split->addWidget(editor);
    split->setStretchFactor(1, 1);
    split->setSizes({240, 760});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    if (!m_catalog.problem().isEmpty()) {
        m_answerStatus->setText(m_catalog.problem());
        showAsWarning(m_answerStatus);
    }
    m_events->setCurrentItem(m_events->topLevelItem(0)->child(0));
    showTarget();
}

bool TestEventDialog::select(const QString &provider, const QString &name)
{
    for (int top = 0; top < m_events->topLevelItemCount(); ++top) {
        QTreeWidgetItem *folder = m_events->topLevelItem(top);
        for (int row = 0; row < folder->childCount(); ++row) {
            QTreeWidgetItem *item = folder->child(row);
            if (item->data(0, ProviderRole).toString().compare(provider, Qt::CaseInsensitive) == 0
                && item->data(0, NameRole).toString() == name) {
                m_events->setCurrentItem(item);
                return true;
            }
        }
    }
    return false;
}

const TestEvent *TestEventDialog::current() const
{
    const QTreeWidgetItem *item = m_events->currentItem();
    if (!item || item->data(0, NameRole).isNull())
        return nullptr;
    return m_catalog.find(item->data(0, ProviderRole).toString(),
                          item->data(0, NameRole).toString());
}

void TestEventDialog::showCurrent()
{
    const TestEvent *event = current();
    m_send->setEnabled(event);
    m_reset->setEnabled(event);
    if (!event)
        return;
    const QByteArray edited = Settings().testEventPayload(eventKey(*event));
    m_showing = true;
    m_payload->setPlainText(QString::fromUtf8(edited.isEmpty() ? event->request.body : edited));
    m_showing = false;
    m_reset->setEnabled(!edited.isEmpty());
    showTarget();
    chooseSecret();
}

void TestEventDialog::showTarget()
{
    const TestEvent *event = current();
    const auto choice = Target(m_targetChoice->currentIndex());
    m_targetUrl->setReadOnly(choice != AnotherUrl);
    if (choice == ThisReceiver && event) // each provider to a path of its own
        m_targetUrl->setText(m_receiverUrl + QLatin1Char('/') + event->provider);
    else if (choice == LastReplayTarget)
        m_targetUrl->setText(m_lastReplayTarget);
    else if (m_targetUrl->isReadOnly() == false && m_targetUrl->text() == m_receiverUrl)
        m_targetUrl->clear();
}

// The secret this receiver checks the event's path with, else the one the catalog names, when
// the keychain holds it; else unsigned, saying how to sign it.
void TestEventDialog::chooseSecret()
{
    const TestEvent *event = current();
    m_secret->clear();
    m_note->clear();
    if (!event)
        return;
    if (!event->isSigned()) {
        m_secret->addItem(tr("Not signed: %1 events carry no signature").arg(event->providerTitle));
        m_secret->setEnabled(false);
        return;
    }
    m_secret->setEnabled(true);
    m_secret->addItem(tr("Not signed"));
    const QStringList names = m_secrets.names();
    for (const QString &name : names)
        m_secret->addItem(name, name);
    QString preferred = event->request.signing.secretName;
    if (m_targetChoice->currentIndex() == ThisReceiver) {
        SignatureSettings receiving;
        receiving.bindings = m_bindings;
        const QByteArray path = QUrl(m_targetUrl->text()).path().toUtf8();
        if (const SignatureBinding *binding = receiving.bindingFor(path))
            preferred = binding->secretName;
    }
    const int found = m_secret->findData(preferred);
    m_secret->setCurrentIndex(std::max(found, 0));
    if (found < 0)
        m_note->setText(tr("No secret \"%1\" in the keychain: it goes unsigned. Add one (Capture → "
                           "Signatures…) to sign it with %2's scheme.")
                            .arg(preferred, event->providerTitle));
}

void TestEventDialog::keepPayload()
{
    const TestEvent *event = current();
    if (m_showing || !event)
        return;
    const QByteArray written = m_payload->toPlainText().toUtf8();
    Settings().setTestEventPayload(eventKey(*event),
                                   written == event->request.body ? QByteArray() : written);
    m_reset->setEnabled(written != event->request.body);
}

void TestEventDialog::send()
{
    const TestEvent *event = current();
    if (!event)
        return;
    const QString secretName = m_secret->currentData().toString();
    if (secretName.isEmpty()) {
        sendSigned(std::nullopt);
        return;
    }
    m_send->setEnabled(false);
    m_secrets.read(secretName,
                   [this](const std::optional<QByteArray> &value, const QString &error) {
                       if (!value) {
                           m_send->setEnabled(true);
                           m_answerStatus->setText(tr("Not sent: %1").arg(error));
                           showAsWarning(m_answerStatus);
                           return;
                       }
                       sendSigned(value);
                   });
}

void TestEventDialog::sendSigned(const std::optional<QByteArray> &secret)
{
    TestEvent event = *current();
    event.request.body = m_payload->toPlainText().toUtf8();
    QString error;
    const std::optional<OutgoingRequest> request
        = event.prepare(m_targetUrl->text(), secret, {}, &error);
    if (!request) {
        m_send->setEnabled(true);
        m_answerStatus->setText(tr("Not sent: %1").arg(error));
        showAsWarning(m_answerStatus);
        return;
    }
    m_send->setEnabled(false);
    QString sent = tr("%1 %2 to %3%4")
                       .arg(event.providerTitle, event.name, request->url.toString(),
                            secret ? tr(", signed") : tr(", unsigned"));
    if (secret && m_targetChoice->currentIndex() == ThisReceiver)
        sent += bindForReceiver(event, request->url.path().toUtf8());
    m_sender.send(*request, {}, [this, sent](const DeliveryResult &result) {
        m_send->setEnabled(true);
        showAnswer(result, sent);
        emit answered(result);
    });
}

QString TestEventDialog::bindForReceiver(const TestEvent &event, const QByteArray &path)
{
    SignatureSettings receiving;
    receiving.bindings = m_bindings;
    if (receiving.bindingFor(path))
        return {};
    SignatureBinding binding;
    binding.pathPrefix = path;
    QString error;
    binding.scheme = SignatureScheme::parse(event.request.signing.scheme, &error);
    binding.secretName = m_secret->currentData().toString();
    m_bindings.append(binding);
    emit bindingAdded(binding);
    return tr(" (this receiver now checks %1 with \"%2\")")
        .arg(QString::fromUtf8(path), binding.secretName);
}

void TestEventDialog::showAnswer(const DeliveryResult &result, const QString &sent)
{
    m_answerStatus->setPalette(palette());
    m_answerStatus->setText(result.status ? tr("%1: %2 %3 · %4 ms")
                                                .arg(sent)
                                                .arg(result.status)
                                                .arg(QString::fromUtf8(result.reason))
                                                .arg(double(result.durationUs) / 1000, 0, 'f', 1)
                                          : tr("%1: no answer: %2").arg(sent, result.error));
    if (!result.succeeded())
        showAsWarning(m_answerStatus);
    const FormattedBody pretty
        = BodyFormatter::format(result.body, headerValue(result.headers, "Content-Type"));
    m_answer->setText(QString::fromUtf8(result.head("\n")) + QLatin1Char('\n')
                          + (pretty.kind == FormattedBody::Kind::Binary
                                 ? tr("%n byte(s) of binary data", nullptr, int(result.body.size()))
                                 : pretty.text),
                      TextPane::Syntax::Plain);
}

} // namespace Hookscope
