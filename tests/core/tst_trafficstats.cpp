// The Traffic view's counts over a real store, each checked against the same count done
// another way: every capture read back and bucketed here.
#include "signing/signaturechecker.h"
#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "store/deliverylog.h"
#include "store/trafficstats.h"
#include "wire/eventtype.h"
#include "wire/requestparser.h"

#include "writtencaptures.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <numeric>
#include <random>

using namespace Hookscope;

namespace {

constexpr qint64 Second = 1'000'000;
constexpr qint64 Start = 1'764'547'200'000'000; // 2025-12-01 00:00:00 UTC
const QByteArray StripeSecret = "whsec_traffic";

// A POST at `receivedUs` answered with `status`: when `type` is not empty, a Stripe event of
// that type, signed (with the wrong secret when `tampered`); else an unsigned ping.
CapturedRequest makeCapture(qint64 receivedUs, int status, const QByteArray &type,
                            bool tampered = false)
{
    const QByteArray body = type.isEmpty() ? QByteArrayLiteral("{\"hello\":1}")
                                           : "{\"id\":\"evt_" + QByteArray::number(receivedUs)
                                                 + "\",\"type\":\"" + type
                                                 + "\",\"data\":{\"object\":{\"amount\":5}}}";
    QByteArray head = "POST " + QByteArray(type.isEmpty() ? "/ping" : "/webhooks/stripe")
                      + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                        "application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\n";
    if (!type.isEmpty()) {
        SignedRequest toSign;
        toSign.method = "POST";
        toSign.target = "/webhooks/stripe";
        toSign.body = body;
        QString error;
        const HeaderList signature
            = Signatures::sign(*SignatureScheme::parse(QStringLiteral("stripe"), nullptr),
                               tampered ? QByteArrayLiteral("whsec_other") : StripeSecret, toSign,
                               receivedUs / Second, "msg_1", &error);
        for (const HeaderField &field : signature)
            head += field.name + ": " + field.value + "\r\n";
    }
    RequestParser parser;
    parser.feed(QByteArray(head + "\r\n" + body));
    CapturedRequest request = parser.takeRequest();
    request.remoteAddress = QHostAddress(QHostAddress::LocalHost);
    request.receivedAtUs = receivedUs;
    request.responseStatus = status;
    return request;
}

// A store in a folder of its own, with a writer (and so the index's passes) running.
struct TestStore
{
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("traffic.sqlite"));
    CaptureStore store{path};
    std::unique_ptr<CaptureWriter> writer;

    bool open()
    {
        writer = std::make_unique<CaptureWriter>(path);
        QString error;
        return store.open() && writer->start(&error);
    }
    QList<qint64> add(const QList<CapturedRequest> &requests)
    {
        return appendAndWait(*writer, requests);
    }
    void stopIndexing() { writer.reset(); }
};

// The series named `name`, or nothing.
std::optional<QList<double>> countsOf(const QList<TrafficSeries> &series, const QString &name)
{
    for (const TrafficSeries &one : series) {
        if (one.name == name)
            return one.counts;
    }
    return std::nullopt;
}

// Every capture read back from the store and bucketed by what `keyOf` says of it (nothing:
// left out).
QHash<QString, QList<double>> scan(
    CaptureStore &store, const TrafficBuckets &buckets,
    const std::function<std::optional<QString>(const CapturedRequest &)> &keyOf)
{
    QHash<QString, QList<double>> counts;
    for (qint64 before = 0;;) {
        const QList<CaptureSummary> page = store.summaries(before, 500);
        if (page.isEmpty())
            break;
        for (const CaptureSummary &summary : page) {
            const std::optional<CapturedRequest> capture = store.capture(summary.id);
            const int bucket = buckets.bucketOf(capture->receivedAtUs);
            const std::optional<QString> key = keyOf(*capture);
            if (bucket < 0 || !key)
                continue;
            QList<double> &line = counts[*key];
            if (line.isEmpty())
                line.fill(0, buckets.count);
            ++line[bucket];
        }
        before = page.last().id;
    }
    return counts;
}

