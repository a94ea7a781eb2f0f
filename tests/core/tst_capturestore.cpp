#include "store/captureindexer.h"
#include "store/captureloader.h"
#include "store/captureorder.h"
#include "store/capturequery.h"
#include "store/capturestore.h"
#include "store/sqlitestatement.h"
#include "store/storeconnection.h"
#include "store/datafolder.h"
#include "store/capturewriter.h"
#include "wire/requestparser.h"

#include "writtencaptures.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Hookscope;
using namespace Qt::StringLiterals;

namespace {

// `otherHeaders`: whole lines, each ending in CRLF.
CapturedRequest makeRequest(const QByteArray &target, const QByteArray &body,
                            const QByteArray &contentType = "application/json",
                            const QByteArray &otherHeaders = {})
{
    const QByteArray wire = "POST " + target + " HTTP/1.1\r\nContent-Type: " + contentType + "\r\n"
                            + otherHeaders + "Content-Length: " + QByteArray::number(body.size())
                            + "\r\n\r\n" + body;
    RequestParser parser;
    parser.feed(wire);
    CapturedRequest request = parser.takeRequest();
    request.remoteAddress = QHostAddress(QHostAddress::LocalHost);
    request.remotePort = 50000;
    request.receivedAtUs = 1'700'000'000'123'456;
    request.responseStatus = 200;
    request.responseHead = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n";
    request.responseBody = "OK\n";
    return request;
}

QList<CaptureSummary> search(CaptureStore &store, const QString &text)
{
    return store.find(CaptureQuery::parse(text), 0, 10);
}

// Appends through a writer of its own, started and stopped for them.
QList<qint64> store(const QString &path, const QList<CapturedRequest> &requests)
{
    CaptureWriter writer(path);
    QString error;
    if (!writer.start(&error))
        qFatal("writer: %s", qPrintable(error));
    return appendAndWait(writer, requests);
}

} // namespace

class TestCaptureStore final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void createsPrivateFile();
    void dataFolderIsMadePrivate();
    void roundTripsEveryField();
    void pagesNewestFirst();
    void searchesPathHeadersAndBody_data();
    void searchesPathHeadersAndBody();
    void sortsAndPagesOnAnyColumn_data();
    void sortsAndPagesOnAnyColumn();
    void sortKeysInTheIndexAgreeWithAScan();
    void cancelledScansStopAndStaleAnswersAreDropped();
    void findsTheOtherDeliveriesOfAnEvent();
    void bigBodiesAreIndexedAFewAtATime();
    void learnsShapesAndFindsDrift();
    void testEventsAreJudgedAgainstLiveOnes();
    void fullTextQueryQuotes();
    void fieldTerms_data();
    void fieldTerms();
    void queryErrors();
    void removeAndClear();
    void idsAreNeverReused();
    void logStaysBoundedAndIsTruncatedWhenIdle();
    void rejectsCorruptFileUntouched();
    void integrityCheckFindsDamage();
    void rejectsNewerVersion();
    void migratesVersion1AndRareFiltersUseIndexes();
    void rejectsForeignDatabase();
    void moveAsideKeepsOldFile();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void TestCaptureStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("sub/captures.sqlite"));
}

void TestCaptureStore::createsPrivateFile()
{
    CaptureStore store(m_path);
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    ::store(m_path, {makeRequest("/a", "{}")});
    // SQLite gives the -wal and -shm files the main file's mode; they exist while open.
    for (const QString &file :
         QStringList{m_path, m_path + QStringLiteral("-wal"), m_path + QStringLiteral("-shm")}) {
        if (file != m_path && !QFile::exists(file))
            continue;
        struct stat status = {};
        QCOMPARE(::stat(QFile::encodeName(file).constData(), &status), 0);
        QCOMPARE(status.st_mode & 0777, mode_t(0600));
    }
    // The folder it made for it, too: nobody else may list or open what is in it.
    struct stat folder = {};
    QCOMPARE(::stat(QFile::encodeName(m_dir->filePath(QStringLiteral("sub"))).constData(), &folder),
             0);
    QCOMPARE(folder.st_mode & 0777, mode_t(0700));
}

// The default data folder, made open to others by an earlier version, is made private.
void TestCaptureStore::dataFolderIsMadePrivate()
{
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_dir->filePath(QStringLiteral("data"))));
    QVERIFY(QDir().mkpath(DataFolder::path()));
    QFile::setPermissions(DataFolder::path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                                  | QFile::ReadOther | QFile::ExeOther);
    CaptureStore store(DataFolder::path() + QStringLiteral("/captures.sqlite"));
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    struct stat folder = {};
    QCOMPARE(::stat(QFile::encodeName(DataFolder::path()).constData(), &folder), 0);
    QCOMPARE(folder.st_mode & 0777, mode_t(0700));
    qunsetenv("XDG_DATA_HOME");
}

