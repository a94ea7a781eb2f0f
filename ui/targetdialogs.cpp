#include "targetdialogs.h"

#include "warninglabel.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace Hookscope {
namespace {

QTableWidgetItem *checkItem(bool checked, const QString &toolTip)
{
    auto *item = new QTableWidgetItem;
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    item->setToolTip(toolTip);
    return item;
}

bool isChecked(const QTableWidget *table, int row, int column)
{
    return table->item(row, column)->checkState() == Qt::Checked;
}

} // namespace

ForwardingDialog::ForwardingDialog(const QList<ForwardRoute> &routes, const RetryPolicy &retry,
                                   QWidget *parent)
    : QDialog(parent)
    , m_table(new QTableWidget(0, ColumnCount, this))
    , m_problem(warningLabel(this))
    , m_retry(retry)
    , m_giveUpHours(new QSpinBox(this))
    , m_maxDelaySeconds(new QSpinBox(this))
{
    setWindowTitle(tr("Forwarding"));
    auto *intro = new QLabel(
        tr("Every new capture is also sent to each route its path falls under. Failed sends are "
           "retried with backoff and survive restarts; while a target is down, only its oldest "
           "capture is tried, and the rest follow in order the moment it answers. A proxy route "
           "instead makes the provider wait for the target and get its answer."),
        this);
    intro->setWordWrap(true);

    m_table->setHorizontalHeaderLabels({tr("Paths under"), tr("Target URL"), tr("Fixed URL"),
                                        tr("Proxy"), tr("Keep Host"), tr("Accept self-signed"),
                                        tr("Re-sign"), tr("Delivery")});
    m_table->horizontalHeaderItem(DeliveryColumn)
        ->setToolTip(tr("Delivered as providers do, to test how your app takes duplicates and "
                        "disorder: duplicates=2 "
                        "(each capture twice), shuffle=500 (each copy held up to 500 ms, so "
                        "close arrivals change order), delay=100-300, stale=600 (re-signed as "
                        "if 10 minutes ago), concurrency=4 (at most 4 in flight to the target), "
                        "seed=7 (the same holds again)"));
    m_table->horizontalHeaderItem(PrefixColumn)
        ->setToolTip(tr("Only captures whose path starts with this, e.g. /stripe; empty: all"));
    m_table->horizontalHeader()->setSectionResizeMode(TargetColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    for (const ForwardRoute &route : routes)
        addRoute(route);
    m_table->resizeColumnsToContents();
    m_table->setColumnWidth(PrefixColumn, std::max(m_table->columnWidth(PrefixColumn), 110));

    auto *add = new QPushButton(tr("&Add Route"), this);
    connect(add, &QPushButton::clicked, this, [this] {
        ForwardRoute route;
        route.target = QStringLiteral("http://localhost:3000");
        addRoute(route);
        m_table->setCurrentCell(m_table->rowCount() - 1, TargetColumn);
        m_table->editItem(m_table->currentItem());
    });
    auto *remove = new QPushButton(tr("&Remove"), this);
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
    auto *retryFailed = new QPushButton(tr("Retry &Failed"), this);
    retryFailed->setToolTip(tr("Send the failed deliveries to the selected route's target again "
                               "(to every target when no route is selected)"));
    connect(retryFailed, &QPushButton::clicked, this, [this] {
        const QTableWidgetItem *target = m_table->currentRow() >= 0
                                             ? m_table->item(m_table->currentRow(), TargetColumn)
                                             : nullptr;
        emit retryFailedRequested(target ? target->text().trimmed() : QString());
    });

    m_giveUpHours->setObjectName(QStringLiteral("giveUpHours"));
    m_maxDelaySeconds->setObjectName(QStringLiteral("maxDelaySeconds"));
    m_giveUpHours->setRange(1, 24 * 30);
    m_giveUpHours->setSuffix(tr(" h"));
    m_giveUpHours->setValue(
        int(std::clamp<qint64>((retry.giveUpAfterMs + 1'800'000) / 3'600'000, 1, 24 * 30)));
    m_giveUpHours->setToolTip(tr("A capture not delivered by then is given up; Retry Failed "
                                 "sends it again"));
    m_maxDelaySeconds->setRange(1, 3600);
    m_maxDelaySeconds->setSuffix(tr(" s"));
    m_maxDelaySeconds->setValue(int(std::clamp<qint64>((retry.maxDelayMs + 500) / 1000, 1, 3600)));
    m_maxDelaySeconds->setToolTip(tr("Tries come sooner at first, then this far apart at most"));
    auto *retryRow = new QHBoxLayout;
    auto *giveUpLabel = new QLabel(tr("Keep trying for &up to"), this);
    giveUpLabel->setBuddy(m_giveUpHours);
    auto *maxDelayLabel = new QLabel(tr("with at &most"), this);
    maxDelayLabel->setBuddy(m_maxDelaySeconds);
    retryRow->addWidget(giveUpLabel);
    retryRow->addWidget(m_giveUpHours);
    retryRow->addWidget(maxDelayLabel);
    retryRow->addWidget(m_maxDelaySeconds);
    retryRow->addWidget(new QLabel(tr("between tries"), this));
    retryRow->addStretch();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->addButton(add, QDialogButtonBox::ActionRole);
    buttons->addButton(remove, QDialogButtonBox::ActionRole);
    buttons->addButton(retryFailed, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::accepted, this, &ForwardingDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ForwardingDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_table);
    layout->addLayout(retryRow);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
    resize(820, 340);
}

void ForwardingDialog::addRoute(const ForwardRoute &route)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, PrefixColumn, new QTableWidgetItem(QString::fromUtf8(route.pathPrefix)));
    m_table->setItem(row, TargetColumn, new QTableWidgetItem(route.target));
    m_table->setItem(row, FixedUrlColumn,
                     checkItem(route.options.fixedUrl,
                               tr("Send to the URL as written; otherwise the captured path and "
                                  "query are appended to it")));
    m_table->setItem(row, ProxyColumn,
                     checkItem(route.proxy, tr("The provider waits and gets the target's answer "
                                               "(502 or 504 when there is none)")));
    m_table->setItem(row, KeepHostColumn,
                     checkItem(route.options.keepHost,
                               tr("Send the captured Host header instead of the target's")));
    m_table->setItem(row, SelfSignedColumn,
                     checkItem(route.options.acceptSelfSigned,
                               tr("Accept this target's certificate even when no authority "
                                  "signed it")));
    m_table->setItem(row, ResignColumn,
                     checkItem(route.options.resign,
                               tr("Sign again with the scheme and secret bound to the capture's "
                                  "path (Signatures…), with a fresh timestamp")));
    m_table->setItem(row, DeliveryColumn, new QTableWidgetItem(route.chaos.toString()));
}