// Leaves the index as a backlog would: the sort keys and the event analysis only up to these
// ids, with none of their rows past them.
void rewindIndex(const QString &storePath, qint64 sortedUpTo, qint64 analyzedUpTo)
{
    const QString name = QStringLiteral("rewind");
    {
        QSqlDatabase database = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        database.setDatabaseName(storePath + QStringLiteral("-search"));
        QVERIFY(database.open());
        QSqlQuery query(database);
        for (const QString &statement :
             {QStringLiteral("UPDATE index_state SET sorted_id = %1, analyzed_id = %2")
                  .arg(sortedUpTo)
                  .arg(analyzedUpTo),
              QStringLiteral("DELETE FROM capture_sort WHERE id > %1").arg(sortedUpTo),
              QStringLiteral("DELETE FROM capture_event WHERE id > %1").arg(analyzedUpTo)})
            QVERIFY2(query.exec(statement), qPrintable(statement));
    }
    QSqlDatabase::removeDatabase(name);
}

QString localTime(qint64 us)
{
    return QDateTime::fromMSecsSinceEpoch(us / 1000).toString(
        QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
}

} // namespace

class TestTrafficStats final : public QObject
{
    Q_OBJECT
private slots:
    void bucketsAreRoundAndCoverTheRange_data();
    void bucketsAreRoundAndCoverTheRange();
    void countsAgreeWithAScanBeforeAndAfterIndexing();
    void verdictsAreKeptPerSettingsAndCounted();
    void forwardingCountsAttemptsFailuresAndLatency();
    void timeTermsListABucketsCaptures();
};

void TestTrafficStats::bucketsAreRoundAndCoverTheRange_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<qint64>("width");
    QTest::addColumn<qint64>("tick");
    QTest::newRow("five minutes") << Start + 17 * Second << Start + 317 * Second << 5 * Second
                                  << 60 * Second;
    QTest::newRow("fifty seconds")
        << Start + 3 * Second << Start + 53 * Second << Second << 10 * Second;
    QTest::newRow("a day") << Start << Start + 86400 * Second << 1800 * Second << 21600 * Second;
    QTest::newRow("before 1970") << qint64(-90 * Second) << qint64(-30 * Second) << Second
                                 << 10 * Second;
}

void TestTrafficStats::bucketsAreRoundAndCoverTheRange()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(qint64, width);
    QFETCH(qint64, tick);
    const TrafficBuckets buckets = TrafficBuckets::covering(from, to);
    QCOMPARE(buckets.widthUs, width);
    QCOMPARE(buckets.tickUs, tick);
    QVERIFY(buckets.fromUs <= from);
    QVERIFY(buckets.endUs() >= to);
    QCOMPARE(buckets.fromUs % tick, 0);
    QCOMPARE(buckets.endUs() % tick, 0);
    QVERIFY(buckets.count <= 2 * 60);
    QCOMPARE(buckets.askedToUs, to);
    QCOMPARE(buckets.bucketOf(from), int((from - buckets.fromUs) / width));
    QCOMPARE(buckets.bucketOf(buckets.fromUs - 1), -1);
    QCOMPARE(buckets.bucketOf(buckets.endUs()), -1);
}

