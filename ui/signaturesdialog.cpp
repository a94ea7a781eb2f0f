#include "signaturesdialog.h"

#include "warninglabel.h"

#include "secrets/secretstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

const QString detectText = QObject::tr("from the headers");

} // namespace

SignaturesDialog::SignaturesDialog(const QList<SignatureBinding> &bindings, SecretStore &secrets,
                                   QWidget *parent)
    : QDialog(parent)
    , m_secrets(secrets)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_secretList(new QListWidget(this))
    , m_revealed(new QLineEdit(this))
    , m_keychainWarning(warningLabel(this))
    , m_problem(warningLabel(this))
{
    setWindowTitle(tr("Signatures"));
    auto *tabs = new QTabWidget(this);
    tabs->addTab(createBindingsTab(bindings), tr("Paths"));
    tabs->addTab(createSecretsTab(), tr("Secrets"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &SignaturesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SignaturesDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(tabs);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(820, 380);
}

QWidget *SignaturesDialog::createBindingsTab(const QList<SignatureBinding> &bindings)
{
    auto *tab = new QWidget(this);
    auto *intro = new QLabel(
        tr("Captures under a path are checked with its scheme and secret (the longest matching "
           "path wins; leave it empty for all paths). Schemes: %1, or "
           "generic:header=…,algorithm=sha256,encoding=hex,prefix=…,content={timestamp}.{body},"
           "timestamp-header=…")
            .arg(SignatureScheme::names().join(QStringLiteral(", "))),
        tab);
    intro->setWordWrap(true);
    m_table->setHorizontalHeaderLabels(
        {tr("Paths under"), tr("Scheme"), tr("Secret"), tr("Tolerance")});
    m_table->horizontalHeader()->setSectionResizeMode(SchemeColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setColumnWidth(PrefixColumn, 130);
    m_table->setColumnWidth(SecretColumn, 180);
    for (const SignatureBinding &binding : bindings)
        addBinding(binding);
    auto *add = new QPushButton(tr("&Add Path"), tab);
    connect(add, &QPushButton::clicked, this, [this] { addBinding({}); });
    auto *remove = new QPushButton(tr("&Remove"), tab);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(add);
    buttons->addWidget(remove);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(intro);
    layout->addWidget(m_table);
    layout->addLayout(buttons);
    return tab;
}

QWidget *SignaturesDialog::createSecretsTab()
{
    auto *tab = new QWidget(this);
    auto *intro = new QLabel(tr("Kept in the system keychain (service \"Hookscope\"); only their "
                                "names are listed here."),
                             tab);
    intro->setWordWrap(true);
    m_revealed->setReadOnly(true);
    m_revealed->setPlaceholderText(tr("Reveal shows the selected secret here"));
    auto *add = new QPushButton(tr("A&dd…"), tab);
    connect(add, &QPushButton::clicked, this, &SignaturesDialog::askNewSecret);
    auto *rename = new QPushButton(tr("Re&name…"), tab);
    connect(rename, &QPushButton::clicked, this, [this] {
        const QListWidgetItem *item = m_secretList->currentItem();
        if (!item)
            return;
        bool ok = false;
        const QString to = QInputDialog::getText(this, tr("Rename Secret"), tr("New name:"),
                                                 QLineEdit::Normal, item->text(), &ok);
        if (ok && !to.trimmed().isEmpty() && to.trimmed() != item->text())
            renameSecret(item->text(), to.trimmed());
    });
    auto *remove = new QPushButton(tr("De&lete"), tab);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (const QListWidgetItem *item = m_secretList->currentItem())
            deleteSecret(item->text());
    });
    auto *reveal = new QPushButton(tr("Re&veal"), tab);
    connect(reveal, &QPushButton::clicked, this, [this] {
        if (const QListWidgetItem *item = m_secretList->currentItem())
            revealSecret(item->text());
    });
    connect(m_secretList, &QListWidget::currentItemChanged, m_revealed, &QLineEdit::clear);
    auto *buttons = new QVBoxLayout;
    for (QPushButton *button : {add, rename, remove, reveal})
        buttons->addWidget(button);
    buttons->addStretch();
    auto *row = new QHBoxLayout;
    row->addWidget(m_secretList);
    row->addLayout(buttons);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(intro);
    layout->addWidget(m_keychainWarning);
    layout->addLayout(row);
    layout->addWidget(m_revealed);
    refreshSecrets();
    return tab;
}

QDialog *SignaturesDialog::askNewSecret()
{
    auto *form = new QDialog(this);
    form->setObjectName(QStringLiteral("newSecret"));
    form->setWindowTitle(tr("Add Secret"));
    form->setAttribute(Qt::WA_DeleteOnClose);
    auto *name = new QLineEdit(form);
    name->setObjectName(QStringLiteral("name"));
    name->setText(m_suggestion.scheme ? m_suggestion.scheme->name() : QString());
    auto *value = new QLineEdit(form);
    value->setObjectName(QStringLiteral("value"));
    value->setEchoMode(QLineEdit::Password);
    value->setPlaceholderText(tr("e.g. whsec_… from the provider's webhook settings"));
    auto *bind = new QCheckBox(tr("Verify captures under this path with it:"), form);
    bind->setObjectName(QStringLiteral("bind"));
    auto *path = new QLineEdit(QString::fromUtf8(m_suggestion.pathPrefix), form);
    path->setObjectName(QStringLiteral("path"));
    bind->setChecked(!m_suggestion.pathPrefix.isEmpty());
    path->setEnabled(bind->isChecked());
    connect(bind, &QCheckBox::toggled, path, &QWidget::setEnabled);
    auto *fields = new QFormLayout;
    fields->addRow(tr("&Name:"), name);
    fields->addRow(tr("&Value:"), value);
    fields->addRow(bind);
    fields->addRow(tr("&Path:"), path);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, form);
    const auto complete = [=] {
        buttons->button(QDialogButtonBox::Ok)
            ->setEnabled(!name->text().trimmed().isEmpty() && !value->text().isEmpty()
                         && (!bind->isChecked() || path->text().startsWith(QLatin1Char('/'))));
    };
    for (QLineEdit *field : {name, value, path})
        connect(field, &QLineEdit::textChanged, form, complete);
    connect(bind, &QCheckBox::toggled, form, complete);
    complete();
    connect(buttons, &QDialogButtonBox::accepted, form, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, form, &QDialog::reject);
    connect(form, &QDialog::accepted, this, [=] {
        addSecret(name->text().trimmed(), value->text().toUtf8());
        if (bind->isChecked()) {
            SignatureBinding binding = m_suggestion;
            binding.pathPrefix = path->text().trimmed().toUtf8();
            binding.secretName = name->text().trimmed();
            addBinding(binding);
        }
    });
    auto *layout = new QVBoxLayout(form);
    layout->addLayout(fields);
    layout->addWidget(buttons);
    value->setFocus();
    form->open();
    return form;
}

