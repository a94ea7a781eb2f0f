#pragma once

#include <QWidget>

namespace Hookscope {

// A QR code of a short text (a URL), drawn dark on light with its quiet zone whatever the
// palette, so a phone camera reads it.
class QrCodeView final : public QWidget
{
    Q_OBJECT
public:
    explicit QrCodeView(QWidget *parent = nullptr);

    void setText(const QString &text);
    // Modules per side (0: none, the text could not be encoded).
    int moduleCount() const { return m_width; }
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QByteArray m_modules; // m_width × m_width, 1 for dark
    int m_width = 0;
};

} // namespace Hookscope
