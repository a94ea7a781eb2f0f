#include "listenprocess.h"

#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "wire/forwardroute.h"
#include "receiver/receiveraccess.h"
#include "receiver/receiverhost.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace Hookscope;
using namespace Hookscope::Testing;

namespace {

struct CurlTrace
{
    QList<QByteArray> requestsSent; // the bytes of each request, as sent
    QByteArray received;            // every byte received
};

// What curl sent and received, rebuilt from its --trace hex dump.
CurlTrace readCurlTrace(const QString &tracePath)
{
    QFile file(tracePath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    CurlTrace trace;
    enum { Other, Sending, Receiving } block = Other;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("=> Send header")) {
            trace.requestsSent.append(QByteArray());
            block = Sending;
        } else if (line.startsWith("=> Send data")) {
            block = trace.requestsSent.isEmpty() ? Other : Sending;
        } else if (line.startsWith("<= Recv header") || line.startsWith("<= Recv data")) {
            block = Receiving;
        } else if (line.startsWith("<=") || line.startsWith("==") || line.startsWith("=>")) {
            block = Other;
        } else if (block != Other && line.size() > 6 && line.at(4) == ':') {
            // "0000: 50 4f ... " — 16 three-character hex columns, then the ASCII rendering.
            const QByteArray bytes
                = QByteArray::fromHex(line.mid(6, 48).simplified().replace(' ', ""));
            if (block == Sending)
                trace.requestsSent.last() += bytes;
            else
                trace.received += bytes;
        }
    }
    return trace;
}

QByteArray randomBytes(int size)
{
    QByteArray bytes(size, '\0');
    for (int i = 0; i < size; ++i)
        bytes[i] = char(QRandomGenerator::global()->bounded(256));
    bytes[0] = '\0';
    return bytes;
}

QByteArray gzip(const QByteArray &data)
{
    QProcess process;
    process.start(QStringLiteral("gzip"), {QStringLiteral("-c")});
    process.write(data);
    process.closeWriteChannel();
    process.waitForFinished();
    return process.readAllStandardOutput();
}

// Reads from `socket` until it closes or `until` appears.
QByteArray readUntil(QTcpSocket &socket, const QByteArray &until)
{
    QByteArray received;
    while (!received.contains(until) && socket.state() == QAbstractSocket::ConnectedState) {
        if (!socket.waitForReadyRead(10'000))
            break;
        received += socket.readAll();
    }
    return received + socket.readAll();
}

} // namespace

class TestReceiver final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void curlBytesAreKeptExactly_data();
    void curlBytesAreKeptExactly();
    void gzipBodyIsDecodedForDisplay();
    void pipelinedRequestsAnsweredInOrder();
    void largeAnswersReachASlowReaderWhole();
    void malformedIsAnswered400AndCaptured();
    void oversizedHeaderIs431();
    void oversizedBodyIs413WithHeadKept();
    void slowClientTimesOutWithoutStallingOthers();
    void idleConnectionsMakeRoomForNewClients();
    void clientThatNeverReadsIsNotReadFrom();
    void halfClosedClientGetsItsAnswer();
    void largeBodiesStillArrivingGoToDisk();
    void aLargeBodyWaitsForMemoryHeldByAnother();
    void http09IsRefusedAndCaptured();
    void listenBacklogTakesABurst();
    void tlsOnPlainPortIsExplained();
    void configuredDefaultResponse();
    void requestsFromOtherMachinesNeedTheToken();
    void otherMachinesOutsideTheAllowedNetworksAreRefused();
    void listCommands();
    void helpNamesTheCommand();
    void busyPortIsReported();
    void terminateStopsAfterTheLastCommit();
    void unusableStoreIsReportedAndCanBeSetAside_data();
    void unusableStoreIsReportedAndCanBeSetAside();
    void readOnlyStoreIsRefusedAtStart();

private:
    QByteArray showRaw(qint64 id);
    QJsonObject showJson(qint64 id);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_store;
};

void TestReceiver::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = m_dir->filePath(QStringLiteral("captures.sqlite"));
}

QByteArray TestReceiver::showRaw(qint64 id)
{
    const CliResult result = runCli({QStringLiteral("show"), QString::number(id),
                                     QStringLiteral("--raw"), QStringLiteral("--store"), m_store});
    return result.exitCode == 0 ? result.out : QByteArray();
}

QJsonObject TestReceiver::showJson(qint64 id)
{
    const CliResult result = runCli({QStringLiteral("show"), QString::number(id),
                                     QStringLiteral("--json"), QStringLiteral("--store"), m_store});
    return QJsonDocument::fromJson(result.out).object();
}

void TestReceiver::curlBytesAreKeptExactly_data()
{
    QTest::addColumn<QStringList>("curlArguments");
    QTest::addColumn<QByteArray>("bodyFile");
    QTest::addColumn<int>("requestCount");

    QTest::newRow("json post") << QStringList{QStringLiteral("-H"),
                                              QStringLiteral("Content-Type: application/json"),
                                              QStringLiteral("--data-binary"),
                                              QStringLiteral("{\"a\": 1}")}
                               << QByteArray() << 1;
    QTest::newRow("binary body") << QStringList{QStringLiteral("--data-binary"),
                                                QStringLiteral("@BODY")}
                                 << randomBytes(64 * 1024) << 1;
    QTest::newRow("chunked") << QStringList{QStringLiteral("-H"),
                                            QStringLiteral("Transfer-Encoding: chunked"),
                                            QStringLiteral("--data-binary"),
                                            QStringLiteral("@BODY")}
                             << randomBytes(100 * 1024) << 1;
    QTest::newRow("100-continue") << QStringList{QStringLiteral("-H"),
                                                 QStringLiteral("Expect: 100-continue"),
                                                 QStringLiteral("--expect100-timeout"),
                                                 QStringLiteral("30"),
                                                 QStringLiteral("--data-binary"),
                                                 QStringLiteral("@BODY")}
                                  << randomBytes(300 * 1024) << 1;
    QTest::newRow("gzip") << QStringList{QStringLiteral("-H"),
                                         QStringLiteral("Content-Encoding: gzip"),
                                         QStringLiteral("--data-binary"), QStringLiteral("@BODY")}
                          << gzip(QByteArray("{\"event\":\"compressed\"}").repeated(200)) << 1;
    QTest::newRow("http/1.0 put with query")
        << QStringList{QStringLiteral("--http1.0"), QStringLiteral("-X"), QStringLiteral("PUT"),
                       QStringLiteral("--data-binary"), QStringLiteral("x=1")}
        << QByteArray() << 1;
    QTest::newRow("keep-alive, two requests")
        << QStringList{QStringLiteral("-H"), QStringLiteral("X-Order: Case-Kept"),
                       QStringLiteral("SECOND_URL")}
        << QByteArray() << 2;
}

