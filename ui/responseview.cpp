#include "responseview.h"

#include "textpane.h"

#include "body/bodyformatter.h"
#include "body/contentdecoder.h"
#include "body/hexdump.h"
#include "wire/outgoingrequest.h"

#include <QLabel>
#include <QVBoxLayout>

namespace Hookscope {
namespace {

// Larger answers are shown as they are: formatting them is not worth a pause.
constexpr qsizetype MaxFormattedBody = 1024 * 1024;

} // namespace

ResponseView::ResponseView(QWidget *parent)
    : QWidget(parent)
    , m_source(new QLabel(this))
    , m_text(new TextPane(this))
{
    m_source->setWordWrap(true);
    m_source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_source->setTextFormat(Qt::PlainText);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->addWidget(m_source);
    layout->addWidget(m_text, 1);
    clear();
}

void ResponseView::clear()
{
    m_hasResponse = false;
    m_rule.clear();
    m_proxyTarget.clear();
    m_status = 0;
    m_text->setText(QString());
    showSource();
}

void ResponseView::showResponse(const CapturedRequest &request)
{
    m_hasResponse = true;
    m_rule = request.rule;
    m_proxyTarget.clear();
    m_status = request.responseStatus;
    if (request.responseHead.isEmpty()) {
        m_text->setText(QString());
        showSource();
        return;
    }
    DeliveryResult head;
    head.readHead(request.responseHead);
    const DecodeResult decoded = ContentDecoder::decode(
        request.responseBody, headerValue(head.headers, "Content-Encoding"));
    const QByteArray body = decoded.ok ? decoded.data : request.responseBody;
    QString bodyText;
    TextPane::Syntax syntax = TextPane::Syntax::Plain;
    if (BodyFormatter::looksBinary(body)) {
        bodyText = HexDump::dump(body.left(MaxFormattedBody));
    } else if (body.size() > MaxFormattedBody) {
        bodyText = QString::fromUtf8(body);
    } else {
        const FormattedBody formatted
            = BodyFormatter::format(body, headerValue(head.headers, "Content-Type"));
        bodyText = formatted.text;
        if (formatted.kind == FormattedBody::Kind::Json)
            syntax = TextPane::Syntax::Json;
    }
    // The head as sent (its line ends shown as lines; the Wire tab of a capture is for bytes),
    // then the body.
    m_text->setText(QString::fromLatin1(request.responseHead)
                            .replace(QLatin1String("\r\n"), QLatin1String("\n"))
                        + bodyText,
                    syntax);
    showSource();
}

void ResponseView::setProxyTarget(const QString &target)
{
    m_proxyTarget = target;
    showSource();
}

QString ResponseView::sourceText() const
{
    return m_source->text();
}

void ResponseView::showSource()
{
    QString source;
    if (!m_hasResponse)
        source = QString();
    else if (!m_proxyTarget.isEmpty())
        source = tr("Answered with what %1 answered (a proxy route).").arg(m_proxyTarget);
    else if (!m_rule.isEmpty() && m_status == 0)
        source = tr("Not answered: the mock rule \"%1\" asked for a fault (closed, reset or left "
                    "hanging).")
                     .arg(m_rule);
    else if (!m_rule.isEmpty())
        source = tr("Answered by the mock rule \"%1\".").arg(m_rule);
    else if (m_status == 0)
        source = tr("Not answered: the connection ended first.");
    else
        source = tr("Answered with the default answer: no mock rule matched (Capture → Mock "
                    "Rules… answers otherwise).");
    m_source->setText(source);
}

} // namespace Hookscope
