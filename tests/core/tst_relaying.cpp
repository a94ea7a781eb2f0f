#include "sources/eventstream.h"
#include "wire/captureorigin.h"
#include "wire/jsonfile.h"
#include "wire/requestparser.h"

#include <QTest>

using namespace Hookscope;

// What a relay or tunnel hands Hookscope, read as it arrives: Server-Sent Events, the members of
// a relayed request's JSON as written, and where a capture came from.
class TestRelaying final : public QObject
{
    Q_OBJECT
private slots:
    void eventsEndAtABlankLineWhateverTheLineEnds();
    void theLastEventIdIsKeptFromOneEventToTheNext();
    void commentsKeepAlivesAndOtherFieldsAreNoEvents();
    void anEventOverTheCapEndsTheStream();
    void rawMembersKeepOrderAndTheBytesAsWritten();
    void rawMembersOfSomethingNotAnObjectSayWhy();
    void rawMembersAfterAByteOrderMark();
    void aTunnelIsToldByItsHeadersFromThisMachineOnly();
    void aRelayedCaptureSaysWhichRelay();
};

namespace {

// Every event in `stream`, fed in pieces of `chunk` bytes.
QList<EventStreamReader::Event> readInPieces(const QByteArray &stream, qsizetype chunk)
{
    EventStreamReader reader;
    QList<EventStreamReader::Event> events;
    for (qsizetype at = 0; at < stream.size(); at += chunk)
        events
            += reader.feed(QByteArrayView(stream).sliced(at, std::min(chunk, stream.size() - at)))
                   .value();
    return events;
}

CapturedRequest requestFrom(const QByteArray &head, const char *peer)
{
    CapturedRequest request = RequestParser::parseStored(head + "\r\n");
    request.remoteAddress = QHostAddress(QString::fromLatin1(peer));
    return request;
}

} // namespace

void TestRelaying::eventsEndAtABlankLineWhateverTheLineEnds()
{
    // With a byte order mark, LF, CRLF and CR, and data over two lines.
    const QByteArray stream = "\xEF\xBB\xBF"
                              "event: ready\ndata: {}\n\n"
                              "data: {\"a\":\r\ndata: 1}\r\n\r\n"
                              "data:no space\r\r";
    for (const qsizetype chunk : {qsizetype(1), qsizetype(2), qsizetype(3), stream.size()}) {
        const QList<EventStreamReader::Event> events = readInPieces(stream, chunk);
        QCOMPARE(events.size(), 3);
        QCOMPARE(events.at(0).type, QByteArray("ready"));
        QCOMPARE(events.at(0).data, QByteArray("{}"));
        QCOMPARE(events.at(1).type, QByteArray("message"));
        QCOMPARE(events.at(1).data, QByteArray("{\"a\":\n1}"));
        QCOMPARE(events.at(2).data, QByteArray("no space"));
    }
}

void TestRelaying::theLastEventIdIsKeptFromOneEventToTheNext()
{
    EventStreamReader reader;
    const QList<EventStreamReader::Event> events
        = reader.feed("id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\nretry: 2500\n\n").value();
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).lastEventId, QByteArray("7"));
    QCOMPARE(events.at(1).lastEventId, QByteArray("7"));
    QCOMPARE(events.at(2).lastEventId, QByteArray()); // "id" alone empties it
    QCOMPARE(reader.retryMs(), std::optional<int>(2500));
    // A new connection starts its lines afresh and keeps the id to send back.
    QVERIFY(reader.feed("id: 9\ndata: half").value().isEmpty());
    reader.restart();
    QCOMPARE(reader.lastEventId(), QByteArray("9"));
    const QList<EventStreamReader::Event> after = reader.feed("data: whole\n\n").value();
    QCOMPARE(after.size(), 1);
    QCOMPARE(after.first().data, QByteArray("whole"));
}

void TestRelaying::commentsKeepAlivesAndOtherFieldsAreNoEvents()
{
    EventStreamReader reader;
    const QList<EventStreamReader::Event> events
        = reader.feed(": keep-alive\n\nevent: ping\n\nfoo: bar\ndata\n\n").value();
    // "event: ping" without data is nothing; "data" alone is an event with empty data.
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().data, QByteArray());
    QCOMPARE(events.first().type, QByteArray("message"));
}

void TestRelaying::anEventOverTheCapEndsTheStream()
{
    EventStreamReader reader;
    const QByteArray line = "data: " + QByteArray(1024 * 1024, 'x') + '\n';
    std::optional<QList<EventStreamReader::Event>> events;
    for (qsizetype sent = 0; sent <= EventStreamReader::MaxEventBytes; sent += line.size()) {
        events = reader.feed(line);
        if (!events)
            break;
    }
    QVERIFY(!events);
}

void TestRelaying::rawMembersKeepOrderAndTheBytesAsWritten()
{
    QString error;
    const QByteArray json
        = R"({ "x-github-event" : "issues", "body":{"b": [1, {"c":"}"}], "a":2.50},)"
          R"( "n\u0061me": null, "q":"a\"b" })";
    const std::optional<QList<JsonFile::RawMember>> members = JsonFile::rawMembers(json, &error);
    QVERIFY2(members, qPrintable(error));
    QCOMPARE(members->size(), 4);
    QCOMPARE(members->at(0).name, QStringLiteral("x-github-event"));
    QCOMPARE(members->at(0).value, QByteArrayView("\"issues\""));
    QCOMPARE(members->at(1).name, QStringLiteral("body"));
    const char *body = R"({"b": [1, {"c":"}"}], "a":2.50})";
    QCOMPARE(members->at(1).value, QByteArrayView(body));
    QCOMPARE(members->at(2).name, QStringLiteral("name"));
    QCOMPARE(members->at(2).value, QByteArrayView("null"));
    const char *quoted = R"("a\"b")";
    QCOMPARE(members->at(3).value, QByteArrayView(quoted));
}