void TestReceiver::curlBytesAreKeptExactly()
{
    QFETCH(QStringList, curlArguments);
    QFETCH(QByteArray, bodyFile);
    QFETCH(int, requestCount);
    ListenProcess listener(m_store);
    const QString bodyPath = m_dir->filePath(QStringLiteral("body.bin"));
    if (!bodyFile.isEmpty()) {
        QFile file(bodyPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bodyFile);
    }
    curlArguments.replaceInStrings(QStringLiteral("@BODY"), QLatin1Char('@') + bodyPath);
    curlArguments.replaceInStrings(QStringLiteral("SECOND_URL"),
                                   listener.url(QStringLiteral("/second?k=v")));
    const QString tracePath = m_dir->filePath(QStringLiteral("trace.txt"));
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               QStringList{QStringLiteral("-sS"), QStringLiteral("--trace"), tracePath}
                   + curlArguments + QStringList{listener.url(QStringLiteral("/hook?x=1"))});
    QVERIFY(curl.waitForFinished(30'000));
    QCOMPARE(curl.exitCode(), 0);
    QVERIFY(curl.readAllStandardOutput().contains("OK"));

    const CurlTrace trace = readCurlTrace(tracePath);
    const QList<QByteArray> &sent = trace.requestsSent;
    QCOMPARE(sent.size(), requestCount);
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), requestCount, 10'000);
    const QList<qint64> ids = listener.captureIds();
    for (int i = 0; i < requestCount; ++i)
        QCOMPARE(showRaw(ids[i]), sent[i]);
    if (QByteArray(QTest::currentDataTag()) == "100-continue")
        QVERIFY(trace.received.startsWith("HTTP/1.1 100 Continue\r\n")
                && trace.received.contains("HTTP/1.1 200 OK\r\n"));
    if (!bodyFile.isEmpty()) {
        const QJsonObject json = showJson(ids[0]);
        QCOMPARE(QByteArray::fromBase64(json.value(QStringLiteral("body")).toString().toLatin1()),
                 bodyFile);
        QCOMPARE(json.value(QStringLiteral("bodyEncoding")).toString(), QStringLiteral("base64"));
    }
}