RetryPolicy ForwardingDialog::retryPolicy() const
{
    RetryPolicy policy = m_retry;
    // Kept as it was unless changed here, so a time set on the command line is not rounded.
    if (m_giveUpHours->value() != (m_retry.giveUpAfterMs + 1'800'000) / 3'600'000)
        policy.giveUpAfterMs = qint64(m_giveUpHours->value()) * 3'600'000;
    if (m_maxDelaySeconds->value() != (m_retry.maxDelayMs + 500) / 1000)
        policy.maxDelayMs = qint64(m_maxDelaySeconds->value()) * 1000;
    return policy;
}

void ForwardingDialog::accept()
{
    QStringList specs;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        ForwardRoute route;
        route.pathPrefix = m_table->item(row, PrefixColumn)->text().trimmed().toUtf8();
        route.target = m_table->item(row, TargetColumn)->text().trimmed();
        route.options.fixedUrl = isChecked(m_table, row, FixedUrlColumn);
        route.proxy = isChecked(m_table, row, ProxyColumn);
        route.options.keepHost = isChecked(m_table, row, KeepHostColumn);
        route.options.acceptSelfSigned = isChecked(m_table, row, SelfSignedColumn);
        route.options.resign = isChecked(m_table, row, ResignColumn);
        if (route.target.isEmpty() && route.pathPrefix.isEmpty())
            continue; // a row left blank
        const QString problem = [&] {
            QString why;
            const QTableWidgetItem *delivery = m_table->item(row, DeliveryColumn);
            const std::optional<ChaosOptions> chaos
                = ChaosOptions::parse(delivery ? delivery->text() : QString(), &why);
            if (!chaos)
                return why;
            route.chaos = *chaos;
            route.options.resign = route.options.resign || chaos->staleSeconds > 0;
            if (!route.pathPrefix.isEmpty() && !route.pathPrefix.startsWith('/'))
                return tr("a path prefix starts with /, as in /stripe");
            if (route.pathPrefix.contains(' ') || route.pathPrefix.contains('='))
                return tr("a path prefix cannot hold spaces or '='");
            if (route.target.contains(QLatin1Char(' ')))
                return tr("the target URL cannot hold spaces (write them as %20)");
            ForwardRoute::parse(route.spec(), &why);
            return why;
        }();
        if (!problem.isEmpty()) {
            m_problem->setText(tr("Route %1: %2").arg(row + 1).arg(problem));
            m_problem->show();
            m_table->setCurrentCell(row, problem.contains(QLatin1String("prefix")) ? PrefixColumn
                                         : problem.contains(QLatin1Char('='))      ? DeliveryColumn
                                                                                   : TargetColumn);
            return;
        }
        specs.append(route.spec());
    }
    m_specs = specs;
    QDialog::accept();
}

