#include "collectionspanel.h"

#include "capturelistmodel.h"
#include "rundialog.h"
#include "variablesdialog.h"
#include "warninglabel.h"

#include "store/datafolder.h"
#include "collections/collectiondocument.h"
#include "collections/collectionrunner.h"
#include "collections/curlcommand.h"
#include "collections/importer.h"
#include "wire/jsonfile.h"
#include "collections/postman.h"
#include "session/settings.h"

#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QStandardPaths>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

enum Role { DocumentRole = Qt::UserRole + 1, PathRole };
constexpr int MaxRecent = 10;

// Takes capture rows dragged from the list; where they land decides the folder.
class CollectionTree final : public QTreeWidget
{
public:
    using QTreeWidget::QTreeWidget;
    std::function<void(QTreeWidgetItem *target, const QList<qint64> &ids)> capturesDropped;

protected:
    QStringList mimeTypes() const override
    {
        return {QString::fromLatin1(CaptureListModel::IdsMimeType)};
    }
    Qt::DropActions supportedDropActions() const override { return Qt::CopyAction; }
    bool dropMimeData(QTreeWidgetItem *parent, int, const QMimeData *data, Qt::DropAction) override
    {
        const QList<qint64> ids = CaptureListModel::idsFrom(data);
        if (ids.isEmpty() || !capturesDropped)
            return false;
        capturesDropped(parent, ids);
        return true;
    }
};

QVariantList pathValue(const QList<int> &path)
{
    QVariantList value;
    for (const int index : path)
        value.append(index);
    return value;
}

QList<int> pathFrom(const QVariant &value)
{
    QList<int> path;
    for (const QVariant &index : value.toList())
        path.append(index.toInt());
    return path;
}

QString displayName(const CollectionDocument *document)
{
    return document->collection().name.isEmpty() ? QFileInfo(document->path()).completeBaseName()
                                                 : document->collection().name;
}

} // namespace

