#include "listenprocess.h"

#include "capture/capturestore.h"

#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Hookscope;
using namespace Hookscope::Testing;

namespace {

// A keep-alive client that sends requests one after another and records which were answered
// 2xx. Responses come back in request order, so the n-th "200 OK" answers the n-th request.
class LoadClient final : public QObject
{
public:
    LoadClient(int index, quint16 port)
        : m_index(index)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this] { sendNext(); });
        connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
            m_received += m_socket.readAll();
            static const QByteArray ok = "HTTP/1.1 200 OK\r\n";
            static const QByteArray end = "\r\n\r\nOK\n";
            qsizetype at;
            while ((at = m_received.indexOf(end)) >= 0) {
                if (m_received.startsWith(ok))
                    m_answered.append(m_sent.at(m_answered.size() + m_failed));
                else
                    ++m_failed;
                m_received.remove(0, at + end.size());
                sendNext();
            }
        });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    const QList<QByteArray> &answered() const { return m_answered; }

private:
    void sendNext()
    {
        const QByteArray target
            = "/durable/" + QByteArray::number(m_index) + '/' + QByteArray::number(m_sent.size());
        const QByteArray body = R"({"seq":)" + QByteArray::number(m_sent.size()) + '}';
        m_sent.append(target);
        m_socket.write("POST " + target
                       + " HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         "Content-Length: "
                       + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }

    int m_index;
    QTcpSocket m_socket;
    QByteArray m_received;
    QList<QByteArray> m_sent;
    QList<QByteArray> m_answered;
    int m_failed = 0;
};

} // namespace

class TestDurability final : public QObject
{
    Q_OBJECT
private slots:
    void killedListenerLosesNoAnsweredRequest();
};

void TestDurability::killedListenerLosesNoAnsweredRequest()
{
    QTemporaryDir dir;
    const QString storePath = dir.filePath(QStringLiteral("captures.sqlite"));
    auto listener = std::make_unique<ListenProcess>(storePath);
    std::vector<std::unique_ptr<LoadClient>> clients;
    for (int i = 0; i < 16; ++i)
        clients.push_back(std::make_unique<LoadClient>(i, listener->port()));
    const auto answeredCount = [&] {
        qsizetype total = 0;
        for (const auto &client : clients)
            total += client->answered().size();
        return total;
    };
    // Kill in the middle of sustained load, not after it.
    QTRY_VERIFY_WITH_TIMEOUT(answeredCount() >= 5000, 60'000);
    ::kill(pid_t(listener->process().processId()), SIGKILL);
    QVERIFY(listener->process().waitForFinished(10'000));
    QCOMPARE(listener->process().exitStatus(), QProcess::CrashExit);
    QCoreApplication::processEvents(); // take in the last answers that arrived before the kill

    QSet<QByteArray> answered;
    for (const auto &client : clients) {
        for (const QByteArray &target : client->answered())
            answered.insert(target);
    }
    qInfo("%lld requests answered 2xx before SIGKILL", qlonglong(answered.size()));

    // Restarting on the same store works, and every answered request is in it.
    listener = std::make_unique<ListenProcess>(storePath);
    QVERIFY(listener->port() != 0);
    CaptureStore store(storePath);
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    QSet<QByteArray> stored;
    for (const CaptureSummary &summary : store.summaries(0, 10'000'000))
        stored.insert(summary.target);
    QSet<QByteArray> lost = answered;
    lost.subtract(stored);
    QVERIFY2(lost.isEmpty(),
             qPrintable(QStringLiteral("%1 answered requests missing, e.g. %2")
                            .arg(lost.size())
                            .arg(lost.isEmpty() ? QString() : QString::fromUtf8(*lost.begin()))));
    QVERIFY(stored.size() >= answered.size());
}

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
