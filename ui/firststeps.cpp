#include "firststeps.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

// The README installed beside the program, else the one of the source tree it was built from.
QString readmePath()
{
    const QStringList candidates{QCoreApplication::applicationDirPath()
                                     + QStringLiteral("/../share/doc/hookscope/README.md"),
                                 QStringLiteral(HOOKSCOPE_SOURCE_README)};
    for (const QString &candidate : candidates) {
        if (QFileInfo(candidate).isFile())
            return QDir::cleanPath(candidate);
    }
    return {};
}

} // namespace

FirstSteps::FirstSteps(QWidget *parent)
    : QFrame(parent)
    , m_title(new QLabel(this))
    , m_intro(new QLabel(this))
    , m_curl(new QLineEdit(this))
    , m_providers(new QLabel(this))
    , m_copyCurl(new QPushButton(tr("Copy curl Command"), this))
    , m_sendTest(new QPushButton(tr("Send a Test Webhook"), this))
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    QFont title = m_title->font();
    title.setPointSizeF(title.pointSizeF() * 1.3);
    title.setBold(true);
    m_title->setFont(title);
    for (QLabel *label : {m_intro, m_providers}) {
        label->setWordWrap(true);
        label->setTextFormat(Qt::RichText);
        label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    }
    m_providers->setOpenExternalLinks(true);
    m_curl->setReadOnly(true);
    m_curl->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    connect(m_copyCurl, &QPushButton::clicked, this, [this] {
        QApplication::clipboard()->setText(curlLine());
        emit message(tr("Copied: %1").arg(curlLine()), 4000);
    });
    connect(m_sendTest, &QPushButton::clicked, this, [this] { emit sendTestRequested(m_url); });
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_sendTest);
    buttons->addWidget(m_copyCurl);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 24, 24, 24);
    layout->addWidget(m_title);
    layout->addWidget(m_intro);
    layout->addWidget(m_curl);
    layout->addLayout(buttons);
    layout->addSpacing(12);
    layout->addWidget(m_providers);
    layout->addStretch();
    refresh();
}

void FirstSteps::setReceiverUrl(const QString &url)
{
    m_url = url;
    refresh();
}

void FirstSteps::setStoreEmpty(bool empty, const QString &filter)
{
    m_storeEmpty = empty;
    m_filter = filter;
    refresh();
}

QString FirstSteps::curlLine() const
{
    return QStringLiteral("curl -H 'Content-Type: application/json' -d '{\"hello\":\"webhooks\"}' "
                          "%1hello")
        .arg(m_url);
}

QString FirstSteps::text() const
{
    QStringList parts;
    for (const QLabel *label : {m_title, m_intro, m_providers}) {
        if (label->isVisibleTo(this))
            parts.append(label->text());
    }
    if (m_curl->isVisibleTo(this))
        parts.append(m_curl->text());
    return parts.join(QLatin1Char('\n'));
}

void FirstSteps::refresh()
{
    const bool listening = !m_url.isEmpty();
    const bool guide = m_storeEmpty && listening;
    for (QWidget *part : {static_cast<QWidget *>(m_curl), static_cast<QWidget *>(m_copyCurl),
                          static_cast<QWidget *>(m_sendTest), static_cast<QWidget *>(m_providers)})
        part->setVisible(guide);
    if (!m_storeEmpty) {
        m_title->setText(tr("No capture matches"));
        m_intro->setText(tr("None of the captures matches <b>%1</b>. Press Esc in the filter to "
                            "see them all again.")
                             .arg(m_filter.toHtmlEscaped()));
        return;
    }
    m_title->setText(tr("Nothing captured yet"));
    if (!listening) {
        m_intro->setText(
            tr("Hookscope is not listening: pick a port in the toolbar and press Start."));
        return;
    }
    m_intro->setText(tr("Send webhooks to <b>%1</b> (any path, any method): each request shows "
                        "up here the moment it arrives. To try it, send a test webhook or run:")
                         .arg(m_url.toHtmlEscaped()));
    m_curl->setText(curlLine());
    m_curl->setCursorPosition(0);
    const QString readme = readmePath();
    const QString port = QString::number(QUrl(m_url).port());
    m_providers->setText(
        tr("<b>From a provider</b> (Stripe, GitHub, Shopify…): it needs a public HTTPS URL: "
           "<b>Public URL…</b> in the toolbar starts a tunnel you have installed (cloudflared, "
           "ngrok or any command), or reads a smee.io channel (nothing to install), and shows "
           "the URL to give the provider. For Stripe, without "
           "a tunnel: choose the Stripe CLI there (it runs <code>stripe listen --forward-to "
           "127.0.0.1:%1/stripe</code> and keeps the secret it signs with).%2")
            .arg(port, readme.isEmpty()
                           ? QString()
                           : tr("<br><br><a href=\"%1\">Pointing Stripe, GitHub and others at "
                                "Hookscope (README)</a>")
                                 .arg(QUrl::fromLocalFile(readme).toString(QUrl::FullyEncoded))));
}

} // namespace Hookscope