CollectionsPanel::CollectionsPanel(SecretStore *secrets, QWidget *parent)
    : QWidget(parent)
    , m_secrets(secrets)
    , m_tree(new CollectionTree(this))
    , m_environment(new QComboBox(this))
    , m_run(new QToolButton(this))
    , m_recentMenu(new QMenu(this))
    , m_conflictBar(new QWidget(this))
    , m_conflictText(warningLabel(this))
    , m_emptyHint(new QLabel(this))
    , m_keepMine(new QPushButton(tr("Keep Mine"), this))
    , m_takeTheirs(new QPushButton(tr("Load the File's"), this))
{
    auto *tree = static_cast<CollectionTree *>(m_tree);
    tree->capturesDropped = [this](QTreeWidgetItem *target, const QList<qint64> &ids) {
        CollectionPlace place = target ? placeOf(target) : current();
        if (!place.document && !m_documents.isEmpty())
            place.document = m_documents.first();
        if (!place.document) {
            emit message(tr("Open or create a collection first to keep requests in it"), 5000);
            return;
        }
        // Dropped on a request: into the folder that holds it.
        if (const CollectionItem *item = place.document->collection().item(place.path);
            item && !item->isFolder)
            place.path.removeLast();
        emit capturesDropped(place, ids);
    };
    m_tree->setHeaderHidden(true);
    m_tree->setAcceptDrops(true);
    m_tree->setDragDropMode(QAbstractItemView::DropOnly);
    m_tree->setDropIndicatorShown(true);
    m_tree->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setUniformRowHeights(true);
    connect(m_tree, &QTreeWidget::customContextMenuRequested, this, &CollectionsPanel::contextMenu);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        const CollectionPlace place = placeOf(item);
        const CollectionItem *found
            = place.document ? place.document->collection().item(place.path) : nullptr;
        if (found && !found->isFolder)
            emit openRequested(place.document, place.path);
    });
    connect(m_tree, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem *item) {
        if (m_rebuilding)
            return;
        const CollectionPlace place = placeOf(item);
        const QString name = item->text(0).trimmed();
        if (!place.document || name.isEmpty())
            return;
        if (place.path.isEmpty())
            place.document->setName(name);
        else
            place.document->renameItem(place.path, name);
    });
    connect(m_tree, &QTreeWidget::currentItemChanged, this, &CollectionsPanel::showEnvironments);

    m_environment->setToolTip(tr("The environment whose variables the selected collection's "
                                 "requests use"));
    connect(m_environment, &QComboBox::activated, this, [this](int index) {
        setEnvironment(current().document, index == 0 ? QString() : m_environment->itemText(index));
    });

    auto *newButton = new QToolButton(this);
    newButton->setText(tr("New"));
    newButton->setToolTip(tr("Create a collection file"));
    connect(newButton, &QToolButton::clicked, this, &CollectionsPanel::askNewCollection);
    auto *openButton = new QToolButton(this);
    openButton->setText(tr("Open"));
    openButton->setToolTip(tr("Open a collection file (the arrow lists recent ones)"));
    openButton->setPopupMode(QToolButton::MenuButtonPopup);
    openButton->setMenu(m_recentMenu);
    connect(m_recentMenu, &QMenu::aboutToShow, this, &CollectionsPanel::fillRecentMenu);
    connect(openButton, &QToolButton::clicked, this, &CollectionsPanel::askOpenCollection);
    m_run->setText(tr("Run"));
    m_run->setToolTip(tr("Send the selected collection's or folder's requests in order"));
    connect(m_run, &QToolButton::clicked, this, &CollectionsPanel::runCurrent);

    m_conflictText->show(); // the bar around it shows and hides
    connect(m_keepMine, &QPushButton::clicked, this, [this] {
        if (CollectionDocument *document = conflictedDocument()) {
            QString error;
            if (document->saveNow(&error))
                document->setProperty("conflict", false);
            else
                emit message(error, 8000);
        }
        showConflicts();
    });
    connect(m_takeTheirs, &QPushButton::clicked, this, [this] {
        if (CollectionDocument *document = conflictedDocument()) {
            QString error;
            if (document->reload(&error))
                document->setProperty("conflict", false);
            else
                emit message(tr("Cannot load it: %1").arg(error), 8000);
        }
        showConflicts();
    });
    auto *conflictButtons = new QHBoxLayout;
    conflictButtons->addWidget(m_keepMine);
    conflictButtons->addWidget(m_takeTheirs);
    conflictButtons->addStretch();
    auto *conflictLayout = new QVBoxLayout(m_conflictBar);
    conflictLayout->setContentsMargins(0, 0, 0, 0);
    conflictLayout->addWidget(m_conflictText);
    conflictLayout->addLayout(conflictButtons);
    m_conflictBar->hide();

    auto *tools = new QHBoxLayout;
    tools->addWidget(newButton);
    tools->addWidget(openButton);
    tools->addWidget(m_environment, 1);
    tools->addWidget(m_run);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(tools);
    layout->addWidget(m_conflictBar);
    layout->addWidget(m_tree);
    m_emptyHint->setText(tr("No collection open.\n\nCreate one with New, or Open a file. Then "
                            "drag captures onto it, or use Capture → Save to Collection."));
    m_emptyHint->setWordWrap(true);
    m_emptyHint->setAlignment(Qt::AlignCenter);
    m_emptyHint->setForegroundRole(QPalette::PlaceholderText);
    m_emptyHint->setMargin(12);
    layout->addWidget(m_emptyHint, 1);
    m_tree->hide();
    showEnvironments();
}

CollectionsPanel::~CollectionsPanel()
{
    qDeleteAll(m_documents); // each saves what it has not saved yet
}

QString CollectionsPanel::defaultFolder()
{
    return DataFolder::path() + QStringLiteral("/collections");
}

QString CollectionsPanel::newFilePath(const QString &name)
{
    DataFolder::ensure(defaultFolder());
    QString base = name;
    base.replace(QRegularExpression(QStringLiteral("[^\\w .-]+")), QStringLiteral("-"));
    base = base.trimmed().isEmpty() ? QStringLiteral("collection") : base.trimmed();
    QString path = defaultFolder() + QLatin1Char('/') + base + QStringLiteral(".json");
    for (int number = 2; QFileInfo::exists(path); ++number)
        path = defaultFolder() + QLatin1Char('/') + base + QStringLiteral(" %1.json").arg(number);
    return path;
}

