#include "rundialog.h"

#include "palettetone.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace Hookscope {

RunDialog::RunDialog(const QString &title, const QList<RunStep> &steps,
                     const QHash<QString, QString> &values, SecretStore *secrets, QWidget *parent)
    : QDialog(parent)
    , m_steps(steps)
    , m_values(values)
    , m_runner(new CollectionRunner(secrets, this))
    , m_table(new QTableWidget(int(steps.size()), ColumnCount, this))
    , m_pause(new QSpinBox(this))
    , m_delivery(new QLineEdit(this))
    , m_startStop(new QPushButton(tr("Run"), this))
    , m_summary(new QLabel(this))
    , m_checks(new QTreeWidget(this))
{
    setWindowTitle(tr("Run %1").arg(title));
    resize(820, 420);
    m_table->setHorizontalHeaderLabels({tr("Request"), tr("Sent"), tr("Result"), tr("Time")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(RequestColumn, QHeaderView::Stretch);
    m_table->setColumnWidth(NameColumn, 220);
    m_table->setColumnWidth(ResultColumn, 200);
    // Before anything is sent: each request where it will go, its variables filled in (a
    // secret's value is only read at send), and the hosts they all go to.
    QStringList hosts;
    for (int row = 0; row < steps.size(); ++row) {
        QStringList missing;
        const QString url
            = OutgoingRequest::expandVariables(steps[row].request.url.trimmed(), values, &missing);
        if (const QString host = QUrl(url).authority(); !host.isEmpty() && !hosts.contains(host))
            hosts.append(host);
        m_table->setItem(row, NameColumn, new QTableWidgetItem(steps[row].name));
        m_table->setItem(row, RequestColumn,
                         new QTableWidgetItem(QString::fromUtf8(steps[row].request.method)
                                              + QLatin1Char(' ') + url));
        m_table->setItem(
            row, ResultColumn,
            new QTableWidgetItem(
                missing.isEmpty()
                    ? tr("waiting")
                    : tr("no value for {{%1}}").arg(missing.join(QStringLiteral("}}, {{")))));
        m_table->setItem(row, TimeColumn, new QTableWidgetItem());
        m_table->item(row, ResultColumn)->setForeground(palette().color(QPalette::PlaceholderText));
    }
    m_pause->setRange(0, 600'000);
    m_pause->setSuffix(tr(" ms"));
    m_pause->setToolTip(tr("Wait this long after each answer before sending the next request"));
    m_summary->setText(
        tr("%n request(s) to %1, sent one after the other once you press Run.", nullptr,
           int(steps.size()))
            .arg(hosts.isEmpty() ? tr("no host") : hosts.join(QStringLiteral(", "))));
    m_startStop->setDefault(true);
    m_checks->setHeaderLabels({tr("Expectation"), tr("Expected"), tr("Got")});
    m_checks->setRootIsDecorated(false);
    m_checks->setColumnWidth(0, 220);
    m_checks->setColumnWidth(1, 240);
    connect(m_table, &QTableWidget::currentCellChanged, this, &RunDialog::showChecks);

    connect(m_startStop, &QPushButton::clicked, this, [this] {
        if (m_runner->isRunning())
            m_runner->cancel();
        else
            start();
    });
    connect(m_runner, &CollectionRunner::stepFinished, this, &RunDialog::showResult);
    connect(m_runner, &CollectionRunner::finished, this, &RunDialog::showSummary);

    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Pause between requests:"), this));
    controls->addWidget(m_pause);
    m_delivery->setPlaceholderText(tr("duplicates=2 shuffle seed=7"));
    m_delivery->setToolTip(tr("Delivered as providers do, to test your handler: each request "
                              "several times, shuffled, signed long ago, several at once; the "
                              "seed repeats a run. Each copy gets a row of its own."));
    auto *deliveryLabel = new QLabel(tr("&Delivered as providers do:"), this);
    deliveryLabel->setBuddy(m_delivery);
    controls->addWidget(deliveryLabel);
    controls->addWidget(m_delivery, 1);
    controls->addWidget(m_startStop);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(m_checks);
    split->setSizes({300, 140});
    layout->addWidget(split);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);
}

void RunDialog::start()
{
    for (int row = 0; row < m_table->rowCount(); ++row) {
        m_table->item(row, ResultColumn)->setText(tr("waiting"));
        m_table->item(row, ResultColumn)->setForeground(palette().color(QPalette::PlaceholderText));
        m_table->item(row, TimeColumn)->setText({});
    }
    QString problem;
    const std::optional<ChaosOptions> chaos = ChaosOptions::parse(m_delivery->text(), &problem);
    if (!chaos) {
        m_summary->setText(tr("Not run: %1").arg(problem));
        return;
    }
    m_results.clear();
    showChecks();
    m_planned = m_steps.size() * chaos->duplicates;
    if (chaos->isPlain() && chaos->seed == 0) {
        m_startStop->setText(tr("Stop"));
        m_summary->setText(tr("Running…"));
        m_runner->start(m_steps, m_values, m_pause->value());
        return;
    }
    // A row per send, as each is answered; the run goes to its end.
    m_table->setRowCount(0);
    m_startStop->setEnabled(false);
    m_runner->startChaos(m_steps, m_values, *chaos);
    m_summary->setText(tr("Running, as providers deliver (seed %1)…").arg(m_runner->chaosSeed()));
}

void RunDialog::showResult(int row, const RunResult &result)
{
    if (row >= m_table->rowCount()) { // a send of a run delivered as providers do
        m_table->insertRow(row);
        m_table->setItem(row, NameColumn, new QTableWidgetItem(result.name));
        for (const int column : {RequestColumn, ResultColumn, TimeColumn})
            m_table->setItem(row, column, new QTableWidgetItem());
    }
    QTableWidgetItem *outcome = m_table->item(row, ResultColumn);
    if (!result.request)
        outcome->setText(tr("not sent: %1").arg(result.error));
    else if (result.result.status == 0)
        outcome->setText(tr("no answer: %1").arg(result.result.error));
    else
        outcome->setText(QStringLiteral("%1 %2")
                             .arg(result.result.status)
                             .arg(QString::fromUtf8(result.result.reason)));
    // The first expectation missed, or how many were met.
    const auto missed = std::find_if(result.checks.cbegin(), result.checks.cend(),
                                     [](const CheckResult &check) { return !check.passed; });
    if (result.result.status != 0 && missed != result.checks.cend())
        outcome->setText(
            outcome->text()
            + tr(" · %1: expected %2, got %3").arg(missed->what, missed->expected, missed->got));
    else if (result.checks.size() > 1)
        outcome->setText(outcome->text()
                         + tr(" · %n expectation(s) met", nullptr, int(result.checks.size())));
    m_results.insert(row, result);
    if (row == m_table->currentRow())
        showChecks();
    outcome->setToolTip(outcome->text());
    outcome->setForeground(result.passed() ? palette().color(QPalette::Text) : paletteTone(0));
    if (result.request) {
        m_table->item(row, RequestColumn)
            ->setText(QString::fromUtf8(result.request->method) + QLatin1Char(' ')
                      + result.request->url.toString());
        m_table->item(row, TimeColumn)
            ->setText(tr("%1 ms").arg(double(result.result.durationUs) / 1000, 0, 'f', 1));
    }
    m_table->scrollToItem(outcome);
}

void RunDialog::showChecks()
{
    m_checks->clear();
    const auto result = m_results.constFind(m_table->currentRow());
    if (result == m_results.cend())
        return;
    for (const CheckResult &check : result->checks) {
        auto *item = new QTreeWidgetItem(
            m_checks,
            {(check.passed ? QStringLiteral("\u2713 ") : QStringLiteral("\u2717 ")) + check.what,
             check.expected, check.got});
        for (int column = 0; column < 3; ++column) {
            item->setToolTip(column, item->text(column));
            if (!check.passed)
                item->setForeground(column, paletteTone(0));
        }
    }
}

void RunDialog::showSummary(const QList<RunResult> &results)
{
    const auto passed = std::count_if(results.cbegin(), results.cend(),
                                      [](const RunResult &result) { return result.passed(); });
    QString text = tr("%1 of %2 sent: %3 passed, %4 failed")
                       .arg(results.size())
                       .arg(m_planned)
                       .arg(passed)
                       .arg(results.size() - passed);
    if (results.size() < m_planned)
        text += tr(" (stopped)");
    if (m_runner->chaosSeed() != 0 && !m_startStop->isEnabled())
        text += tr(" · seed %1").arg(m_runner->chaosSeed());
    m_startStop->setEnabled(true);
    m_summary->setText(text);
    m_startStop->setText(tr("Run Again"));
}

} // namespace Hookscope
