#include "collections/postman.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Hookscope;

class TestPostman final : public QObject
{
    Q_OBJECT
private slots:
    void realisticCollectionImports();
    void collectionsFromOtherToolsImportAndExportBack();
    void exportImportsBack();
    void exportKeepsSecretsAsNames();
    void badFilesSayWhere_data();
    void badFilesSayWhere();
};

namespace {

QByteArray fixture()
{
    QFile file(QFINDTESTDATA("../data/postman-v21.json"));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("tests/data/postman-v21.json is missing");
    return file.readAll();
}

QByteArray headerOf(const RequestTemplate &request, QByteArrayView name)
{
    for (const TemplateHeader &header : request.headers) {
        if (header.name.compare(name, Qt::CaseInsensitive) == 0)
            return header.value;
    }
    return "(none)";
}

} // namespace

void TestPostman::realisticCollectionImports()
{
    QStringList warnings;
    QString error;
    const std::optional<Collection> collection = Postman::read(fixture(), &warnings, &error);
    QVERIFY2(collection, qPrintable(error));
    QCOMPARE(collection->name, QStringLiteral("Payments API"));
    QCOMPARE(collection->variables.size(), 3);
    QCOMPARE(collection->variables[2].name, QStringLiteral("retries"));
    QCOMPARE(collection->variables[2].value, QStringLiteral("3"));

    QCOMPARE(collection->items.size(), 3);
    const CollectionItem &folder = collection->items[0];
    QVERIFY(folder.isFolder);
    QCOMPARE(folder.name, QStringLiteral("Webhooks"));

    // Raw JSON: the body as written, the type its language implies, the URL's raw form with
    // its variables, a disabled header kept switched off, the collection's auth inherited.
    const RequestTemplate &paid = folder.items[0].request;
    QCOMPARE(paid.method, QByteArray("POST"));
    QCOMPARE(paid.url, QStringLiteral("{{baseUrl}}/webhooks/stripe?source=postman"));
    QCOMPARE(paid.body, QByteArray("{\n    \"type\": \"invoice.paid\",\n    \"data\": {\"id\": "
                                   "\"{{invoiceId}}\"}\n}"));
    QCOMPARE(headerOf(paid, "Stripe-Signature"), QByteArray("t={{ts}},v1={{sig}}"));
    QCOMPARE(paid.headers[1].enabled, false);
    QCOMPARE(headerOf(paid, "Content-Type"), QByteArray("application/json"));
    QCOMPARE(paid.auth.kind, RequestAuth::Kind::Basic);
    QCOMPARE(paid.auth.username, QStringLiteral("ops"));
    QCOMPARE(paid.auth.password, QStringLiteral("{{password}}"));

    // urlencoded, {{env}} left readable; noauth overrides the collection's.
    const RequestTemplate &slack = folder.items[1].request;
    QCOMPARE(slack.body, QByteArray("command=%2Fdeploy&text=api+{{env}}"));
    QCOMPARE(headerOf(slack, "Content-Type"), QByteArray("application/x-www-form-urlencoded"));
    QCOMPARE(slack.auth.kind, RequestAuth::Kind::None);

    // formdata without its file field; bearer on the request; a URL given as a string.
    const RequestTemplate &upload = collection->items[1].request;
    QCOMPARE(upload.url, QStringLiteral("https://api.example.com/receipts/42"));
    QCOMPARE(upload.auth.kind, RequestAuth::Kind::Bearer);
    QCOMPARE(upload.auth.token, QStringLiteral("{{token}}"));
    QVERIFY(upload.body.contains("name=\"note\"\r\n\r\npaid in full\r\n"));
    QVERIFY(!upload.body.contains("receipt.pdf"));
    QVERIFY(headerOf(upload, "Content-Type").startsWith("multipart/form-data; boundary="));

    // A URL object without raw is put together from its parts.
    QCOMPARE(collection->items[2].request.url,
             QStringLiteral("https://api.example.com:8443/health?deep=1"));

    QCOMPARE(warnings,
             QStringList({QStringLiteral("item 2 (\"Upload receipt\"): the file field \"file\" is "
                                         "left out (a collection holds no files)"),
                          QStringLiteral("pre-request and test scripts are not run by Hookscope "
                                         "and were left out")}));
}