void CollectionsPanel::askNewCollection()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("New Collection"), newFilePath(tr("New Collection")), tr("Collections (*.json)"));
    if (path.isEmpty())
        return;
    Collection collection;
    collection.name = QFileInfo(path).completeBaseName();
    QString error;
    if (!createCollection(path, collection, &error))
        emit message(tr("Not created: %1").arg(error), 8000);
}

void CollectionsPanel::askOpenCollection()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Collection"), defaultFolder(),
                                                      tr("Collections (*.json)"));
    QString error;
    if (!path.isEmpty() && !openCollection(path, &error))
        emit message(tr("Not opened: %1").arg(error), 8000);
}

CollectionDocument *CollectionsPanel::openCollection(const QString &path, QString *error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    for (CollectionDocument *document : std::as_const(m_documents)) {
        if (document->path() == absolute) {
            select(document, {});
            return document;
        }
    }
    auto *document = new CollectionDocument;
    if (!document->open(path, error)) {
        delete document;
        return nullptr;
    }
    return adopt(document);
}

CollectionDocument *CollectionsPanel::createCollection(const QString &path,
                                                       const Collection &collection, QString *error)
{
    auto *document = new CollectionDocument;
    if (!document->create(path, collection, error)) {
        delete document;
        return nullptr;
    }
    return adopt(document);
}

CollectionDocument *CollectionsPanel::adopt(CollectionDocument *document)
{
    m_documents.append(document);
    connect(document, &CollectionDocument::changed, this, &CollectionsPanel::rebuild);
    connect(document, &CollectionDocument::reloadedFromDisk, this, [this, document] {
        emit message(tr("%1 changed on disk and was read in again")
                         .arg(QFileInfo(document->path()).fileName()),
                     5000);
    });
    connect(document, &CollectionDocument::conflict, this, [this, document] {
        document->setProperty("conflict", true);
        showConflicts();
    });
    connect(document, &CollectionDocument::problem, this,
            [this](const QString &problem) { emit message(problem, 10000); });
    Settings settings;
    QStringList recent = settings.recentCollections();
    recent.removeAll(document->path());
    recent.prepend(document->path());
    settings.setRecentCollections(recent.mid(0, MaxRecent));
    rememberOpen();
    rebuild();
    select(document, {});
    emit collectionOpened(document);
    return document;
}

void CollectionsPanel::closeCollection(CollectionDocument *document)
{
    if (!m_documents.removeOne(document))
        return;
    delete document; // saves first
    rememberOpen();
    rebuild();
    showConflicts();
}

bool CollectionsPanel::trashCollection(CollectionDocument *document)
{
    const QString path = document->path();
    closeCollection(document);
    if (!QFile::moveToTrash(path)) {
        emit message(
            tr("%1 could not be moved to the trash; it is closed but still there").arg(path), 8000);
        return false;
    }
    Settings settings;
    QStringList recent = settings.recentCollections();
    recent.removeAll(path);
    settings.setRecentCollections(recent);
    emit message(tr("Moved %1 to the trash").arg(QFileInfo(path).fileName()), 5000);
    return true;
}

void CollectionsPanel::restoreOpenCollections()
{
    const QStringList paths = Settings().openCollections();
    for (const QString &path : paths) {
        QString error;
        if (!openCollection(path, &error))
            emit message(tr("Collection not reopened: %1").arg(error), 8000);
    }
}

QStringList CollectionsPanel::recentCollections() const
{
    return Settings().recentCollections();
}

void CollectionsPanel::rememberOpen() const
{
    QStringList paths;
    for (const CollectionDocument *document : m_documents)
        paths.append(document->path());
    Settings().setOpenCollections(paths);
}

void CollectionsPanel::fillRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &path : recentCollections()) {
        m_recentMenu
            ->addAction(QFileInfo(path).fileName(), this,
                        [this, path] {
                            QString error;
                            if (!openCollection(path, &error))
                                emit message(tr("Not opened: %1").arg(error), 8000);
                        })
            ->setToolTip(path);
    }
    if (m_recentMenu->isEmpty())
        m_recentMenu->addAction(tr("No recent collections"))->setEnabled(false);
}

