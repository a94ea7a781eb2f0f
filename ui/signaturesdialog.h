#pragma once

#include "signing/signaturesettings.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QTableWidget;

namespace Hookscope {

class SecretStore;

// Binds a scheme and a secret to paths, and manages the secrets in the keychain: add, rename,
// delete, reveal on demand. Secret changes take effect at once; bindings when accepted.
class SignaturesDialog final : public QDialog
{
    Q_OBJECT
public:
    SignaturesDialog(const QList<SignatureBinding> &bindings, SecretStore &secrets,
                     QWidget *parent = nullptr);

    // What Add… proposes to bind a new secret to: the selected capture's path and the scheme
    // its headers show.
    void setSuggestedBinding(const SignatureBinding &suggestion) { m_suggestion = suggestion; }
    // Add…: one dialog for the name, the value and the path it verifies (pre-filled from the
    // suggestion); accepting it stores the secret and adds the binding.
    QDialog *askNewSecret();

    // As accepted.
    QList<SignatureBinding> bindings() const { return m_accepted; }
    void addBinding(const SignatureBinding &binding);
    QTableWidget *bindingsTable() const { return m_table; }
    QListWidget *secretList() const { return m_secretList; }
    QLabel *problem() const { return m_problem; }
    QLineEdit *revealed() const { return m_revealed; }

    // The Secrets tab's actions, without their prompts.
    void addSecret(const QString &name, const QByteArray &value);
    void renameSecret(const QString &from, const QString &to);
    void deleteSecret(const QString &name);
    void revealSecret(const QString &name);

    // Checks each row (the scheme must parse); stays open naming the row until all do.
    void accept() override;

signals:
    // A secret was added, renamed or deleted: verdicts using it change.
    void secretsChanged();

private:
    enum Column { PrefixColumn, SchemeColumn, SecretColumn, ToleranceColumn, ColumnCount };
    QWidget *createBindingsTab(const QList<SignatureBinding> &bindings);
    QWidget *createSecretsTab();
    void refreshSecrets();
    void showError(const QString &error);

    SecretStore &m_secrets;
    QTableWidget *m_table;
    QListWidget *m_secretList;
    QLineEdit *m_revealed;
    QLabel *m_keychainWarning;
    QLabel *m_problem;
    QList<SignatureBinding> m_accepted;
    SignatureBinding m_suggestion;
};

} // namespace Hookscope
