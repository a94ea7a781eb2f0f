#include "receiverbar.h"

#include "receiver/receiverhost.h"
#include "session/settings.h"

#include <QApplication>
#include <QClipboard>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStatusBar>
#include <QPainter>

namespace Hookscope {
namespace {

// Start and Stop drawn in the toolbar's text colour: the style's own icons are black, and
// vanish on a dark palette.
QIcon mediaIcon(bool stop, const QColor &color)
{
    constexpr int Size = 32; // drawn large, scaled down crisply
    QPixmap pixmap(Size, Size);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(color);
    if (stop)
        painter.drawRect(QRectF(7, 7, 18, 18));
    else
        painter.drawPolygon(QPolygonF({QPointF(9, 6), QPointF(26, 16), QPointF(9, 26)}));
    return QIcon(pixmap);
}

} // namespace

ReceiverBar::ReceiverBar(ReceiverHost &receiver, QStatusBar *statusBar, QWidget *parent)
    : QToolBar(tr("Receiver"), parent)
    , m_receiver(receiver)
    , m_statusBar(statusBar)
    , m_url(new QLabel(this))
    , m_temporaryNote(new QLabel(this))
    , m_port(new QSpinBox(this))
{
    setObjectName(QStringLiteral("receiverToolbar"));
    setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    setMovable(false);
    addWidget(new QLabel(tr("Send webhooks to "), this));
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    addWidget(m_url);
    m_temporaryNote->setObjectName(QStringLiteral("temporaryPortNote"));
    m_temporaryNote->setForegroundRole(QPalette::PlaceholderText);
    addWidget(m_temporaryNote);
    addAction(tr("Copy URL"), this, [this] {
        QApplication::clipboard()->setText(m_url->text());
        emit message(tr("Copied %1").arg(m_url->text()), 3000);
    });
    addSeparator();
    addWidget(new QLabel(tr("Port "), this));
    m_port->setObjectName(QStringLiteral("receiverPort"));
    m_port->setRange(1, 65535);
    m_port->setKeyboardTracking(false); // move once the user has finished typing
    m_port->setToolTip(tr("The port the receiver listens on; Enter to move there"));
    addWidget(m_port);
    connect(m_port, &QSpinBox::valueChanged, this, [this](int port) {
        if (port != m_receiver.port())
            listenOnPort(quint16(port));
    });
    m_startStop = addAction(QString(), this, [this] {
        if (m_receiver.isListening())
            stopListening();
        else
            listenOnPort(quint16(m_port->value()));
    });
    m_startStop->setObjectName(QStringLiteral("startStopReceiver"));
}

void ReceiverBar::startListening()
{
    QString error;
    if (!m_receiver.listen(&error))
        showListenError(error);
    showState();
}

void ReceiverBar::stopListening()
{
    m_receiver.close();
    showState();
}

void ReceiverBar::listenOnPort(quint16 port)
{
    QString error;
    if (m_receiver.listenOn(port, &error)) {
        Settings().setPort(port);
        m_busyPort = 0;
        emit message(tr("Listening on %1").arg(m_receiver.baseUrl()), 5000);
    } else {
        showListenError(error);
    }
    showState();
}

void ReceiverBar::showListenError(const QString &error)
{
    delete m_listenProblem;
    // A widget rather than a message: a temporary message would hide the button beside it.
    m_listenProblem = new QWidget(m_statusBar);
    auto *layout = new QHBoxLayout(m_listenProblem);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(error, m_listenProblem));
    auto *useFreePort = new QPushButton(tr("Use another port"), m_listenProblem);
    useFreePort->setObjectName(QStringLiteral("useAnotherPort"));
    layout->addWidget(useFreePort);
    m_statusBar->addWidget(m_listenProblem);
    connect(useFreePort, &QPushButton::clicked, this, [this] { listenOnFreePort(); });
}

bool ReceiverBar::listenOnFreePort()
{
    // For this run only: tunnels and `stripe listen --forward-to` point at the usual port, which
    // is tried again at the next launch.
    const quint16 busy = m_receiver.wantedPort();
    QString error;
    const bool listening = m_receiver.listenOnFreePort(&error);
    if (listening)
        m_busyPort = busy;
    else
        emit message(error, 0);
    showState();
    return listening;
}

void ReceiverBar::changeEvent(QEvent *event)
{
    QToolBar::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        showState();
}

void ReceiverBar::showState()
{
    const bool listening = m_receiver.isListening();
    if (listening && m_listenProblem) {
        m_listenProblem->deleteLater();
        m_listenProblem = nullptr;
    }
    m_url->setText(listening ? m_receiver.baseUrl() : tr("not listening"));
    m_temporaryNote->setText(
        listening && m_busyPort ? tr("(this run only: %1 was busy) ").arg(m_busyPort) : QString());
    // The port in use; while none is, the one Start will try.
    if (const quint16 shown = listening ? m_receiver.port() : m_receiver.wantedPort(); shown) {
        const QSignalBlocker blocker(m_port);
        m_port->setValue(shown);
    }
    m_startStop->setText(listening ? tr("Stop") : tr("Start"));
    m_startStop->setToolTip(listening ? tr("Stop receiving; senders get connection refused")
                                      : tr("Listen on the port shown"));
    m_startStop->setIcon(mediaIcon(listening, palette().color(QPalette::ButtonText)));
    emit stateChanged();
}

} // namespace Hookscope
