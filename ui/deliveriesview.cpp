#include "deliveriesview.h"

#include "signing/signature.h"

#include "palettetone.h"
#include "textpane.h"

#include <QDateTime>
#include <QHeaderView>
#include <QPushButton>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

enum Column { TargetColumn, OutcomeColumn, TimeColumn, DurationColumn };
constexpr int DeliveryRole = Qt::UserRole + 1; // index into m_deliveries
constexpr int AttemptRole = Qt::UserRole + 2;  // index into its results, -1 on delivery rows

QString outcome(const DeliveryResult &result)
{
    return result.status ? QString::number(result.status) + QLatin1Char(' ')
                               + QString::fromUtf8(result.reason)
                         : result.error;
}

QString localTime(qint64 microseconds)
{
    return QDateTime::fromMSecsSinceEpoch(microseconds / 1000)
        .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

} // namespace

DeliveriesView::DeliveriesView(QWidget *parent)
    : QWidget(parent)
    , m_tree(new QTreeWidget(this))
    , m_answer(new TextPane(this))
    , m_retry(new QPushButton(tr("Retry Now"), this))
{
    m_tree->setHeaderLabels({tr("Target"), tr("Outcome"), tr("When"), tr("Took")});
    m_tree->setRootIsDecorated(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(TargetColumn, QHeaderView::Stretch);
    m_answer->setPlaceholderText(tr("Select an attempt to see what the target answered."));
    m_retry->setEnabled(false);
    m_retry->setToolTip(tr("Send this capture to the selected target again now"));

    auto *below = new QWidget(this);
    auto *belowLayout = new QVBoxLayout(below);
    belowLayout->setContentsMargins(0, 0, 0, 0);
    belowLayout->addWidget(m_answer);
    belowLayout->addWidget(m_retry, 0, Qt::AlignRight);
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_tree);
    splitter->addWidget(below);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_tree, &QTreeWidget::currentItemChanged, this, &DeliveriesView::showSelected);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (QTreeWidgetItem *item = m_tree->currentItem())
            emit retryRequested(m_deliveries.at(item->data(0, DeliveryRole).toInt()).id);
    });
}

QString DeliveriesView::targetText(const DeliveryRecord &delivery)
{
    QStringList notes;
    if (delivery.proxied)
        notes.append(tr("proxied: its answer went to the provider"));
    if (delivery.options.fixedUrl)
        notes.append(tr("fixed URL"));
    if (delivery.options.keepHost)
        notes.append(tr("Host kept"));
    if (delivery.options.acceptSelfSigned)
        notes.append(tr("self-signed accepted"));
    if (delivery.signedAgeSeconds > 0)
        notes.append(tr("re-signed %1").arg(Signatures::describeSkew(-delivery.signedAgeSeconds)));
    else if (delivery.options.resign)
        notes.append(tr("re-signed"));
    if (delivery.maxInFlight > 0)
        notes.append(tr("at most %n in flight", nullptr, delivery.maxInFlight));
    return notes.isEmpty() ? delivery.target
                           : tr("%1 (%2)").arg(delivery.target, notes.join(QStringLiteral(", ")));
}

