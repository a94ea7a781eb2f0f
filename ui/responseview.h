#pragma once

#include "wire/capturedrequest.h"

#include <QWidget>

class QLabel;

namespace Hookscope {

class TextPane;

// What Hookscope answered a capture: who answered (the default answer, a mock rule, or a proxy
// target whose answer was relayed), the status line and headers exactly as sent, and the body,
// pretty when it is JSON, XML or a form.
class ResponseView final : public QWidget
{
    Q_OBJECT
public:
    explicit ResponseView(QWidget *parent = nullptr);

    void showResponse(const CapturedRequest &request);
    // The capture was proxied to `target`, whose answer went back to the provider; empty when
    // it was not.
    void setProxyTarget(const QString &target);
    void clear();

    QString sourceText() const;
    TextPane *text() const { return m_text; }

private:
    void showSource();

    QLabel *m_source;
    TextPane *m_text;
    QString m_rule;
    QString m_proxyTarget;
    int m_status = 0;
    bool m_hasResponse = false;
};

} // namespace Hookscope