void TestTrafficStats::countsAgreeWithAScanBeforeAndAfterIndexing()
{
    TestStore test;
    QVERIFY(test.open());
    CaptureStore &store = test.store;
    const QString &path = test.path;
    // 600 captures over 20 minutes: statuses and event types at random, some with none.
    std::mt19937 random(7);
    const QList<int> statuses{200, 200, 200, 201, 302, 404, 500, 0};
    const QList<QByteArray> types{
        "invoice.paid", "invoice.paid", "customer.created", "charge.failed", "", ""};
    QList<CapturedRequest> requests;
    for (int i = 0; i < 600; ++i) {
        requests.append(makeCapture(Start + qint64(random() % (1200 * Second)),
                                    statuses.at(int(random() % statuses.size())),
                                    types.at(int(random() % types.size()))));
    }
    const QList<qint64> ids = test.add(requests);
    QCOMPARE(ids.size(), requests.size());
    // Deleted ones are counted no more.
    QVERIFY(store.remove(ids.at(10)));
    QVERIFY(store.remove(ids.at(11)));

    const TrafficBuckets buckets = TrafficBuckets::covering(Start, Start + 1200 * Second);
    const QHash<QString, QList<double>> byStatus
        = scan(store, buckets, [](const CapturedRequest &capture) {
              return std::optional(capture.responseStatus == 0
                                       ? QStringLiteral("no answer")
                                       : QStringLiteral("%1xx").arg(capture.responseStatus / 100));
          });
    const auto checkStatus = [&](const TrafficReport &report) {
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(report.byStatus.size(), byStatus.size());
        for (auto it = byStatus.cbegin(); it != byStatus.cend(); ++it)
            QCOMPARE(countsOf(report.byStatus, it.key()), *it);
        QCOMPARE(std::accumulate(report.captures.cbegin(), report.captures.cend(), 0.0), 598.0);
    };
    // Types as the analysis names them; those it has not reached apart.
    const auto expectedTypes = [&](qint64 analyzedUpTo) {
        return scan(store, buckets, [analyzedUpTo](const CapturedRequest &capture) {
            if (capture.id > analyzedUpTo)
                return TrafficStats::NotAnalyzed;
            const QString type = eventType(capture);
            return type.isEmpty() ? TrafficStats::NoEventType : type;
        });
    };
    const auto checkTypes = [&](const TrafficReport &report, qint64 analyzedUpTo) {
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        QCOMPARE(std::accumulate(report.captures.cbegin(), report.captures.cend(), 0.0), 598.0);
        const QHash<QString, QList<double>> byType = expectedTypes(analyzedUpTo);
        QCOMPARE(report.byEvent.size(), byType.size());
        for (auto it = byType.cbegin(); it != byType.cend(); ++it)
            QCOMPARE(countsOf(report.byEvent, it.key()), *it);
    };

    // However far the index has got, every capture is counted by its status.
    checkStatus(store.traffic(buckets, TrafficChart::ByStatus));
    // Once the analysis has caught up, by its event type too.
    QTRY_VERIFY_WITH_TIMEOUT(
        !countsOf(store.traffic(buckets, TrafficChart::ByEvent).byEvent, TrafficStats::NotAnalyzed),
        30000); // the index is built on spare CPU only
    const TrafficReport events = store.traffic(buckets, TrafficChart::ByEvent);
    checkTypes(events, ids.last());
    // The busiest type first, each line with the filter term that lists its captures.
    QCOMPARE(events.byEvent.first().name, QStringLiteral("invoice.paid"));
    QCOMPARE(events.byEvent.first().filterTerm, QStringLiteral("event:invoice.paid"));
    const TrafficReport byClass = store.traffic(buckets, TrafficChart::ByStatus);
    checkStatus(byClass);
    QCOMPARE(byClass.byStatus.first().filterTerm, QStringLiteral("status:none"));
    QCOMPARE(byClass.byStatus.last().filterTerm, QStringLiteral("status:5xx"));

    // A backlog: the sort keys and the analysis behind, as after a flood. The rest is read from
    // the captures, and what has not been analysed is counted apart, not as having no type.
    test.stopIndexing();
    rewindIndex(path, ids.at(399), ids.at(299));
    checkStatus(store.traffic(buckets, TrafficChart::ByStatus));
    const TrafficReport behind = store.traffic(buckets, TrafficChart::ByEvent);
    checkTypes(behind, ids.at(299));
    QVERIFY(countsOf(behind.byEvent, TrafficStats::NotAnalyzed));
}

