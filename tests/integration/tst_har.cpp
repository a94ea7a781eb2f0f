#include "listenprocess.h"

#include "store/capturestore.h"
#include "collections/har.h"
#include "collections/importer.h"
#include "collections/postman.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace Hookscope;
using namespace Hookscope::Testing;

class TestHar final : public QObject
{
    Q_OBJECT
private slots:
    void capturesRoundTripThroughHarByteForByte();
    void browserHarsAreRebuilt();
    void badFilesAreRefusedWithThePosition();
    void unreadableEntriesAreSkippedOnlyWhenAsked();
    void harsFromOtherToolsBecomeCollectionsThatKeepEachHost();

private:
    QTemporaryDir m_dir;
};

void TestHar::capturesRoundTripThroughHarByteForByte()
{
    const QString first = m_dir.filePath(QStringLiteral("first.sqlite"));
    QByteArray binary(256, '\0');
    for (int i = 0; i < binary.size(); ++i)
        binary[i] = char(i);
    {
        ListenProcess listener(first, {QStringLiteral("--status"), QStringLiteral("202")});
        QFile body(m_dir.filePath(QStringLiteral("binary.dat")));
        QVERIFY(body.open(QIODevice::WriteOnly));
        body.write(binary);
        body.close();
        for (const QStringList &arguments :
             {QStringList{QStringLiteral("-H"), QStringLiteral("Content-Type: application/json"),
                          QStringLiteral("-H"), QStringLiteral("X-Mixed-Case: Yes"),
                          QStringLiteral("--data-binary"), QStringLiteral(R"({"id":"evt_1"})"),
                          listener.url(QStringLiteral("/stripe?live=1&x=%20y"))},
              QStringList{QStringLiteral("-H"), QStringLiteral("Transfer-Encoding: chunked"),
                          QStringLiteral("--data-binary"), QLatin1Char('@') + body.fileName(),
                          listener.url(QStringLiteral("/upload"))}}) {
            QProcess curl;
            curl.start(QStringLiteral("curl"), QStringList{QStringLiteral("-sS")} + arguments);
            QVERIFY(curl.waitForFinished(30'000) && curl.exitCode() == 0);
        }
        QTRY_COMPARE(listener.captureIds().size(), 2);
    }
    const QString har = m_dir.filePath(QStringLiteral("captures.har"));
    const CliResult exported = runCli(
        {QStringLiteral("export"), QStringLiteral("--har"), har, QStringLiteral("--store"), first});
    QCOMPARE(exported.exitCode, 0);
    QCOMPARE(exported.out, "Exported 2 capture(s) to " + har.toUtf8() + '\n');
    // It holds what the captures hold (tokens, signatures): the user's alone.
    QCOMPARE(QFile::permissions(har) & ~(QFile::ReadUser | QFile::WriteUser),
             QFile::ReadOwner | QFile::WriteOwner);

    // HAR 1.2's required fields, entry by entry.
    QFile file(har);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject log
        = QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("log")).toObject();
    QCOMPARE(log.value(QLatin1String("version")).toString(), QStringLiteral("1.2"));
    QCOMPARE(log.value(QLatin1String("creator")).toObject().value(QLatin1String("name")).toString(),
             QStringLiteral("Hookscope"));
    const QJsonArray entries = log.value(QLatin1String("entries")).toArray();
    QCOMPARE(entries.size(), 2);
    for (const QJsonValue &value : entries) {
        const QJsonObject entry = value.toObject();
        for (const char *field :
             {"startedDateTime", "time", "request", "response", "cache", "timings"})
            QVERIFY2(entry.contains(QLatin1String(field)), field);
        QVERIFY(QDateTime::fromString(entry.value(QLatin1String("startedDateTime")).toString(),
                                      Qt::ISODateWithMs)
                    .isValid());
        const QJsonObject request = entry.value(QLatin1String("request")).toObject();
        for (const char *field : {"method", "url", "httpVersion", "cookies", "headers",
                                  "queryString", "headersSize", "bodySize"})
            QVERIFY2(request.contains(QLatin1String(field)), field);
        QVERIFY(QUrl(request.value(QLatin1String("url")).toString()).isValid());
        QVERIFY(request.value(QLatin1String("url"))
                    .toString()
                    .startsWith(QStringLiteral("http://127.0.0.1:")));
        const QJsonObject response = entry.value(QLatin1String("response")).toObject();
        for (const char *field : {"status", "statusText", "httpVersion", "cookies", "headers",
                                  "redirectURL", "headersSize", "bodySize", "content"})
            QVERIFY2(response.contains(QLatin1String(field)), field);
        QCOMPARE(response.value(QLatin1String("status")).toInt(), 202);
        const QJsonObject timings = entry.value(QLatin1String("timings")).toObject();
        for (const char *field : {"send", "wait", "receive"})
            QVERIFY(timings.value(QLatin1String(field)).toDouble() >= 0);
    }
    const QJsonObject json = entries.at(0).toObject().value(QLatin1String("request")).toObject();
    QCOMPARE(
        json.value(QLatin1String("postData")).toObject().value(QLatin1String("text")).toString(),
        QStringLiteral(R"({"id":"evt_1"})"));
    QCOMPARE(json.value(QLatin1String("queryString"))
                 .toArray()
                 .at(1)
                 .toObject()
                 .value(QLatin1String("value"))
                 .toString(),
             QStringLiteral(" y"));

    // Back into another store: the same bytes, chunk framing and all, and the same answers.
    const QString second = m_dir.filePath(QStringLiteral("second.sqlite"));
    const CliResult imported
        = runCli({QStringLiteral("import"), har, QStringLiteral("--store"), second});
    QCOMPARE(imported.exitCode, 0);
    QCOMPARE(imported.out, QByteArray("Imported 2 capture(s)\n"));
    CaptureStore original(first);
    CaptureStore copy(second);
    QVERIFY(original.open() && copy.open());
    for (const qint64 id : {1, 2}) {
        const std::optional<CapturedRequest> a = original.capture(id);
        const std::optional<CapturedRequest> b = copy.capture(id);
        QVERIFY(a && b);
        QCOMPARE(b->raw, a->raw);
        QCOMPARE(b->responseHead, a->responseHead);
        QCOMPARE(b->responseBody, a->responseBody);
        QCOMPARE(b->receivedAtUs, a->receivedAtUs);
        QCOMPARE(b->remoteAddress, a->remoteAddress);
    }
    QCOMPARE(copy.capture(2)->body, binary);
}

void TestHar::browserHarsAreRebuilt()
{
    const QByteArray har = R"({"log":{"version":"1.2","creator":{"name":"Firefox","version":"120"},
      "entries":[{"startedDateTime":"2026-11-28T10:00:00.123Z","time":12.5,
        "request":{"method":"POST","url":"https://shop.example/orders?id=7","httpVersion":"HTTP/2",
          "headers":[{"name":":authority","value":"shop.example"},
                     {"name":"content-type","value":"application/x-www-form-urlencoded"},
                     {"name":"content-length","value":"999"}],
          "queryString":[],"cookies":[],"headersSize":-1,"bodySize":-1,
          "postData":{"mimeType":"application/x-www-form-urlencoded",
                      "params":[{"name":"a","value":"1 2"},{"name":"b","value":"&"}]}},
        "response":{"status":201,"statusText":"Created","httpVersion":"HTTP/2","cookies":[],
          "headers":[{"name":"content-type","value":"text/plain"}],"redirectURL":"",
          "headersSize":-1,"bodySize":2,"content":{"size":2,"mimeType":"text/plain","text":"b2s=",
          "encoding":"base64"}},
        "cache":{},"timings":{"send":1,"wait":10,"receive":1.5}}]}})";
    QString error;
    const std::optional<QList<CapturedRequest>> captures = Har::read(har, &error);
    QVERIFY2(captures, qPrintable(error));
    QCOMPARE(captures->size(), 1);
    const CapturedRequest &capture = captures->first();
    QCOMPARE(capture.method, QByteArray("POST"));
    QCOMPARE(capture.target, QByteArray("/orders?id=7"));
    QCOMPARE(capture.body, QByteArray("a=1%202&b=%26"));
    QCOMPARE(headerValue(capture.headers, "Content-Length"), QByteArray("13")); // the body's
    QCOMPARE(headerValue(capture.headers, "Host"), QByteArray("shop.example"));
    QVERIFY(capture.parseError.isEmpty());
    QCOMPARE(capture.responseStatus, 201);
    QCOMPARE(capture.responseBody, QByteArray("ok"));
    QCOMPARE(
        capture.receivedAtUs,
        qint64(QDateTime(QDate(2026, 11, 28), QTime(10, 0, 0, 123), Qt::UTC).toMSecsSinceEpoch()
               * 1000));
}