void SignaturesDialog::addBinding(const SignatureBinding &binding)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, PrefixColumn,
                     new QTableWidgetItem(QString::fromUtf8(binding.pathPrefix)));
    auto *scheme = new QComboBox(m_table);
    scheme->setEditable(true); // a generic scheme is written out
    scheme->addItem(detectText);
    scheme->addItems(SignatureScheme::names());
    scheme->setCurrentText(binding.scheme ? binding.scheme->name() : detectText);
    m_table->setCellWidget(row, SchemeColumn, scheme);
    auto *secret = new QComboBox(m_table);
    secret->addItems(m_secrets.names());
    if (!binding.secretName.isEmpty() && secret->findText(binding.secretName) < 0)
        secret->addItem(binding.secretName); // named but missing: shown, verdicts say so
    secret->setCurrentText(binding.secretName);
    m_table->setCellWidget(row, SecretColumn, secret);
    auto *tolerance = new QSpinBox(m_table);
    tolerance->setRange(0, 7 * 24 * 3600);
    tolerance->setSuffix(tr(" s"));
    tolerance->setValue(binding.toleranceSeconds);
    m_table->setCellWidget(row, ToleranceColumn, tolerance);
}

void SignaturesDialog::accept()
{
    QList<SignatureBinding> bindings;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        SignatureBinding binding;
        binding.pathPrefix = m_table->item(row, PrefixColumn)->text().trimmed().toUtf8();
        const QString scheme
            = qobject_cast<QComboBox *>(m_table->cellWidget(row, SchemeColumn))->currentText();
        binding.secretName
            = qobject_cast<QComboBox *>(m_table->cellWidget(row, SecretColumn))->currentText();
        binding.toleranceSeconds
            = qobject_cast<QSpinBox *>(m_table->cellWidget(row, ToleranceColumn))->value();
        QString error;
        if (!binding.pathPrefix.isEmpty() && !binding.pathPrefix.startsWith('/'))
            error = tr("a path starts with /, as in /stripe");
        else if (scheme != detectText && !(binding.scheme = SignatureScheme::parse(scheme, &error)))
            ;
        else if (binding.secretName.isEmpty())
            error = tr("choose a secret (add one under Secrets)");
        if (!error.isEmpty()) {
            m_problem->setText(tr("Path %1: %2").arg(row + 1).arg(error));
            m_problem->show();
            m_table->setCurrentCell(row, PrefixColumn);
            return;
        }
        bindings.append(binding);
    }
    m_accepted = bindings;
    QDialog::accept();
}