QString CollectionsPanel::environmentOf(CollectionDocument *document) const
{
    if (!document)
        return {};
    const QString chosen = Settings().collectionEnvironment(document->path());
    return document->collection().environmentNames().contains(chosen) ? chosen : QString();
}

void CollectionsPanel::setEnvironment(CollectionDocument *document, const QString &environment)
{
    if (!document)
        return;
    Settings().setCollectionEnvironment(document->path(), environment);
    showEnvironments();
}

QHash<QString, QString> CollectionsPanel::valuesFor(CollectionDocument *document) const
{
    return document ? document->collection().valuesFor(environmentOf(document))
                    : QHash<QString, QString>();
}

void CollectionsPanel::showEnvironments()
{
    CollectionDocument *document = current().document;
    m_environment->clear();
    m_environment->addItem(tr("No environment"));
    if (document) {
        m_environment->addItems(document->collection().environmentNames());
        m_environment->setCurrentText(environmentOf(document));
        if (environmentOf(document).isEmpty())
            m_environment->setCurrentIndex(0);
    }
    m_environment->setEnabled(document && !document->collection().environments.isEmpty());
}

CollectionDocument *CollectionsPanel::conflictedDocument() const
{
    for (CollectionDocument *document : m_documents) {
        if (document->property("conflict").toBool())
            return document;
    }
    return nullptr;
}

// One conflict at a time: the bar names the first; the next shows once it is settled.
void CollectionsPanel::showConflicts()
{
    const CollectionDocument *document = conflictedDocument();
    if (document)
        m_conflictText->setText(tr("%1 was changed outside Hookscope while changes made here "
                                   "were not saved yet. Nothing is saved until you choose.")
                                    .arg(QFileInfo(document->path()).fileName()));
    m_conflictBar->setVisible(document);
}

CollectionPlace CollectionsPanel::placeOf(const QTreeWidgetItem *item) const
{
    if (!item)
        return {};
    const int index = item->data(0, DocumentRole).toInt();
    if (index < 0 || index >= m_documents.size())
        return {};
    return {m_documents.at(index), pathFrom(item->data(0, PathRole))};
}

QTreeWidgetItem *CollectionsPanel::itemAt(const CollectionPlace &place) const
{
    const int index = int(m_documents.indexOf(place.document));
    if (index < 0)
        return nullptr;
    QTreeWidgetItem *item = m_tree->topLevelItem(index);
    for (const int child : place.path) {
        if (!item || child >= item->childCount())
            return nullptr;
        item = item->child(child);
    }
    return item;
}

CollectionPlace CollectionsPanel::current() const
{
    return placeOf(m_tree->currentItem());
}

CollectionPlace CollectionsPanel::currentFolder() const
{
    CollectionPlace place = current();
    if (!place.document)
        return place;
    const CollectionItem *item = place.document->collection().item(place.path);
    if (item && !item->isFolder)
        place.path.removeLast();
    return place;
}

void CollectionsPanel::select(CollectionDocument *document, const QList<int> &path)
{
    if (QTreeWidgetItem *item = itemAt({document, path})) {
        m_tree->setCurrentItem(item);
        m_tree->scrollToItem(item);
    }
}

void CollectionsPanel::rebuild()
{
    // Kept across the rebuild: which nodes are open and which is selected.
    QSet<QString> expanded;
    const auto key = [](const QTreeWidgetItem *item) -> QString {
        return item->data(0, DocumentRole).toString() + QLatin1Char(':')
               + item->data(0, PathRole).toStringList().join(QLatin1Char('.'));
    };
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        if ((*it)->isExpanded())
            expanded.insert(key(*it));
    }
    const bool firstBuild = m_tree->topLevelItemCount() < m_documents.size();
    const CollectionPlace selected = current();
    m_rebuilding = true;
    m_tree->clear();
    for (int index = 0; index < m_documents.size(); ++index) {
        CollectionDocument *document = m_documents.at(index);
        auto *top = new QTreeWidgetItem(m_tree, {displayName(document)});
        top->setData(0, DocumentRole, index);
        top->setData(0, PathRole, QVariantList());
        top->setToolTip(0, document->path());
        top->setIcon(0, style()->standardIcon(QStyle::SP_DirHomeIcon));
        top->setFlags(top->flags() | Qt::ItemIsEditable | Qt::ItemIsDropEnabled);
        QFont bold = top->font(0);
        bold.setBold(true);
        top->setFont(0, bold);
        addChildren(top, document, document->collection().items, {});
    }
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        const bool newCollection
            = firstBuild && !(*it)->parent()
              && (*it)->data(0, DocumentRole).toInt() >= m_documents.size() - 1;
        if (expanded.contains(key(*it)) || newCollection)
            (*it)->setExpanded(true);
    }
    m_rebuilding = false;
    m_tree->setVisible(!m_documents.isEmpty());
    m_run->setEnabled(!m_documents.isEmpty());
    m_emptyHint->setVisible(m_documents.isEmpty());
    if (selected.document)
        select(selected.document, selected.path);
    showEnvironments();
}