void TestCaptureStore::roundTripsEveryField()
{
    CaptureStore store(m_path);
    QVERIFY(store.open());
    QByteArray binary;
    for (int i = 0; i < 512; ++i)
        binary.append(char(i % 256));
    const CapturedRequest original = makeRequest("/bin?x=1", binary, "application/octet-stream");
    const QList<qint64> ids = ::store(m_path, {original});
    QCOMPARE(ids.size(), 1);
    QVERIFY(ids.first() > 0);

    const std::optional<CapturedRequest> loaded = store.capture(ids.first());
    QVERIFY(loaded);
    QCOMPARE(loaded->raw, original.raw);
    QCOMPARE(loaded->body, binary);
    QCOMPARE(loaded->method, QByteArray("POST"));
    QCOMPARE(loaded->target, QByteArray("/bin?x=1"));
    QCOMPARE(loaded->headers, original.headers);
    QCOMPARE(loaded->remoteAddress, original.remoteAddress);
    QCOMPARE(loaded->remotePort, original.remotePort);
    QCOMPARE(loaded->receivedAtUs, original.receivedAtUs);
    QCOMPARE(loaded->responseStatus, 200);
    QCOMPARE(loaded->responseHead, original.responseHead);
    QCOMPARE(loaded->responseBody, original.responseBody);
    QVERIFY(loaded->parseError.isEmpty());
    QVERIFY(!store.capture(ids.first() + 1));
}

void TestCaptureStore::pagesNewestFirst()
{
    CaptureStore store(m_path);
    QVERIFY(store.open());
    QList<CapturedRequest> requests;
    for (int i = 0; i < 25; ++i)
        requests.append(makeRequest("/n/" + QByteArray::number(i), "{}"));
    QCOMPARE(::store(m_path, requests).size(), 25);
    QCOMPARE(store.count(), 25);

    const QList<CaptureSummary> first = store.summaries(0, 10);
    QCOMPARE(first.size(), 10);
    QCOMPARE(first.first().target, QByteArray("/n/24"));
    QCOMPARE(first.first().contentType, QByteArray("application/json"));
    QCOMPARE(first.first().bodySize, 2);
    const QList<CaptureSummary> second = store.summaries(first.last().id, 10);
    QCOMPARE(second.first().id, first.last().id - 1);
    const QList<CaptureSummary> last = store.summaries(second.last().id, 10);
    QCOMPARE(last.size(), 5);
    QCOMPARE(last.last().target, QByteArray("/n/0"));
}

void TestCaptureStore::searchesPathHeadersAndBody_data()
{
    QTest::addColumn<bool>("indexed");
    QTest::newRow("through the full-text index") << true;
    QTest::newRow("scanning captures not indexed yet") << false;
}

void TestCaptureStore::searchesPathHeadersAndBody()
{
    QFETCH(bool, indexed);
    CaptureStore store(m_path);
    QVERIFY(store.open());
    {
        CaptureWriter writer(m_path);
        QVERIFY(writer.start(nullptr));
        QSignalSpy committed(&writer, &CaptureWriter::committed);
        writer.append(makeRequest("/stripe", R"({"type":"invoice.paid"})"), 0);
        writer.append(makeRequest("/github", R"({"action":"opened"})"), 0);
        writer.append(makeRequest("/other", "plain words here", "text/plain"), 0);
        // Not UTF-8 throughout (a Latin-1 byte first): the rest is still found.
        writer.append(makeRequest("/latin", "caf\xe9 ol\xc3\xa9 menu", "text/csv"), 0);
        writer.append(
            makeRequest("/slack", R"({"type":"event_callback","event":{"type":"app_mention"}})"),
            0);
        QTRY_COMPARE(store.count(), 5);
        QTRY_COMPARE(store.indexedUpTo(), store.summaries(0, 1).first().id);
    }
    if (!indexed) {
        QSqlDatabase index
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("rewind"));
        index.setDatabaseName(m_path + QStringLiteral("-search"));
        QVERIFY(index.open());
        QVERIFY(QSqlQuery(index).exec(
            QStringLiteral("UPDATE index_state SET last_id = 0, analyzed_id = 0")));
        QVERIFY(QSqlQuery(index).exec(QStringLiteral("DELETE FROM capture_event")));
        index.close();
        index = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("rewind"));
        QCOMPARE(store.indexedUpTo(), 0);
    }
    QCOMPARE(search(store, QStringLiteral("invoice.paid")).size(), 1);
    QCOMPARE(search(store, QStringLiteral("github")).first().target, QByteArray("/github"));
    QCOMPARE(search(store, QStringLiteral("text/plain")).first().target, QByteArray("/other"));
    QCOMPARE(search(store, QStringLiteral("words plain")).size(), 1);
    QCOMPARE(search(store, QStringLiteral("\"words plain\"")).size(), 0);
    QCOMPARE(search(store, QStringLiteral("nowhere")).size(), 0);
    QCOMPARE(search(store, QStringLiteral("menu")).first().target, QByteArray("/latin"));
    QCOMPARE(search(store, QStringLiteral("olé")).first().target, QByteArray("/latin"));
    QCOMPARE(search(store, QStringLiteral("  ")).size(), 5);
    // The event type, told from the body (Slack's is the inner event's), whatever its case;
    // the whole type, not a part of it.
    QCOMPARE(search(store, QStringLiteral("event:invoice.paid")).first().target,
             QByteArray("/stripe"));
    QCOMPARE(search(store, QStringLiteral("event:INVOICE.Paid")).size(), 1);
    QCOMPARE(search(store, QStringLiteral("event:invoice")).size(), 0);
    QCOMPARE(search(store, QStringLiteral("event:app_mention")).first().target,
             QByteArray("/slack"));
    QCOMPARE(search(store, QStringLiteral("event:event_callback")).size(), 0);
    QCOMPARE(search(store, QStringLiteral("event:invoice.paid path:/github")).size(), 0);
    QCOMPARE(search(store, QStringLiteral("event:app_mention mention")).size(), 1);
}

