#include "landialog.h"

#include "palettetone.h"
#include "qrcodeview.h"

#include "receiver/receiveraccess.h"
#include "receiver/tlsidentity.h"
#include "session/session.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Hookscope {

LanDialog::LanDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_on(new QCheckBox(tr("Take requests from other machines on this network"), this))
    , m_urls(new QComboBox(this))
    , m_copy(new QPushButton(tr("Copy"), this))
    , m_newToken(new QPushButton(tr("New Token"), this))
    , m_code(new QrCodeView(this))
    , m_networks(new QLineEdit(this))
    , m_problem(new QLabel(this))
    , m_https(new QCheckBox(tr("Also on port"), this))
    , m_httpsPort(new QSpinBox(this))
    , m_authority(new QLabel(this))
    , m_useOwn(new QPushButton(tr("Use Yours…"), this))
    , m_useLocal(new QPushButton(tr("Use Hookscope's"), this))
{
    setWindowTitle(tr("LAN and HTTPS"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 72); // the paths and URLs on few lines
    auto *explanation = new QLabel(
        tr("Other machines send to the LAN URL: it carries this receiver's access token. "
           "Requests without it are answered 401 and not kept. This machine sends to the usual "
           "address, as before."),
        this);
    explanation->setWordWrap(true);
    m_urls->setObjectName(QStringLiteral("lanUrls"));
    m_urls->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_newToken->setToolTip(tr("A new access token: the LAN URLs given out so far stop working"));
    m_networks->setPlaceholderText(tr("any — or 192.168.1.0/24, fd00::/8"));
    m_networks->setToolTip(tr("Networks other machines may send from, comma-separated"));
    m_problem->setWordWrap(true);
    showAsWarning(m_problem);

    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_urls, 1);
    urlRow->addWidget(m_copy);
    urlRow->addWidget(m_newToken);
    m_httpsPort->setRange(0, 65535);
    m_httpsPort->setSpecialValueText(tr("any free one"));
    m_httpsPort->setValue(
        session.httpsPort().value_or(quint16(std::min(session.receiver().port() + 1, 65535))));
    m_authority->setTextFormat(Qt::PlainText);
    m_authority->setWordWrap(true);
    m_authority->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_useOwn->setToolTip(tr("Present your own certificate and its key (PEM files)"));
    m_useLocal->setToolTip(tr("Present the certificate Hookscope makes, signed by its own "
                              "authority"));
    auto *httpsRow = new QHBoxLayout;
    httpsRow->addWidget(m_https);
    httpsRow->addWidget(m_httpsPort);
    httpsRow->addStretch(1);
    httpsRow->addWidget(m_useOwn);
    httpsRow->addWidget(m_useLocal);
    // A grid rather than a QFormLayout: it gives the wrapped note the height of its lines at
    // the width it gets.
    auto *form = new QGridLayout;
    const auto addRow = [this, form](const QString &label, QLayoutItem *field) {
        const int row = form->rowCount();
        if (!label.isEmpty())
            form->addWidget(new QLabel(label, this), row, 0);
        form->addItem(field, row, 1);
    };
    addRow(tr("LAN URL:"), urlRow);
    addRow(tr("Only from:"), new QWidgetItem(m_networks));
    addRow(tr("HTTPS:"), httpsRow);
    addRow(QString(), new QWidgetItem(m_authority));
    form->setColumnStretch(1, 1);
    // A grid's rows inherit no gaps from the style: a character's width, as a form has.
    for (QBoxLayout *row : {urlRow, httpsRow})
        row->setSpacing(fontMetrics().averageCharWidth());
    form->setHorizontalSpacing(fontMetrics().averageCharWidth());
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_on);
    layout->addWidget(explanation);
    layout->addLayout(form);
    layout->addWidget(m_code, 0, Qt::AlignHCenter);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    m_on->setChecked(session.listensOnLan());
    m_networks->setText(session.allowedNetworks().join(QStringLiteral(", ")));
    connect(m_on, &QCheckBox::toggled, this, &LanDialog::apply);
    m_https->setChecked(session.httpsPort().has_value());
    connect(m_https, &QCheckBox::toggled, this, &LanDialog::applyHttps);
    connect(m_httpsPort, &QSpinBox::editingFinished, this, [this] {
        if (m_https->isChecked() && m_session.httpsPort() != quint16(m_httpsPort->value()))
            applyHttps();
    });
    connect(m_useOwn, &QPushButton::clicked, this, &LanDialog::chooseCertificate);
    connect(m_useLocal, &QPushButton::clicked, this, [this] { useCertificate(std::nullopt); });
    connect(m_networks, &QLineEdit::editingFinished, this, [this] {
        if (m_networks->isModified())
            apply();
        m_networks->setModified(false);
    });
    connect(m_urls, &QComboBox::currentTextChanged, m_code, &QrCodeView::setText);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_urls->currentText()); });
    connect(m_newToken, &QPushButton::clicked, this, [this] {
        m_session.renewLanToken();
        showState();
        emit changed();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    showState();
}

void LanDialog::apply()
{
    QStringList networks;
    for (const QString &part : m_networks->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!part.trimmed().isEmpty())
            networks.append(part.trimmed());
    }
    QString error;
    const bool applied = m_session.setLan(m_on->isChecked(), networks, &error);
    showState(applied ? QString() : error);
    emit changed();
}