ReplayTargetDialog::ReplayTargetDialog(const QString &target, TargetOptions options,
                                       QWidget *parent)
    : QDialog(parent)
    , m_target(new QLineEdit(target, this))
    , m_fixedUrl(new QCheckBox(tr("Send to this URL as written (do not append the captured path "
                                  "and query)"),
                               this))
    , m_keepHost(new QCheckBox(tr("Keep the captured &Host header"), this))
    , m_selfSigned(new QCheckBox(tr("Accept a &self-signed certificate from this target"), this))
    , m_resign(new QCheckBox(tr("Re-si&gn with the scheme and secret bound to the path (a fresh "
                                "timestamp and message id)"),
                             this))
    , m_delivery(new QLineEdit(this))
    , m_problem(warningLabel(this))
{
    setWindowTitle(tr("Replay To"));
    m_delivery->setPlaceholderText(tr("duplicates=2 shuffle delay=100-500 stale=600 seed=7"));
    m_delivery->setToolTip(tr("To test how your app takes a provider's duplicates and disorder: "
                              "each capture sent N times, in a shuffled order (all, or within "
                              "shuffle=N), after a random delay, re-signed as if stale=S seconds "
                              "ago, at most concurrency=N at once; the seed repeats a run"));
    m_fixedUrl->setChecked(options.fixedUrl);
    m_keepHost->setChecked(options.keepHost);
    m_selfSigned->setChecked(options.acceptSelfSigned);
    m_resign->setChecked(options.resign);
    m_target->setMinimumWidth(420);
    m_target->selectAll();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Replay"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ReplayTargetDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ReplayTargetDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("&URL of the app to send the selected captures to:"), this));
    qobject_cast<QLabel *>(layout->itemAt(0)->widget())->setBuddy(m_target);
    layout->addWidget(m_target);
    layout->addWidget(m_fixedUrl);
    layout->addWidget(m_keepHost);
    layout->addWidget(m_selfSigned);
    layout->addWidget(m_resign);
    auto *deliveryLabel = new QLabel(tr("&Delivered as providers do (optional):"), this);
    deliveryLabel->setBuddy(m_delivery);
    layout->addWidget(deliveryLabel);
    layout->addWidget(m_delivery);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);
}

ChaosOptions ReplayTargetDialog::chaos() const
{
    QString unused;
    return ChaosOptions::parse(m_delivery->text(), &unused).value_or(ChaosOptions());
}

QString ReplayTargetDialog::target() const
{
    return m_target->text().trimmed();
}

TargetOptions ReplayTargetDialog::options() const
{
    // A stale signature is a fresh one made as if long ago.
    return {m_fixedUrl->isChecked(), m_keepHost->isChecked(), m_selfSigned->isChecked(),
            m_resign->isChecked() || chaos().staleSeconds > 0};
}

void ReplayTargetDialog::accept()
{
    if (const QString problem = OutgoingRequest::targetProblem(QUrl(target()));
        !problem.isEmpty()) {
        m_problem->setText(problem);
        m_problem->show();
        m_target->setFocus();
        return;
    }
    QString problem;
    if (!ChaosOptions::parse(m_delivery->text(), &problem)) {
        m_problem->setText(problem);
        m_problem->show();
        m_delivery->setFocus();
        return;
    }
    QDialog::accept();
}

} // namespace Hookscope
