#include "rulesdialog.h"

#include "jsonhighlighter.h"
#include "palettetone.h"
#include "warninglabel.h"

#include "wire/jsonfile.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

QString ruleText(const QJsonObject &rule)
{
    return QString::fromUtf8(QJsonDocument(rule).toJson(QJsonDocument::Indented));
}

QString describe(const MockDecision &decision)
{
    const ResponseSpec &response = decision.response;
    QString text;
    switch (decision.fault) {
    case MockAnswer::Fault::Close:
        text = QObject::tr("Closes the connection without answering");
        break;
    case MockAnswer::Fault::Reset: text = QObject::tr("Resets the connection"); break;
    case MockAnswer::Fault::NoAnswer: text = QObject::tr("Never answers"); break;
    case MockAnswer::Fault::Trickle:
    case MockAnswer::Fault::None:
        text = QObject::tr("Answers %1 %2")
                   .arg(response.status)
                   .arg(QString::fromLatin1(ResponseSpec::reasonPhrase(response.status)));
        if (decision.fault == MockAnswer::Fault::Trickle)
            text += QObject::tr(", the body at %1 bytes a second")
                        .arg(decision.trickleBytesPerSecond);
        break;
    }
    if (!decision.proxyTarget.isEmpty())
        text = QObject::tr("Relays it to %1 and answers with what comes back")
                   .arg(decision.proxyTarget);
    if (response.delayMs > 0)
        text += QObject::tr(" after %1 ms").arg(response.delayMs);
    text += QLatin1Char('\n');
    if (decision.proxyTarget.isEmpty() && decision.fault != MockAnswer::Fault::Close
        && decision.fault != MockAnswer::Fault::Reset
        && decision.fault != MockAnswer::Fault::NoAnswer) {
        for (const HeaderField &header : response.headers)
            text += QString::fromUtf8(header.name + ": " + header.value) + QLatin1Char('\n');
        text += QLatin1Char('\n') + QString::fromUtf8(response.body);
    }
    return text;
}

} // namespace

RulesDialog::RulesDialog(const MockRules &rules, const std::optional<CapturedRequest> &selected,
                         QWidget *parent)
    : QDialog(parent)
    , m_selected(selected)
    , m_accepted(rules)
    , m_list(new QListWidget(this))
    , m_editor(new QPlainTextEdit(this))
    , m_problem(warningLabel(this))
    , m_try(new QPushButton(tr("Try on Selected Capture"), this))
    , m_tryResult(new QPlainTextEdit(this))
    , m_seed(new QSpinBox(this))
{
    setWindowTitle(tr("Mock Rules"));
    resize(1000, 640);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    new JsonHighlighter(m_editor->document());
    m_tryResult->setReadOnly(true);
    m_tryResult->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_tryResult->setPlaceholderText(tr("What the rule would answer the capture selected in the "
                                       "list"));
    m_try->setEnabled(selected.has_value());
    if (!selected)
        m_try->setToolTip(tr("Select a capture in the list first"));
    m_seed->setRange(0, INT_MAX);
    m_seed->setValue(int(rules.seed));
    m_seed->setToolTip(tr("Random delays and failures follow this seed: the same seed, the same "
                          "sequence (restarting the rules starts it again)"));

    for (const MockRule &rule : rules.rules)
        addRule(rule.source);
    connect(m_list, &QListWidget::currentRowChanged, this, &RulesDialog::showRule);
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        // The check box is the rule's "enabled".
        const int row = m_list->row(item);
        QJsonObject rule = QJsonDocument::fromJson(m_texts.value(row).toUtf8()).object();
        const bool enabled = item->checkState() == Qt::Checked;
        if (rule.isEmpty() || rule.value(QLatin1String("enabled")).toBool(true) == enabled)
            return;
        rule.insert(QStringLiteral("enabled"), enabled);
        m_texts[row] = ruleText(rule);
        if (row == m_shown) {
            const QSignalBlocker blocker(m_editor);
            m_editor->setPlainText(m_texts[row]);
        }
    });
    connect(m_editor, &QPlainTextEdit::textChanged, this, &RulesDialog::ruleEdited);
    connect(m_try, &QPushButton::clicked, this, &RulesDialog::tryOnSelected);

    auto *add = new QPushButton(tr("Add"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    auto *up = new QPushButton(tr("Up"), this);
    auto *down = new QPushButton(tr("Down"), this);
    connect(add, &QPushButton::clicked, this, [this] {
        addRule(QJsonObject{{QStringLiteral("name"), tr("rule %1").arg(m_list->count() + 1)},
                            {QStringLiteral("match"),
                             QJsonObject{{QStringLiteral("method"), QStringLiteral("POST")},
                                         {QStringLiteral("path"), QStringLiteral("/*")}}},
                            {QStringLiteral("respond"),
                             QJsonObject{{QStringLiteral("status"), 200},
                                         {QStringLiteral("body"), QStringLiteral("ok")}}}});
        m_list->setCurrentRow(m_list->count() - 1);
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_list->currentRow();
        if (row < 0)
            return;
        m_shown = -1;
        m_texts.removeAt(row);
        delete m_list->takeItem(row);
        showRule(m_list->currentRow());
    });
    const auto move = [this](int by) {
        const int row = m_list->currentRow();
        const int to = row + by;
        if (row < 0 || to < 0 || to >= m_list->count())
            return;
        m_shown = -1;
        m_texts.move(row, to);
        m_list->insertItem(to, m_list->takeItem(row));
        for (int each = 0; each < m_list->count(); ++each)
            markRow(each);
        m_list->setCurrentRow(to);
    };
    connect(up, &QPushButton::clicked, this, [move] { move(-1); });
    connect(down, &QPushButton::clicked, this, [move] { move(1); });

    auto *listButtons = new QHBoxLayout;
    for (QPushButton *button : {add, remove, up, down})
        listButtons->addWidget(button);
    auto *seedRow = new QHBoxLayout;
    seedRow->addWidget(new QLabel(tr("Seed:"), this));
    seedRow->addWidget(m_seed, 1);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto *order = new QLabel(tr("First match wins:"), this);
    leftLayout->addWidget(order);
    leftLayout->addWidget(m_list);
    leftLayout->addLayout(listButtons);
    leftLayout->addLayout(seedRow);
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_editor, 3);
    rightLayout->addWidget(m_problem);
    rightLayout->addWidget(m_try, 0, Qt::AlignLeft);
    rightLayout->addWidget(m_tryResult, 2);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setSizes({280, 720});
    auto *help = new QLabel(
        tr("Match on \"method\", \"path\" (a glob: * is anything) or \"pathRegex\", \"headers\" "
           "and "
           "\"query\" ({NAME: GLOB}, or \"re:…\"), \"json\" ([{\"path\": \"$.type\", \"equals\": "
           "…}]). Respond with \"status\", \"headers\", \"body\" ({{request.json.data.id}}, "
           "{{request.header.X}}, {{request.query.k}}, {{now}}, {{uuid}}), \"delay\" (ms, or "
           "{\"min\", \"max\"}), \"fault\" (close, reset, no-answer, trickle), \"proxy\": URL; a "
           "list of answers with \"times\" for a sequence; \"failure\": {\"probability\", …}."),
        this);
    help->setWordWrap(true);
    help->setForegroundRole(QPalette::PlaceholderText);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &RulesDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    layout->addWidget(help);
    layout->addWidget(buttons);
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        showRule(-1);
}

