#pragma once

#include "wire/forwardroute.h"
#include "mock/mockrules.h"
#include "signing/signaturechecker.h"

#include <QMainWindow>
#include <QSet>
#include <QTimer>

#include <memory>

class QAction;
class QLabel;
class QSpinBox;
class QLineEdit;
class QSplitter;
class QTableView;

namespace Hookscope {

class CaptureDetailView;
class CollectionDocument;
class CollectionsPanel;
class RulesDialog;
struct CollectionPlace;
struct RequestTemplate;
class ComposerDialog;
class DeliveryLog;
class ForwardingDialog;
class SecretStore;
class SignaturesDialog;
class ForwarderHost;
struct DeliveryAttempt;
class CaptureListModel;
class CaptureStore;
class CaptureWriter;
class ReceiverHost;
class ReceiverBar;
class StatusPanel;
class Session;

// The inspector: captures as they arrive on the left, the selected one in full on the right.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    // Presents `session`, whose captures are in `store`.
    MainWindow(CaptureStore &store, Session &session, QWidget *parent = nullptr);
    ~MainWindow() override;

    QTableView *captureView() const { return m_view; }
    CaptureListModel *captureModel() const { return m_model; }
    CaptureDetailView *detailView() const { return m_detail; }
    // Binds the receiver, reporting a busy port in the window (see ReceiverBar).
    void startListening();

    // The actions of the Capture menu, for the selected capture(s).
    void copyAsCurl();
    void copyBody();
    void deleteSelected();
    void toggleStar();
    // Opens a side-by-side diff of the two selected captures.
    void compareSelected();
    // Asks for the selected capture's note; setNote() stores it.
    void editNote();
    void setNote(const QString &note);
    QLineEdit *filterEdit() const { return m_filter; }
    // Applies the filter box now rather than after the typing pause.
    void applyFilter();
    // Columns, splitter, filter, selection and tabs, kept in QSettings across restarts.
    void saveViewState() const;
    // Sends the selected captures to `target` (a base URL; their paths are appended), through
    // the forwarding queue: attempts are recorded and shown in Deliveries.
    void replaySelected(const QString &target, TargetOptions options = {});
    // Every capture from now on is also sent to these base URLs; kept across restarts.
    // Returns false, saying why in the status bar, when one is not a usable URL.
    bool setForwardTargets(const QStringList &targets);
    QStringList forwardTargets() const;
    // Opens the Forwarding dialog on the current routes; accepting it applies them.
    ForwardingDialog *forwardingDialog();
    // Opens the Signatures dialog: bindings of schemes and secrets to paths, and the secrets.
    SignaturesDialog *signaturesDialog();
    // Checks captures with these from now on (kept across restarts); verdicts are redone.
    void setSignatureBindings(const QList<SignatureBinding> &bindings);
    SecretStore *secrets() const { return m_secrets; }
    // Imports a file by what it holds: a HAR file's requests become captures, a collection
    // opens, a Postman collection becomes a new collection, a curl command opens in the
    // composer. Says in the status bar how it went.
    bool importFile(const QString &path);
    CollectionsPanel *collections() const { return m_collections; }
    // Capture → Mock Rules…: the rules editor; accepting it applies and saves the rules.
    RulesDialog *rulesDialog();
    // Answers with these rules from now on, and keeps them (rules.json in the data folder).
    void setMockRules(const MockRules &rules);
    const MockRules &mockRules() const;
    // The status bar's count of the rules that answer.
    void showMockRuleCount();
    // What of the last session's setup could not be used (Session::useSavedSetup()).
    void showSetupProblems(const QStringList &problems);
    // Keeps the captures with these ids as requests in a collection's folder.
    void saveCapturesTo(const CollectionPlace &folder, const QList<qint64> &ids);
    // Opens a collection's request in the composer; "Save" there writes it back.
    ComposerDialog *openCollectionItem(CollectionDocument *document, const QList<int> &path);
    // Writes the selected captures (when several are) or all the filter shows to a HAR file.
    void exportHar(const QString &path);

signals:
    void harExported();

public:
    // Opens the composer: empty, or with the selected capture ready to edit and send again.
    ComposerDialog *openComposer(bool fromSelected);

protected:
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createMenus();
    void restoreViewState();
    void showSelected();
    void showDeliveryAttempt(const DeliveryAttempt &attempt);
    void askReplayTarget();
    void selectAfterLoad();
    void saveBytes(const QByteArray &bytes, const QString &title, const QString &suggestedName);
    QList<qint64> selectedIds() const;
    // The last replay target, or a usual local app's address before the first replay.
    static QString replayTargetOrDefault();
    // "Save" in a composer: back to the item it came from when there is one, else to a folder
    // the user picks.
    void keepComposedRequest(ComposerDialog *composer, const RequestTemplate &request);

    CaptureStore &m_store;
    Session &m_session;
    CaptureWriter &m_writer;
    ReceiverHost &m_receiver;
    std::unique_ptr<DeliveryLog> m_deliveryLog; // this thread's reads and replay requests
    ForwarderHost *m_forwarder;
    SecretStore *m_secrets;
    SignatureChecker *m_checker;
    QSet<qint64> m_replays; // deliveries the user asked for: their outcome goes to the status bar
    QAction *m_replayAgain = nullptr;
    CaptureListModel *m_model;
    QTableView *m_view;
    CollectionsPanel *m_collections;
    CaptureDetailView *m_detail;
    ReceiverBar *m_receiverBar = nullptr;
    QLineEdit *m_filter;
    QSplitter *m_splitter;
    QTimer m_filterDelay;
    StatusPanel *m_status = nullptr;
    qint64 m_selectWhenLoaded = -1; // capture to select when the list has loaded; 0: the first
};

} // namespace Hookscope