void DeliveriesView::setDeliveries(const QList<DeliveryRecord> &deliveries)
{
    // Keep the selection across refreshes (a new attempt arrives while the user reads one).
    const QTreeWidgetItem *current = m_tree->currentItem();
    const qint64 selectedDelivery
        = current ? m_deliveries.value(current->data(0, DeliveryRole).toInt()).id : 0;
    const int selectedAttempt = current ? current->data(0, AttemptRole).toInt() : -1;
    m_deliveries = deliveries;
    // Rebuilt quietly: Retry Now stays enabled (and focused, when it was clicked), rather than
    // passing the focus on to the next widget while the tree is empty.
    const QSignalBlocker rebuilding(m_tree);
    m_tree->clear();
    QTreeWidgetItem *reselect = nullptr;
    for (int index = 0; index < deliveries.size(); ++index) {
        const DeliveryRecord &delivery = deliveries.at(index);
        auto *item = new QTreeWidgetItem(m_tree);
        item->setText(TargetColumn, targetText(delivery));
        item->setToolTip(TargetColumn, item->text(TargetColumn)); // whole, when the column is not
        item->setData(0, DeliveryRole, index);
        item->setData(0, AttemptRole, -1);
        switch (delivery.state) {
        case DeliveryAttempt::State::Delivered:
            item->setText(OutcomeColumn, tr("delivered"));
            break;
        case DeliveryAttempt::State::Failed:
            item->setText(OutcomeColumn,
                          tr("failed after %n attempt(s)", nullptr, delivery.attempts));
            item->setForeground(OutcomeColumn, paletteTone(0));
            item->setToolTip(OutcomeColumn, delivery.lastError);
            break;
        case DeliveryAttempt::State::Pending:
            if (delivery.isHeld()) {
                item->setText(OutcomeColumn, tr("waiting for the target"));
                item->setToolTip(OutcomeColumn,
                                 tr("The target is down: its oldest capture is tried now and "
                                    "then, and this one is sent the moment it answers"));
            } else {
                item->setText(OutcomeColumn,
                              delivery.attempts == 0 ? tr("pending") : tr("retrying"));
                if (delivery.attempts > 0)
                    item->setText(TimeColumn,
                                  tr("next at %1").arg(localTime(delivery.nextAttemptUs)));
            }
            item->setForeground(OutcomeColumn, paletteTone(30));
            break;
        }
        for (int attempt = 0; attempt < delivery.results.size(); ++attempt) {
            const DeliveryResult &result = delivery.results.at(attempt);
            auto *child = new QTreeWidgetItem(item);
            // The one before may have reached the target too: Hookscope stopped during it.
            const bool mayRepeat = delivery.mayRepeat.value(attempt);
            child->setText(TargetColumn, mayRepeat ? tr("attempt %1 (may repeat)").arg(attempt + 1)
                                                   : tr("attempt %1").arg(attempt + 1));
            if (mayRepeat)
                child->setToolTip(TargetColumn,
                                  tr("Hookscope stopped while the attempt before this one was "
                                     "under way: the target may have got the delivery then "
                                     "and again now. Its Hookscope-Delivery-Id header is the "
                                     "same both times."));
            child->setText(OutcomeColumn, outcome(result));
            if (!result.succeeded())
                child->setForeground(OutcomeColumn, paletteTone(0));
            child->setText(TimeColumn, localTime(result.startedAtUs));
            child->setText(DurationColumn,
                           tr("%1 ms").arg(double(result.durationUs) / 1000, 0, 'f', 1));
            child->setData(0, DeliveryRole, index);
            child->setData(0, AttemptRole, attempt);
            if (delivery.id == selectedDelivery && attempt == selectedAttempt)
                reselect = child;
        }
        item->setExpanded(true);
        if (delivery.id == selectedDelivery && selectedAttempt < 0)
            reselect = item;
    }
    for (int column = OutcomeColumn; column <= DurationColumn; ++column)
        m_tree->resizeColumnToContents(column);
    if (!reselect && m_tree->topLevelItemCount() > 0) {
        // The newest attempt of the first delivery: what the user most likely wants.
        QTreeWidgetItem *first = m_tree->topLevelItem(0);
        reselect = first->childCount() > 0 ? first->child(first->childCount() - 1) : first;
    }
    m_tree->setCurrentItem(reselect);
    showSelected();
}

void DeliveriesView::showSelected()
{
    const QTreeWidgetItem *item = m_tree->currentItem();
    m_retry->setEnabled(item != nullptr);
    const int attempt = item ? item->data(0, AttemptRole).toInt() : -1;
    if (!item || attempt < 0) {
        // A delivery given up while it waited has no attempt to show: say why instead.
        const DeliveryRecord *delivery
            = item ? &m_deliveries.at(item->data(0, DeliveryRole).toInt()) : nullptr;
        m_answer->setText(delivery && delivery->state == DeliveryAttempt::State::Failed
                              ? delivery->lastError
                              : QString());
        return;
    }
    const DeliveryResult &result
        = m_deliveries.at(item->data(0, DeliveryRole).toInt()).results.at(attempt);
    if (result.status == 0) {
        m_answer->setText(tr("No answer: %1").arg(result.error));
        return;
    }
    m_answer->setText(QString::fromUtf8(result.head("\n") + '\n' + result.body));
}

} // namespace Hookscope
