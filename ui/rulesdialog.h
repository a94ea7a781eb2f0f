#pragma once

#include "mock/mockrules.h"

#include <QDialog>

#include <optional>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace Hookscope {

// Edits the mock rules: an ordered list (first match wins, each switched on or off) and the
// selected rule as JSON, checked as it is typed; "Try on Selected Capture" shows what the rule
// would answer it. A rule with a mistake is named, with where, and nothing is applied until
// every rule is right.
class RulesDialog final : public QDialog
{
    Q_OBJECT
public:
    RulesDialog(const MockRules &rules, const std::optional<CapturedRequest> &selected,
                QWidget *parent = nullptr);

    // The rules as accepted.
    MockRules rules() const { return m_accepted; }
    void addRule(const QJsonObject &rule);
    void tryOnSelected();
    void accept() override;

    QListWidget *list() const { return m_list; }
    QPlainTextEdit *editor() const { return m_editor; }
    QLabel *problem() const { return m_problem; }
    QPlainTextEdit *tryResult() const { return m_tryResult; }
    QSpinBox *seed() const { return m_seed; }

private:
    void showRule(int row);
    void ruleEdited();
    // The rule in row `row`, or why it is not one.
    std::optional<MockRule> ruleAt(int row, QString *error) const;
    void markRow(int row);

    QStringList m_texts; // each rule as JSON text, by row
    int m_shown = -1;
    std::optional<CapturedRequest> m_selected;
    MockRules m_accepted;
    QListWidget *m_list;
    QPlainTextEdit *m_editor;
    QLabel *m_problem;
    QPushButton *m_try;
    QPlainTextEdit *m_tryResult;
    QSpinBox *m_seed;
};

} // namespace Hookscope