void TestHar::badFilesAreRefusedWithThePosition()
{
    QString error;
    QVERIFY(!Har::read("{\"log\": {\"entries\": [\n  {\"request\": }]}}", &error));
    QVERIFY2(error.startsWith(QStringLiteral("not valid JSON at line 2, column ")),
             qPrintable(error));
    QVERIFY(!Har::read(R"({"entries":[]})", &error));
    QCOMPARE(error, QStringLiteral("not a HAR file: no log.entries array"));
    QVERIFY(!Har::read(R"({"log":{"entries":[{"_hookscope":{"raw":"%%%"}}]}})", &error));
    QCOMPARE(error, QStringLiteral("entry 1: _hookscope.raw is not base64"));
    QVERIFY(!Har::read(R"({"log":{"entries":[{},{"request":{"method":"GET"}}]}})", &error));
    QCOMPARE(error, QStringLiteral("entry 1: request needs a method and an absolute url"));

    // Nothing is imported from a file with a mistake in it.
    QFile bad(m_dir.filePath(QStringLiteral("bad.har")));
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(R"({"log":{"entries":[{"request":{"method":"GET","url":"http://a.test/"}},{}]}})");
    bad.close();
    const QString store = m_dir.filePath(QStringLiteral("bad.sqlite"));
    const CliResult result
        = runCli({QStringLiteral("import"), bad.fileName(), QStringLiteral("--store"), store});
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(result.err, "hookscope-cli: " + bad.fileName().toUtf8()
                             + ": entry 2: request needs a method and an absolute url; nothing "
                               "was imported (--partial imports the 1 entries that can be read, "
                               "skipping 1)\n");
    CaptureStore empty(store);
    QVERIFY(!QFile::exists(store) || (empty.open() && empty.count() == 0));
}

namespace {

// Three entries, the second without a usable URL.
const QByteArray HarWithABadEntry = R"({"log":{"version":"1.2","entries":[
  {"request":{"method":"POST","url":"http://h/one","headers":[],"postData":{"text":"1"}}},
  {"request":{"method":"POST","url":"relative/two","headers":[]}},
  {"request":{"method":"GET","url":"http://h/three","headers":[]}}]}})";

} // namespace

