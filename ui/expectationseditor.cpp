#include "expectationseditor.h"

#include "editabletable.h"
#include "palettetone.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

// The checks a JSON field can have, in the order the Check column offers them.
const char *const checkNames[] = {"equals", "exists", "matches", "type"};

QString cellText(const QTableWidget *table, int row, int column)
{
    const QTableWidgetItem *item = table->item(row, column);
    return item ? item->text().trimmed() : QString();
}

// What a user types as a value: JSON when it reads as JSON (5, true, "x", {…}), else text.
QJsonValue typedValue(const QString &text)
{
    const QJsonArray wrapped = QJsonDocument::fromJson("[" + text.toUtf8() + "]").array();
    return wrapped.size() == 1 ? wrapped.first() : QJsonValue(text);
}

QPushButton *removeRowButton(QTableWidget *table, QWidget *parent)
{
    auto *remove = new QPushButton(QObject::tr("Remove"), parent);
    QObject::connect(remove, &QPushButton::clicked, table,
                     [table] { table->removeRow(table->currentRow()); });
    return remove;
}

} // namespace

ExpectationsEditor::ExpectationsEditor(QWidget *parent)
    : QWidget(parent)
    , m_status(new QLineEdit(this))
    , m_maxMs(new QSpinBox(this))
    , m_idempotent(new QComboBox(this))
    , m_headers(makeEditableTable({tr("Header"), tr("Pattern (glob or re:…)")}, this))
    , m_json(makeEditableTable({tr("JSON path"), tr("Check"), tr("Value")}, this))
    , m_problem(new QLabel(this))
{
    m_status->setPlaceholderText(
        tr("2xx or 3xx — a code (201), a class (2xx) or a range (200-204)"));
    m_maxMs->setRange(0, 600'000);
    m_maxMs->setSpecialValueText(tr("no limit"));
    m_maxMs->setSuffix(tr(" ms"));
    m_idempotent->addItems(
        {tr("Sent once"), tr("Sent twice: both 2xx"), tr("Sent twice: both 2xx, the same answer")});
    m_problem->setWordWrap(true);
    showAsWarning(m_problem);

    auto *addHeader = new QPushButton(tr("Add Header"), this);
    connect(addHeader, &QPushButton::clicked, this, [this] {
        m_headers->insertRow(m_headers->rowCount());
        m_headers->setItem(m_headers->rowCount() - 1, 1, new QTableWidgetItem(QStringLiteral("*")));
    });
    auto *addField = new QPushButton(tr("Add JSON Field"), this);
    connect(addField, &QPushButton::clicked, this,
            [this] { addJsonRow(QStringLiteral("$."), 0, {}); });
    auto *headerButtons = new QHBoxLayout;
    headerButtons->addWidget(addHeader);
    headerButtons->addWidget(removeRowButton(m_headers, this));
    headerButtons->addStretch();
    auto *jsonButtons = new QHBoxLayout;
    jsonButtons->addWidget(addField);
    jsonButtons->addWidget(removeRowButton(m_json, this));
    jsonButtons->addStretch();

    auto *form = new QFormLayout;
    form->addRow(tr("&Status:"), m_status);
    form->addRow(tr("&At most:"), m_maxMs);
    form->addRow(tr("&Idempotent:"), m_idempotent);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_json, 2);
    layout->addLayout(jsonButtons);
    layout->addWidget(m_headers, 1);
    layout->addLayout(headerButtons);
    layout->addWidget(m_problem);

    for (QTableWidget *table : {m_headers, m_json}) {
        connect(table, &QTableWidget::itemChanged, this, &ExpectationsEditor::check);
        connect(table->model(), &QAbstractItemModel::rowsRemoved, this, &ExpectationsEditor::check);
    }
    connect(m_status, &QLineEdit::textChanged, this, &ExpectationsEditor::check);
    connect(m_maxMs, &QSpinBox::valueChanged, this, &ExpectationsEditor::check);
    connect(m_idempotent, &QComboBox::currentIndexChanged, this, &ExpectationsEditor::check);
    check();
}

