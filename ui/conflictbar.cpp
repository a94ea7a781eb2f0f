#include "conflictbar.h"

#include "collectiontreemodel.h"
#include "warninglabel.h"

#include "collections/collectiondocument.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QPushButton>
#include <QVBoxLayout>

namespace Hookscope {

ConflictBar::ConflictBar(CollectionTreeModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_text(warningLabel(this))
    , m_keepMine(new QPushButton(tr("Keep Mine"), this))
    , m_takeTheirs(new QPushButton(tr("Load the File's"), this))
{
    m_text->show(); // the bar around it shows and hides
    connect(m_keepMine, &QPushButton::clicked, this, [this] {
        QString error;
        if (CollectionDocument *document = m_model->firstInConflict();
            document && !document->saveNow(&error))
            emit message(error, 8000);
        showFirstConflict();
    });
    connect(m_takeTheirs, &QPushButton::clicked, this, [this] {
        QString error;
        if (CollectionDocument *document = m_model->firstInConflict();
            document && !document->reload(&error))
            emit message(tr("Cannot load it: %1").arg(error), 8000);
        showFirstConflict();
    });
    connect(m_model, &CollectionTreeModel::conflictsChanged, this, &ConflictBar::showFirstConflict);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_keepMine);
    buttons->addWidget(m_takeTheirs);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text);
    layout->addLayout(buttons);
    hide();
}

void ConflictBar::showFirstConflict()
{
    const CollectionDocument *document = m_model->firstInConflict();
    if (document)
        m_text->setText(tr("%1 was changed outside Hookscope while changes made here were not "
                           "saved yet. Nothing is saved until you choose.")
                            .arg(QFileInfo(document->path()).fileName()));
    setVisible(document);
}

} // namespace Hookscope
