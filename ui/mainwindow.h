#pragma once

#include <QMainWindow>
#include <QTimer>

class QAction;
class QLabel;
class QSpinBox;
class QLineEdit;
class QSplitter;
class QTableView;

namespace Hookscope {

class CaptureDetailView;
class CaptureListModel;
class CaptureStore;
class CaptureWriter;
class ReceiverHost;

// The inspector: captures as they arrive on the left, the selected one in full on the right.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(CaptureStore &store, CaptureWriter &writer, ReceiverHost &receiver,
               QWidget *parent = nullptr);

    QTableView *captureView() const { return m_view; }
    CaptureListModel *captureModel() const { return m_model; }
    CaptureDetailView *detailView() const { return m_detail; }
    // Binds the receiver, reporting a busy port in the window.
    void startListening();
    // Stops receiving; the toolbar's start button binds again.
    void stopListening();
    // Moves the receiver to `port`, remembered for the next launch.
    void listenOnPort(quint16 port);

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

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void restoreViewState();
    void showSelected();
    void selectAfterLoad();
    void updateStatus();
    void countCaptures();
    bool listenOnFreePort();
    void showReceiverState();
    void showListenError(const QString &error);
    void saveBytes(const QByteArray &bytes, const QString &title, const QString &suggestedName);
    QList<qint64> selectedIds() const;

    CaptureStore &m_store;
    ReceiverHost &m_receiver;
    CaptureListModel *m_model;
    QTableView *m_view;
    CaptureDetailView *m_detail;
    QLabel *m_urlLabel;
    QSpinBox *m_portBox;
    QAction *m_startStop = nullptr;
    QWidget *m_listenProblem = nullptr; // the busy-port message and its button
    QLineEdit *m_filter;
    QSplitter *m_splitter;
    QTimer m_filterDelay;
    QLabel *m_countLabel;
    QLabel *m_rateLabel;
    QLabel *m_storeLabel;
    QLabel *m_receiverLabel;
    qint64 m_captureCount = -1;   // -1 while counting
    QList<qint64> m_uncountedIds; // committed while counting
    int m_countRequest = 0;
    qint64 m_selectWhenLoaded = -1; // capture to select when the list has loaded; 0: the first
    qint64 m_capturesSinceTick = 0;
    qint64 m_rate = 0;
    QTimer m_statusTick;
};

} // namespace Hookscope