void TestCaptureStore::learnsShapesAndFindsDrift()
{
    CaptureStore store(m_path);
    QVERIFY(store.open());
    {
        CaptureWriter writer(m_path); // its indexer runs while it does
        QVERIFY(writer.start(nullptr));
        for (int i = 0; i < 8; ++i)
            writer.append(makeRequest("/stripe", R"({"type":"invoice.paid","id":"evt_)"
                                                     + QByteArray::number(i)
                                                     + R"(","amount":100})"),
                          0);
        // The ninth has a field none had, lacks one all had, and a string for a number.
        writer.append(makeRequest("/stripe", R"({"type":"invoice.paid","amount":"100","x":1})"), 0);
        writer.append(makeRequest("/other", R"({"type":"other.thing"})"), 0);
        QTRY_VERIFY(store.driftOf(10).has_value());
    }
    QCOMPARE(store.driftOf(1), QStringList());
    QCOMPARE(store.driftOf(9), (QStringList{u"amount is string, was integer"_s, u"new field x"_s,
                                            u"id is missing (every earlier one had it: 8)"_s}));
    QCOMPARE(store.eventTypes(),
             (QList<std::pair<QString, qint64>>{{u"invoice.paid"_s, 9}, {u"other.thing"_s, 1}}));
    const PayloadShape shape = store.shapeOf(u"invoice.paid"_s);
    QCOMPARE(shape.payloads(), 9);
    QVERIFY(!shape.isRequired(*shape.field(u"id"_s)));
    QCOMPARE(store.shapeOf(u"nothing.such"_s).payloads(), 0);
    QList<qint64> drifted;
    for (const CaptureSummary &summary : search(store, u"is:drift"_s))
        drifted.append(summary.id);
    QCOMPARE(drifted, QList<qint64>{9});
    QCOMPARE(search(store, u"is:drift event:other.thing"_s).size(), 0);
}

void TestCaptureStore::testEventsAreJudgedAgainstLiveOnes()
{
    CaptureStore store(m_path);
    QVERIFY(store.open());
    const auto event = [](bool live, const QByteArray &fields) {
        return makeRequest("/stripe", R"({"type":"charge.failed","livemode":)"
                                          + QByteArray(live ? "true" : "false") + fields + "}");
    };
    {
        CaptureWriter writer(m_path);
        QVERIFY(writer.start(nullptr));
        // Five test events first, without the field live ones carry; then five live ones.
        for (int i = 0; i < 5; ++i)
            writer.append(event(false, R"(,"amount":1)"), 0);
        for (int i = 0; i < 5; ++i)
            writer.append(event(true, R"(,"amount":1,"failure_code":"card_declined")"), 0);
        // A live one like them, then a test one like the tests before: only the test one differs,
        // from the live ones. Then a live one like the test ones.
        writer.append(event(true, R"(,"amount":1,"failure_code":"card_declined")"), 0);
        writer.append(event(false, R"(,"amount":1)"), 0);
        writer.append(event(true, R"(,"amount":1)"), 0);
        QTRY_VERIFY(store.driftOf(13).has_value());
    }
    // The first live one is judged against the test ones, the rest against each other.
    QCOMPARE(store.driftOf(6), (QStringList{u"the first live event, unlike the test ones:"_s,
                                            u"new field failure_code"_s}));
    QCOMPARE(store.driftOf(7), QStringList());
    QCOMPARE(store.driftOf(10), QStringList());
    QCOMPARE(store.driftOf(11), QStringList());
    QCOMPARE(store.driftOf(12),
             (QStringList{u"a test event, unlike the live ones:"_s,
                          u"failure_code is missing (every earlier one had it: 6)"_s}));
    QCOMPARE(store.driftOf(13),
             QStringList{u"failure_code is missing (every earlier one had it: 6)"_s});
    // One type listed, with every payload; its kinds are kept apart, not listed.
    QCOMPARE(store.eventTypes(), (QList<std::pair<QString, qint64>>{{u"charge.failed"_s, 13}}));
    QCOMPARE(store.shapeOf(u"charge.failed"_s).payloads(), 13);
}

