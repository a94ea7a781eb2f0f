#include "secretstore.h"

#include "wire/logging.h"

#include <QEventLoop>
#include <QSettings>

#include <qt6keychain/keychain.h>

namespace Hookscope {
namespace {

// Names only, never values.
QSettings nameIndex()
{
    return QSettings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("hookscope"),
                     QStringLiteral("secret-names"));
}

const QString namesKey = QStringLiteral("names");

template<typename Job>
Job *startJob(const QString &name, QObject *context)
{
    auto *job = new Job(QString::fromLatin1(SecretStore::Service), context);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext file
    job->setKey(name);
    return job;
}

} // namespace

SecretStore::SecretStore(QObject *parent)
    : QObject(parent)
{}

QStringList SecretStore::names() const
{
    QStringList names = nameIndex().value(namesKey).toStringList();
    for (auto it = m_sessionOnly.cbegin(); it != m_sessionOnly.cend(); ++it) {
        if (!names.contains(it.key()))
            names.append(it.key());
    }
    names.sort(Qt::CaseInsensitive);
    return names;
}

void SecretStore::setListed(const QString &name, bool listed)
{
    QSettings index = nameIndex();
    QStringList names = index.value(namesKey).toStringList();
    if (listed == names.contains(name))
        return;
    if (listed)
        names.append(name);
    else
        names.removeAll(name);
    if (names.isEmpty())
        index.remove(namesKey);
    else
        index.setValue(namesKey, names);
    index.sync();
    emit namesChanged();
}

bool SecretStore::fellBackToMemory(int error, const QString &errorString)
{
    if (error != QKeychain::NoBackendAvailable && error != QKeychain::OtherError
        && error != QKeychain::AccessDeniedByUser && error != QKeychain::AccessDenied)
        return false;
    if (m_keychainProblem.isEmpty()) {
        m_keychainProblem = tr("No keychain could be used (%1)").arg(errorString);
        qCInfo(lcSecrets) << m_keychainProblem;
        emit keychainUnavailable(m_keychainProblem);
    }
    return true;
}

void SecretStore::write(const QString &name, const QByteArray &value, Done done)
{
    if (name.trimmed().isEmpty()) {
        done(tr("A secret needs a name"));
        return;
    }
    if (!m_keychainProblem.isEmpty()) {
        m_sessionOnly.insert(name, value);
        emit namesChanged();
        done({});
        return;
    }
    auto *job = startJob<QKeychain::WritePasswordJob>(name, this);
    job->setBinaryData(value);
    connect(job, &QKeychain::Job::finished, this, [this, name, value, done](QKeychain::Job *job) {
        if (job->error() == QKeychain::NoError) {
            setListed(name, true);
            done({});
        } else if (fellBackToMemory(job->error(), job->errorString())) {
            m_sessionOnly.insert(name, value);
            emit namesChanged();
            done({});
        } else {
            done(tr("Could not store the secret \"%1\" in the keychain: %2")
                     .arg(name, job->errorString()));
        }
    });
    job->start();
}

void SecretStore::read(const QString &name, ReadDone done)
{
    if (const auto found = m_sessionOnly.constFind(name); found != m_sessionOnly.cend()) {
        done(*found, {});
        return;
    }
    if (!m_keychainProblem.isEmpty()) {
        done(std::nullopt,
             tr("No secret named \"%1\" in this session; %2").arg(name, m_keychainProblem));
        return;
    }
    auto *job = startJob<QKeychain::ReadPasswordJob>(name, this);
    connect(job, &QKeychain::Job::finished, this, [this, name, done](QKeychain::Job *job) {
        if (job->error() == QKeychain::NoError) {
            done(static_cast<QKeychain::ReadPasswordJob *>(job)->binaryData(), {});
        } else if (job->error() == QKeychain::EntryNotFound) {
            setListed(name, false); // removed from the keychain by someone else
            done(std::nullopt, tr("No secret named \"%1\" in the keychain").arg(name));
        } else {
            fellBackToMemory(job->error(), job->errorString());
            done(std::nullopt, tr("Could not read the secret \"%1\" from the keychain: %2")
                                   .arg(name, job->errorString()));
        }
    });
    job->start();
}

void SecretStore::remove(const QString &name, Done done)
{
    if (m_sessionOnly.remove(name) > 0 || !m_keychainProblem.isEmpty()) {
        emit namesChanged();
        done({});
        return;
    }
    auto *job = startJob<QKeychain::DeletePasswordJob>(name, this);
    connect(job, &QKeychain::Job::finished, this, [this, name, done](QKeychain::Job *job) {
        if (job->error() == QKeychain::NoError || job->error() == QKeychain::EntryNotFound) {
            setListed(name, false);
            done({});
        } else {
            done(tr("Could not delete the secret \"%1\" from the keychain: %2")
                     .arg(name, job->errorString()));
        }
    });
    job->start();
}

void SecretStore::rename(const QString &from, const QString &to, Done done)
{
    if (names().contains(to)) {
        done(tr("There is already a secret named \"%1\"").arg(to));
        return;
    }
    read(from,
         [this, from, to, done](const std::optional<QByteArray> &value, const QString &error) {
             if (!value) {
                 done(error);
                 return;
             }
             // Written under the new name before the old one goes: a failure loses nothing.
             write(to, *value, [this, from, done](const QString &writeError) {
                 if (!writeError.isEmpty())
                     done(writeError);
                 else
                     remove(from, done);
             });
         });
}

void SecretStore::readPlaceholders(
    QStringList names, Placeholders values,
    std::function<void(const Placeholders &values, const QString &error)> done)
{
    if (names.isEmpty()) {
        done(values, {});
        return;
    }
    const QString name = names.takeFirst();
    read(name, [this, name, names, values, done](const std::optional<QByteArray> &value,
                                                 const QString &error) mutable {
        if (!value) {
            done(values, error);
            return;
        }
        values.insert(QStringLiteral("secret:") + name, QString::fromUtf8(*value));
        readPlaceholders(names, values, done);
    });
}

std::optional<QByteArray> SecretStore::readNow(const QString &name, QString *error)
{
    QEventLoop loop;
    std::optional<QByteArray> result;
    bool answered = false;
    read(name, [&](const std::optional<QByteArray> &value, const QString &readError) {
        result = value;
        *error = readError;
        answered = true;
        loop.quit();
    });
    if (!answered)
        loop.exec();
    return result;
}

QString SecretStore::writeNow(const QString &name, const QByteArray &value)
{
    QEventLoop loop;
    std::optional<QString> result;
    write(name, value, [&](const QString &error) {
        result = error;
        loop.quit();
    });
    if (!result)
        loop.exec();
    return *result;
}

QString SecretStore::removeNow(const QString &name)
{
    QEventLoop loop;
    std::optional<QString> result;
    remove(name, [&](const QString &error) {
        result = error;
        loop.quit();
    });
    if (!result)
        loop.exec();
    return *result;
}

} // namespace Hookscope
