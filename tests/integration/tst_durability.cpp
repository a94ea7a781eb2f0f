#include "listenprocess.h"

#include "store/capturestore.h"

#include <QRegularExpression>
#include <QSet>
#include <QStandardPaths>
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
    void answersWaitForTheDisk_data();
    void answersWaitForTheDisk();
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

void TestDurability::answersWaitForTheDisk_data()
{
    QTest::addColumn<QString>("durability");
    QTest::addColumn<bool>("syncedBeforeAnswer");
    QTest::newRow("disk (the default)") << QString() << true;
    QTest::newRow("process") << QStringLiteral("process") << false;
}

// Watched with strace: with durability "disk", the writer syncs the log after writing a
// request's commit and before its answer is sent; with "process", the answer goes out first.
void TestDurability::answersWaitForTheDisk()
{
    QFETCH(QString, durability);
    QFETCH(bool, syncedBeforeAnswer);
    if (QStandardPaths::findExecutable(QStringLiteral("strace")).isEmpty())
        QSKIP("strace is not installed (packaging/install-deps.sh --test installs it)");
    QTemporaryDir dir;
    const QString trace = dir.filePath(QStringLiteral("trace"));
    QStringList listen{QStringLiteral("listen"),
                       QStringLiteral("--port"),
                       QStringLiteral("0"),
                       QStringLiteral("--bind"),
                       QStringLiteral("127.0.0.1"),
                       QStringLiteral("--store"),
                       dir.filePath(QStringLiteral("s.sqlite"))};
    if (!durability.isEmpty())
        listen << QStringLiteral("--durability") << durability;
    QProcess listener;
    listener.start(QStringLiteral("strace"),
                   QStringList{QStringLiteral("-f"), QStringLiteral("-y"), QStringLiteral("-e"),
                               QStringLiteral("trace=fdatasync,fsync,pwrite64,sendto"),
                               QStringLiteral("-o"), trace, cliPath()}
                       + listen);
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += listener.readAllStandardOutput()).contains("Listening"),
                             20'000);
    const QByteArray port = QRegularExpression(QStringLiteral("127\\.0\\.0\\.1:(\\d+)/"))
                                .match(QString::fromUtf8(output))
                                .captured(1)
                                .toUtf8();
    const int requests = 5;
    for (int i = 0; i < requests; ++i) {
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, quint16(port.toUInt()));
        QVERIFY(client.waitForConnected());
        client.write("POST /durable HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
        QVERIFY(client.waitForReadyRead(20'000));
    }
    // strace's child is the listener; it stops on SIGTERM and strace with it.
    QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(listener.processId()));
    QVERIFY(children.open(QIODevice::ReadOnly));
    const pid_t listenerPid = pid_t(children.readAll().trimmed().toLongLong());
    QVERIFY(listenerPid > 0);
    ::kill(listenerPid, SIGTERM);
    QVERIFY(listener.waitForFinished(20'000));

    // The writer is the thread that writes the log's frames.
    QFile file(trace);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QHash<QByteArray, int> framesByThread;
    for (const QByteArray &line : lines) {
        if (line.contains("pwrite64(") && line.contains("-wal>"))
            ++framesByThread[line.left(line.indexOf(' '))];
    }
    QVERIFY(!framesByThread.isEmpty());
    const QByteArray writer
        = std::max_element(framesByThread.cbegin(), framesByThread.cend()).key();
    // Before each answer, the writer's last step on the log: a sync, or a write not yet synced.
    int answers = 0;
    QByteArray lastWriterStep;
    for (const QByteArray &line : lines) {
        const QByteArray thread = line.left(line.indexOf(' '));
        if (thread == writer && line.contains("-wal>") && !line.contains("resumed>"))
            lastWriterStep = line.contains("pwrite64(") ? "write" : "sync";
        if (line.contains("sendto(") && line.contains("HTTP/1.1 200")) {
            ++answers;
            QCOMPARE(lastWriterStep == "sync", syncedBeforeAnswer);
        }
    }
    QCOMPARE(answers, requests);
}

QTEST_GUILESS_MAIN(TestDurability)
#include "tst_durability.moc"