void TestReceiver::gzipBodyIsDecodedForDisplay()
{
    ListenProcess listener(m_store);
    const QByteArray json = R"({"event":"invoice.paid","amount":4200})";
    QFile file(m_dir->filePath(QStringLiteral("body.gz")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(gzip(json));
    file.close();
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("-H"),
                QStringLiteral("Content-Encoding: gzip"), QStringLiteral("--data-binary"),
                QLatin1Char('@') + file.fileName(), listener.url(QStringLiteral("/gz"))});
    QVERIFY(curl.waitForFinished());
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    const QJsonObject shown = showJson(listener.captureIds().first());
    QCOMPARE(shown.value(QStringLiteral("decodedBody")).toString().toUtf8(), json);
    QCOMPARE(shown.value(QStringLiteral("bodyEncoding")).toString(), QStringLiteral("base64"));
    // The decoded body is searchable once the background indexer has reached it.
    const QStringList search{QStringLiteral("list"), QStringLiteral("--search"),
                             QStringLiteral("invoice.paid"), QStringLiteral("--store"), m_store};
    QTRY_VERIFY_WITH_TIMEOUT(runCli(search).out.contains("/gz"), 10'000);
}

void TestReceiver::pipelinedRequestsAnsweredInOrder()
{
    ListenProcess listener(m_store, {QStringLiteral("--response-body"), QStringLiteral("done")});
    const QList<QByteArray> requests{
        "POST /p1 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\none",
        "GET /p2 HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /p3 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nthree\r\n0\r\n\r\n",
    };
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(socket.waitForConnected());
    socket.write(requests.join());
    QByteArray received;
    while (received.count("done") < 3 && socket.waitForReadyRead(10'000))
        received += socket.readAll();
    QCOMPARE(received.count("HTTP/1.1 200 OK"), 3);
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 3, 10'000);
    const QList<qint64> ids = listener.captureIds();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(showRaw(ids[i]), requests[i]);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState); // kept alive
}

// Answers larger than the socket's buffer to a client that reads late: the first is partly
// sent at once and the rest queued, the ones behind it wait their turn; all arrive whole.
void TestReceiver::largeAnswersReachASlowReaderWhole()
{
    const QByteArray body(3 * 1024 * 1024, 'z');
    const QString rulesPath = m_dir->filePath(QStringLiteral("rules.json"));
    QFile rules(rulesPath);
    QVERIFY(rules.open(QIODevice::WriteOnly));
    rules.write(R"({"format": "hookscope-rules", "version": 1, "rules": [{"name": "big",)"
                R"( "match": {"path": "/big/*"}, "respond": {"status": 200, "body": ")"
                + body + "\"}}]}");
    rules.close();
    ListenProcess listener(m_store, {QStringLiteral("--rules"), rulesPath});
    QTcpSocket socket;
    socket.setReadBufferSize(64 * 1024); // reads from the kernel only as fast as we take them
    socket.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(socket.waitForConnected());
    socket.write("GET /big/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /big/2 HTTP/1.1\r\nHost: x\r\n\r\n"
                 "GET /small HTTP/1.1\r\nHost: x\r\n\r\n");
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 3, 10'000);
    QByteArray received;
    const QByteArray small = "Content-Length: 3\r\n\r\nOK\n"; // the default answer
    while (!received.endsWith(small)) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(10'000))
            break;
        received += socket.read(16 * 1024);
    }
    const qsizetype first = received.indexOf(body);
    QVERIFY(first > 0);
    const qsizetype second = received.indexOf(body, first + body.size());
    QVERIFY(second > first);
    QCOMPARE(received.count('z'), 2 * body.size());
    QCOMPARE(received.count("HTTP/1.1 200 OK"), 3);
}

void TestReceiver::malformedIsAnswered400AndCaptured()
{
    ListenProcess listener(m_store);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(socket.waitForConnected());
    const QByteArray wire = "GET /x HTTP/1.1\r\nBad\x01Header: 1\r\n\r\n";
    socket.write(wire);
    const QByteArray answer = readUntil(socket, "\n\n");
    QVERIFY2(answer.startsWith("HTTP/1.1 400 Bad Request"), answer.constData());
    QVERIFY(answer.contains("Connection: close"));
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    const QJsonObject shown = showJson(listener.captureIds().first());
    QVERIFY(shown.value(QStringLiteral("parseError"))
                .toString()
                .contains(QStringLiteral("HPE_INVALID_HEADER_TOKEN")));
    QCOMPARE(
        shown.value(QStringLiteral("response")).toObject().value(QStringLiteral("status")).toInt(),
        400);
    QCOMPARE(showRaw(listener.captureIds().first()), wire);
}

void TestReceiver::oversizedHeaderIs431()
{
    ListenProcess listener(m_store);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(socket.waitForConnected());
    socket.write("GET / HTTP/1.1\r\nX-Big: " + QByteArray(80 * 1024, 'a') + "\r\n\r\n");
    const QByteArray answer = readUntil(socket, "\n\n");
    QVERIFY2(answer.startsWith("HTTP/1.1 431"), answer.left(100).constData());
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    QVERIFY(showJson(listener.captureIds().first())
                .value(QStringLiteral("parseError"))
                .toString()
                .contains(QStringLiteral("64 KiB")));
}

void TestReceiver::oversizedBodyIs413WithHeadKept()
{
    ListenProcess listener(m_store, {QStringLiteral("--max-body"), QStringLiteral("1000")});
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                QStringLiteral("-w"), QStringLiteral("%{http_code}"), QStringLiteral("-H"),
                QStringLiteral("X-Mark: kept"), QStringLiteral("--data-binary"),
                QString(QLatin1Char('x')).repeated(5000), listener.url(QStringLiteral("/big"))});
    QVERIFY(curl.waitForFinished());
    QCOMPARE(curl.readAllStandardOutput(), QByteArray("413"));
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    const QByteArray raw = showRaw(listener.captureIds().first());
    QVERIFY(raw.startsWith("POST /big HTTP/1.1\r\n"));
    QVERIFY(raw.contains("X-Mark: kept\r\n"));

    // A chunked body refused past the limit once part of it went to disk: what is in memory is
    // kept, the rest is not read back.
    ListenProcess spilling(m_store, {QStringLiteral("--max-body"), QStringLiteral("150000")});
    QTcpSocket client;
    client.connectToHost(QHostAddress::LocalHost, spilling.port());
    QVERIFY(client.waitForConnected());
    QByteArray chunked = "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 200; ++i)
        chunked += "400\r\n" + QByteArray(1024, 'c') + "\r\n";
    client.write(chunked);
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += client.readAll()).contains("\r\n\r\n"), 10'000);
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.constData());
    QTRY_COMPARE_WITH_TIMEOUT(spilling.captureIds().size(), 1, 10'000);
    const QJsonObject refused = showJson(spilling.captureIds().last());
    QVERIFY2(refused.value(QStringLiteral("parseError"))
                 .toString()
                 .contains(QStringLiteral("were not kept")),
             qPrintable(refused.value(QStringLiteral("parseError")).toString()));
    QVERIFY(showRaw(spilling.captureIds().last()).size() < 80 * 1024);
}

void TestReceiver::slowClientTimesOutWithoutStallingOthers()
{
    ListenProcess listener(m_store, {QStringLiteral("--header-timeout"), QStringLiteral("500")});
    QTcpSocket slow;
    slow.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(slow.waitForConnected());
    slow.write("POST /slowloris HTTP/1.1\r\nHost: x\r\nX-Partial: ");
    QVERIFY(slow.waitForBytesWritten());

    // Another client is served while the slow one dawdles.
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), listener.url(QStringLiteral("/fast"))});
    QVERIFY(curl.waitForFinished());
    QCOMPARE(curl.readAllStandardOutput(), QByteArray("OK\n"));

    QSignalSpy disconnected(&slow, &QTcpSocket::disconnected);
    QVERIFY(disconnected.wait(10'000));
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 2, 10'000);
    const QJsonObject shown = showJson(listener.captureIds().last());
    QVERIFY(
        shown.value(QStringLiteral("parseError")).toString().contains(QStringLiteral("Timed out")));
    QCOMPARE(shown.value(QStringLiteral("target")).toString(), QStringLiteral("/slowloris"));
    QVERIFY(showRaw(listener.captureIds().last()).endsWith("X-Partial: "));
}

// At the cap, the connection idle the longest is closed so that a new client is served.
void TestReceiver::idleConnectionsMakeRoomForNewClients()
{
    ListenProcess listener(m_store, {QStringLiteral("--max-connections"), QStringLiteral("2")});
    QTcpSocket first, second, third;
    for (QTcpSocket *socket : {&first, &second}) {
        socket->connectToHost(QHostAddress::LocalHost, listener.port());
        QVERIFY(socket->waitForConnected());
        socket->write("GET /held HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(readUntil(*socket, "OK\n").startsWith("HTTP/1.1 200"));
    }
    // The second one has started a request since: it was heard from last.
    second.write("POST /started HTTP/1.1\r\nHost: x\r\n");
    QVERIFY(second.waitForBytesWritten());
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 2, 10'000);
    QSignalSpy firstClosed(&first, &QTcpSocket::disconnected);
    third.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(third.waitForConnected());
    third.write("GET /new HTTP/1.1\r\nHost: x\r\n\r\n");
    const QByteArray answer = readUntil(third, "OK\n");
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QTRY_COMPARE_WITH_TIMEOUT(firstClosed.size(), 1, 10'000);
    second.write("Content-Length: 2\r\n\r\nok");
    QVERIFY(readUntil(second, "OK\n").startsWith("HTTP/1.1 200"));
}

// A client that pipelines requests and never reads the answers is no longer read from once
// its answers back up: it cannot make the receiver parse, store and answer without end.
void TestReceiver::clientThatNeverReadsIsNotReadFrom()
{
    // 64 KiB answers fill the kernel's buffers after a few dozen.
    const QString rulesPath = m_dir->filePath(QStringLiteral("rules.json"));
    QFile rules(rulesPath);
    QVERIFY(rules.open(QIODevice::WriteOnly));
    rules.write(R"({"format": "hookscope-rules", "version": 1, "rules": [{"name": "big",)"
                R"( "match": {"path": "/pipelined"}, "respond": {"status": 200, "body": ")"
                + QByteArray(64 * 1024, 'z') + "\"}}]}");
    rules.close();
    ListenProcess listener(m_store, {QStringLiteral("--rules"), rulesPath});

    const int sent = 40'000;
    QByteArray pipelined;
    for (int i = 0; i < sent; ++i)
        pipelined += "GET /pipelined HTTP/1.1\r\nHost: x\r\n\r\n";
    const int attacker = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(listener.port());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(attacker, reinterpret_cast<sockaddr *>(&address), sizeof address), 0);
    const ssize_t written = ::send(attacker, pipelined.constData(), size_t(pipelined.size()),
                                   MSG_DONTWAIT | MSG_NOSIGNAL);
    QVERIFY(written > 100 * 40);

    // Another client is served meanwhile; its second capture comes after all that was stored
    // of the attacker's, since captures are committed in order.
    QTcpSocket normal;
    normal.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(normal.waitForConnected());
    for (int i = 0; i < 2; ++i) {
        normal.write("POST /normal HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok");
        QVERIFY(readUntil(normal, "OK\n").startsWith("HTTP/1.1 200"));
    }
    const int normalCaptures = 2;
    QTRY_VERIFY_WITH_TIMEOUT(listener.captureIds().size() >= normalCaptures, 10'000);
    const qsizetype attackersStored = listener.captureIds().size() - normalCaptures;
    QVERIFY2(attackersStored < 2'000, QByteArray::number(attackersStored).constData());
    ::close(attacker);
}

// Bodies still arriving go to disk past their first 64 KiB: many clients holding large bodies
// open are all read from, the listener stays small, and each body comes back whole.
void TestReceiver::largeBodiesStillArrivingGoToDisk()
{
    constexpr int Clients = 8;
    constexpr int BodyBytes = 12 * 1024 * 1024;
    ListenProcess listener(m_store);
    const QByteArray body = [] {
        QByteArray bytes(BodyBytes, Qt::Uninitialized);
        for (int i = 0; i < BodyBytes; ++i)
            bytes[i] = char(i * 31 + i / 4099);
        return bytes;
    }();
    const QByteArray head = "POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: "
                            + QByteArray::number(BodyBytes) + "\r\n\r\n";
    const auto connectRaw = [&] {
        const int client = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(listener.port());
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const int small = 64 * 1024; // kernel buffers that cannot hide a whole body
        ::setsockopt(client, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        ::connect(client, reinterpret_cast<sockaddr *>(&address), sizeof address);
        ::send(client, head.constData(), size_t(head.size()), MSG_NOSIGNAL);
        return client;
    };
    // Sends what the receiver takes; the count of bytes taken.
    const auto push = [&](int client, qsizetype from, qsizetype to) {
        qsizetype sent = from;
        // Done when all went out; a receiver that stopped reading takes nothing more for 5 s.
        static_cast<void>(QTest::qWaitFor(
            [&] {
                const ssize_t taken = ::send(client, body.constData() + sent, size_t(to - sent),
                                             MSG_DONTWAIT | MSG_NOSIGNAL);
                sent += std::max<ssize_t>(taken, 0);
                return sent == to;
            },
            5'000));
        return sent;
    };
    QList<int> clients;
    for (int i = 0; i < Clients; ++i) {
        clients.append(connectRaw());
        QCOMPARE(push(clients.last(), 0, BodyBytes - 1), qsizetype(BodyBytes - 1));
    }
    // 96 MiB held open by the clients; the listener holds little of it (not measurable under
    // AddressSanitizer, whose quarantine keeps freed reads).
#ifndef HOOKSCOPE_SANITIZED
    QFile status(QStringLiteral("/proc/%1/status").arg(listener.process().processId()));
    QVERIFY(status.open(QIODevice::ReadOnly));
    const QByteArray rssLine = QRegularExpression(QStringLiteral("VmRSS:\\s+(\\d+) kB"))
                                   .match(QString::fromLatin1(status.readAll()))
                                   .captured(1)
                                   .toLatin1();
    QVERIFY2(rssLine.toLongLong() * 1024 < 64 * 1024 * 1024, rssLine.constData());
#endif

    for (int client : std::as_const(clients)) {
        QCOMPARE(push(client, BodyBytes - 1, BodyBytes), qsizetype(BodyBytes));
        char answer[64] = {};
        QVERIFY(::recv(client, answer, sizeof answer - 1, 0) > 0);
        QVERIFY(QByteArray(answer).startsWith("HTTP/1.1 200"));
        ::close(client);
    }
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), Clients, 10'000);
    const CliResult shown
        = runCli({QStringLiteral("show"), QString::number(listener.captureIds().last()),
                  QStringLiteral("--raw"), QStringLiteral("--store"), m_store});
    QVERIFY2(shown.exitCode == 0, shown.err.constData());
    QVERIFY(shown.out == head + body);
}

// `nc -N` and `shutdown(SHUT_WR)` end their side after the request and wait for the answer.
void TestReceiver::halfClosedClientGetsItsAnswer()
{
    ListenProcess listener(m_store);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(socket.waitForConnected());
    socket.write("POST /half HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nhalf");
    QVERIFY(socket.waitForBytesWritten());
    QCOMPARE(::shutdown(int(socket.socketDescriptor()), SHUT_WR), 0);
    const QByteArray answer = readUntil(socket, "OK\n");
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    // Then the receiver closes its side too.
    QSignalSpy closed(&socket, &QTcpSocket::disconnected);
    QVERIFY(socket.state() == QAbstractSocket::UnconnectedState || closed.wait(10'000));
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    QVERIFY(showJson(listener.captureIds().first())
                .value(QStringLiteral("parseError"))
                .toString()
                .isEmpty());
}

// Large bodies read back from disk share a memory budget until stored: while one is held (its
// target has not answered), a second waits for its answer, its body on disk, and one whose
// client left meanwhile is kept without the part that was on disk.
void TestReceiver::aLargeBodyWaitsForMemoryHeldByAnother()
{
    QTcpServer target; // answers when told
    QVERIFY(target.listen(QHostAddress::LocalHost));
    QTcpSocket *targetSide = nullptr;
    QByteArray targetReceived;
    connect(&target, &QTcpServer::newConnection, this, [&] {
        targetSide = target.nextPendingConnection();
        connect(targetSide, &QTcpSocket::readyRead, this,
                [&] { targetReceived += targetSide->readAll(); });
    });
    QString error;
    const std::optional<ForwardRoute> route = ForwardRoute::parse(
        QStringLiteral("/held=http://127.0.0.1:%1 proxy").arg(target.serverPort()), &error);
    QVERIFY2(route, qPrintable(error));
    CaptureStore store(m_store);
    QVERIFY(store.open());
    CaptureWriter writer(m_store);
    QVERIFY(writer.start(nullptr));
    ReceiverOptions options;
    options.port = 0;
    options.addresses = {QHostAddress::LocalHost};
    options.limits.bodyBytesInMemory = 1024;
    options.limits.spillFolder = m_dir->path();
    options.largeBodyMemory = 1024; // one large body at a time
    ReceiverHost receiver(writer, options);
    receiver.setProxyRoutes({*route});
    QVERIFY(receiver.listen(nullptr));

    const QByteArray body(100'000, 'b');
    const auto post = [&](const QByteArray &path) -> QByteArray {
        return "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + body;
    };
    QTcpSocket held;
    held.connectToHost(QHostAddress::LocalHost, receiver.port());
    QVERIFY(held.waitForConnected());
    held.write(post("/held"));
    QTRY_VERIFY_WITH_TIMEOUT(targetReceived.endsWith(body), 10'000);

    QTcpSocket waiting;
    waiting.connectToHost(QHostAddress::LocalHost, receiver.port());
    QVERIFY(waiting.waitForConnected());
    waiting.write(post("/waits"));
    QTRY_COMPARE(waiting.bytesToWrite(), 0);
    QTcpSocket leaving;
    leaving.connectToHost(QHostAddress::LocalHost, receiver.port());
    QVERIFY(leaving.waitForConnected());
    leaving.write(post("/leaves").left(60'000));
    QTRY_COMPARE(leaving.bytesToWrite(), 0);
    leaving.disconnectFromHost();
    QTRY_COMPARE_WITH_TIMEOUT(store.count(), 1, 10'000); // the one that left, nothing else yet
    QVERIFY(!waiting.waitForReadyRead(500));

    targetSide->write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
    QByteArray heldAnswer;
    QByteArray waitingAnswer;
    QTRY_VERIFY_WITH_TIMEOUT((heldAnswer += held.readAll()).startsWith("HTTP/1.1 201"), 10'000);
    QTRY_VERIFY_WITH_TIMEOUT((waitingAnswer += waiting.readAll()).startsWith("HTTP/1.1 200"),
                             10'000);
    QTRY_COMPARE_WITH_TIMEOUT(store.count(), 3, 10'000);
    for (const CaptureSummary &summary : store.summaries(0, 10)) {
        const std::optional<CapturedRequest> capture = store.capture(summary.id);
        QVERIFY(capture);
        if (summary.target == "/leaves") {
            QVERIFY2(capture->parseError.contains(QStringLiteral("were not kept")),
                     qPrintable(capture->parseError));
            QVERIFY(capture->body.size() <= 1024);
        } else {
            QVERIFY2(capture->parseError.isEmpty(), qPrintable(capture->parseError));
            QCOMPARE(capture->body, body);
        }
    }
}

void TestReceiver::http09IsRefusedAndCaptured()
{
    ListenProcess listener(m_store);
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, listener.port());
    QVERIFY(socket.waitForConnected());
    socket.write("GET /\r\n");
    const QByteArray answer = readUntil(socket, "HTTP/1.x");
    QVERIFY2(answer.startsWith("HTTP/1.1 400"), answer.constData());
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    const QJsonObject shown = showJson(listener.captureIds().first());
    QVERIFY(shown.value(QStringLiteral("parseError")).toString().contains(QStringLiteral("0.9")));
}

// A burst of connects queues in the kernel instead of stalling at Qt's default of 50.
void TestReceiver::listenBacklogTakesABurst()
{
    ListenProcess listener(m_store);
    QProcess ss;
    ss.start(QStringLiteral("ss"),
             {QStringLiteral("-Hltn"), QStringLiteral("sport = :%1").arg(listener.port())});
    QVERIFY(ss.waitForFinished(10'000));
    // State, Recv-Q, Send-Q (the backlog of a listening socket), local, peer.
    const QList<QByteArray> fields = ss.readAllStandardOutput().simplified().split(' ');
    QVERIFY(fields.size() >= 3);
    QVERIFY2(fields.at(2).toInt() >= 1024, fields.at(2).constData());
}

void TestReceiver::tlsOnPlainPortIsExplained()
{
    ListenProcess listener(m_store);
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("-k"), QStringLiteral("--max-time"),
                QStringLiteral("10"),
                QStringLiteral("https://127.0.0.1:%1/tls").arg(listener.port())});
    QVERIFY(curl.waitForFinished(20'000));
    QVERIFY(curl.exitCode() != 0);
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    const QJsonObject shown = showJson(listener.captureIds().first());
    QVERIFY(
        shown.value(QStringLiteral("parseError")).toString().contains(QStringLiteral("spoke TLS")));
}

namespace {

// An address of this machine other than loopback, or null: a connection to it comes from it.
QHostAddress lanAddress()
{
    for (const QHostAddress &address : ReceiverAccess::lanAddresses()) {
        if (address.protocol() == QAbstractSocket::IPv4Protocol)
            return address;
    }
    return {};
}

// The CLI with settings of its own (the token it makes is kept there).
QProcessEnvironment withSettingsIn(const QString &folder)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), folder);
    return environment;
}

// The access token in the LAN URL `listen` printed.
QByteArray tokenIn(const QByteArray &output)
{
    return QRegularExpression(QStringLiteral("/t/([A-Za-z0-9_-]+)/"))
        .match(QString::fromUtf8(output))
        .captured(1)
        .toLatin1();
}

// Sends `request` to address:port and returns the whole answer (the connection is closed).
QByteArray exchange(const QHostAddress &address, quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(address, port);
    if (!socket.waitForConnected(5'000))
        return {};
    socket.write(request);
    QByteArray answer;
    while (socket.waitForReadyRead(5'000))
        answer += socket.readAll();
    return answer + socket.readAll();
}

} // namespace

// From another machine (a connection from this machine's LAN address), a request needs the
// token the LAN URL carries, or the token header; without it: 401, nothing stored, a line on
// standard error. The token never reaches the store.
void TestReceiver::requestsFromOtherMachinesNeedTheToken()
{
    const QHostAddress lan = lanAddress();
    if (lan.isNull())
        QSKIP("this machine has no IPv4 address other than loopback to connect from");
    ListenProcess listener(m_store, {QStringLiteral("--bind"), lan.toString()},
                           withSettingsIn(m_dir->filePath(QStringLiteral("config"))));
    const QRegularExpressionMatch url
        = QRegularExpression(QStringLiteral("LAN URL: http://%1:%2/t/([A-Za-z0-9_-]+)/\n")
                                 .arg(QRegularExpression::escape(lan.toString()))
                                 .arg(listener.port()))
              .match(QString::fromUtf8(listener.output()));
    QVERIFY2(url.hasMatch(), listener.output().constData());
    const QByteArray token = url.captured(1).toLatin1();

    const QByteArray body = R"({"id":"evt_1"})";
    const auto post
        = [&](const QByteArray &target, const QByteArray &extraHeader = {}) -> QByteArray {
        return "POST " + target + " HTTP/1.1\r\nHost: lan\r\n" + extraHeader + "Content-Length: "
               + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    };
    QVERIFY(exchange(lan, listener.port(), post("/hook")).startsWith("HTTP/1.1 401 Unauthorized"));
    QVERIFY(
        exchange(lan, listener.port(), post("/t/" + token + "x/hook")).startsWith("HTTP/1.1 401 "));
    QVERIFY(exchange(lan, listener.port(), "GARBAGE\r\n\r\n").startsWith("HTTP/1.1 400 "));
    QVERIFY(exchange(lan, listener.port(), post("/t/" + token + "/stripe?x=1"))
                .startsWith("HTTP/1.1 200 "));
    QVERIFY(exchange(lan, listener.port(), post("/github", "X-Hookscope-Token: " + token + "\r\n"))
                .startsWith("HTTP/1.1 200 "));
    // This machine's own loopback needs nothing.
    QVERIFY(exchange(QHostAddress::LocalHost, listener.port(), post("/local"))
                .startsWith("HTTP/1.1 200 "));

    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 3, 10'000);
    const QList<qint64> ids = listener.captureIds();
    QCOMPARE(showRaw(ids[0]), post("/stripe?x=1"));
    QCOMPARE(showRaw(ids[1]), post("/github"));
    QCOMPARE(showRaw(ids[2]), post("/local"));
    const QByteArray peer = lan.toString().toLatin1();
    QTRY_COMPARE(listener.errors().count(
                     QByteArray("refused a request from " + peer + " without the access token")),
                 2);
    QVERIFY(listener.errors().contains(QByteArray("refused a malformed request from " + peer)));
    const CliResult list = runCli({QStringLiteral("list"), QStringLiteral("--store"), m_store});
    QCOMPARE(list.out.count('\n'), 3);
    QVERIFY(!list.out.contains(token));
}

void TestReceiver::otherMachinesOutsideTheAllowedNetworksAreRefused()
{
    const QHostAddress lan = lanAddress();
    if (lan.isNull())
        QSKIP("this machine has no IPv4 address other than loopback to connect from");
    const QString config = m_dir->filePath(QStringLiteral("config"));
    const QByteArray request = "GET /t/TOKEN/x HTTP/1.1\r\nHost: lan\r\nConnection: close\r\n\r\n";
    {
        ListenProcess elsewhere(m_store,
                                {QStringLiteral("--bind"), lan.toString(),
                                 QStringLiteral("--allow"), QStringLiteral("203.0.113.0/24")},
                                withSettingsIn(config));
        const QByteArray token = tokenIn(elsewhere.output());
        QByteArray withToken = request;
        withToken.replace("TOKEN", token);
        QVERIFY(exchange(lan, elsewhere.port(), withToken).startsWith("HTTP/1.1 403 Forbidden"));
        QTRY_VERIFY(elsewhere.errors().contains("outside the allowed networks"));
        QVERIFY(elsewhere.captureIds().isEmpty());
    }
    ListenProcess here(m_store,
                       {QStringLiteral("--bind"), lan.toString(), QStringLiteral("--allow"),
                        lan.toString() + QStringLiteral("/32")},
                       withSettingsIn(config));
    const QByteArray token = tokenIn(here.output());
    QByteArray withToken = request;
    withToken.replace("TOKEN", token);
    QVERIFY(exchange(lan, here.port(), withToken).startsWith("HTTP/1.1 200 "));
    QTRY_COMPARE(here.captureIds().size(), 1);

    const CliResult badNetwork
        = runCli({QStringLiteral("listen"), QStringLiteral("--allow"), QStringLiteral("my-home"),
                  QStringLiteral("--store"), m_store});
    QCOMPARE(badNetwork.exitCode, 2);
    QVERIFY2(badNetwork.err.contains("--allow: \"my-home\" is not a network"),
             badNetwork.err.constData());
}

void TestReceiver::configuredDefaultResponse()
{
    ListenProcess listener(m_store,
                           {QStringLiteral("--status"), QStringLiteral("202"),
                            QStringLiteral("--response-header"), QStringLiteral("X-Reply: yes"),
                            QStringLiteral("--response-body"), QStringLiteral("{\"queued\":true}"),
                            QStringLiteral("--delay"), QStringLiteral("200")});
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("-i"), QStringLiteral("-w"),
                QStringLiteral("\n%{time_total}"), listener.url(QStringLiteral("/r"))});
    QVERIFY(curl.waitForFinished());
    const QByteArray out = curl.readAllStandardOutput();
    QVERIFY2(out.startsWith("HTTP/1.1 202 Accepted\r\n"), out.constData());
    QVERIFY(out.contains("X-Reply: yes\r\n"));
    QVERIFY(out.contains("{\"queued\":true}"));
    QVERIFY(out.mid(out.lastIndexOf('\n') + 1).toDouble() >= 0.2);
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 1, 10'000);
    const QJsonObject response
        = showJson(listener.captureIds().first()).value(QStringLiteral("response")).toObject();
    QCOMPARE(response.value(QStringLiteral("status")).toInt(), 202);
    QCOMPARE(response.value(QStringLiteral("body")).toString(),
             QStringLiteral("{\"queued\":true}"));
}

void TestReceiver::helpNamesTheCommand()
{
    for (const QString &command : {QStringLiteral("listen"), QStringLiteral("list"),
                                   QStringLiteral("send"), QStringLiteral("verify")}) {
        const CliResult help = runCli({command, QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.startsWith(
                     QByteArray("Usage: hookscope-cli " + command.toUtf8() + " [options]")),
                 help.out.left(200).constData());
    }
}

void TestReceiver::listCommands()
{
    {
        ListenProcess listener(m_store);
        for (const char *path : {"/one", "/two", "/three"}) {
            QProcess curl;
            curl.start(QStringLiteral("curl"),
                       {QStringLiteral("-sS"), QStringLiteral("--data-binary"),
                        QStringLiteral("needle-%1").arg(QLatin1String(path + 1)),
                        listener.url(QLatin1String(path))});
            QVERIFY(curl.waitForFinished());
        }
        QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 3, 10'000);
    }
    const QStringList store{QStringLiteral("--store"), m_store};
    CliResult list = runCli(QStringList{QStringLiteral("list"), QStringLiteral("--json"),
                                        QStringLiteral("--limit"), QStringLiteral("2")}
                            + store);
    QCOMPARE(list.exitCode, 0);
    const QJsonArray array = QJsonDocument::fromJson(list.out).array();
    QCOMPARE(array.size(), 2);
    QCOMPARE(array.at(0).toObject().value(QStringLiteral("target")).toString(),
             QStringLiteral("/three"));
    const qint64 newest = array.at(0).toObject().value(QStringLiteral("id")).toInteger();

    list = runCli(QStringList{QStringLiteral("list"), QStringLiteral("--search"),
                              QStringLiteral("needle-two")}
                  + store);
    QVERIFY(list.out.contains("/two") && !list.out.contains("/one"));

    QCOMPARE(
        runCli(QStringList{QStringLiteral("delete"), QString::number(newest)} + store).exitCode, 0);
    const CliResult again
        = runCli(QStringList{QStringLiteral("delete"), QString::number(newest)} + store);
    QCOMPARE(again.exitCode, 2);
    QVERIFY(again.err.contains("no capture with ID"));
    QCOMPARE(runCli(QStringList{QStringLiteral("show"), QStringLiteral("abc")} + store).exitCode,
             2);
    QCOMPARE(runCli(QStringList{QStringLiteral("frobnicate")}).exitCode, 2);

    const CliResult cleared = runCli(QStringList{QStringLiteral("clear")} + store);
    QCOMPARE(cleared.exitCode, 0);
    QVERIFY(cleared.out.contains("Deleted 2 captures"));
    QCOMPARE(runCli(QStringList{QStringLiteral("list")} + store).out, QByteArray());
}

void TestReceiver::busyPortIsReported()
{
    ListenProcess first(m_store);
    const CliResult second
        = runCli({QStringLiteral("listen"), QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                  QStringLiteral("--port"), QString::number(first.port()),
                  QStringLiteral("--store"), m_dir->filePath(QStringLiteral("other.sqlite"))});
    QCOMPARE(second.exitCode, 2);
    QVERIFY2(second.err.contains("already in use"), second.err.constData());
}

void TestReceiver::terminateStopsAfterTheLastCommit()
{
    ListenProcess listener(m_store);
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sS"), QStringLiteral("--data-binary"),
                QStringLiteral("last words"), listener.url(QStringLiteral("/before-term"))});
    QVERIFY(curl.waitForFinished());
    QCOMPARE(curl.readAllStandardOutput(), QByteArray("OK\n"));
    listener.process().terminate(); // SIGTERM
    QVERIFY(listener.process().waitForFinished(10'000));
    QCOMPARE(listener.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(listener.process().exitCode(), 0);
    const CliResult list = runCli({QStringLiteral("list"), QStringLiteral("--store"), m_store});
    QVERIFY(list.out.contains("/before-term"));
}

void TestReceiver::unusableStoreIsReportedAndCanBeSetAside_data()
{
    QTest::addColumn<QString>("damage");
    QTest::newRow("not a database") << "garbage";
    QTest::newRow("truncated") << "truncate";
    QTest::newRow("damaged pages") << "overwrite";
}

// Every store that cannot be used gets the same way out: kept aside under a new name, and a
// fresh one started (the window offers the same).
void TestReceiver::unusableStoreIsReportedAndCanBeSetAside()
{
    QFETCH(QString, damage);
    if (damage != QLatin1String("garbage")) {
        // A store of some size, so there are pages to lose.
        ListenProcess filler(m_store);
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, filler.port());
        QVERIFY(client.waitForConnected());
        const QByteArray body = QByteArray("{\"pad\":\"") + QByteArray(3000, 'p') + "\"}";
        for (int i = 0; i < 60; ++i)
            client.write("POST /fill HTTP/1.1\r\nHost: x\r\nContent-Length: "
                         + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QTRY_COMPARE_WITH_TIMEOUT(filler.captureIds().size(), 60, 20'000);
    }
    QFile file(m_store);
    if (damage == QLatin1String("garbage")) {
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("garbage, not a database ").repeated(500));
    } else if (damage == QLatin1String("truncate")) {
        QVERIFY(file.resize(20'000));
    } else {
        // Pages in the middle overwritten: the header and schema still read.
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek(file.size() / 2));
        file.write(QByteArray(16 * 1024, '\xff'));
    }
    file.close();
    const CliResult listen = runCli({QStringLiteral("listen"), QStringLiteral("--port"),
                                     QStringLiteral("0"), QStringLiteral("--store"), m_store});
    QCOMPARE(listen.exitCode, 2);
    QVERIFY2(listen.err.contains(m_store.toUtf8()), listen.err.constData());
    QVERIFY2(listen.err.contains("--fresh-store"), listen.err.constData());

    ListenProcess listener(m_store, {QStringLiteral("--fresh-store")});
    QVERIFY(listener.port() != 0);
    // The store kept aside (with its log and index beside it, named alike).
    const QStringList kept = QDir(m_dir->path())
                                 .entryList({QStringLiteral("captures.sqlite.unreadable-*")})
                                 .filter(QRegularExpression(QStringLiteral("-\\d{6}$")));
    QCOMPARE(kept.size(), 1);
}

// A store that cannot be written is refused at start, not answered 503 request by request.
void TestReceiver::readOnlyStoreIsRefusedAtStart()
{
    {
        ListenProcess creator(m_store);
    }
    QStringList command{cliPath(),           QStringLiteral("listen"),  QStringLiteral("--port"),
                        QStringLiteral("0"), QStringLiteral("--store"), m_store};
    QFile::setPermissions(m_store, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
    // Root writes whatever the mode says: as root, the listener runs as nobody.
    if (::geteuid() == 0) {
        // Its folder open to it, so only the store file itself is read-only.
        QFile::setPermissions(m_dir->path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                 | QFile::ReadOther | QFile::WriteOther
                                                 | QFile::ExeOther);
        command = QStringList{QStringLiteral("setpriv"), QStringLiteral("--reuid=nobody"),
                              QStringLiteral("--regid=nogroup"), QStringLiteral("--clear-groups")}
                  + command;
    }
    QProcess listen;
    listen.start(command.takeFirst(), command);
    QVERIFY(listen.waitForFinished(20'000));
    QCOMPARE(listen.exitCode(), 2);
    const QByteArray error = listen.readAllStandardError();
    QVERIFY2(error.contains("readonly") || error.contains("cannot be written"), error.constData());
    QVERIFY(!listen.readAllStandardOutput().contains("Listening"));
}

QTEST_GUILESS_MAIN(TestReceiver)
#include "tst_receiver.moc"
