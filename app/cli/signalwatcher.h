#pragma once

#include <QObject>

class QSocketNotifier;

namespace Hookscope {

// Turns SIGINT and SIGTERM into a Qt signal on the thread that created the watcher, so the
// event loop can finish the last commit before exiting.
class SignalWatcher final : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Hookscope
