#include "listenprocess.h"

#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Hookscope::Testing;

// Every reader of a file from outside (HAR, Postman, collection, rules, curl) through the
// command line: a file of the wrong shape is refused with exit 2 and a message naming what is
// wrong, never taken for an empty one, and never crashes the reader.
class TestOutsideFiles final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void wrongShapesNameTheField_data();
    void wrongShapesNameTheField();
    void devicesAndPipesAreRefused_data();
    void devicesAndPipesAreRefused();

private:
    QString write(const QString &name, const QByteArray &bytes);
    CliResult importInto(const QString &file);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestOutsideFiles::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
}

QString TestOutsideFiles::write(const QString &name, const QByteArray &bytes)
{
    QFile file(m_dir->filePath(name));
    if (!file.open(QIODevice::WriteOnly))
        return {};
    file.write(bytes);
    return file.fileName();
}

CliResult TestOutsideFiles::importInto(const QString &file)
{
    return runCli({QStringLiteral("import"), file, QStringLiteral("--into"),
                   m_dir->filePath(QStringLiteral("into.json")), QStringLiteral("--store"),
                   m_dir->filePath(QStringLiteral("s.sqlite"))});
}

void TestOutsideFiles::wrongShapesNameTheField_data()
{
    QTest::addColumn<QString>("command"); // import or rules
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    const QByteArray rules = R"({"format": "hookscope-rules", "version": 1, )";
    QTest::newRow("rules: a string for the list") << "rules" << rules + R"("rules": "x"})"
                                                  << R"("rules" must be an array, not a string)";
    QTest::newRow("rules: a rule that is a number") << "rules" << rules + R"("rules": [3]})"
                                                    << "rule 1: must be an object";
    QTest::newRow("rules: a status that is text")
        << "rules" << rules + R"("rules": [{"respond": {"status": "200"}}]})"
        << R"(rule 1: respond: "status" must be a number, not a string)";
    QTest::newRow("rules: a header pattern that is a number")
        << "rules" << rules + R"("rules": [{"match": {"headers": {"X-A": 1}}, "respond": {}}]})"
        << "rule 1: match.headers X-A: the pattern must be a string";
    const QByteArray collection = R"({"format": "hookscope-collection", "version": 1, )";
    QTest::newRow("collection: items that are not a list")
        << "import" << collection + R"("items": {"a": 1}})"
        << R"("items" must be an array, not an object)";
    QTest::newRow("collection: a request that is text")
        << "import" << collection + R"("items": [{"name": "a", "request": "GET /"}]})"
        << R"(item 1: "request" must be an object, not a string)";
    QTest::newRow("collection: a method that is a number")
        << "import" << collection + R"("items": [{"request": {"method": 5, "url": "http://h/"}}]})"
        << R"(item 1: "method" must be a string, not a number)";
    QTest::newRow("collection: variables that are an object")
        << "import" << collection + R"("variables": {"a": "b"}, "items": []})"
        << R"("variables" must be an array, not an object)";
    const QByteArray postman = R"({"info": {"name": "p", "schema": "https://schema.getpostman.com/)"
                               R"(json/collection/v2.1.0/collection.json"}, )";
    QTest::newRow("postman: a method that is an array")
        << "import"
        << postman + R"("item": [{"name": "r", "request": {"method": [], "url": "http://h/"}}]})"
        << R"(item 1 ("r"): request: "method" must be a string, not an array)";
    QTest::newRow("postman: an item that is a number") << "import" << postman + R"("item": [7]})"
                                                       << "item 1: must be an object";
    QTest::newRow("har: an entry's headers that are text")
        << "import"
        << QByteArray(R"({"log": {"entries": [{"request": {"method": "GET", "url": "http://h/", )"
                      R"("headers": "Host: h"}}]}})")
        << R"(entry 1: "headers" must be an array, not a string)";
    QTest::newRow("curl: not UTF-8") << "import" << QByteArray("curl -H 'X-A: caf\xe9' http://h/\n")
                                     << "not UTF-8 text (byte 17 is 0xe9)";
}

void TestOutsideFiles::wrongShapesNameTheField()
{
    QFETCH(QString, command);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const QString file = write(QStringLiteral("outside"), bytes);
    CliResult result;
    if (command == QLatin1String("import")) {
        result = importInto(file);
    } else {
        QProcess listen;
        listen.start(cliPath(),
                     {QStringLiteral("listen"), QStringLiteral("--port"), QStringLiteral("0"),
                      QStringLiteral("--rules"), file, QStringLiteral("--store"),
                      m_dir->filePath(QStringLiteral("s.sqlite"))});
        QVERIFY(listen.waitForFinished(20'000));
        result = {listen.exitCode(), listen.readAllStandardOutput(), listen.readAllStandardError()};
    }
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message.toUtf8()), result.err.constData());
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("into.json"))));
}

void TestOutsideFiles::devicesAndPipesAreRefused_data()
{
    QTest::addColumn<QString>("command");
    QTest::newRow("import") << "import";
    QTest::newRow("rules") << "rules";
    QTest::newRow("send --data-binary") << "send";
}

// /dev/zero has no size to check and never ends: it once ended the reader with bad_alloc.
void TestOutsideFiles::devicesAndPipesAreRefused()
{
    QFETCH(QString, command);
    const QString fifo = m_dir->filePath(QStringLiteral("fifo"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    for (const QString &file : {QStringLiteral("/dev/zero"), fifo}) {
        const QString store = m_dir->filePath(QStringLiteral("s.sqlite"));
        const CliResult result
            = command == QLatin1String("import") ? importInto(file)
              : command == QLatin1String("rules")
                  ? runCli({QStringLiteral("listen"), QStringLiteral("--port"), QStringLiteral("0"),
                            QStringLiteral("--rules"), file, QStringLiteral("--store"), store})
                  : runCli({QStringLiteral("send"), QStringLiteral("--data-binary"),
                            QLatin1Char('@') + file, QStringLiteral("http://127.0.0.1:9/")});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("not a regular file"), result.err.constData());
    }
}

QTEST_GUILESS_MAIN(TestOutsideFiles)
#include "tst_outsidefiles.moc"
