#include "collectionspanel.h"

#include "collectiontreemodel.h"
#include "rundialog.h"
#include "variablesdialog.h"
#include "conflictbar.h"

#include "collections/collectiondocument.h"
#include "collections/collectionfolder.h"
#include "collections/collectionrunner.h"
#include "collections/curlcommand.h"
#include "collections/importer.h"
#include "wire/jsonfile.h"
#include "collections/postman.h"
#include "session/settings.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QLineEdit>
#include <QToolButton>
#include <QTreeView>

#include <functional>
#include <utility>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

// Which nodes are open, by collection file and position, kept across the model's resets.
QString nodeKey(const CollectionPlace &place)
{
    QStringList key{place.document ? place.document->path() : QString()};
    for (const int index : place.path)
        key.append(QString::number(index));
    return key.join(QLatin1Char('/'));
}

} // namespace

CollectionsPanel::CollectionsPanel(SecretStore *secrets, QWidget *parent)
    : QWidget(parent)
    , m_secrets(secrets)
    , m_model(new CollectionTreeModel(this))
    , m_tree(new QTreeView(this))
    , m_environment(new QComboBox(this))
    , m_run(new QToolButton(this))
    , m_recentMenu(new QMenu(this))
    , m_conflictBar(new ConflictBar(m_model, this))
    , m_emptyHint(new QLabel(this))
{
    m_tree->setModel(m_model);
    connect(m_model, &CollectionTreeModel::capturesDropped, this,
            [this](CollectionPlace place, const QList<qint64> &ids) {
                if (!place.document)
                    place = current();
                if (!place.document && !documents().isEmpty())
                    place.document = documents().first();
                if (!place.document) {
                    emit message(tr("Open or create a collection first to keep requests in it"),
                                 5000);
                    return;
                }
                // Dropped on a request: into the folder that holds it.
                if (const CollectionItem *item = place.document->collection().item(place.path);
                    item && !item->isFolder)
                    place.path.removeLast();
                emit capturesDropped(place, ids);
            });
    connect(m_tree, &QTreeView::expanded, this,
            [this](const QModelIndex &index) { m_expanded.insert(nodeKey(placeOf(index))); });
    connect(m_tree, &QTreeView::collapsed, this,
            [this](const QModelIndex &index) { m_expanded.remove(nodeKey(placeOf(index))); });
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { m_selectAfterReset = current(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, &CollectionsPanel::showTree);
    connect(m_model, &CollectionTreeModel::message, this, &CollectionsPanel::message);
    connect(m_conflictBar, &ConflictBar::message, this, &CollectionsPanel::message);
    connect(m_model, &CollectionTreeModel::opened, this, [this](CollectionDocument *document) {
        m_tree->expand(m_model->indexOf({document, {}}));
        select(document, {});
        emit collectionOpened(document);
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &CollectionsPanel::showTree);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &CollectionsPanel::showTree);
    m_tree->setHeaderHidden(true);
    m_tree->setAcceptDrops(true);
    m_tree->setDragDropMode(QAbstractItemView::DropOnly);
    m_tree->setDropIndicatorShown(true);
    m_tree->setEditTriggers(QAbstractItemView::EditKeyPressed);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setUniformRowHeights(true);
    connect(m_tree, &QTreeView::customContextMenuRequested, this, &CollectionsPanel::contextMenu);
    connect(m_tree, &QTreeView::doubleClicked, this, [this](const QModelIndex &index) {
        const CollectionPlace place = placeOf(index);
        const CollectionItem *found
            = place.document ? place.document->collection().item(place.path) : nullptr;
        if (found && !found->isFolder)
            emit openRequested(place.document, place.path);
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &CollectionsPanel::showEnvironments);

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

CollectionsPanel::~CollectionsPanel() = default;

QList<CollectionDocument *> CollectionsPanel::documents() const
{
    return m_model->documents();
}

CollectionPlace CollectionsPanel::placeOf(const QModelIndex &index) const
{
    return m_model->placeOf(index);
}

void CollectionsPanel::askNewCollection()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("New Collection"), CollectionFolder::newFilePath(tr("New Collection")),
        tr("Collections (*.json)"));
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
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Collection"), CollectionFolder::path(), tr("Collections (*.json)"));
    QString error;
    if (!path.isEmpty() && !openCollection(path, &error))
        emit message(tr("Not opened: %1").arg(error), 8000);
}

CollectionDocument *CollectionsPanel::openCollection(const QString &path, QString *error)
{
    CollectionDocument *document = m_model->open(path, error);
    if (document)
        select(document, {});
    return document;
}

CollectionDocument *CollectionsPanel::createCollection(const QString &path,
                                                       const Collection &collection, QString *error)
{
    return m_model->create(path, collection, error);
}

void CollectionsPanel::closeCollection(CollectionDocument *document)
{
    m_model->close(document);
}

bool CollectionsPanel::trashCollection(CollectionDocument *document)
{
    const QString name = QFileInfo(document->path()).fileName();
    QString error;
    if (!m_model->moveToTrash(document, &error)) {
        emit message(error, 8000);
        return false;
    }
    emit message(tr("Moved %1 to the trash").arg(name), 5000);
    return true;
}

void CollectionsPanel::restoreOpenCollections()
{
    QStringList problems;
    m_model->reopenLast(&problems);
    for (const QString &problem : std::as_const(problems))
        emit message(tr("Collection not reopened: %1").arg(problem), 8000);
}

void CollectionsPanel::fillRecentMenu()
{
    m_recentMenu->clear();
    for (const QString &path : CollectionTreeModel::recent()) {
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

CollectionPlace CollectionsPanel::current() const
{
    return placeOf(m_tree->currentIndex());
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
    if (const QModelIndex index = m_model->indexOf({document, path}); index.isValid()) {
        m_tree->setCurrentIndex(index);
        m_tree->scrollTo(index);
    }
}

void CollectionsPanel::showTree()
{
    // A reset closes every node: the ones the user opened open again.
    const std::function<void(const QModelIndex &)> expandOpened = [&](const QModelIndex &parent) {
        for (int row = 0; row < m_model->rowCount(parent); ++row) {
            const QModelIndex index = m_model->index(row, 0, parent);
            if (m_expanded.contains(nodeKey(placeOf(index)))) {
                m_tree->expand(index);
                expandOpened(index);
            }
        }
    };
    expandOpened({});
    const bool empty = documents().isEmpty();
    m_tree->setVisible(!empty);
    m_run->setEnabled(!empty);
    m_emptyHint->setVisible(empty);
    if (const CollectionPlace selected = std::exchange(m_selectAfterReset, {}); selected.document)
        select(selected.document, selected.path);
    showEnvironments();
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
    m_tree->expand(m_model->indexOf(folder));
    emit message(tr("Saved %n request(s) to %1", nullptr, int(requests.items.size()))
                     .arg(CollectionTreeModel::displayName(folder.document)),
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
    QString title = CollectionTreeModel::displayName(place.document);
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
    dialog->show(); // sends nothing until Run is pressed
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
        if (documents().contains(document))
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
                     .arg(CollectionTreeModel::displayName(document), QFileInfo(path).fileName(),
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
    if (documents().contains(origin.document)) {
        const CollectionItem *item = origin.document->collection().item(origin.path);
        if (item && !item->isFolder && item->name == originName) {
            origin.document->setRequest(origin.path, request);
            emit message(tr("Saved %1 to %2")
                             .arg(originName, CollectionTreeModel::displayName(origin.document)),
                         4000);
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
    for (CollectionDocument *document : documents())
        addFolders(document, document->collection().items, {},
                   CollectionTreeModel::displayName(document));
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
    const QModelIndex node = m_tree->indexAt(position);
    if (!node.isValid())
        return;
    m_tree->setCurrentIndex(node);
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
    menu.addAction(tr("Rename"), this, [this, node] { m_tree->edit(node); });
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
