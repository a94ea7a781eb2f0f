#pragma once

#include "collectiontreemodel.h"

#include "collections/collection.h"

#include <QSet>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QMenu;
class QToolButton;
class QTreeView;

namespace Hookscope {

class CollectionDocument;
class ConflictBar;
class RunDialog;
class SecretStore;
class VariablesDialog;

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
    QList<CollectionDocument *> documents() const;
    // The collections open at the last exit, opened again.
    void restoreOpenCollections();

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

    QTreeView *tree() const { return m_tree; }
    CollectionTreeModel *model() const { return m_model; }
    QComboBox *environmentBox() const { return m_environment; }
    ConflictBar *conflictBar() const { return m_conflictBar; }

signals:
    void openRequested(Hookscope::CollectionDocument *document, const QList<int> &path);
    void capturesDropped(const Hookscope::CollectionPlace &folder, const QList<qint64> &ids);
    void message(const QString &text, int timeoutMs);
    // A collection was opened or created.
    void collectionOpened(Hookscope::CollectionDocument *document);

private:
    // After the model changed: the nodes the user opened, the selection, the empty hint.
    void showTree();
    CollectionPlace placeOf(const QModelIndex &index) const;
    void showEnvironments();
    void contextMenu(const QPoint &position);
    void fillRecentMenu();

    SecretStore *m_secrets;
    CollectionTreeModel *m_model;
    QTreeView *m_tree;
    QSet<QString> m_expanded;           // nodes the user opened (see nodeKey())
    CollectionPlace m_selectAfterReset; // the selection, while the model is reset
    QComboBox *m_environment;
    QToolButton *m_run;
    QMenu *m_recentMenu;
    ConflictBar *m_conflictBar;
    QLabel *m_emptyHint;
};

} // namespace Hookscope