void TestCaptureStore::bigBodiesAreIndexedAFewAtATime()
{
    // Three bodies of 17 MiB: two are more than a pass holds at once (MaxChunkBytes), so the
    // text and the events each take them in two chunks, and none is skipped. Too big to be
    // parsed, they are named by their headers: one delivery sent three times.
    CaptureStore store(m_path);
    QVERIFY(store.open());
    const QByteArray padding(17 * 1024 * 1024, 'x');
    QList<CapturedRequest> requests;
    for (const char *word : {"alpha", "bravo", "charlie"})
        requests.append(makeRequest(
            "/big", R"({"word":")" + QByteArray(word) + R"(","padding":")" + padding + "\"}",
            "application/json", "X-GitHub-Event: push\r\nX-GitHub-Delivery: d-1\r\n"));
    const QList<qint64> ids = ::store(m_path, requests);
    QCOMPARE(ids.size(), 3);
    CaptureWriter writer(m_path); // its indexer catches up with what the store holds
    QVERIFY(writer.start(nullptr));
    QTRY_COMPARE_WITH_TIMEOUT(store.indexedUpTo(), ids.last(), 30000);
    for (const QString &word : {u"alpha"_s, u"bravo"_s, u"charlie"_s})
        QCOMPARE(search(store, word).size(), 1);
    QTRY_VERIFY_WITH_TIMEOUT(store.driftOf(ids.last()).has_value(), 30000);
    QCOMPARE(store.sameEvent(ids[0], u"d-1"_s), (QList<qint64>{ids[1], ids[2]}));
}

void TestCaptureStore::findsTheOtherDeliveriesOfAnEvent()
{
    CaptureStore store(m_path);
    QVERIFY(store.open());
    const QList<qint64> ids{1, 2, 3, 4};
    {
        CaptureWriter writer(m_path); // its indexer runs while it does
        QVERIFY(writer.start(nullptr));
        for (const char *id : {"evt_1", "evt_2", "evt_1", "evt_1"})
            writer.append(
                makeRequest("/stripe", QByteArray(R"({"type":"invoice.paid","id":")") + id + "\"}"),
                0);
        QTRY_COMPARE(store.indexedUpTo(), ids.last());
    }
    QCOMPARE(store.sameEvent(ids[0], QStringLiteral("evt_1")), (QList<qint64>{ids[2], ids[3]}));
    QCOMPARE(store.sameEvent(ids[3], QStringLiteral("evt_1")), (QList<qint64>{ids[0], ids[2]}));
    QVERIFY(store.sameEvent(ids[1], QStringLiteral("evt_2")).isEmpty());
    QVERIFY(store.sameEvent(ids[1], QString()).isEmpty());
    // A deleted capture is no longer one of them.
    QVERIFY(store.remove(ids[2]));
    QCOMPARE(store.sameEvent(ids[0], QStringLiteral("evt_1")), QList<qint64>{ids[3]});
}

void TestCaptureStore::sortsAndPagesOnAnyColumn_data()
{
    searchesPathHeadersAndBody_data();
}

void TestCaptureStore::sortsAndPagesOnAnyColumn()
{
    QFETCH(bool, indexed);
    CaptureStore store(m_path);
    QVERIFY(store.open());
    // Paths in scrambled order; every third body lacks the word searched for.
    QList<CapturedRequest> requests;
    for (int i = 0; i < 12; ++i) {
        const int key = (i * 5) % 12;
        requests.append(makeRequest("/p/" + QByteArray::number(10 + key),
                                    i % 3 ? "{\"word\":\"match\"}" : "{}"));
    }
    const QList<qint64> ids = ::store(m_path, requests);
    QCOMPARE(ids.size(), 12);
    if (indexed) { // a writer indexes what its store holds once capturing pauses
        CaptureWriter writer(m_path);
        QVERIFY(writer.start(nullptr));
        QTRY_COMPARE(store.indexedUpTo(), ids.last());
    }

    const CaptureQuery query = CaptureQuery::parse(QStringLiteral("match"));
    const CaptureOrder byPathDescending{CaptureOrder::Key::Target, true};
    QList<QByteArray> paged;
    std::optional<CaptureSummary> after;
    for (;;) {
        const QList<CaptureSummary> page
            = store.find(query, byPathDescending, after ? &*after : nullptr, 3);
        for (const CaptureSummary &summary : page)
            paged.append(summary.target);
        if (page.size() < 3)
            break;
        after = page.last();
    }
    QList<QByteArray> expected;
    for (int i = 0; i < 12; ++i) {
        if (i % 3)
            expected.append(requests.at(i).target);
    }
    std::sort(expected.begin(), expected.end(), std::greater<>());
    QCOMPARE(paged, expected);

    // Oldest first, and a range of ids only (what a live flush asks for).
    const QList<CaptureSummary> oldest
        = store.find(CaptureQuery(), CaptureOrder{CaptureOrder::Key::Received, false}, nullptr, 2);
    QCOMPARE(oldest.first().id, ids.first());
    CaptureSummary beyondNewest;
    beyondNewest.id = ids.last() + 1;
    const QList<CaptureSummary> range
        = store.find(query, CaptureOrder(), &beyondNewest, 12, ids.at(9));
    QCOMPARE(range.size(), 2); // ids 10 and 11 match, 9 does not
    QCOMPARE(range.first().id, ids.last());
}