void TestRelaying::rawMembersOfSomethingNotAnObjectSayWhy()
{
    QString error;
    QVERIFY(!JsonFile::rawMembers("[1, 2]", &error));
    QVERIFY2(error.contains(QLatin1String("not an object")), qPrintable(error));
    QVERIFY(!JsonFile::rawMembers("{\"a\": ", &error));
    QVERIFY2(error.startsWith(QLatin1String("not valid JSON at line 1")), qPrintable(error));
}

void TestRelaying::rawMembersAfterAByteOrderMark()
{
    // Found by fuzz_relay: Qt's parser skips the mark, the member walker read past the end.
    QString error;
    for (const QByteArray &json :
         {QByteArray("\xEF\xBB\xBF{}"), QByteArray("\xEF\xBB\xBF {\"a\": [1]}")}) {
        const std::optional<QList<JsonFile::RawMember>> members
            = JsonFile::rawMembers(json, &error);
        QVERIFY2(members, qPrintable(error));
        QCOMPARE(members->size(), json.contains("\"a\"") ? 1 : 0);
    }
    const std::optional<QList<JsonFile::RawMember>> members
        = JsonFile::rawMembers("\xEF\xBB\xBF {\"a\": [1]}", &error);
    QCOMPARE(members->at(0).value, QByteArrayView("[1]"));
}

void TestRelaying::aTunnelIsToldByItsHeadersFromThisMachineOnly()
{
    const QByteArray cloudflare
        = "POST /stripe?x=1 HTTP/1.1\r\nHost: quiet-sky.trycloudflare.com\r\n"
          "CF-Connecting-IP: 203.0.113.7\r\n";
    CaptureOrigin origin = CaptureOrigin::of(requestFrom(cloudflare, "127.0.0.1"));
    QCOMPARE(origin.via, QStringLiteral("cloudflared"));
    QCOMPARE(origin.client, QStringLiteral("203.0.113.7"));
    QCOMPARE(origin.publicUrl, QStringLiteral("https://quiet-sky.trycloudflare.com/stripe?x=1"));
    QCOMPARE(origin.label(), QStringLiteral("cloudflared \u00b7 203.0.113.7"));
    // The same headers from another machine are that machine's words: nothing is believed.
    QCOMPARE(CaptureOrigin::of(requestFrom(cloudflare, "192.168.1.20")).via, QString());

    // ngrok: the nearest address it vouches for is the last; a client wrote the first.
    origin = CaptureOrigin::of(requestFrom(
        "POST /gh HTTP/1.1\r\nHost: 127.0.0.1:4747\r\nX-Forwarded-For: 10.9.9.9, 198.51.100.23\r\n"
        "X-Forwarded-Host: ab12.ngrok-free.app\r\nX-Forwarded-Proto: https\r\n",
        "::1"));
    QCOMPARE(origin.via, QStringLiteral("ngrok"));
    QCOMPARE(origin.client, QStringLiteral("198.51.100.23"));
    QCOMPARE(origin.publicUrl, QStringLiteral("https://ab12.ngrok-free.app/gh"));

    // Values that are no address or host are left out, not shown.
    origin = CaptureOrigin::of(requestFrom(
        "POST / HTTP/1.1\r\nX-Forwarded-For: <script>\r\nX-Forwarded-Host: a.example/evil\r\n"
        "Host: b.example\r\n",
        "127.0.0.1"));
    QCOMPARE(origin.via, QStringLiteral("proxy"));
    QCOMPARE(origin.client, QString());
    QCOMPARE(origin.publicUrl, QStringLiteral("https://b.example/"));
    QCOMPARE(origin.label(), QStringLiteral("proxy"));

    // The Stripe CLI forwards with Stripe's User-Agent, from this machine.
    const QByteArray stripe = "POST /stripe HTTP/1.1\r\nUser-Agent: Stripe/1.0 "
                              "(+https://stripe.com/docs/webhooks)\r\n";
    QCOMPARE(CaptureOrigin::of(requestFrom(stripe, "127.0.0.1")).label(),
             QStringLiteral("stripe listen"));
    QCOMPARE(CaptureOrigin::of(requestFrom(stripe, "192.168.1.20")).label(), QString());
    // Hookscope's own test events say so, from wherever they were sent.
    const QByteArray testEvent = stripe + "X-Hookscope-Test-Event: stripe/invoice.paid\r\n";
    QCOMPARE(CaptureOrigin::of(requestFrom(testEvent, "127.0.0.1")).label(),
             QStringLiteral("test event"));
    QCOMPARE(CaptureOrigin::of(requestFrom(testEvent, "192.168.1.20")).label(),
             QStringLiteral("test event"));

    // Straight from a client on this machine: no origin to show.
    QCOMPARE(CaptureOrigin::of(requestFrom("GET / HTTP/1.1\r\nHost: x\r\n", "127.0.0.1")).label(),
             QString());
}

void TestRelaying::aRelayedCaptureSaysWhichRelay()
{
    CapturedRequest request
        = requestFrom("POST /smee HTTP/1.1\r\nx-forwarded-for: 140.82.115.9\r\n", "");
    request.relay = QStringLiteral("https://smee.io/abc");
    const CaptureOrigin origin = CaptureOrigin::of(request);
    QCOMPARE(origin.via, QStringLiteral("smee"));
    QCOMPARE(origin.publicUrl, QStringLiteral("https://smee.io/abc"));
    QCOMPARE(origin.label(), QStringLiteral("smee \u00b7 140.82.115.9"));
}

QTEST_GUILESS_MAIN(TestRelaying)
#include "tst_relaying.moc"
