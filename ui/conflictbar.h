#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace Hookscope {

class CollectionTreeModel;

// Above the collections: a file changed outside Hookscope while changes made here were not saved
// yet. One conflict at a time: it names the first, and the next shows once that is settled by
// keeping the changes made here or loading the file's.
class ConflictBar final : public QWidget
{
    Q_OBJECT
public:
    explicit ConflictBar(CollectionTreeModel *model, QWidget *parent = nullptr);

    QPushButton *keepMineButton() const { return m_keepMine; }
    QPushButton *takeTheirsButton() const { return m_takeTheirs; }

signals:
    void message(const QString &text, int timeoutMs);

private:
    void showFirstConflict();

    CollectionTreeModel *m_model;
    QLabel *m_text;
    QPushButton *m_keepMine;
    QPushButton *m_takeTheirs;
};

} // namespace Hookscope
