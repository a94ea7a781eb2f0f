#pragma once

#include "collections/expectations.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace Hookscope {

// The Expect tab of a request: what its answer must be for a run to pass it: the status, headers,
// JSON fields, the longest time and whether sending it twice must succeed twice. A mistake is
// shown as it is typed, naming the field.
class ExpectationsEditor final : public QWidget
{
    Q_OBJECT
public:
    explicit ExpectationsEditor(QWidget *parent = nullptr);

    void setExpectations(const Expectations &expect);
    // What the fields say; nothing while one of them is wrong (problem() says which).
    std::optional<Expectations> expectations() const;
    QString problem() const;

    QLineEdit *status() const { return m_status; }
    QSpinBox *maxMs() const { return m_maxMs; }
    QComboBox *idempotent() const { return m_idempotent; }
    QTableWidget *headers() const { return m_headers; }
    QTableWidget *json() const { return m_json; }

signals:
    void changed();

private:
    enum JsonColumn { PathColumn, CheckColumn, ValueColumn };
    QJsonObject written() const;
    void addJsonRow(const QString &path, int check, const QString &value);
    void check();

    QLineEdit *m_status;
    QSpinBox *m_maxMs;
    QComboBox *m_idempotent;
    QTableWidget *m_headers;
    QTableWidget *m_json;
    QLabel *m_problem;
};

} // namespace Hookscope
