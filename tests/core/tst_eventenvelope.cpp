#include "wire/eventenvelope.h"
#include "wire/eventtype.h"
#include "wire/requestparser.h"
#include "zlibcompress.h"

#include <QTest>

using namespace Hookscope;
using namespace Qt::StringLiterals;

namespace {

CapturedRequest request(const QByteArray &headers, const QByteArray &body)
{
    return RequestParser::parseStored("POST /events HTTP/1.1\r\nHost: x\r\n" + headers
                                      + "Content-Length: " + QByteArray::number(body.size())
                                      + "\r\n\r\n" + body);
}

using Attributes = QList<std::pair<QString, QString>>;

} // namespace

class TestEventEnvelope final : public QObject
{
    Q_OBJECT
private slots:
    void binaryModeReadsTheHeaders();
    void structuredModeReadsTheBody();
    void aBatchIsCounted();
    void standardWebhooksAndSvix();
    void otherRequestsHaveNone();
    void aCompressedBodyIsDecodedOnlySoFar();
};

void TestEventEnvelope::binaryModeReadsTheHeaders()
{
    // Header values are percent-encoded (CloudEvents HTTP binding 3.1.3.2); Content-Type is
    // the data content type; other ce- headers are extensions, after the specification's.
    const EventEnvelope envelope = EventEnvelope::of(
        request("ce-specversion: 1.0\r\nce-type: com.example.order.created\r\n"
                "ce-traceparent: 00-abc-01\r\nce-source: /shop/orders\r\nce-id: A234-1234\r\n"
                "ce-subject: order%20%2342\r\nce-time: 2026-11-30T12:00:00Z\r\n"
                "Content-Type: application/json\r\n",
                R"({"order":42})"));
    QCOMPARE(envelope.kind, EventEnvelope::Kind::CloudEventBinary);
    QCOMPARE(envelope.name(), u"CloudEvents, binary mode"_s);
    QCOMPARE(envelope.attributes, (Attributes{{u"specversion"_s, u"1.0"_s},
                                              {u"id"_s, u"A234-1234"_s},
                                              {u"source"_s, u"/shop/orders"_s},
                                              {u"type"_s, u"com.example.order.created"_s},
                                              {u"subject"_s, u"order #42"_s},
                                              {u"time"_s, u"2026-11-30T12:00:00Z"_s},
                                              {u"datacontenttype"_s, u"application/json"_s},
                                              {u"traceparent"_s, u"00-abc-01"_s}}));
}

void TestEventEnvelope::structuredModeReadsTheBody()
{
    const EventEnvelope envelope = EventEnvelope::of(request(
        "Content-Type: application/cloudevents+json; charset=UTF-8\r\n",
        R"({"data":{"order":42},"type":"com.example.order.created","specversion":"1.0",)"
        R"("id":"B1","source":"https://shop.example/orders","partitionkey":"eu","sequence":7,)"
        R"("datacontenttype":"application/json"})"));
    QCOMPARE(envelope.kind, EventEnvelope::Kind::CloudEventStructured);
    QCOMPARE(envelope.attributes, (Attributes{{u"specversion"_s, u"1.0"_s},
                                              {u"id"_s, u"B1"_s},
                                              {u"source"_s, u"https://shop.example/orders"_s},
                                              {u"type"_s, u"com.example.order.created"_s},
                                              {u"datacontenttype"_s, u"application/json"_s},
                                              {u"partitionkey"_s, u"eu"_s},
                                              {u"sequence"_s, u"7"_s}}));
    QCOMPARE(envelope.attribute(u"type"_s), u"com.example.order.created"_s);
    QVERIFY(envelope.attribute(u"subject"_s).isEmpty());
    // A body that is not JSON: recognised by its content type, no attribute made up.
    const EventEnvelope broken
        = EventEnvelope::of(request("Content-Type: application/cloudevents+json\r\n", "{oops"));
    QCOMPARE(broken.kind, EventEnvelope::Kind::CloudEventStructured);
    QVERIFY(broken.attributes.isEmpty());
}