// Sorting by path, status or size walks the sort keys the indexer keeps, and sorts only the
// captures it has not reached: pages come out the same as a scan of every capture gives, with
// none, some or all of them indexed, for a filter or none.
void TestCaptureStore::sortKeysInTheIndexAgreeWithAScan()
{
    CaptureStore store(m_path);
    QVERIFY(store.open());
    QList<CapturedRequest> requests;
    for (int i = 0; i < 40; ++i) {
        // Ties on every key: 4 paths, 3 statuses, 5 sizes, in scrambled orders; "match" in two
        // bodies of three.
        const QByteArray body = (i % 3 ? QByteArray(R"({"word":"match"})") : QByteArray("{}"))
                                + QByteArray((i * 3) % 5, ' ');
        CapturedRequest request = makeRequest("/p/" + QByteArray::number((i * 7) % 4), body);
        request.responseStatus = QList<int>{200, 404, 500}.at((i * 11) % 3);
        requests.append(request);
    }
    const QList<qint64> ids = ::store(m_path, requests);
    QCOMPARE(ids.size(), 40);
    {
        CaptureWriter writer(m_path); // indexes what the store holds once capturing pauses
        QVERIFY(writer.start(nullptr));
        QTRY_COMPARE(store.sortKeysUpTo(), ids.last());
    }
    // How far the sort keys reach, set by hand: none, some or all of the captures.
    QSqlDatabase index
        = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("idx"));
    index.setDatabaseName(CaptureIndexer::indexPath(m_path));
    QVERIFY(index.open());
    const auto coverUpTo = [&index, &store](qint64 id) {
        QSqlQuery lower(index);
        return lower.exec(QStringLiteral("UPDATE index_state SET sorted_id = %1").arg(id))
               && store.sortKeysUpTo() == id;
    };

    const QList<CaptureOrder> orders{
        {CaptureOrder::Key::Target, false},   {CaptureOrder::Key::Target, true},
        {CaptureOrder::Key::Status, false},   {CaptureOrder::Key::Status, true},
        {CaptureOrder::Key::BodySize, false}, {CaptureOrder::Key::BodySize, true}};
    const QList<CaptureQuery> queries{CaptureQuery(),
                                      CaptureQuery::parse(QStringLiteral("status:4xx")),
                                      CaptureQuery::parse(QStringLiteral("match"))};
    const auto pagesOf = [&store](const CaptureQuery &query, const CaptureOrder &order) {
        QList<qint64> paged;
        std::optional<CaptureSummary> after;
        for (;;) {
            const QList<CaptureSummary> page
                = store.find(query, order, after ? &*after : nullptr, 7);
            for (const CaptureSummary &summary : page)
                paged.append(summary.id);
            if (page.size() < 7)
                return paged;
            after = page.last();
        }
    };
    QVERIFY(coverUpTo(0)); // a scan of every capture: what each page must be
    QList<QList<qint64>> scanned;
    for (const CaptureQuery &query : queries) {
        for (const CaptureOrder &order : orders)
            scanned.append(pagesOf(query, order));
    }
    QCOMPARE(scanned.first().size(), 40);
    QCOMPARE(scanned.at(2 * 6).size(), 26);

    for (const qint64 sortedUpTo : {ids.last(), ids.at(17), ids.first()}) {
        QVERIFY(coverUpTo(sortedUpTo));
        int at = 0;
        for (const CaptureQuery &query : queries) {
            for (const CaptureOrder &order : orders)
                QCOMPARE(pagesOf(query, order), scanned.at(at++));
        }
    }
    index.close();
    index = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("idx"));
}

void TestCaptureStore::cancelledScansStopAndStaleAnswersAreDropped()
{
    QList<CapturedRequest> requests;
    for (int i = 0; i < 3000; ++i)
        requests.append(makeRequest("/scan/" + QByteArray::number(i), R"({"word":"needle"})"));
    {
        CaptureStore created(m_path);
        QVERIFY(created.open());
    }
    QCOMPARE(::store(m_path, requests).size(), 3000);
    // Without the search index (its writer may have begun it), searches scan the bytes.
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(CaptureIndexer::indexPath(m_path) + suffix);
    CaptureStore store(m_path);
    QVERIFY(store.open());
    QCOMPARE(store.indexedUpTo(), 0);
    const CaptureQuery needle = CaptureQuery::parse(QStringLiteral("needle"));
    const CaptureOrder oldestFirst{CaptureOrder::Key::Received, false};
    QCOMPARE(store.find(needle, oldestFirst, nullptr, 5000).size(), 3000);
    store.setCancellation([] { return true; });
    QVERIFY(store.find(needle, oldestFirst, nullptr, 5000).size() < 3000);
    store.setCancellation({});
    QCOMPARE(store.find(needle, oldestFirst, nullptr, 5000).size(), 3000);

    // A loader answers only the newest of requests made in a row.
    CaptureLoader loader(m_path);
    QSignalSpy pages(&loader, &CaptureLoader::pageLoaded);
    loader.requestPage(1, needle, oldestFirst, std::nullopt, 5000);
    loader.requestPage(2, CaptureQuery(), CaptureOrder(), std::nullopt, 10);
    QTRY_COMPARE(pages.size(), 1);
    QCOMPARE(pages.first().at(0).toULongLong(), 2u);
    QCOMPARE(pages.first().at(1).value<QList<CaptureSummary>>().size(), 10);
}

