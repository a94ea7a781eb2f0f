#pragma once

#include <QLocalServer>

namespace Hookscope {

// One window per capture store: the first Hookscope on a store answers on a local socket named
// after it (in the user's runtime folder, which only they can reach); a second one started on
// the same store asks the first to come forward, and leaves.
class StoreInstance final : public QObject
{
    Q_OBJECT
public:
    explicit StoreInstance(const QString &storePath, QObject *parent = nullptr);

    // True when no other Hookscope has this store: from now on this one answers later ones.
    // False when one has: it has been asked to come forward.
    bool claim();
    QString socketPath() const { return m_socketPath; }

signals:
    // A later Hookscope on this store asked this one to show itself.
    void raiseRequested();

private:
    QString m_socketPath;
    QLocalServer m_server;
};

} // namespace Hookscope
