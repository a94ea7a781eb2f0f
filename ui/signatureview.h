#pragma once

#include "signing/signature.h"

#include <QWidget>

class QFormLayout;
class QLabel;
class QPushButton;

namespace Hookscope {

class TextPane;

// Why a capture's signature passes or fails: the verdict, the scheme and header used, the
// signatures received and the one the secret gives, the timestamp's skew, and the exact bytes
// that were signed.
class SignatureView final : public QWidget
{
    Q_OBJECT
public:
    explicit SignatureView(QWidget *parent = nullptr);

    // Nothing: being checked.
    void setVerdict(const std::optional<SignatureVerdict> &verdict);
    QLabel *outcome() const { return m_outcome; }
    QString detailsText() const;
    TextPane *signedBytes() const { return m_signedBytes; }

    // "✓ valid" and so on: what the list shows.
    static QString outcomeText(SignatureVerdict::Outcome outcome);
    static QColor outcomeColor(SignatureVerdict::Outcome outcome);

signals:
    void editSignaturesRequested();

private:
    QLabel *m_outcome;
    QLabel *m_reason;
    QFormLayout *m_details;
    QLabel *m_detailsLabel;
    TextPane *m_signedBytes;
};

} // namespace Hookscope