void TestCaptureStore::fullTextQueryQuotes()
{
    QCOMPARE(CaptureQuery::parse(QStringLiteral("a \"b c\" d\"e")).textTerms(),
             (QStringList{QStringLiteral("a"), QStringLiteral("b c"), QStringLiteral("d"),
                          QStringLiteral("e")}));
    QCOMPARE(CaptureStore::fullTextQuery(
                 {QStringLiteral("NOT"), QStringLiteral("OR*"), QStringLiteral("x\"y")}),
             QStringLiteral("\"NOT\" \"OR*\" \"x\"\"y\""));
}

void TestCaptureStore::fieldTerms_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QStringList>("targets");
    QTest::newRow("method") << QStringLiteral("method:put")
                            << QStringList{QStringLiteral("/github/push")};
    QTest::newRow("path prefix") << QStringLiteral("path:/stripe")
                                 << QStringList{QStringLiteral("/stripe/b?x=1"),
                                                QStringLiteral("/stripe/a")};
    QTest::newRow("status class") << QStringLiteral("status:4xx")
                                  << QStringList{QStringLiteral("/stripe/b?x=1")};
    QTest::newRow("status none") << QStringLiteral("status:none")
                                 << QStringList{QStringLiteral("/broken")};
    QTest::newRow("content type") << QStringLiteral("type:xml")
                                  << QStringList{QStringLiteral("/stripe/a")};
    QTest::newRow("malformed") << QStringLiteral("is:malformed")
                               << QStringList{QStringLiteral("/broken")};
    QTest::newRow("fields and text") << QStringLiteral("path:/stripe \"invoice.paid\"")
                                     << QStringList{QStringLiteral("/stripe/b?x=1")};
    QTest::newRow("percent is literal") << QStringLiteral("path:/%") << QStringList{};
}

