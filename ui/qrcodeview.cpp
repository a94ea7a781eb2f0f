#include "qrcodeview.h"

#include <QPainter>

#include <qrencode.h>

#include <memory>

namespace Hookscope {
namespace {

constexpr int QuietZone = 4; // modules of light around the code, as the standard asks

} // namespace

QrCodeView::QrCodeView(QWidget *parent)
    : QWidget(parent)
{
    setMinimumSize(sizeHint());
}

void QrCodeView::setText(const QString &text)
{
    m_modules.clear();
    m_width = 0;
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString(text.toUtf8().constData(), 0, QR_ECLEVEL_M, QR_MODE_8, 1),
        &QRcode_free);
    if (code) {
        m_width = code->width;
        m_modules.resize(qsizetype(m_width) * m_width);
        for (qsizetype i = 0; i < m_modules.size(); ++i)
            m_modules[i] = char(code->data[i] & 1); // the lowest bit: dark
    }
    update();
}

QSize QrCodeView::sizeHint() const
{
    return {220, 220};
}

void QrCodeView::paintEvent(QPaintEvent *)
{
    if (m_width == 0)
        return;
    QPainter painter(this);
    const int side = std::min(width(), height());
    const int total = m_width + 2 * QuietZone;
    const int module = std::max(1, side / total); // whole pixels: crisp edges
    const int drawn = module * total;
    const QPoint origin((width() - drawn) / 2, (height() - drawn) / 2);
    painter.fillRect(QRect(origin, QSize(drawn, drawn)), Qt::white);
    for (int y = 0; y < m_width; ++y) {
        for (int x = 0; x < m_width; ++x) {
            if (m_modules.at(qsizetype(y) * m_width + x))
                painter.fillRect(origin.x() + (x + QuietZone) * module,
                                 origin.y() + (y + QuietZone) * module, module, module, Qt::black);
        }
    }
}

} // namespace Hookscope
