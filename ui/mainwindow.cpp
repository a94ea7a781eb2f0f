#include "mainwindow.h"

#include "capturelistmodel.h"

#include "capture/capturestore.h"
#include "capture/capturewriter.h"
#include "http/receiverhost.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>

namespace Hookscope {

MainWindow::MainWindow(CaptureStore &store, CaptureWriter &writer, ReceiverHost &receiver,
                       QWidget *parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_receiver(receiver)
    , m_model(new CaptureListModel(store, this))
    , m_view(new QTableView(this))
    , m_detail(new QPlainTextEdit(this))
    , m_urlLabel(new QLabel(this))
    , m_countLabel(new QLabel(this))
    , m_receiverLabel(new QLabel(this))
{
    setWindowTitle(tr("Hookscope"));
    resize(1200, 760);

    QToolBar *toolbar = addToolBar(tr("Receiver"));
    toolbar->setMovable(false);
    toolbar->addWidget(new QLabel(tr("Send webhooks to "), this));
    m_urlLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    toolbar->addWidget(m_urlLabel);
    toolbar->addAction(tr("Copy URL"), this, [this] {
        QApplication::clipboard()->setText(m_urlLabel->text());
        statusBar()->showMessage(tr("Copied %1").arg(m_urlLabel->text()), 3000);
    });

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->horizontalHeader()->setHighlightSections(false);
    m_view->horizontalHeader()->setSectionResizeMode(CaptureListModel::TargetColumn,
                                                     QHeaderView::Stretch);
    m_view->setShowGrid(false);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);

    m_detail->setReadOnly(true);
    m_detail->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_detail->setPlaceholderText(tr("Select a capture to see the request exactly as it arrived."));
    m_detail->setLineWrapMode(QPlainTextEdit::NoWrap);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(m_detail);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    setCentralWidget(splitter);

    statusBar()->addPermanentWidget(m_countLabel);
    statusBar()->addPermanentWidget(m_receiverLabel);

    connect(&writer, &CaptureWriter::committed, m_model, &CaptureListModel::addCommitted);
    connect(&writer, &CaptureWriter::committed, this, [this](const CommittedBatch &batch) {
        m_captureCount += batch.size();
        updateStatus();
    });
    connect(&writer, &CaptureWriter::writeFailed, this,
            [this](const QString &error) { statusBar()->showMessage(error); });
    connect(m_model, &CaptureListModel::rowsPrepended, this, [this] {
        // Follow the newest capture unless the user is reading further down.
        if (m_view->verticalScrollBar()->value() == 0)
            m_view->scrollToTop();
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showSelected);

    m_captureCount = m_store.count();
    updateStatus();
}

void MainWindow::startListening()
{
    QString error;
    if (m_receiver.listen(&error)) {
        m_urlLabel->setText(m_receiver.baseUrl());
        updateStatus();
        return;
    }
    m_urlLabel->setText(tr("not listening"));
    m_receiverLabel->setText(tr("Receiver stopped"));
    statusBar()->showMessage(error);
    auto *useFreePort = new QPushButton(tr("Use another port"), this);
    statusBar()->addWidget(useFreePort);
    connect(useFreePort, &QPushButton::clicked, this, [this, useFreePort] {
        useFreePort->deleteLater();
        listenOnFreePort();
    });
}

void MainWindow::listenOnFreePort()
{
    QString error;
    if (!m_receiver.listenOnFreePort(&error)) {
        statusBar()->showMessage(error);
        return;
    }
    m_urlLabel->setText(m_receiver.baseUrl());
    statusBar()->clearMessage();
    updateStatus();
}

void MainWindow::showSelected()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid()) {
        m_detail->clear();
        return;
    }
    const std::optional<CapturedRequest> request
        = m_store.capture(m_model->summary(current.row()).id);
    if (!request) {
        m_detail->setPlainText(tr("This capture is no longer in the store."));
        return;
    }
    QString text;
    if (!request->parseError.isEmpty())
        text += tr("Malformed: %1").arg(request->parseError) + QStringLiteral("\n\n");
    text += QString::fromUtf8(request->raw.left(request->headSize));
    const QByteArray body = request->decodedBody();
    if (body.left(4096).contains('\0'))
        text += tr("[%n byte(s) of binary body]", nullptr, int(body.size()));
    else
        text += QString::fromUtf8(body);
    m_detail->setPlainText(text);
}

void MainWindow::updateStatus()
{
    m_countLabel->setText(
        tr("%n capture(s)", nullptr, int(std::min<qint64>(m_captureCount, INT_MAX))));
    m_receiverLabel->setText(m_receiver.isListening()
                                 ? tr("Listening on port %1").arg(m_receiver.port())
                                 : tr("Receiver stopped"));
}

} // namespace Hookscope
