#pragma once

#include "receiver/tlsidentity.h"

#include <QDialog>

#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace Hookscope {

class QrCodeView;
class Session;

// Receiver → LAN: lets machines on the same network (a phone, a device, a colleague's test
// run) send to this receiver. Changes apply at once: the receiver listens on every address and
// asks their requests for the access token the LAN URL carries. The URL shows with a QR code
// and Copy; the networks they may come from can be narrowed; a new token stops old URLs. An
// HTTPS port can listen beside the plain one, for clients that only send to https:// URLs.
class LanDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit LanDialog(Session &session, QWidget *parent = nullptr);

    QCheckBox *lanSwitch() const { return m_on; }
    QComboBox *urls() const { return m_urls; }
    QLineEdit *networks() const { return m_networks; }
    QrCodeView *qrCode() const { return m_code; }
    QLabel *problem() const { return m_problem; }
    QCheckBox *httpsSwitch() const { return m_https; }
    QSpinBox *httpsPort() const { return m_httpsPort; }
    QLabel *authority() const { return m_authority; }
    QPushButton *ownCertificateButton() const { return m_useOwn; }
    QPushButton *localCertificateButton() const { return m_useLocal; }

    // The HTTPS port presents the user's certificate and key (none: Hookscope's); a file that
    // cannot be used is said below and changes nothing. The buttons come here.
    void useCertificate(const std::optional<CertificateFiles> &files);

signals:
    void changed();

private:
    void apply();
    void applyHttps();
    // What the session now does; `what` went wrong in the last change, if anything.
    void showState(const QString &what = QString());
    void chooseCertificate();

    Session &m_session;
    QCheckBox *m_on;
    QComboBox *m_urls;
    QPushButton *m_copy;
    QPushButton *m_newToken;
    QrCodeView *m_code;
    QLineEdit *m_networks;
    QLabel *m_problem;
    QCheckBox *m_https;
    QSpinBox *m_httpsPort;
    QLabel *m_authority; // the file clients trust, or the user's certificate
    QPushButton *m_useOwn;
    QPushButton *m_useLocal;
};

} // namespace Hookscope