void ExpectationsEditor::addJsonRow(const QString &path, int check, const QString &value)
{
    const int row = m_json->rowCount();
    m_json->insertRow(row);
    m_json->setItem(row, PathColumn, new QTableWidgetItem(path));
    auto *kind = new QComboBox(m_json);
    for (const char *name : checkNames)
        kind->addItem(QString::fromLatin1(name));
    kind->setCurrentIndex(check);
    connect(kind, &QComboBox::currentIndexChanged, this, &ExpectationsEditor::check);
    m_json->setCellWidget(row, CheckColumn, kind);
    m_json->setItem(row, ValueColumn, new QTableWidgetItem(value));
}

void ExpectationsEditor::setExpectations(const Expectations &expect)
{
    const QSignalBlocker blockStatus(m_status);
    const QSignalBlocker blockHeaders(m_headers);
    const QSignalBlocker blockJson(m_json);
    m_status->setText(expect.status ? expect.status->written : QString());
    m_maxMs->setValue(expect.maxMs.value_or(0));
    m_idempotent->setCurrentIndex(int(expect.idempotent));
    m_headers->setRowCount(0);
    for (const ValueCondition &header : expect.headers) {
        const int row = m_headers->rowCount();
        m_headers->insertRow(row);
        m_headers->setItem(row, 0, new QTableWidgetItem(header.name));
        m_headers->setItem(row, 1, new QTableWidgetItem(header.written));
    }
    m_json->setRowCount(0);
    for (const Expectations::JsonCheck &field : expect.json) {
        QString value;
        if (field.kind == Expectations::JsonCheck::Kind::Equals)
            value = QString::fromUtf8(QJsonDocument(QJsonArray{field.equals})
                                          .toJson(QJsonDocument::Compact)
                                          .sliced(1)
                                          .chopped(1));
        else if (field.kind == Expectations::JsonCheck::Kind::Matches)
            value = field.pattern.pattern();
        else if (field.kind == Expectations::JsonCheck::Kind::Type)
            value = field.type;
        addJsonRow(field.path.text(), int(field.kind), value);
    }
    check();
}

QJsonObject ExpectationsEditor::written() const
{
    QJsonObject object;
    if (!m_status->text().trimmed().isEmpty())
        object.insert(QStringLiteral("status"), m_status->text().trimmed());
    if (m_maxMs->value() > 0)
        object.insert(QStringLiteral("maxMs"), m_maxMs->value());
    if (m_idempotent->currentIndex() == 1)
        object.insert(QStringLiteral("idempotent"), true);
    else if (m_idempotent->currentIndex() == 2)
        object.insert(QStringLiteral("idempotent"), QStringLiteral("same-body"));
    QJsonObject headers;
    for (int row = 0; row < m_headers->rowCount(); ++row)
        if (const QString name = cellText(m_headers, row, 0); !name.isEmpty())
            headers.insert(name, cellText(m_headers, row, 1));
    if (!headers.isEmpty())
        object.insert(QStringLiteral("headers"), headers);
    QJsonArray fields;
    for (int row = 0; row < m_json->rowCount(); ++row) {
        const QString path = cellText(m_json, row, PathColumn);
        const auto *kind = qobject_cast<QComboBox *>(m_json->cellWidget(row, CheckColumn));
        if (path.isEmpty() || path == QLatin1String("$.") || !kind)
            continue;
        const QString check = QString::fromLatin1(checkNames[kind->currentIndex()]);
        const QString value = cellText(m_json, row, ValueColumn);
        QJsonObject field{{QStringLiteral("path"), path}};
        if (check == QLatin1String("exists"))
            field.insert(check, true);
        else if (check == QLatin1String("equals"))
            field.insert(check, typedValue(value));
        else
            field.insert(check, value);
        fields.append(field);
    }
    if (!fields.isEmpty())
        object.insert(QStringLiteral("json"), fields);
    return object;
}

std::optional<Expectations> ExpectationsEditor::expectations() const
{
    QString unused;
    return Expectations::fromJson(written(), &unused);
}

QString ExpectationsEditor::problem() const
{
    QString error;
    Expectations::fromJson(written(), &error);
    return error;
}

void ExpectationsEditor::check()
{
    m_problem->setText(problem());
    m_problem->setVisible(!m_problem->text().isEmpty());
    emit changed();
}

} // namespace Hookscope
