#include "statuspanel.h"

#include "palettetone.h"

#include "delivery/retrypolicy.h"
#include "secrets/secretstore.h"
#include "session/session.h"
#include "store/capturestore.h"
#include "store/deliverylog.h"

#include <QApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QLocale>
#include <QStatusBar>
#include <QTime>
#include <QUrl>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <climits>

namespace Hookscope {

StatusPanel::StatusPanel(QStatusBar *bar, Session &session, DeliveryLog &deliveries,
                         QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_deliveries(deliveries)
    , m_rules(new QLabel(bar))
    , m_count(new QLabel(bar))
    , m_rate(new QLabel(bar))
    , m_store(new QLabel(bar))
    , m_forwarding(new QLabel(bar))
    , m_receiver(new QLabel(bar))
{
    for (QLabel *label : {m_rules, m_count, m_rate, m_store, m_forwarding, m_receiver}) {
        label->setTextFormat(Qt::PlainText); // a tunnel's URL, a target's name: never markup
        bar->addPermanentWidget(label);
    }
    m_rules->setToolTip(
        tr("Requests are answered by the mock rules first (Capture → Mock Rules…)"));
    connect(&session.secrets(), &SecretStore::keychainUnavailable, this, [bar](const QString &why) {
        // Kept in view: unlike a message, the next one does not replace it.
        auto *warning = new QLabel(tr("\u26a0 No keychain"), bar);
        warning->setToolTip(tr("%1: secrets are kept in memory for this session only").arg(why));
        showAsWarning(warning);
        bar->insertPermanentWidget(0, warning);
        bar->showMessage(warning->toolTip(), 10'000);
    });
    connect(&session.writer(), &CaptureWriter::committed, this,
            [this](const CommittedBatch &batch) {
                m_capturesSinceTick += batch.size();
                if (m_captureCount >= 0) {
                    m_captureCount += batch.size();
                    return;
                }
                for (const CommittedCapture &committed : batch)
                    m_uncountedIds.append(committed.summary.id);
            });
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, [this] {
        m_capturesPerSecond = std::exchange(m_capturesSinceTick, 0);
        refresh();
    });
    m_tick.start();
    recount();
    refresh();
}

void StatusPanel::recount()
{
    // count(*) reads the whole table: over millions of captures that takes from a fraction of
    // a second to seconds when the file is not cached, so it runs on a pool thread.
    m_captureCount = -1;
    m_uncountedIds.clear();
    const int request = ++m_countRequest;
    auto *watcher = new QFutureWatcher<CaptureStore::Tally>(this);
    connect(
        watcher, &QFutureWatcher<CaptureStore::Tally>::finished, this, [this, watcher, request] {
            watcher->deleteLater();
            if (request != m_countRequest)
                return;
            const CaptureStore::Tally tally = watcher->result();
            // Captures committed while counting: those after the counted newest are not in it.
            m_captureCount = tally.count
                             + std::count_if(m_uncountedIds.cbegin(), m_uncountedIds.cend(),
                                             [&tally](qint64 id) { return id > tally.newestId; });
            m_uncountedIds.clear();
            refresh();
        });
    watcher->setFuture(QtConcurrent::run([path = m_session.storePath()] {
        CaptureStore store(path);
        return store.open() ? store.tally() : CaptureStore::Tally();
    }));
}

std::optional<qint64> StatusPanel::captureCount() const
{
    return m_captureCount < 0 ? std::nullopt : std::optional(m_captureCount);
}

void StatusPanel::storeCleared()
{
    ++m_countRequest; // a count still running describes the store before the clear
    m_captureCount = 0;
    refresh();
}

void StatusPanel::capturesRemoved(qint64 count)
{
    if (m_captureCount >= 0)
        m_captureCount = std::max<qint64>(0, m_captureCount - count);
    refresh();
}

void StatusPanel::noteDeliveryAttempt(const DeliveryAttempt &attempt)
{
    // Down as the forwarder sees it (no answer, 429, 502-504), not a 4xx or 500 that is the
    // app's verdict on one capture: any such answer clears it.
    const DeliveryResult &outcome = attempt.result;
    if (!RetryPolicy::meansTargetDown(outcome)) {
        if (m_downTargets.remove(attempt.target))
            refresh();
    } else if (!m_downTargets.contains(attempt.target)) {
        m_downTargets.insert(attempt.target, {outcome.startedAtUs,
                                              outcome.status ? tr("answers %1").arg(outcome.status)
                                                             : outcome.error});
        refresh();
    }
}

void StatusPanel::showMockRules()
{
    const MockRules &rules = m_session.mockRules();
    const auto active = std::count_if(rules.rules.cbegin(), rules.rules.cend(),
                                      [](const MockRule &rule) { return rule.enabled; });
    m_rules->setText(tr("⚑ %n mock rule(s)", nullptr, int(active)));
    m_rules->setVisible(active > 0);
}

void StatusPanel::refresh()
{
    showMockRules();
    m_count->setText(m_captureCount < 0 ? tr("counting captures…")
                                        : tr("%n capture(s)", nullptr,
                                             int(std::min<qint64>(m_captureCount, INT_MAX))));
    m_rate->setText(tr("%1 req/s").arg(m_capturesPerSecond));
    const QString storePath = m_session.storePath();
    const qint64 storeBytes
        = QFileInfo(storePath).size() + QFileInfo(storePath + QStringLiteral("-wal")).size();
    m_store->setText(QLocale().formattedDataSize(storeBytes));
    m_store->setToolTip(storePath);
    const QList<ForwardRoute> &routes = m_session.forwardRoutes();
    if (routes.isEmpty()) {
        m_forwarding->hide();
    } else {
        // Backlog per target: a target that is down shows as such, with what waits for it.
        const QHash<QString, qint64> backlog = m_deliveries.backlog();
        qint64 waiting = 0;
        QStringList lines;
        QStringList down;
        for (const ForwardRoute &route : routes) {
            const qint64 routeWaiting = backlog.value(route.target);
            waiting += routeWaiting;
            QString line = tr("%1: %n waiting", nullptr, int(routeWaiting)).arg(route.spec());
            if (const auto problem = m_downTargets.constFind(route.target);
                problem != m_downTargets.cend()) {
                if (!down.contains(QUrl(route.target).authority()))
                    down.append(QUrl(route.target).authority());
                line += tr(" \u2014 down since %1 (%2)")
                            .arg(QDateTime::fromMSecsSinceEpoch(problem->sinceUs / 1000)
                                     .toString(QStringLiteral("HH:mm:ss")),
                                 problem->reason);
            }
            lines.append(line);
        }
        QString text = waiting == 0 ? tr("\u2192 %n target(s)", nullptr, int(routes.size()))
                                    : tr("\u2192 %1 waiting").arg(waiting);
        if (!down.isEmpty())
            text = tr("\u26a0 %1 down \u00b7 %2 waiting")
                       .arg(down.join(QStringLiteral(", ")))
                       .arg(waiting);
        m_forwarding->setText(text);
        QPalette palette = m_forwarding->palette();
        palette.setColor(QPalette::WindowText,
                         down.isEmpty() ? QApplication::palette().color(QPalette::WindowText)
                                        : paletteTone(0));
        m_forwarding->setPalette(palette);
        m_forwarding->setToolTip(lines.join(QLatin1Char('\n')));
        m_forwarding->show();
    }
    const ReceiverHost &receiver = m_session.receiver();
    QString state = !receiver.isListening() ? tr("Receiver stopped")
                    : m_session.listensOnLan()
                        ? tr("Listening on port %1 and the LAN").arg(receiver.port())
                        : tr("Listening on port %1").arg(receiver.port());
    if (receiver.isListening() && receiver.httpsPort() != 0)
        state += tr(" (HTTPS %1)").arg(receiver.httpsPort());
    if (const Source *tunnel = m_session.tunnel()) {
        const QString &name = tunnel->name();
        state
            += tunnel->isForwarding()
                   ? tr(" \u00b7 %1 forwarding to %2").arg(name, QUrl(tunnel->forwardUrl()).path())
               : tunnel->url().isEmpty() ? tr(" \u00b7 starting %1").arg(name)
                                         : tr(" \u00b7 public: %1").arg(tunnel->url());
    }
    if (m_refused > 0)
        state += tr(" \u00b7 %n refused", nullptr, int(std::min<qint64>(m_refused, INT_MAX)));
    m_receiver->setText(state);
    m_receiver->setToolTip(m_lastRefused.isEmpty() ? QString() : tr("Last: %1").arg(m_lastRefused));
}

void StatusPanel::noteRefused(const QString &what)
{
    ++m_refused;
    // Shown at the next tick: a flood of refused requests costs the window nothing more.
    m_lastRefused = QTime::currentTime().toString(QStringLiteral("HH:mm:ss ")) + what;
}

} // namespace Hookscope
