#pragma once

#include <QFrame>

class QLabel;
class QLineEdit;
class QPushButton;

namespace Hookscope {

// Shown over the empty capture list: what to do first. Where to send webhooks, a curl line to
// copy, a test webhook at one click, and how to reach Hookscope from a provider (a tunnel, or
// `stripe listen --forward-to`); or, while a filter hides every capture, that it does.
class FirstSteps final : public QFrame
{
    Q_OBJECT
public:
    explicit FirstSteps(QWidget *parent = nullptr);

    // The receiver's address, or empty while it is not listening.
    void setReceiverUrl(const QString &url);
    // Nothing captured yet (true), or a filter matches none of the captures (false).
    void setStoreEmpty(bool empty, const QString &filter = {});

    QString curlLine() const;
    QString text() const; // all it says, for tests
    QPushButton *sendTestButton() const { return m_sendTest; }

signals:
    void sendTestRequested(const QString &receiverUrl);
    void message(const QString &text, int timeoutMs);

private:
    void refresh();

    QLabel *m_title;
    QLabel *m_intro;
    QLineEdit *m_curl;
    QLabel *m_providers;
    QPushButton *m_copyCurl;
    QPushButton *m_sendTest;
    QString m_url;
    bool m_storeEmpty = true;
    QString m_filter;
};

} // namespace Hookscope
