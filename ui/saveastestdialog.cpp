#include "saveastestdialog.h"

#include "store/capturestore.h"
#include "store/deliverylog.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Hookscope {

SaveAsTestDialog::SaveAsTestDialog(const QList<Source> &sources, QWidget *parent)
    : QDialog(parent)
    , m_sources(sources)
    , m_fields(new QTreeWidget(this))
    , m_note(new QLabel(this))
{
    setWindowTitle(tr("Save as Test"));
    resize(640, 460);
    m_fields->setHeaderLabels({tr("Answer field"), tr("Value")});
    m_fields->setRootIsDecorated(false);
    m_fields->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    // Every field any of the answers has, once, with the first answer's value shown.
    QStringList listed;
    QStringList statuses;
    qsizetype answered = 0;
    for (const Source &source : sources) {
        if (!source.answer || source.answer->status == 0)
            continue;
        ++answered;
        const QString status = QString::number(source.answer->status);
        if (!statuses.contains(status))
            statuses.append(status);
        for (const auto &[path, value] : Expectations::fieldsOf(source.answer->body)) {
            if (listed.contains(path.text()))
                continue;
            listed.append(path.text());
            auto *item = new QTreeWidgetItem(
                m_fields, {path.text(), QString::fromUtf8(JsonPath::textOf(value))});
            item->setCheckState(0, Qt::Unchecked);
            item->setToolTip(1, item->text(1));
        }
    }
    QString note
        = answered == 0
              ? tr("None of these was forwarded or replayed yet: they are saved expecting a 2xx or "
                   "3xx. Replay them to your app first to expect what it answers.")
              : tr("%n request(s) will expect the status their target answered (%1), and the "
                   "fields ticked below to hold the values they had.",
                   nullptr, int(answered))
                    .arg(statuses.join(QStringLiteral(", ")));
    if (answered > 0 && answered < sources.size())
        note += QLatin1Char(' ')
                + tr("Those never forwarded or replayed (%n) expect a 2xx or 3xx.", nullptr,
                     int(sources.size() - answered));
    if (answered > 0 && listed.isEmpty())
        note += QLatin1Char(' ') + tr("The answers have no JSON fields to tick.");
    m_note->setText(note);
    m_note->setWordWrap(true);
    m_fields->setVisible(!listed.isEmpty());

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Save…"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_fields, 1);
    layout->addWidget(buttons);
}

QList<SaveAsTestDialog::Source> SaveAsTestDialog::sourcesFor(const QList<qint64> &ids,
                                                             CaptureStore &store,
                                                             DeliveryLog &deliveries,
                                                             const QString &fallbackTarget)
{
    QList<Source> sources;
    for (const qint64 id : ids) {
        std::optional<CapturedRequest> capture = store.capture(id);
        if (!capture)
            continue;
        Source source{*capture, std::nullopt, fallbackTarget};
        for (const DeliveryRecord &record : deliveries.forCapture(id)) {
            for (const DeliveryResult &result : record.results) {
                if (result.status != 0
                    && (!source.answer || result.startedAtUs >= source.answer->startedAtUs)) {
                    source.answer = result;
                    source.target = record.target;
                }
            }
        }
        sources.append(source);
    }
    return sources;
}

Collection SaveAsTestDialog::tests(const QList<SignatureBinding> &bindings) const
{
    QList<JsonPath> ticked;
    for (int row = 0; row < m_fields->topLevelItemCount(); ++row) {
        const QTreeWidgetItem *item = m_fields->topLevelItem(row);
        QString unused;
        if (item->checkState(0) == Qt::Checked)
            ticked.append(*JsonPath::parse(item->text(0), &unused));
    }
    QList<CapturedRequest> captures;
    QList<std::optional<DeliveryResult>> answers;
    QStringList origins;
    for (const Source &source : m_sources) {
        captures.append(source.capture);
        answers.append(source.answer);
        origins.append(source.target);
    }
    return Collection::testsFromCaptures(captures, answers, origins, ticked, {}, bindings);
}

} // namespace Hookscope