// Real collections written by Postman and others (../shared/fixtures/interchange): every
// request read, and written back for Postman with the same names, methods and URLs.
void TestPostman::collectionsFromOtherToolsImportAndExportBack()
{
    const QDir fixtures(QStringLiteral(HOOKSCOPE_INTERCHANGE_FIXTURES));
    const QStringList files
        = fixtures.entryList({QStringLiteral("*.postman_collection.json")}, QDir::Files);
    if (files.isEmpty())
        QSKIP(qPrintable(QStringLiteral("no Postman collections from other tools in %1 (the "
                                        "shared fixtures are not beside this checkout)")
                             .arg(fixtures.path())));
    const auto requests = [](const QList<CollectionItem> &items) {
        QStringList lines;
        const auto walk = [&lines](const auto &self, const QList<CollectionItem> &list) -> void {
            for (const CollectionItem &item : list) {
                if (item.isFolder)
                    self(self, item.items);
                else
                    lines.append(item.name + QLatin1Char(' ')
                                 + QString::fromUtf8(item.request.method) + QLatin1Char(' ')
                                 + item.request.url);
            }
        };
        walk(walk, items);
        return lines;
    };
    for (const QString &name : files) {
        QFile file(fixtures.filePath(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QStringList warnings;
        QString error;
        const std::optional<Collection> collection
            = Postman::read(file.readAll(), &warnings, &error);
        QVERIFY2(collection, qPrintable(name + QStringLiteral(": ") + error));
        const QStringList read = requests(collection->items);
        QVERIFY2(!read.isEmpty(), qPrintable(name));
        const std::optional<Collection> again
            = Postman::read(Postman::write(*collection, &warnings), &warnings, &error);
        QVERIFY2(again, qPrintable(name + QStringLiteral(": ") + error));
        QCOMPARE(requests(again->items), read);
    }
}

void TestPostman::exportImportsBack()
{
    QStringList warnings;
    QString error;
    const std::optional<Collection> imported = Postman::read(fixture(), &warnings, &error);
    QVERIFY2(imported, qPrintable(error));
    QStringList exportWarnings;
    const QByteArray exported = Postman::write(*imported, &exportWarnings);
    QVERIFY(exportWarnings.isEmpty());

    // The shape Postman reads: info with the v2.1 schema, items, variables; url objects whose
    // raw is the URL as written.
    const QJsonObject object = QJsonDocument::fromJson(exported).object();
    QCOMPARE(object[QLatin1String("info")][QLatin1String("schema")].toString(),
             QString::fromLatin1(Postman::Schema));
    const QJsonValue paid = object[QLatin1String("item")][0][QLatin1String("item")][0];
    QCOMPARE(paid[QLatin1String("request")][QLatin1String("url")][QLatin1String("raw")].toString(),
             QStringLiteral("{{baseUrl}}/webhooks/stripe?source=postman"));
    QCOMPARE(paid[QLatin1String("request")][QLatin1String("url")][QLatin1String("path")]
                 .toArray()
                 .size(),
             2);
    QCOMPARE(paid[QLatin1String("request")][QLatin1String("body")][QLatin1String("options")]
                 [QLatin1String("raw")][QLatin1String("language")]
                     .toString(),
             QStringLiteral("json"));

    QStringList againWarnings;
    const std::optional<Collection> again = Postman::read(exported, &againWarnings, &error);
    QVERIFY2(again, qPrintable(error));
    QVERIFY(againWarnings.isEmpty());
    QCOMPARE(again->toJson(), imported->toJson());
}

void TestPostman::exportKeepsSecretsAsNames()
{
    Collection collection;
    collection.name = QStringLiteral("s");
    collection.environments = {{QStringLiteral("dev"), {}, {}}};
    CollectionItem item;
    item.name = QStringLiteral("signed");
    item.request.url = QStringLiteral("http://h/");
    item.request.headers = {{"X-Token", "{{secret:token}}", true}};
    item.request.auth = {RequestAuth::Kind::Bearer, {}, {}, QStringLiteral("{{secret:bearer}}")};
    collection.items = {item};
    QStringList warnings;
    const QByteArray exported = Postman::write(collection, &warnings);
    QVERIFY(exported.contains("{{secret:token}}"));
    QVERIFY(exported.contains("{{secret:bearer}}"));
    QCOMPARE(warnings, QStringList{QStringLiteral("environments (dev) are not part of a Postman "
                                                  "collection and were left out")});
}

void TestPostman::badFilesSayWhere_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("error");
    QTest::newRow("syntax") << QByteArray("{\n\t\"info\": {\n\t\t\"name\": \"x\",,\n")
                            << QStringLiteral(
                                   "not valid JSON at line 3, column 15: unterminated object");
    QTest::newRow("not postman")
        << QByteArray("{\"log\": {}}")
        << QStringLiteral("not a Postman collection: no info.schema from getpostman.com");
    QTest::newRow("v1") << QByteArray("{\"info\": {\"schema\": "
                                      "\"https://schema.getpostman.com/json/collection/v1.0.0/"
                                      "collection.json\"}}")
                        << QStringLiteral(
                               "a Postman collection in an older format "
                               "(https://schema.getpostman.com/json/collection/v1.0.0/"
                               "collection.json); export it from Postman as Collection v2.1");
    QTest::newRow("item neither")
        << QByteArray("{\"info\": {\"schema\": \"https://schema.getpostman.com/json/collection/"
                      "v2.1.0/collection.json\"}, \"item\": [{\"name\": \"f\", \"item\": "
                      "[{\"name\": \"odd\"}]}]}")
        << QStringLiteral("item 1 (\"f\") › 1 (\"odd\"): neither a \"request\" nor an \"item\" "
                          "list");
}

void TestPostman::badFilesSayWhere()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, error);
    QStringList warnings;
    QString got;
    QVERIFY(!Postman::read(json, &warnings, &got));
    QCOMPARE(got, error);
}

QTEST_GUILESS_MAIN(TestPostman)
#include "tst_postman.moc"