void LanDialog::applyHttps()
{
    QString error;
    const bool applied = m_session.setHttps(
        m_https->isChecked() ? std::optional<quint16>(quint16(m_httpsPort->value())) : std::nullopt,
        &error);
    if (!applied) {
        const QSignalBlocker quietly(m_https);
        m_https->setChecked(m_session.httpsPort().has_value());
    }
    showState(applied ? QString() : error);
    emit changed();
}

void LanDialog::chooseCertificate()
{
    const QString pem = tr("PEM files (*.pem *.crt *.cer *.key);;All files (*)");
    const QString certificate
        = QFileDialog::getOpenFileName(this, tr("Your Certificate (PEM)"), QString(), pem);
    if (certificate.isEmpty())
        return;
    const QString key = QFileDialog::getOpenFileName(this, tr("Its Private Key (PEM)"),
                                                     QFileInfo(certificate).path(), pem);
    if (!key.isEmpty())
        useCertificate(CertificateFiles{certificate, key});
}

void LanDialog::useCertificate(const std::optional<CertificateFiles> &files)
{
    QString error;
    const bool applied = m_session.setHttpsCertificate(files, &error);
    showState(applied ? QString() : error);
    emit changed();
}

void LanDialog::showState(const QString &what)
{
    const QString current = m_urls->currentText();
    const QStringList urls = m_session.lanUrls();
    m_urls->clear();
    m_urls->addItems(urls);
    if (urls.contains(current))
        m_urls->setCurrentText(current);
    m_code->setText(m_urls->currentText());
    m_code->setVisible(!urls.isEmpty());
    for (QWidget *widget : {static_cast<QWidget *>(m_urls), static_cast<QWidget *>(m_copy),
                            static_cast<QWidget *>(m_newToken)})
        widget->setEnabled(!urls.isEmpty());
    const quint16 httpsPort = m_session.receiver().httpsPort();
    const std::optional<CertificateFiles> own = m_session.httpsCertificate();
    m_useLocal->setVisible(own.has_value());
    m_useOwn->setText(own ? tr("Use Another…") : tr("Use Yours…"));
    if (own)
        m_authority->setText(
            httpsPort == 0
                ? tr("Presents your certificate %1 (key: %2).").arg(own->certificate, own->key)
                : tr("https://localhost:%1/ presents your certificate %2 (key: "
                     "%3).")
                      .arg(QString::number(httpsPort), own->certificate, own->key));
    else
        m_authority->setText(httpsPort == 0
                                 ? tr("For clients that only send to https:// URLs.")
                                 : tr("https://localhost:%1/ — clients trust it through %2 (curl "
                                      "--cacert, or the system's authorities).")
                                       .arg(httpsPort)
                                       .arg(TlsIdentity::authorityFile(Session::tlsFolder())));
    const QString problem
        = !what.isEmpty() || !m_session.listensOnLan() || !urls.isEmpty()
              ? what
              : tr("This machine has no address other than loopback: no other machine can reach "
                   "it.");
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    // As tall as the wrapped lines are at the width it has (adjustSize() measures them at the
    // narrower width of their hint, and leaves the difference as empty space).
    layout()->activate();
    const int width = std::max(minimumWidth(), sizeHint().width());
    resize(width, heightForWidth(width));
}

} // namespace Hookscope
