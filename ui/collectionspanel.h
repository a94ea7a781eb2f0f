#pragma once

#include "collections/collection.h"

#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QMenu;
class QPushButton;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace Hookscope {

class CollectionDocument;
class RunDialog;
class SecretStore;
class VariablesDialog;

// Where a request goes in a collection: the collection and a folder's path (empty: the top).
struct CollectionPlace
{
    CollectionDocument *document = nullptr;
    QList<int> path;
};

// The open collections as a tree of folders and requests. Every change is saved to the
// collection's file as it is made; changes made to a file outside are read in. Requests open
// in the composer; a folder or a whole collection runs in order.
class CollectionsPanel final : public QWidget
{
    Q_OBJECT
public:
    explicit CollectionsPanel(SecretStore *secrets, QWidget *parent = nullptr);
    ~CollectionsPanel() override;

    // Ask for a file, then create or open it.
    void askNewCollection();
    void askOpenCollection();
    // Opens the file, or selects it when it is open already; null with the reason in `error`.
    CollectionDocument *openCollection(const QString &path, QString *error);
    // Writes `collection` to a new file at `path` and opens it.
    CollectionDocument *createCollection(const QString &path, const Collection &collection,
                                         QString *error);
    void closeCollection(CollectionDocument *document);
    // Closes it and moves its file to the trash; false, saying why, when the file stays.
    bool trashCollection(CollectionDocument *document);
    QList<CollectionDocument *> documents() const { return m_documents; }
    // The collections open at the last exit, opened again.
    void restoreOpenCollections();
    QStringList recentCollections() const;
    // Where new and imported collections are put unless the user says otherwise.
    static QString defaultFolder();
    // A file name in defaultFolder() for a collection named `name` that no file has yet.
    static QString newFilePath(const QString &name);

    // The environment chosen for `document` (empty: none), remembered per file.
    QString environmentOf(CollectionDocument *document) const;
    void setEnvironment(CollectionDocument *document, const QString &environment);
    // The values in effect for `document`'s requests now.
    QHash<QString, QString> valuesFor(CollectionDocument *document) const;

    // The selected node: a collection (empty path), folder or request.
    CollectionPlace current() const;
    void select(CollectionDocument *document, const QList<int> &path);
    // The folder the selection is, or is in (for "add here").
    CollectionPlace currentFolder() const;

    void addFolder(const CollectionPlace &parent, const QString &name);
    // Adds `requests`' items to the folder (and its variables the collection lacks), opens the
    // folder and says so.
    void addRequests(const CollectionPlace &folder, const Collection &requests);
    void renameCurrent(const QString &name);
    void deleteCurrent();
    // Runs the selected folder or collection (or the one request) in a dialog of its own.
    RunDialog *runCurrent();
    // The selected request as a curl command: variables filled in, secrets left as
    // {{secret:NAME}} so that no value leaves the keychain.
    QString curlForCurrent() const;
    VariablesDialog *editVariables(CollectionDocument *document);
    // Writes `document` as a Postman v2.1 collection; the message says how it went.
    bool exportPostman(CollectionDocument *document, const QString &path);
    // Adds the requests of any importable file to `document`.
    bool importInto(CollectionDocument *document, const QString &path);
    // Writes a request edited in the composer back to its item at `origin`, while that is still
    // there under `originName`; else asks for a folder and a name.
    void keepRequest(const CollectionPlace &origin, const QString &originName,
                     const RequestTemplate &request, QWidget *dialogParent);
    // Asks where to put something: the open collections and their folders.
    std::optional<CollectionPlace> chooseFolder(const QString &title);

    QTreeWidget *tree() const { return m_tree; }
    QComboBox *environmentBox() const { return m_environment; }
    QWidget *conflictBar() const { return m_conflictBar; }
    QPushButton *keepMineButton() const { return m_keepMine; }
    QPushButton *takeTheirsButton() const { return m_takeTheirs; }

signals:
    void openRequested(Hookscope::CollectionDocument *document, const QList<int> &path);
    void capturesDropped(const Hookscope::CollectionPlace &folder, const QList<qint64> &ids);
    void message(const QString &text, int timeoutMs);
    // A collection was opened or created.
    void collectionOpened(Hookscope::CollectionDocument *document);

private:
    CollectionDocument *adopt(CollectionDocument *document);
    void rebuild();
    void addChildren(QTreeWidgetItem *parent, CollectionDocument *document,
                     const QList<CollectionItem> &items, const QList<int> &path);
    CollectionPlace placeOf(const QTreeWidgetItem *item) const;
    QTreeWidgetItem *itemAt(const CollectionPlace &place) const;
    void showEnvironments();
    void showConflicts();
    CollectionDocument *conflictedDocument() const;
    void rememberOpen() const;
    void contextMenu(const QPoint &position);
    void fillRecentMenu();

    SecretStore *m_secrets;
    QList<CollectionDocument *> m_documents;
    QTreeWidget *m_tree;
    QComboBox *m_environment;
    QToolButton *m_run;
    QMenu *m_recentMenu;
    QWidget *m_conflictBar;
    QLabel *m_conflictText;
    QLabel *m_emptyHint;
    QPushButton *m_keepMine;
    QPushButton *m_takeTheirs;
    bool m_rebuilding = false;
};

} // namespace Hookscope

Q_DECLARE_METATYPE(Hookscope::CollectionPlace)