void TestTrafficStats::verdictsAreKeptPerSettingsAndCounted()
{
    TestStore test;
    QVERIFY(test.open());
    CaptureStore &store = test.store;
    const QString &path = test.path;
    QList<CapturedRequest> requests;
    for (int i = 0; i < 60; ++i) {
        // Signed, one in four with another secret, and one in three not signed at all.
        requests.append(makeCapture(Start + i * 10 * Second, 200,
                                    i % 3 == 0 ? QByteArray() : QByteArrayLiteral("invoice.paid"),
                                    i % 4 == 1));
    }
    QCOMPARE(test.add(requests).size(), requests.size());
    const TrafficBuckets buckets = TrafficBuckets::covering(Start, Start + 600 * Second);
    SignatureChecker checker(path);
    QSignalSpy recorded(&checker, &SignatureChecker::verdictsRecorded);
    QHash<QString, QList<double>> counted; // by the outcome's number, as the report names them
    const auto checkWith = [&](const QByteArray &secret) {
        SignatureSettings settings;
        SignatureBinding binding; // the scheme its headers show
        binding.pathPrefix = "/webhooks/stripe";
        binding.secretName = QStringLiteral("stripe");
        settings.bindings.append(binding);
        settings.secrets.insert(binding.secretName, secret);
        checker.setSettings(settings);
        recorded.clear();
        checker.recordVerdicts();
        QTRY_VERIFY(!recorded.isEmpty() && recorded.last().at(1).toBool());
        const TrafficReport report = store.traffic(buckets, TrafficChart::Verdicts);
        QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
        counted = scan(store, buckets, [&settings](const CapturedRequest &capture) {
            return std::optional(QString::number(int(settings.verify(capture).outcome)));
        });
        QCOMPARE(report.verdicts.size(), counted.size());
        for (auto it = counted.cbegin(); it != counted.cend(); ++it)
            QCOMPARE(countsOf(report.verdicts, it.key()), *it);
    };
    const auto total = [](const std::optional<QList<double>> &counts) {
        return counts ? std::accumulate(counts->cbegin(), counts->cend(), 0.0) : 0.0;
    };
    const QString valid = QString::number(int(SignatureVerdict::Outcome::Valid));
    const QString invalid = QString::number(int(SignatureVerdict::Outcome::Invalid));
    checkWith(StripeSecret);
    QCOMPARE(total(counted.value(valid)), 30.0);
    QCOMPARE(total(counted.value(invalid)), 10.0);
    QCOMPARE(total(counted.value(QString::number(int(SignatureVerdict::Outcome::NotSigned)))),
             20.0);
    // Other settings: the verdicts kept are stale, and worked out again.
    checkWith("whsec_other");
    QCOMPARE(total(counted.value(valid)), 10.0);
    QCOMPARE(total(counted.value(invalid)), 30.0);

    // Captures not checked yet are counted as such.
    QCOMPARE(test.add({makeCapture(Start + 5 * Second, 200, "invoice.paid")}).size(), 1);
    const TrafficReport unchecked = store.traffic(buckets, TrafficChart::Verdicts);
    QCOMPARE(total(countsOf(unchecked.verdicts, TrafficStats::Unchecked)), 1.0);
}