void RulesDialog::addRule(const QJsonObject &rule)
{
    m_texts.append(ruleText(rule));
    {
        // Setting the item up is not the user switching the rule on or off.
        const QSignalBlocker blocker(m_list);
        auto *item = new QListWidgetItem(m_list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(rule.value(QLatin1String("enabled")).toBool(true) ? Qt::Checked
                                                                              : Qt::Unchecked);
    }
    markRow(m_list->count() - 1);
}

std::optional<MockRule> RulesDialog::ruleAt(int row, QString *error) const
{
    const QByteArray text = m_texts.value(row).toUtf8();
    const std::optional<QJsonObject> object = JsonFile::parseObject(text, error);
    if (!object)
        return std::nullopt;
    return MockRules::ruleFromJson(*object, error);
}

void RulesDialog::markRow(int row)
{
    QListWidgetItem *item = m_list->item(row);
    if (!item)
        return;
    QString error;
    const std::optional<MockRule> rule = ruleAt(row, &error);
    const QString name = QJsonDocument::fromJson(m_texts.value(row).toUtf8())
                             .object()
                             .value(QLatin1String("name"))
                             .toString();
    const QSignalBlocker blocker(m_list);
    item->setText((name.isEmpty() ? tr("rule %1").arg(row + 1) : name)
                  + (rule ? QString() : tr("  ⚠ not valid")));
    item->setForeground(rule ? palette().color(QPalette::Text) : paletteTone(0));
    item->setToolTip(rule ? QString() : error);
}

void RulesDialog::showRule(int row)
{
    m_shown = row;
    const QSignalBlocker blocker(m_editor);
    m_editor->setPlainText(m_texts.value(row));
    m_editor->setEnabled(row >= 0);
    m_tryResult->clear();
    ruleEdited();
}

void RulesDialog::ruleEdited()
{
    if (m_shown < 0) {
        m_problem->hide();
        return;
    }
    m_texts[m_shown] = m_editor->toPlainText();
    QString error;
    const bool valid = ruleAt(m_shown, &error).has_value();
    m_problem->setText(error);
    m_problem->setVisible(!valid);
    m_try->setEnabled(valid && m_selected.has_value());
    markRow(m_shown);
}

void RulesDialog::tryOnSelected()
{
    QString error;
    const std::optional<MockRule> rule = ruleAt(m_shown, &error);
    if (!rule || !m_selected)
        return;
    const CapturedRequest &capture = *m_selected;
    const QString request = QString::fromLatin1(capture.method) + QLatin1Char(' ')
                            + QString::fromUtf8(capture.target);
    if (!rule->matches(capture)) {
        m_tryResult->setPlainText(
            tr("Does not match capture #%1 (%2).").arg(capture.id).arg(request));
        return;
    }
    m_tryResult->setPlainText(tr("Matches capture #%1 (%2).\n").arg(capture.id).arg(request)
                              + describe(MockRules::preview(*rule, capture)));
}

void RulesDialog::accept()
{
    MockRules accepted;
    accepted.seed = quint32(m_seed->value());
    for (int row = 0; row < m_texts.size(); ++row) {
        QString error;
        std::optional<MockRule> rule = ruleAt(row, &error);
        if (!rule) {
            m_list->setCurrentRow(row);
            m_problem->setText(
                tr("Rule %1 is not valid, so no rule is applied yet: %2").arg(row + 1).arg(error));
            m_problem->show();
            return;
        }
        accepted.rules.append(*rule);
    }
    m_accepted = accepted;
    QDialog::accept();
}

} // namespace Hookscope
