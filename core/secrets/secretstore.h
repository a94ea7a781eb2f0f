#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace Hookscope {

// Named secrets (webhook signing secrets, tokens) in the OS keychain through QtKeychain, under
// the service "Hookscope". Values never reach a file: only their names are listed, in a
// settings file of their own, so that a manager can show them. When no keychain answers, values
// are kept in memory for this session only, and keychainProblem() says why.
class SecretStore final : public QObject
{
    Q_OBJECT
public:
    static constexpr const char *Service = "Hookscope";
    using Done = std::function<void(const QString &error)>;
    using ReadDone
        = std::function<void(const std::optional<QByteArray> &value, const QString &error)>;
    // Values by name as "{{secret:NAME}}" placeholders take them ("secret:NAME" → value).
    using Placeholders = QHash<QString, QString>;

    explicit SecretStore(QObject *parent = nullptr);

    // Sorted, the keychain's and the session's.
    QStringList names() const;
    void write(const QString &name, const QByteArray &value, Done done);
    void read(const QString &name, ReadDone done);
    // Reads each of `names`, one after the other, adding them to `values` under "secret:NAME";
    // stops at the first that cannot be read and passes its error on.
    void readPlaceholders(
        QStringList names, Placeholders values,
        std::function<void(const Placeholders &values, const QString &error)> done);
    void remove(const QString &name, Done done);
    void rename(const QString &from, const QString &to, Done done);

    // The same, waiting for the answer (for the command line).
    std::optional<QByteArray> readNow(const QString &name, QString *error);
    QString writeNow(const QString &name, const QByteArray &value);
    QString removeNow(const QString &name);

    // Why secrets are kept in memory only ("No keychain could be used (…)"), or empty while
    // the keychain works.
    QString keychainProblem() const { return m_keychainProblem; }

signals:
    // The keychain could not be used; from now on secrets are kept for this session only.
    void keychainUnavailable(const QString &why);
    void namesChanged();

private:
    void setListed(const QString &name, bool listed);
    // Takes a failed job's error: a keychain that cannot be reached switches to memory.
    bool fellBackToMemory(int error, const QString &errorString);

    QHash<QString, QByteArray> m_sessionOnly;
    QString m_keychainProblem;
};

} // namespace Hookscope
