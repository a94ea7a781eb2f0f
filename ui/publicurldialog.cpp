#include "publicurldialog.h"

#include "palettetone.h"

#include "session/session.h"
#include "session/settings.h"
#include "sources/source.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Hookscope {

PublicUrlDialog::PublicUrlDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_tool(new QComboBox(this))
    , m_command(new QLineEdit(this))
    , m_channel(new QLineEdit(this))
    , m_pattern(new QLineEdit(this))
    , m_startStop(new QPushButton(this))
    , m_url(new QLineEdit(this))
    , m_copy(new QPushButton(tr("Copy"), this))
    , m_log(new QPlainTextEdit(this))
    , m_problem(new QLabel(this))
    , m_secretNote(new QLabel(this))
{
    setWindowTitle(tr("Public URL"));
    auto *explanation = new QLabel(
        tr("Providers on the internet need a public HTTPS URL. Hookscope starts a tunnel you have "
           "installed, shows the URL it gives, starts it again if it stops, and stops it when "
           "Hookscope quits. Or it reads a smee.io channel itself, with nothing to install. The "
           "Stripe CLI instead forwards your account's test events here, and Hookscope keeps "
           "the secret it signs them with."),
        this);
    explanation->setWordWrap(true);
    m_tool->addItem(tr("cloudflared — a quick tunnel, no account"), QStringLiteral("cloudflared"));
    m_tool->addItem(tr("ngrok"), QStringLiteral("ngrok"));
    m_tool->addItem(tr("Stripe CLI — your account's test events, signed"),
                    QStringLiteral("stripe"));
    m_tool->addItem(tr("smee.io channel — nothing to install"), QStringLiteral("smee"));
    m_tool->addItem(tr("A command…"), QString());
    m_command->setPlaceholderText(QStringLiteral("ssh -R 80:127.0.0.1:{port} serveo.net"));
    m_command->setToolTip(tr("{port} is the receiver's port"));
    m_channel->setPlaceholderText(tr("a new one, or paste yours: https://smee.io/…"));
    m_pattern->setPlaceholderText(tr("the first https:// URL it prints"));
    m_pattern->setToolTip(tr("A regular expression that finds the URL in its output"));
    m_url->setReadOnly(true);
    m_url->setObjectName(QStringLiteral("publicUrl"));
    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("What the tunnel prints shows here."));
    m_log->setMaximumBlockCount(1000);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap); // its boxes and columns as printed
    m_problem->setWordWrap(true);
    m_problem->setTextFormat(Qt::PlainText); // words from the tool's side are never markup
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    showAsWarning(m_problem);
    m_problem->hide();
    m_secretNote->setWordWrap(true);
    m_secretNote->setTextFormat(Qt::PlainText);

    auto *toolRow = new QHBoxLayout;
    toolRow->addWidget(m_tool, 1);
    toolRow->addWidget(m_startStop);
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_copy);
    auto *form = new QFormLayout;
    form->addRow(tr("Tunnel:"), toolRow);
    form->addRow(tr("Command:"), m_command);
    form->addRow(tr("Channel:"), m_channel);
    form->addRow(tr("URL pattern:"), m_pattern);
    form->addRow(tr("URL:"), urlRow);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(explanation);
    layout->addLayout(form);
    layout->addWidget(m_secretNote);
    layout->addWidget(m_problem);
    layout->addWidget(m_log, 1);
    layout->addWidget(buttons);
    resize(640, 420);

    const auto showCommandFields = [this, form] {
        const QString tool = m_tool->currentData().toString();
        form->setRowVisible(m_command, tool.isEmpty());
        form->setRowVisible(m_pattern, tool.isEmpty());
        form->setRowVisible(m_channel, tool == QLatin1String("smee"));
    };
    connect(m_tool, &QComboBox::currentIndexChanged, this, showCommandFields);
    showSpec(Settings().lastSource()); // what was started last, offered again
    showCommandFields();
    connect(m_startStop, &QPushButton::clicked, this, &PublicUrlDialog::startOrStop);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_url->text()); });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_session, &Session::tunnelChanged, this, &PublicUrlDialog::follow);
    connect(&m_session, &Session::tunnelSecretBound, this,
            [this](const QString &name, const QByteArray &path, const QString &where,
                   const QString &error) {
                if (!error.isEmpty()) {
                    showProblem(error);
                    return;
                }
                m_secretNote->setText(tr("Its signing secret is kept in %1 as \"%2\": what "
                                         "arrives at %3 is verified with it.")
                                          .arg(where, name, QString::fromUtf8(path)));
                m_secretNote->show();
            });
    follow();
}

void PublicUrlDialog::startOrStop()
{
    if (m_session.tunnel()) {
        m_session.stopTunnel();
        return;
    }
    const QString tool = m_tool->currentData().toString();
    QString error;
    showProblem({});
    const QString channel = m_channel->text().trimmed();
    const QString spec = tool.isEmpty() ? m_command->text()
                         : tool == QLatin1String("smee") && !channel.isEmpty()
                             ? tool + QLatin1Char(':') + channel
                             : tool;
    if (!m_session.startTunnel(spec, m_pattern->text(), &error))
        showProblem(error);
}

void PublicUrlDialog::showProblem(const QString &problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty()); // no empty line above the log
}

void PublicUrlDialog::showSpec(const QString &spec)
{
    if (spec.isEmpty())
        return;
    const bool smee = spec.startsWith(QLatin1String("smee"));
    const int tool = m_tool->findData(smee ? QStringLiteral("smee") : spec);
    m_tool->setCurrentIndex(tool >= 0 ? tool : m_tool->findData(QString()));
    if (smee)
        m_channel->setText(spec.mid(QStringLiteral("smee:").size())); // "smee" alone: a new one
    else if (tool < 0)
        m_command->setText(spec);
}

void PublicUrlDialog::follow()
{
    m_log->clear();
    m_secretNote->hide();
    if (Source *tunnel = m_session.tunnel()) {
        showSpec(m_session.tunnelSpec()); // the one running, whatever was chosen before
        m_log->setPlainText(tunnel->log().join(QLatin1Char('\n')));
        connect(tunnel, &Source::logged, m_log, &QPlainTextEdit::appendPlainText);
        connect(tunnel, &Source::urlChanged, this, &PublicUrlDialog::showState);
        connect(tunnel, &Source::problem, this, &PublicUrlDialog::showProblem);
    }
    showState();
}

void PublicUrlDialog::showState()
{
    const Source *tunnel = m_session.tunnel();
    m_startStop->setText(tunnel ? tr("Stop") : tr("Start"));
    m_tool->setEnabled(!tunnel);
    m_command->setEnabled(!tunnel);
    m_channel->setEnabled(!tunnel);
    m_pattern->setEnabled(!tunnel);
    // A tool that forwards events itself gives no public URL: the one it forwards to shows.
    const bool forwards = tunnel && !tunnel->forwardUrl().isEmpty();
    m_url->setText(!tunnel                  ? QString()
                   : tunnel->isForwarding() ? tunnel->forwardUrl()
                                            : tunnel->url());
    m_url->setPlaceholderText(
        !tunnel    ? tr("none: no tunnel is running")
        : forwards ? tr("waiting for %1 to print its signing secret…").arg(tunnel->name())
                   : tr("waiting for %1 to print its URL…").arg(tunnel->name()));
    m_copy->setEnabled(!m_url->text().isEmpty());
}

} // namespace Hookscope
