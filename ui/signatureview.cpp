#include "signatureview.h"

#include "palettetone.h"
#include "textpane.h"

#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <climits>

namespace Hookscope {
namespace {

QString skewText(qint64 seconds)
{
    const QString skew = Signatures::describeSkew(seconds);
    return seconds > 0 ? QObject::tr("%1 (check the clocks)").arg(skew) : skew;
}

} // namespace

SignatureView::SignatureView(QWidget *parent)
    : QWidget(parent)
    , m_outcome(new QLabel(this))
    , m_reason(new QLabel(this))
    , m_details(new QFormLayout)
    , m_detailsLabel(new QLabel(this))
    , m_signedBytes(new TextPane(this))
{
    QFont big = m_outcome->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_outcome->setFont(big);
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_signedBytes->setPlaceholderText(tr("No signed bytes: nothing was checked."));
    auto *edit = new QPushButton(tr("Signatures…"), this);
    edit->setToolTip(tr("Bind a scheme and a secret to paths, and manage the secrets"));
    connect(edit, &QPushButton::clicked, this, &SignatureView::editSignaturesRequested);

    auto *top = new QHBoxLayout;
    top->addWidget(m_outcome, 1);
    top->addWidget(edit, 0, Qt::AlignTop);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(m_reason);
    layout->addLayout(m_details);
    m_detailsLabel->setText(tr("Signed bytes, exactly:"));
    layout->addWidget(m_detailsLabel);
    layout->addWidget(m_signedBytes, 1);
    setVerdict(std::nullopt);
}

QString SignatureView::outcomeText(SignatureVerdict::Outcome outcome)
{
    switch (outcome) {
    case SignatureVerdict::Outcome::Valid: return tr("\u2713 valid");
    case SignatureVerdict::Outcome::Invalid: return tr("\u2717 invalid");
    case SignatureVerdict::Outcome::Expired: return tr("\u2717 expired");
    case SignatureVerdict::Outcome::MissingSignature: return tr("missing signature");
    case SignatureVerdict::Outcome::NoSecret: return tr("no secret");
    case SignatureVerdict::Outcome::NotSigned: return {};
    }
    return {};
}

QColor SignatureView::outcomeColor(SignatureVerdict::Outcome outcome)
{
    switch (outcome) {
    case SignatureVerdict::Outcome::Valid: return paletteTone(130);
    case SignatureVerdict::Outcome::Invalid: return paletteTone(0);
    case SignatureVerdict::Outcome::Expired:
    case SignatureVerdict::Outcome::MissingSignature: return paletteTone(30);
    case SignatureVerdict::Outcome::NoSecret:
    case SignatureVerdict::Outcome::NotSigned: return {};
    }
    return {};
}

void SignatureView::setVerdict(const std::optional<SignatureVerdict> &verdict)
{
    while (m_details->rowCount() > 0)
        m_details->removeRow(0);
    QPalette palette = this->palette();
    if (!verdict) {
        m_outcome->setText(tr("Checking…"));
        m_outcome->setPalette(palette);
        m_reason->clear();
        m_signedBytes->setText({});
        return;
    }
    const QColor color = outcomeColor(verdict->outcome);
    if (color.isValid())
        palette.setColor(QPalette::WindowText, color);
    m_outcome->setPalette(palette);
    m_outcome->setText(verdict->outcome == SignatureVerdict::Outcome::NotSigned
                           ? tr("Not signed")
                           : outcomeText(verdict->outcome));
    m_reason->setText(verdict->reason);
    const auto addRow = [this](const QString &label, const QString &value) {
        auto *text = new QLabel(value, this);
        text->setTextInteractionFlags(Qt::TextSelectableByMouse);
        text->setWordWrap(true);
        QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        text->setFont(mono);
        m_details->addRow(label, text);
    };
    if (!verdict->scheme.isEmpty())
        addRow(tr("Scheme:"), verdict->scheme);
    if (!verdict->header.isEmpty())
        addRow(tr("Header:"), QString::fromUtf8(verdict->header));
    for (const QByteArray &received : verdict->received)
        addRow(tr("Received:"), QString::fromUtf8(received));
    if (!verdict->expected.isEmpty())
        addRow(tr("Expected:"), QString::fromUtf8(verdict->expected));
    if (verdict->skewSeconds)
        addRow(tr("Timestamp:"), skewText(*verdict->skewSeconds));
    m_detailsLabel->setText(
        verdict->signedBytes.isEmpty()
            ? tr("Signed bytes:")
            : tr("Signed bytes, exactly (%n byte(s)):", nullptr,
                 int(std::min<qsizetype>(verdict->signedBytes.size(), INT_MAX))));
    m_signedBytes->setText(QString::fromUtf8(verdict->signedBytes));
}

QString SignatureView::detailsText() const
{
    QStringList lines{m_outcome->text(), m_reason->text()};
    for (int row = 0; row < m_details->rowCount(); ++row) {
        const auto *label
            = qobject_cast<QLabel *>(m_details->itemAt(row, QFormLayout::LabelRole)->widget());
        const auto *value
            = qobject_cast<QLabel *>(m_details->itemAt(row, QFormLayout::FieldRole)->widget());
        if (label && value)
            lines.append(label->text() + QLatin1Char(' ') + value->text());
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace Hookscope