void TestCaptureStore::fieldTerms()
{
    QFETCH(QString, query);
    QFETCH(QStringList, targets);
    CaptureStore store(m_path);
    QVERIFY(store.open());
    CapturedRequest xml = makeRequest("/stripe/a", "<a/>", "application/xml");
    CapturedRequest paid = makeRequest("/stripe/b?x=1", R"({"type":"invoice.paid"})");
    paid.responseStatus = 404;
    CapturedRequest put = makeRequest("/github/push", "{}");
    put.method = "PUT";
    CapturedRequest broken = makeRequest("/broken", "");
    broken.parseError = QStringLiteral("Timed out");
    broken.responseStatus = 0;
    ::store(m_path, {xml, paid, put, broken});
    QString error;
    const CaptureQuery parsed = CaptureQuery::parse(query, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QStringList found;
    for (const CaptureSummary &summary : store.find(parsed, 0, 10)) {
        found.append(QString::fromUtf8(summary.target));
        QVERIFY(parsed.matchesFields(summary));
    }
    QCOMPARE(found, targets);
}

void TestCaptureStore::queryErrors()
{
    QString error;
    QVERIFY(CaptureQuery::parse(QStringLiteral("status:4x"), &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("status:")));
    QVERIFY(CaptureQuery::parse(QStringLiteral("is:old"), &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("is:")));
    CaptureQuery::parse(QStringLiteral("Stripe-Signature: method:POST"), &error);
    QVERIFY(error.isEmpty());
    // A field slipped on the keyboard is said, not searched for as text.
    QVERIFY(CaptureQuery::parse(QStringLiteral("stauts:500"), &error).isEmpty());
    QCOMPARE(error, QStringLiteral("stauts: is not a field; did you mean status:? (Put it in "
                                   "quotes to find the text.)"));
    QVERIFY(CaptureQuery::parse(QStringLiteral("event:"), &error).isEmpty());
    QCOMPARE(error, QStringLiteral("event: expects an event type, such as event:invoice.paid or "
                                   "event:push"));
    QVERIFY(CaptureQuery::parse(QStringLiteral("evnt:push"), &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("did you mean event:?")));
    QVERIFY(CaptureQuery::parse(QStringLiteral("metod:POST"), &error).isEmpty());
    QVERIFY(error.contains(QStringLiteral("method:")));
    // Text with a colon that is no slip is found as text.
    for (const char *text : {"X-Request-Id:abc", "evt:1", "https://example.com", "data:image"}) {
        error.clear();
        const CaptureQuery query = CaptureQuery::parse(QLatin1String(text), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(query.textTerms(), QStringList{QLatin1String(text)});
    }
}

void TestCaptureStore::removeAndClear()
{
    CaptureStore store(m_path);
    QVERIFY(store.open());
    const QList<qint64> ids
        = ::store(m_path, {makeRequest("/a", "alpha"), makeRequest("/b", "beta")});
    QVERIFY(store.remove(ids[0]));
    QVERIFY(!store.remove(ids[0]));
    QCOMPARE(store.count(), 1);
    QVERIFY(!store.capture(ids[0]));
    QCOMPARE(search(store, QStringLiteral("alpha")).size(), 0);
    QVERIFY(store.clear());
    QCOMPARE(store.count(), 0);
    QCOMPARE(search(store, QStringLiteral("beta")).size(), 0);
}

void TestCaptureStore::idsAreNeverReused()
{
    CaptureStore store(m_path);
    QVERIFY(store.open());
    const qint64 first = ::store(m_path, {makeRequest("/a", "1")}).first();
    QVERIFY(store.remove(first));
    const qint64 second = ::store(m_path, {makeRequest("/b", "2")}).first();
    QVERIFY(second > first);
}

// Captures arriving faster than a checkpoint can catch up with them grow the write-ahead log;
// once the flood is over, the log starts again and its file is cut back to the kept size.
// During a flood the log starts again whenever it passes its ceiling; once the flood is over
// it is cut back to nothing.
void TestCaptureStore::logStaysBoundedAndIsTruncatedWhenIdle()
{
    constexpr int Captures = 40'000; // ~1.2 KiB each: ~60 MB of log without a ceiling
    constexpr qint64 LogCeilingBytes = 4 * 1024 * 1024;
    const QString logPath = m_path + QStringLiteral("-wal");
    CaptureStore store(m_path);
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    CaptureWriter writer(m_path);
    writer.setKeptLogSize(1024 * 1024);
    writer.setLogCeiling(LogCeilingBytes);
    QString error;
    QVERIFY2(writer.start(&error), qPrintable(error));
    qint64 committed = 0;
    qint64 largestLog = 0;
    // Queued to the writer itself, so batches still on their way go with it, not to later tests.
    connect(&writer, &CaptureWriter::committed, &writer, [&](const CommittedBatch &batch) {
        committed += batch.size();
        largestLog = std::max(largestLog, QFileInfo(logPath).size());
    });
    const CapturedRequest request = makeRequest("/flood", QByteArray(1024, 'f'));
    for (int i = 0; i < Captures; ++i)
        writer.append(request, 0);
    QTRY_COMPARE_WITH_TIMEOUT(committed, Captures, 60'000);
    // Past the ceiling by what commits while a checkpoint runs, which on a busy machine (the
    // tests run two at a time) can be a few times the ceiling; far from the log's full size.
    QVERIFY2(largestLog < 5 * LogCeilingBytes, QByteArray::number(largestLog).constData());
    QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(logPath).size(), 0, 10'000);
    writer.stop();
    QCOMPARE(store.count(), Captures);
}

void TestCaptureStore::rejectsCorruptFileUntouched()
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    const QByteArray garbage = QByteArray("this is not SQLite at all ").repeated(400);
    file.write(garbage);
    file.close();

    CaptureStore store(m_path);
    QVERIFY(!store.open());
    QCOMPARE(store.openError(), CaptureStore::OpenError::NotAStore);
    QVERIFY2(store.errorString().contains(m_path), qPrintable(store.errorString()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), garbage);
}

void TestCaptureStore::integrityCheckFindsDamage()
{
    {
        CaptureStore store(m_path);
        QVERIFY(store.open());
        QList<CapturedRequest> requests;
        for (int i = 0; i < 300; ++i)
            requests.append(makeRequest("/hook", QByteArray(4000, char('a' + i % 26))));
        QCOMPARE(::store(m_path, requests).size(), 300);
        QVERIFY(store.checkIntegrity(10'000));
        // Out of time at once: the check is stopped, which says nothing against the file, and
        // the connection goes on working.
        QVERIFY(store.checkIntegrity(0));
        QCOMPARE(store.count(), 300);
    }
    // Garbage over pages in the middle of the file: found, and said.
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    const qint64 size = file.size();
    for (qint64 offset = size / 3; offset < size / 3 + 16 * 4096; offset += 4096) {
        QVERIFY(file.seek(offset));
        file.write(QByteArray(4096, '\xa5'));
    }
    file.close();
    CaptureStore store(m_path);
    QVERIFY(store.open());
    QVERIFY(!store.checkIntegrity(10'000));
    QCOMPARE(store.openError(), CaptureStore::OpenError::Damaged);
    QVERIFY2(store.errorString().contains(QLatin1String("damaged pages")),
             qPrintable(store.errorString()));
}

void TestCaptureStore::migratesVersion1AndRareFiltersUseIndexes()
{
    const QList<qint64> ids = [this] {
        CaptureStore store(m_path);
        if (!store.open())
            return QList<qint64>();
        CapturedRequest failed = makeRequest("/failed", "{}");
        failed.responseStatus = 503;
        failed.overTls = true;
        return ::store(m_path, {makeRequest("/ok", "{}"), failed});
    }();
    QCOMPARE(ids.size(), 2);
    { // back to what version 1 wrote
        QSqlDatabase database
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("downgrade"));
        database.setDatabaseName(m_path);
        QVERIFY(database.open());
        for (const char *index : {"captures_unusual_status", "captures_starred",
                                  "captures_malformed", "captures_method"})
            QVERIFY(QSqlQuery(database).exec(QStringLiteral("DROP INDEX ") + QLatin1String(index)));
        for (const char *table : {"deliveries", "delivery_attempts", "sent_requests"})
            QVERIFY(QSqlQuery(database).exec(QStringLiteral("DROP TABLE ") + QLatin1String(table)));
        for (const char *column : {"rule", "source", "source_url", "relay", "tls"})
            QVERIFY(QSqlQuery(database).exec(QStringLiteral("ALTER TABLE captures DROP COLUMN ")
                                             + QLatin1String(column)));
        QVERIFY(QSqlQuery(database).exec(QStringLiteral("PRAGMA user_version=1")));
        database.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("downgrade"));

    CaptureStore store(m_path);
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    {
        StoreConnection inspect(m_path);
        QVERIFY(inspect.open(nullptr));
        QSqlDatabase &database = inspect.database();
        QSqlQuery version(database);
        QVERIFY(version.exec(QStringLiteral("PRAGMA user_version")) && version.next());
        QCOMPARE(version.value(0).toInt(), CaptureStore::SchemaVersion);
        QVERIFY(QSqlQuery(database).exec(
            QStringLiteral("SELECT count(*) FROM deliveries WHERE options = 0 AND proxied = 0")));
        // A statement that cannot be prepared keeps its own reason, whatever runs after it.
        sqlite3 *handle = SqliteStatement::handleOf(database);
        const SqliteStatement missing(handle, "SELECT missing FROM no_such_table");
        const SqliteStatement fine(handle, "SELECT source, source_url, relay FROM captures");
        QVERIFY(!missing.isValid());
        QVERIFY(fine.isValid());
        QCOMPARE(missing.errorMessage(), QStringLiteral("no such table: no_such_table"));
        // The filters' own SQL walks the small indexes, not the table.
        const std::pair<const char *, const char *> plans[] = {
            {"status:5xx", "captures_unusual_status"}, {"status:none", "captures_unusual_status"},
            {"is:starred", "captures_starred"},        {"is:malformed", "captures_malformed"},
            {"method:PUT", "captures_method"},
        };
        for (const auto &[filter, index] : plans) {
            QVariantList values;
            const QString conditions
                = CaptureQuery::parse(QLatin1String(filter)).sqlConditions(&values);
            QSqlQuery plan(database);
            plan.prepare(QStringLiteral("EXPLAIN QUERY PLAN SELECT c.id FROM captures c WHERE %1 "
                                        "ORDER BY c.id DESC LIMIT 200")
                             .arg(conditions));
            for (const QVariant &value : std::as_const(values))
                plan.addBindValue(value);
            QVERIFY(plan.exec());
            QString steps;
            while (plan.next())
                steps += plan.value(3).toString();
            QVERIFY2(steps.contains(QLatin1String(index)),
                     qPrintable(QLatin1String(filter) + QStringLiteral(": ") + steps));
        }
    }
    const QList<CaptureSummary> failed = search(store, QStringLiteral("status:5xx"));
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().id, ids.last());
    QVERIFY(!store.capture(ids.last())->overTls); // from before the column: not known, so not
    CapturedRequest secure = makeRequest("/secure", "{}");
    secure.overTls = true;
    const QList<qint64> stored = ::store(m_path, {secure});
    QVERIFY(store.capture(stored.value(0))->overTls);
}

void TestCaptureStore::rejectsNewerVersion()
{
    {
        CaptureStore store(m_path);
        QVERIFY(store.open());
    }
    {
        QSqlDatabase database
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("bump"));
        database.setDatabaseName(m_path);
        QVERIFY(database.open());
        QSqlQuery(database).exec(QStringLiteral("PRAGMA user_version=99"));
        database.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("bump"));
    CaptureStore store(m_path);
    QVERIFY(!store.open());
    QCOMPARE(store.openError(), CaptureStore::OpenError::NewerVersion);
    QVERIFY(store.errorString().contains(QStringLiteral("newer Hookscope")));
    QVERIFY(store.errorString().contains(m_path));
}

void TestCaptureStore::rejectsForeignDatabase()
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    {
        QSqlDatabase database
            = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
        database.setDatabaseName(m_path);
        QVERIFY(database.open());
        QVERIFY(QSqlQuery(database).exec(QStringLiteral("CREATE TABLE mine (x)")));
        database.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
    CaptureStore store(m_path);
    QVERIFY(!store.open());
    QCOMPARE(store.openError(), CaptureStore::OpenError::NotAStore);
    QVERIFY(store.errorString().contains(QStringLiteral("not a Hookscope capture store")));
}

void TestCaptureStore::moveAsideKeepsOldFile()
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, 'x'));
    file.close();
    QString error;
    const QString aside = CaptureStore::moveAside(m_path, &error);
    QVERIFY2(!aside.isEmpty(), qPrintable(error));
    QVERIFY(QFile::exists(aside));
    QCOMPARE(QFileInfo(aside).size(), 8192);
    CaptureStore fresh(m_path);
    QVERIFY(fresh.open());
}

QTEST_GUILESS_MAIN(TestCaptureStore)
#include "tst_capturestore.moc"