void TestTrafficStats::forwardingCountsAttemptsFailuresAndLatency()
{
    TestStore test;
    QVERIFY(test.open());
    CaptureStore &store = test.store;
    const QString &path = test.path;
    QList<CapturedRequest> requests;
    for (int i = 0; i < 10; ++i)
        requests.append(makeCapture(Start + i * Second, 200, "invoice.paid"));
    const QList<qint64> ids = test.add(requests);
    QCOMPARE(ids.size(), requests.size());
    DeliveryLog log(path);
    QString error;
    QVERIFY2(log.open(&error), qPrintable(error));
    // To the app: answered in 1 to 10 ms, the last two with 503. To one that is down: refused.
    QList<DeliveryAttempt> attempts;
    for (int i = 0; i < 10; ++i) {
        for (const QString &target :
             {QStringLiteral("http://app"), QStringLiteral("http://down")}) {
            DeliveryAttempt attempt;
            attempt.captureId = ids.at(i);
            attempt.target = target;
            attempt.deliveryId = log.add(ids.at(i), target, {});
            QVERIFY(attempt.deliveryId > 0);
            attempt.attempt = 1;
            attempt.result.startedAtUs = Start + i * Second;
            attempt.result.durationUs = (i + 1) * 1000;
            if (target.endsWith(QLatin1String("app"))) {
                attempt.result.status = i < 8 ? 200 : 503;
                attempt.state = DeliveryAttempt::State::Delivered;
            } else {
                attempt.result.error = QStringLiteral("Connection refused");
                attempt.state = DeliveryAttempt::State::Failed;
            }
            attempts.append(attempt);
        }
    }
    QVERIFY(log.record(attempts));

    // All ten in the first 10 s bucket.
    const TrafficBuckets buckets = TrafficBuckets::covering(Start, Start + 600 * Second);
    QCOMPARE(buckets.widthUs, 10 * Second);
    const TrafficReport report = store.traffic(buckets, TrafficChart::Forwarding);
    QVERIFY2(report.error.isEmpty(), qPrintable(report.error));
    QCOMPARE(report.forwarding.size(), 2);
    const TargetTraffic &app = report.forwarding.at(0);
    const TargetTraffic &down = report.forwarding.at(1);
    QCOMPARE(app.target, QStringLiteral("http://app"));
    QCOMPARE(app.attempts.first(), 10.0);
    QCOMPARE(app.failures.first(), 2.0);
    QCOMPARE(app.p50Ms.first(), 5.0);  // the 5th of 10 by nearest rank
    QCOMPARE(app.p95Ms.first(), 10.0); // the 10th
    QCOMPARE(app.attempts.at(1), 0.0);
    QVERIFY(!app.p50Ms.at(1));
    QCOMPARE(down.attempts.first(), 10.0);
    QCOMPARE(down.failures.first(), 10.0);
}

void TestTrafficStats::timeTermsListABucketsCaptures()
{
    TestStore test;
    QVERIFY(test.open());
    CaptureStore &store = test.store;
    const QString &path = test.path;
    QList<CapturedRequest> requests;
    for (int i = 0; i < 120; ++i)
        requests.append(makeCapture(Start + i * Second, i % 2 ? 200 : 500, "invoice.paid"));
    const QList<qint64> ids = test.add(requests);
    QCOMPARE(ids.size(), requests.size());
    QTRY_COMPARE_WITH_TIMEOUT(store.sortKeysUpTo(), ids.last(), 30000);

    // What a click on the 5xx line's bucket from 0:00:30 to 0:00:40 lists.
    const QString filter = QStringLiteral("status:5xx after:%1 before:%2")
                               .arg(localTime(Start + 30 * Second), localTime(Start + 40 * Second));
    const auto listed = [&] {
        QList<qint64> found;
        for (const CaptureSummary &summary : store.find(CaptureQuery::parse(filter), 0, 200))
            found.append(summary.id);
        return found;
    };
    const QList<qint64> expected{ids.at(38), ids.at(36), ids.at(34), ids.at(32), ids.at(30)};
    QCOMPARE(listed(), expected);
    // The same from the captures the sort keys have not reached.
    test.stopIndexing();
    rewindIndex(path, ids.at(20), ids.at(20));
    QCOMPARE(listed(), expected);
    // And a capture arriving while the list shows the filter is judged the same way.
    const CaptureQuery query = CaptureQuery::parse(filter);
    CaptureSummary summary;
    summary.responseStatus = 500;
    summary.receivedAtUs = Start + 35 * Second;
    QVERIFY(query.matchesFields(summary));
    summary.receivedAtUs = Start + 40 * Second;
    QVERIFY(!query.matchesFields(summary));

    // A field's value in quotes holds spaces; a time that cannot be read says what it expects.
    QString parseError;
    QVERIFY(!CaptureQuery::parse(QStringLiteral("event:\"order created\" after:2026-13-01"),
                                 &parseError)
                 .hasText());
    QVERIFY2(parseError.contains(QLatin1String("after: expects a date and time")),
             qPrintable(parseError));
    QCOMPARE(CaptureQuery::parse(QStringLiteral("event:\"order created\""), &parseError).hasText(),
             false);
    QVERIFY(parseError.isEmpty());
}

QTEST_GUILESS_MAIN(TestTrafficStats)
#include "tst_trafficstats.moc"