void TestHar::unreadableEntriesAreSkippedOnlyWhenAsked()
{
    QString error;
    QVERIFY(!Har::read(HarWithABadEntry, &error));
    QCOMPARE(error, QStringLiteral("entry 2: request needs a method and an absolute url"));

    QStringList skipped;
    const std::optional<QList<CapturedRequest>> readable
        = Har::read(HarWithABadEntry, &error, &skipped);
    QVERIFY(readable);
    QCOMPARE(readable->size(), 2);
    QCOMPARE(readable->at(0).target, QByteArray("/one"));
    QCOMPARE(readable->at(1).target, QByteArray("/three"));
    QCOMPARE(skipped, QStringList{QStringLiteral("entry 2: request needs a method and an "
                                                 "absolute url")});

    // The command line: nothing without --partial (and it says what --partial would do).
    const QString path = m_dir.filePath(QStringLiteral("partly.har"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(HarWithABadEntry);
    file.close();
    const QString store = m_dir.filePath(QStringLiteral("partial.sqlite"));
    CliResult result = runCli({QStringLiteral("import"), path, QStringLiteral("--store"), store});
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(result.err, QByteArray("hookscope-cli: " + path.toUtf8()
                                    + ": entry 2: request needs a method and an absolute url; "
                                      "nothing was imported (--partial imports the 2 entries "
                                      "that can be read, skipping 1)\n"));
    result = runCli({QStringLiteral("list"), QStringLiteral("--store"), store});
    QVERIFY(result.out.isEmpty());
    result = runCli({QStringLiteral("import"), path, QStringLiteral("--partial"),
                     QStringLiteral("--store"), store});
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(result.out, QByteArray("Imported 2 capture(s)\n"));
    QVERIFY(result.err.contains("skipped entry 2: request needs a method"));

    // Too big to read: refused before it is parsed (a sparse file, so no disk is used).
    const QString huge = m_dir.filePath(QStringLiteral("huge.har"));
    QFile big(huge);
    QVERIFY(big.open(QIODevice::WriteOnly));
    QVERIFY(big.resize(300LL * 1024 * 1024));
    big.close();
    result = runCli({QStringLiteral("import"), huge, QStringLiteral("--store"), store});
    QCOMPARE(result.exitCode, 2);
    QCOMPARE(result.err, QByteArray("hookscope-cli: " + huge.toUtf8()
                                    + " is 300 MB; files up to 256 MB can be read\n"));
}

// Real HAR files written by browsers and proxies: every entry becomes a request, sent where it
// was sent (https stays https, a second host keeps its host), and so does a Postman export.
void TestHar::harsFromOtherToolsBecomeCollectionsThatKeepEachHost()
{
    const QDir fixtures(QStringLiteral(HOOKSCOPE_INTERCHANGE_FIXTURES));
    const QStringList files = fixtures.entryList({QStringLiteral("*.har")}, QDir::Files);
    if (files.isEmpty())
        QSKIP(qPrintable(QStringLiteral("no HAR files from other tools in %1 (the shared "
                                        "fixtures are not beside this checkout)")
                             .arg(fixtures.path())));
    for (const QString &name : files) {
        QFile file(fixtures.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        const qsizetype entries = QJsonDocument::fromJson(bytes)
                                      .object()[QStringLiteral("log")]
                                      .toObject()[QStringLiteral("entries")]
                                      .toArray()
                                      .size();
        QStringList warnings;
        QString error;
        const std::optional<Collection> collection
            = Importer::asCollection(bytes, name, &warnings, &error);
        QVERIFY2(collection, qPrintable(name + QStringLiteral(": ") + error));
        QCOMPARE(collection->items.size(), entries);
        const QString baseUrl = collection->valuesFor({}).value(QStringLiteral("baseUrl"));
        QVERIFY2(baseUrl.startsWith(QStringLiteral("https://")), qPrintable(name));
        for (const CollectionItem &item : collection->items) {
            QVERIFY2(item.request.url.startsWith(QStringLiteral("{{baseUrl}}/"))
                         || item.request.url.startsWith(QStringLiteral("https://")),
                     qPrintable(name + QStringLiteral(": ") + item.request.url));
        }
        // Exported for Postman and read back: the same URLs.
        QStringList postmanWarnings;
        const std::optional<Collection> again = Postman::read(
            Postman::write(*collection, &postmanWarnings), &postmanWarnings, &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->items.size(), collection->items.size());
        for (qsizetype i = 0; i < again->items.size(); ++i)
            QCOMPARE(again->items[i].request.url, collection->items[i].request.url);
        QCOMPARE(again->valuesFor({}).value(QStringLiteral("baseUrl")), baseUrl);
    }
    // Firefox's: thirteen requests to mitmproxy.org and one to S3.
    QFile firefox(fixtures.filePath(QStringLiteral("firefox-mitmproxy.har")));
    if (!firefox.open(QIODevice::ReadOnly))
        return;
    QStringList warnings;
    QString error;
    const std::optional<Collection> collection
        = Importer::asCollection(firefox.readAll(), QStringLiteral("ff"), &warnings, &error);
    QVERIFY2(collection, qPrintable(error));
    QCOMPARE(collection->valuesFor({}).value(QStringLiteral("baseUrl")),
             QStringLiteral("https://mitmproxy.org"));
    QStringList elsewhere;
    for (const CollectionItem &item : collection->items) {
        if (!item.request.url.startsWith(QStringLiteral("{{baseUrl}}")))
            elsewhere.append(item.request.url);
    }
    QCOMPARE(elsewhere.size(), 1);
    QVERIFY2(elsewhere.first().startsWith(QStringLiteral("https://s3-us-west-2.amazonaws.com/")),
             qPrintable(elsewhere.first()));
}

QTEST_GUILESS_MAIN(TestHar)
#include "tst_har.moc"
