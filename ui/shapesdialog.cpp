#include "shapesdialog.h"

#include "warninglabel.h"

#include "store/capturestore.h"
#include "wire/jsonfile.h"

#include <climits>

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

enum Column { FieldColumn, TypesColumn, PresentColumn, ValuesColumn };

} // namespace

ShapesDialog::ShapesDialog(CaptureStore &store, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_types(new QListWidget(this))
    , m_fields(new QTreeWidget(this))
    , m_summary(new QLabel(this))
    , m_problem(warningLabel(this))
{
    setWindowTitle(tr("Event Shapes"));
    resize(980, 620);
    m_fields->setHeaderLabels({tr("Field"), tr("Types"), tr("Present"), tr("Values")});
    m_fields->setAlternatingRowColors(true);
    m_fields->setUniformRowHeights(true);
    m_fields->header()->setStretchLastSection(true);
    m_summary->setWordWrap(true);

    const auto button = [this](const QString &text, auto slot) {
        auto *pushButton = new QPushButton(text, this);
        connect(pushButton, &QPushButton::clicked, this, slot);
        m_forShape.append(pushButton);
        return pushButton;
    };
    auto *showCaptures = button(tr("Show &Captures"), [this] {
        emit filterRequested(QStringLiteral("event:") + currentType());
    });
    auto *showDrift = button(tr("Show &Drift"), [this] {
        emit filterRequested(QStringLiteral("event:%1 is:drift").arg(currentType()));
    });
    showDrift->setToolTip(tr("The captures whose payload differed from those before them"));
    auto *exportSchema = button(tr("Export JSON &Schema…"), [this] { askExport(false); });
    auto *exportTypeScript = button(tr("Export &TypeScript…"), [this] { askExport(true); });

    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_summary);
    rightLayout->addWidget(m_fields, 1);
    rightLayout->addWidget(m_problem);
    auto *actions = new QHBoxLayout;
    for (QPushButton *action : {showCaptures, showDrift, exportSchema, exportTypeScript})
        actions->addWidget(action);
    actions->addStretch();
    rightLayout->addLayout(actions);

    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_types);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({240, 740});
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(buttons);

    for (const auto &[type, payloads] : store.eventTypes()) {
        auto *item = new QListWidgetItem(tr("%1  (%2)").arg(type).arg(payloads), m_types);
        item->setData(Qt::UserRole, type);
    }
    connect(m_types, &QListWidget::currentRowChanged, this, &ShapesDialog::showShape);
    if (m_types->count() > 0)
        m_types->setCurrentRow(0);
    else
        showShape();
    m_types->setFocus(); // arrow keys pick a type at once
    for (QPushButton *action : std::as_const(m_forShape))
        action->setAutoDefault(false); // Enter in the list is no click on Show Captures
}

QString ShapesDialog::currentType() const
{
    const QListWidgetItem *item = m_types->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void ShapesDialog::showShape()
{
    m_problem->hide();
    m_fields->clear();
    const QString type = currentType();
    m_shape = type.isEmpty() ? PayloadShape() : m_store.shapeOf(type);
    for (QPushButton *action : std::as_const(m_forShape))
        action->setEnabled(m_shape.payloads() > 0);
    if (type.isEmpty()) {
        m_summary->setText(tr("No event type has arrived yet. Shapes are learnt from JSON "
                              "payloads that name their event type (a provider's header or "
                              "the body's \"type\"), as they arrive."));
        return;
    }
    m_summary->setText(m_shape.truncated()
                           ? tr("%1, learnt from %n payload(s); only its first %2 fields are kept.",
                                nullptr, int(std::min<qint64>(m_shape.payloads(), INT_MAX)))
                                 .arg(type)
                                 .arg(PayloadShape::MaxFields)
                           : tr("%1, learnt from %n payload(s).", nullptr,
                                int(std::min<qint64>(m_shape.payloads(), INT_MAX)))
                                 .arg(type));
    QHash<QString, QTreeWidgetItem *> items;
    for (const PayloadShape::Field &field : m_shape.fields()) {
        QTreeWidgetItem *parent = items.value(field.parent);
        auto *item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_fields);
        const bool isItems = field.path.endsWith(QLatin1String("[]"));
        item->setText(FieldColumn,
                      isItems ? tr("[ items ]")
                              : field.path.mid(field.parent.size()).remove(0, parent ? 1 : 0));
        item->setToolTip(FieldColumn, field.path);
        item->setText(TypesColumn, PayloadShape::typesText(field));
        const qint64 parents = m_shape.parentOccurrences(field);
        item->setText(
            PresentColumn,
            isItems ? tr("%n item(s)", nullptr, int(std::min<qint64>(field.occurrences, INT_MAX)))
            : m_shape.isRequired(field)
                ? tr("always")
                : QStringLiteral("%1%").arg(parents ? 100 * field.occurrences / parents : 0));
        item->setText(ValuesColumn, PayloadShape::valuesText(field));
        item->setToolTip(ValuesColumn, item->text(ValuesColumn));
        items.insert(field.path, item);
    }
    m_fields->expandToDepth(2);
    for (int column = FieldColumn; column < ValuesColumn; ++column)
        m_fields->resizeColumnToContents(column);
}

void ShapesDialog::askExport(bool typeScript)
{
    const QString type = currentType();
    QString name = type;
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    const QString path = QFileDialog::getSaveFileName(
        this, typeScript ? tr("Export TypeScript") : tr("Export JSON Schema"),
        name + (typeScript ? QStringLiteral(".ts") : QStringLiteral(".schema.json")),
        typeScript ? tr("TypeScript (*.ts)") : tr("JSON Schema (*.json)"));
    if (!path.isEmpty())
        exportTo(path, typeScript);
}

bool ShapesDialog::exportTo(const QString &path, bool typeScript)
{
    const QString type = currentType();
    const QByteArray bytes
        = typeScript ? m_shape.typeScript(type).toUtf8()
                     : QJsonDocument(m_shape.jsonSchema(type)).toJson(QJsonDocument::Indented);
    QString error;
    if (!JsonFile::writeAtomically(path, bytes, &error)) {
        m_problem->setText(tr("Could not export: %1").arg(error));
        m_problem->show();
        return false;
    }
    m_problem->hide();
    return true;
}

} // namespace Hookscope