void SignaturesDialog::refreshSecrets()
{
    const QString current
        = m_secretList->currentItem() ? m_secretList->currentItem()->text() : QString();
    m_secretList->clear();
    m_secretList->addItems(m_secrets.names());
    const QList<QListWidgetItem *> found = m_secretList->findItems(current, Qt::MatchExactly);
    if (!found.isEmpty())
        m_secretList->setCurrentItem(found.first());
    m_keychainWarning->setText(m_secrets.keychainProblem()
                               + tr(": secrets are kept in memory for this session only."));
    m_keychainWarning->setVisible(!m_secrets.keychainProblem().isEmpty());
    for (int row = 0; row < m_table->rowCount(); ++row) {
        auto *secret = qobject_cast<QComboBox *>(m_table->cellWidget(row, SecretColumn));
        const QString chosen = secret->currentText();
        secret->clear();
        secret->addItems(m_secrets.names());
        secret->setCurrentText(chosen);
    }
}

void SignaturesDialog::showError(const QString &error)
{
    m_problem->setText(error);
    m_problem->setVisible(!error.isEmpty());
}

void SignaturesDialog::addSecret(const QString &name, const QByteArray &value)
{
    // Each keychain callback checks the dialog is still open: it may be closed meanwhile.
    m_secrets.write(name, value, [this, open = QPointer(this)](const QString &error) {
        if (!open)
            return;
        showError(error);
        refreshSecrets();
        emit secretsChanged();
    });
}

void SignaturesDialog::renameSecret(const QString &from, const QString &to)
{
    m_secrets.rename(from, to, [this, open = QPointer(this), from, to](const QString &error) {
        if (!open)
            return;
        showError(error);
        if (error.isEmpty()) {
            // Bindings follow the secret to its new name.
            for (int row = 0; row < m_table->rowCount(); ++row) {
                auto *secret = qobject_cast<QComboBox *>(m_table->cellWidget(row, SecretColumn));
                if (secret->currentText() == from) {
                    secret->addItem(to);
                    secret->setCurrentText(to);
                }
            }
        }
        refreshSecrets();
        emit secretsChanged();
    });
}

void SignaturesDialog::deleteSecret(const QString &name)
{
    m_secrets.remove(name, [this, open = QPointer(this)](const QString &error) {
        if (!open)
            return;
        showError(error);
        refreshSecrets();
        emit secretsChanged();
    });
}

void SignaturesDialog::revealSecret(const QString &name)
{
    m_secrets.read(name, [this, open = QPointer(this)](const std::optional<QByteArray> &value,
                                                       const QString &error) {
        if (!open)
            return;
        showError(error);
        m_revealed->setText(value ? QString::fromUtf8(*value) : QString());
    });
}

} // namespace Hookscope
