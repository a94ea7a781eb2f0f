#pragma once

#include "mock/mockrules.h"
#include "signing/signaturechecker.h"

#include <QMainWindow>
#include <QTimer>

#include <memory>

class QAction;
class QLabel;
class QSpinBox;
class QLineEdit;
class QSplitter;

namespace Hookscope {

class CaptureDetailView;
class CollectionsPanel;
class ImportExport;
class ReachActions;
class RulesDialog;
class ComposerActions;
class DeliveryActions;
class DeliveryLog;
class SecretStore;
class ShapesDialog;
class TrafficDialog;
class SignaturesDialog;
class TestEventDialog;
class ForwarderHost;
struct DeliveryAttempt;
class CaptureActions;
class CaptureListModel;
class CaptureListView;
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

    CaptureListView *captureView() const { return m_view; }
    CaptureListModel *captureModel() const { return m_model; }
    CaptureDetailView *detailView() const { return m_detail; }
    // Binds the receiver, reporting a busy port in the window (see ReceiverBar).
    void startListening();

    // What the Capture menu does to the selected capture(s).
    CaptureActions *captureActions() const { return m_actions; }
    QLineEdit *filterEdit() const { return m_filter; }
    // Applies the filter box now rather than after the typing pause.
    void applyFilter();
    // Columns, splitter, filter, selection and tabs, kept in QSettings across restarts.
    void saveViewState() const;
    // Replays and forwarding routes.
    DeliveryActions *deliveryActions() const { return m_deliveries; }
    // LAN… and Public URL… in the toolbar.
    ReachActions *reachActions() const { return m_reach; }
    // Opens the Signatures dialog: bindings of schemes and secrets to paths, and the secrets.
    SignaturesDialog *signaturesDialog();
    TestEventDialog *testEventDialog();
    // View → Event Shapes…: what each event type's payloads look like.
    ShapesDialog *shapesDialog();
    TrafficDialog *trafficDialog();
    // Checks captures with these from now on (kept across restarts); verdicts are redone.
    void setSignatureBindings(const QList<SignatureBinding> &bindings);
    SecretStore *secrets() const { return m_secrets; }
    // File → Import and Export HAR.
    ImportExport *importExport() const { return m_importExport; }
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
    // The composer, and captures kept in collections.
    ComposerActions *composerActions() const { return m_composer; }

protected:
    bool focusNextPrevChild(bool next) override;
    void closeEvent(QCloseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void createMenus();
    // What the filter box takes, as its tooltip.
    static QString filterHelp();
    void restoreViewState();
    // Shows the capture in the detail pane (0: none).
    void showCapture(qint64 id);
    void showDeliveryAttempt(const DeliveryAttempt &attempt);

    CaptureStore &m_store;
    Session &m_session;
    CaptureWriter &m_writer;
    ReceiverHost &m_receiver;
    std::unique_ptr<DeliveryLog> m_deliveryLog; // this thread's reads and replay requests
    ForwarderHost *m_forwarder;
    SecretStore *m_secrets;
    SignatureChecker *m_checker;
    DeliveryActions *m_deliveries = nullptr;
    ComposerActions *m_composer = nullptr;
    CaptureListModel *m_model;
    CaptureListView *m_view;
    CaptureActions *m_actions = nullptr;
    ImportExport *m_importExport = nullptr;
    ReachActions *m_reach = nullptr;
    CollectionsPanel *m_collections;
    CaptureDetailView *m_detail;
    ReceiverBar *m_receiverBar = nullptr;
    QLineEdit *m_filter;
    QSplitter *m_splitter;
    QTimer m_filterDelay;
    StatusPanel *m_status = nullptr;
};

} // namespace Hookscope