void CollectionsPanel::addChildren(QTreeWidgetItem *parent, CollectionDocument *document,
                                   const QList<CollectionItem> &items, const QList<int> &path)
{
    const int documentIndex = int(m_documents.indexOf(document));
    for (int index = 0; index < items.size(); ++index) {
        const CollectionItem &item = items.at(index);
        const QList<int> here = path + QList<int>{index};
        auto *node = new QTreeWidgetItem(parent, {item.name});
        node->setData(0, DocumentRole, documentIndex);
        node->setData(0, PathRole, pathValue(here));
        node->setFlags(node->flags() | Qt::ItemIsEditable);
        if (item.isFolder) {
            node->setIcon(0, style()->standardIcon(QStyle::SP_DirIcon));
            node->setFlags(node->flags() | Qt::ItemIsDropEnabled);
            addChildren(node, document, item.items, here);
        } else {
            node->setFlags(node->flags() & ~Qt::ItemIsDropEnabled);
            node->setText(0, QString::fromUtf8(item.request.method) + QStringLiteral("  ")
                                 + item.name);
            node->setToolTip(0, QString::fromUtf8(item.request.method) + QLatin1Char(' ')
                                    + item.request.url);
        }
    }
}

void CollectionsPanel::addFolder(const CollectionPlace &parent, const QString &name)
{
    if (!parent.document)
        return;
    CollectionItem folder;
    folder.name = name;
    folder.isFolder = true;
    parent.document->addItem(parent.path, folder);
    const qsizetype count = parent.document->collection().item(parent.path)
                                ? parent.document->collection().item(parent.path)->items.size()
                                : parent.document->collection().items.size();
    select(parent.document, parent.path + QList<int>{int(count - 1)});
}

void CollectionsPanel::addRequests(const CollectionPlace &folder, const Collection &requests)
{
    if (!folder.document)
        return;
    folder.document->merge(requests, folder.path);
    if (QTreeWidgetItem *node = itemAt(folder))
        node->setExpanded(true);
    emit message(tr("Saved %n request(s) to %1", nullptr, int(requests.items.size()))
                     .arg(displayName(folder.document)),
                 4000);
}

void CollectionsPanel::renameCurrent(const QString &name)
{
    const CollectionPlace place = current();
    if (!place.document || name.trimmed().isEmpty())
        return;
    if (place.path.isEmpty())
        place.document->setName(name.trimmed());
    else
        place.document->renameItem(place.path, name.trimmed());
}

void CollectionsPanel::deleteCurrent()
{
    const CollectionPlace place = current();
    if (place.document && !place.path.isEmpty())
        place.document->removeItem(place.path);
}