void TestEventEnvelope::aBatchIsCounted()
{
    const EventEnvelope envelope = EventEnvelope::of(
        request("Content-Type: application/cloudevents-batch+json\r\n",
                R"([{"specversion":"1.0","id":"1","source":"/s","type":"t.one"},)"
                R"({"specversion":"1.0","id":"2","source":"/s","type":"t.two"}])"));
    QCOMPARE(envelope.kind, EventEnvelope::Kind::CloudEventBatch);
    QCOMPARE(envelope.batchSize, 2);
    QCOMPARE(envelope.name(), u"CloudEvents, a batch of 2"_s);
    QCOMPARE(envelope.attribute(u"type"_s), u"t.one"_s); // the first event's
}

void TestEventEnvelope::standardWebhooksAndSvix()
{
    const EventEnvelope standard = EventEnvelope::of(
        request("webhook-id: msg_2KWPBgLlAfxdpx2AI54pPJ85f4W\r\nwebhook-timestamp: 1674087231\r\n"
                "webhook-signature: v1,abc\r\nContent-Type: application/json\r\n",
                "{}"));
    QCOMPARE(standard.kind, EventEnvelope::Kind::StandardWebhooks);
    QCOMPARE(standard.attributes, (Attributes{{u"id"_s, u"msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"_s},
                                              {u"timestamp"_s, u"1674087231"_s}}));
    const EventEnvelope svix
        = EventEnvelope::of(request("svix-id: msg_1\r\nsvix-timestamp: 1674087231\r\n", "{}"));
    QCOMPARE(svix.kind, EventEnvelope::Kind::StandardWebhooks);
    QCOMPARE(svix.attribute(u"id"_s), u"msg_1"_s);
}

void TestEventEnvelope::otherRequestsHaveNone()
{
    const EventEnvelope stripe = EventEnvelope::of(
        request("Stripe-Signature: t=1,v1=00\r\nContent-Type: application/json\r\n",
                R"({"id":"evt_1","type":"invoice.paid"})"));
    QCOMPARE(stripe.kind, EventEnvelope::Kind::None);
    QVERIFY(stripe.name().isEmpty());
    QVERIFY(stripe.attributes.isEmpty());
}

void TestEventEnvelope::aCompressedBodyIsDecodedOnlySoFar()
{
    // A small gzip body that would decode to 64 MiB: no event is read from it, and it is not
    // decoded whole to find that out.
    const QByteArray padding(64 * 1024 * 1024, ' ');
    const QByteArray bomb = Testing::zlibCompress(
        R"({"type":"invoice.paid","specversion":"1.0","pad":")" + padding + "\"}", 15 + 16);
    QVERIFY(bomb.size() < 1024 * 1024);
    const CapturedRequest bombed = RequestParser::parseStored(
        "POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/cloudevents+json\r\n"
        "Content-Encoding: gzip\r\nContent-Length: "
        + QByteArray::number(bomb.size()) + "\r\n\r\n" + bomb);
    QVERIFY(!bombed.decodedBodyUpTo(2 * 1024 * 1024).value_or(QByteArray()).startsWith('{'));
    QVERIFY(jsonBodyOf(bombed).isEmpty());
    QVERIFY(eventType(bombed).isEmpty());
    QVERIFY(EventEnvelope::of(bombed).attributes.isEmpty());
    // The same event small enough is read.
    const QByteArray small = Testing::zlibCompress(R"({"type":"invoice.paid"})", 15 + 16);
    const CapturedRequest fine = RequestParser::parseStored(
        "POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Encoding: gzip\r\nContent-Length: "
        + QByteArray::number(small.size()) + "\r\n\r\n" + small);
    QCOMPARE(eventType(fine), u"invoice.paid"_s);
    // Control characters never reach a label (a terminal would act on them).
    QCOMPARE(
        eventType(request("Content-Type: application/json\r\n", "{\"type\":\"a\\u001b[31mb\"}")),
        u"a[31mb"_s);
}

QTEST_GUILESS_MAIN(TestEventEnvelope)
#include "tst_eventenvelope.moc"