RunDialog *CollectionsPanel::runCurrent()
{
    const CollectionPlace place = current();
    if (!place.document)
        return nullptr;
    const CollectionItem *item = place.document->collection().item(place.path);
    QList<RunStep> steps;
    QString title = displayName(place.document);
    if (!item) {
        steps = CollectionRunner::steps(place.document->collection().items);
    } else if (item->isFolder) {
        steps = CollectionRunner::steps(item->items, item->name);
        title = item->name;
    } else {
        steps = {{item->name, item->request}};
        title = item->name;
    }
    auto *dialog = new RunDialog(title, steps, valuesFor(place.document), m_secrets, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
    dialog->start();
    return dialog;
}

QString CollectionsPanel::curlForCurrent() const
{
    const CollectionPlace place = current();
    const CollectionItem *item
        = place.document ? place.document->collection().item(place.path) : nullptr;
    if (!item || item->isFolder)
        return {};
    QHash<QString, QString> values = valuesFor(place.document);
    for (const QString &name : item->request.secretNames())
        values.insert(QStringLiteral("secret:") + name, QStringLiteral("{{secret:%1}}").arg(name));
    QString error;
    const std::optional<OutgoingRequest> request = item->request.resolve(values, &error);
    if (!request)
        return {};
    return CurlCommand::fromRequest(request->method, request->url.toString(), request->headers,
                                    request->body);
}

VariablesDialog *CollectionsPanel::editVariables(CollectionDocument *document)
{
    if (!document)
        return nullptr;
    auto *dialog = new VariablesDialog(document->collection(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, document] {
        if (m_documents.contains(document))
            document->setVariables(dialog->variables(), dialog->environments());
    });
    dialog->show();
    return dialog;
}

bool CollectionsPanel::exportPostman(CollectionDocument *document, const QString &path)
{
    QStringList warnings;
    QString error;
    if (!JsonFile::writeAtomically(path, Postman::write(document->collection(), &warnings),
                                   &error)) {
        emit message(tr("Not exported: %1").arg(error), 8000);
        return false;
    }
    emit message(tr("Exported %1 to %2%3")
                     .arg(displayName(document), QFileInfo(path).fileName(),
                          warnings.isEmpty()
                              ? QString()
                              : QStringLiteral(" (") + warnings.join(QStringLiteral("; "))
                                    + QLatin1Char(')')),
                 8000);
    return true;
}

bool CollectionsPanel::importInto(CollectionDocument *document, const QString &path)
{
    QString error;
    QStringList warnings;
    const std::optional<QByteArray> bytes = JsonFile::read(path, &error);
    const std::optional<Collection> imported
        = bytes ? Importer::asCollection(*bytes, QFileInfo(path).completeBaseName(), &warnings,
                                         &error)
                : std::nullopt;
    if (!imported) {
        emit message(tr("Nothing imported from %1: %2").arg(QFileInfo(path).fileName(), error),
                     10000);
        return false;
    }
    document->merge(*imported);
    emit message(tr("Imported %n request(s) from %1", nullptr,
                    int(CollectionRunner::steps(imported->items).size()))
                         .arg(QFileInfo(path).fileName())
                     + (warnings.isEmpty()
                            ? QString()
                            : QStringLiteral(" — ") + warnings.join(QStringLiteral("; "))),
                 10000);
    return true;
}

void CollectionsPanel::keepRequest(const CollectionPlace &origin, const QString &originName,
                                   const RequestTemplate &request, QWidget *dialogParent)
{
    if (m_documents.contains(origin.document)) {
        const CollectionItem *item = origin.document->collection().item(origin.path);
        if (item && !item->isFolder && item->name == originName) {
            origin.document->setRequest(origin.path, request);
            emit message(tr("Saved %1 to %2").arg(originName, displayName(origin.document)), 4000);
            return;
        }
    }
    const std::optional<CollectionPlace> place = chooseFolder(tr("Save to Collection"));
    if (!place)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(dialogParent, tr("Save to Collection"), tr("Name:"),
                                               QLineEdit::Normal, QUrl(request.url).path(), &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    Collection kept;
    CollectionItem item;
    item.name = name.trimmed();
    item.request = request;
    kept.items = {item};
    addRequests(*place, kept);
}

std::optional<CollectionPlace> CollectionsPanel::chooseFolder(const QString &title)
{
    QStringList labels;
    QList<CollectionPlace> places;
    const std::function<void(CollectionDocument *, const QList<CollectionItem> &,
                             const QList<int> &, const QString &)>
        addFolders = [&](CollectionDocument *document, const QList<CollectionItem> &items,
                         const QList<int> &path, const QString &label) {
            labels.append(label);
            places.append({document, path});
            for (int index = 0; index < items.size(); ++index) {
                if (items[index].isFolder)
                    addFolders(document, items[index].items, path + QList<int>{index},
                               label + QStringLiteral(" / ") + items[index].name);
            }
        };
    for (CollectionDocument *document : std::as_const(m_documents))
        addFolders(document, document->collection().items, {}, displayName(document));
    if (places.isEmpty()) {
        emit message(tr("Open or create a collection first (the Collections panel's New)"), 6000);
        return std::nullopt;
    }
    const CollectionPlace preferred = currentFolder();
    int preselected = 0;
    for (int index = 0; index < places.size(); ++index) {
        if (places[index].document == preferred.document && places[index].path == preferred.path)
            preselected = index;
    }
    bool ok = false;
    const QString chosen
        = QInputDialog::getItem(this, title, tr("Into:"), labels, preselected, false, &ok);
    if (!ok)
        return std::nullopt;
    return places.value(int(labels.indexOf(chosen)));
}

void CollectionsPanel::contextMenu(const QPoint &position)
{
    QTreeWidgetItem *node = m_tree->itemAt(position);
    if (!node)
        return;
    m_tree->setCurrentItem(node);
    const CollectionPlace place = placeOf(node);
    if (!place.document)
        return;
    CollectionDocument *document = place.document;
    const CollectionItem *item = document->collection().item(place.path);
    QMenu menu(this);
    if (item && !item->isFolder) {
        menu.addAction(tr("Open in Composer"), this,
                       [this, document, place] { emit openRequested(document, place.path); });
        menu.addAction(tr("Send"), this, &CollectionsPanel::runCurrent);
        menu.addAction(tr("Copy as cURL"), this, [this] {
            const QString command = curlForCurrent();
            if (command.isEmpty()) {
                emit message(tr("Cannot build it: a variable has no value, or the URL is not "
                                "usable"),
                             6000);
                return;
            }
            QGuiApplication::clipboard()->setText(command);
            emit message(tr("Copied as a cURL command (secrets left as {{secret:…}})"), 4000);
        });
    } else {
        menu.addAction(tr("Run…"), this, &CollectionsPanel::runCurrent);
        menu.addAction(tr("New Folder…"), this, [this, place] {
            const QString name
                = QInputDialog::getText(this, tr("New Folder"), tr("Name:")).trimmed();
            if (!name.isEmpty())
                addFolder(place, name);
        });
    }
    if (!item) {
        menu.addAction(tr("Variables and Environments…"), this,
                       [this, document] { editVariables(document); });
        menu.addAction(tr("Import into Collection…"), this, [this, document] {
            const QString path = QFileDialog::getOpenFileName(
                this, tr("Import into Collection"), QString(),
                tr("HAR, Postman, collection or curl files (*.har *.json *.sh *.txt);;All files "
                   "(*)"));
            if (!path.isEmpty())
                importInto(document, path);
        });
        menu.addAction(tr("Export as Postman…"), this, [this, document] {
            const QString path
                = QFileDialog::getSaveFileName(this, tr("Export as Postman Collection v2.1"),
                                               QFileInfo(document->path()).completeBaseName()
                                                   + QStringLiteral(".postman_collection.json"),
                                               tr("Postman collections (*.json)"));
            if (!path.isEmpty())
                exportPostman(document, path);
        });
    }
    menu.addSeparator();
    menu.addAction(tr("Rename"), this, [this, node] { m_tree->editItem(node); });
    if (item) {
        menu.addAction(tr("Delete"), this, [this, item] {
            if (QMessageBox::question(
                    this, tr("Delete"),
                    item->isFolder
                        ? tr("Delete the folder \"%1\" and everything in it?").arg(item->name)
                        : tr("Delete \"%1\"?").arg(item->name))
                == QMessageBox::Yes)
                deleteCurrent();
        });
    } else {
        menu.addAction(tr("Close Collection"), this,
                       [this, document] { closeCollection(document); });
        menu.addAction(tr("Move File to Trash…"), this, [this, document] {
            const QString path = document->path();
            if (QMessageBox::question(this, tr("Delete Collection"),
                                      tr("Move %1 to the trash?").arg(path))
                != QMessageBox::Yes)
                return;
            trashCollection(document);
        });
    }
    menu.exec(m_tree->viewport()->mapToGlobal(position));
}

} // namespace Hookscope
