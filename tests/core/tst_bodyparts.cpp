#include "body/bodyparts.h"

#include <QTest>

using namespace Hookscope;

class TestBodyParts final : public QObject
{
    Q_OBJECT
private slots:
    void formFieldsAreDecoded();
    void multipartParts_data();
    void multipartParts();
    void brokenMultipartSaysWhere_data();
    void brokenMultipartSaysWhere();
    void otherTypesHaveNoParts();
    void suggestedFileNamesStayInTheFolder_data();
    void suggestedFileNamesStayInTheFolder();
};

void TestBodyParts::formFieldsAreDecoded()
{
    QString error;
    const QList<BodyPart> fields
        = BodyParts::split("token=abc%2B1&text=hello+world&empty=&flag&caf%C3%A9=%E2%9C%93",
                           "application/x-www-form-urlencoded; charset=utf-8", &error);
    QVERIFY(error.isEmpty());
    QCOMPARE(fields.size(), 5);
    QCOMPARE(fields[0].name, QStringLiteral("token"));
    QCOMPARE(fields[0].data, QByteArray("abc+1"));
    QCOMPARE(fields[1].data, QByteArray("hello world"));
    QCOMPARE(fields[2].data, QByteArray());
    QCOMPARE(fields[3].name, QStringLiteral("flag"));
    QCOMPARE(fields[4].name, QStringLiteral("café"));
    QCOMPARE(QString::fromUtf8(fields[4].data), QStringLiteral("✓"));
}

void TestBodyParts::multipartParts_data()
{
    QTest::addColumn<QByteArray>("lineEnd");
    QTest::newRow("CRLF, as RFC 2046 says") << QByteArray("\r\n");
    QTest::newRow("bare LF") << QByteArray("\n");
}

void TestBodyParts::multipartParts()
{
    QFETCH(QByteArray, lineEnd);
    const QByteArray file("\x89PNG\r\n\x1a\n\0\0binary\r\n--not-the-boundary", 32);
    const QByteArray body
        = "preamble is ignored" + lineEnd + "--XyZ" + lineEnd
          + "Content-Disposition: form-data; name=\"event\"" + lineEnd + lineEnd + "invoice.paid"
          + lineEnd + "--XyZ" + lineEnd
          + "Content-Disposition: form-data; name=\"upload\"; filename=\"logo.png\"" + lineEnd
          + "Content-Type: image/png" + lineEnd + lineEnd + file + lineEnd + "--XyZ--" + lineEnd
          + "epilogue";
    QString error;
    const QList<BodyPart> parts
        = BodyParts::split(body, "multipart/form-data; boundary=\"XyZ\"", &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(parts.size(), 2);
    QCOMPARE(parts[0].name, QStringLiteral("event"));
    QCOMPARE(parts[0].data, QByteArray("invoice.paid"));
    QCOMPARE(parts[1].name, QStringLiteral("upload"));
    QCOMPARE(parts[1].fileName, QStringLiteral("logo.png"));
    QCOMPARE(parts[1].contentType, QByteArray("image/png"));
    QCOMPARE(parts[1].data, file); // exact bytes, CR LF and NUL included
}

void TestBodyParts::brokenMultipartSaysWhere_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("partsRead");
    QTest::addColumn<QString>("error");
    QTest::newRow("no boundary parameter")
        << QByteArray("multipart/form-data") << QByteArray("--a\r\n\r\nx\r\n--a--") << 0
        << QStringLiteral("The multipart Content-Type has no boundary parameter");
    QTest::newRow("boundary never appears")
        << QByteArray("multipart/form-data; boundary=b") << QByteArray("just text") << 0
        << QStringLiteral("No \"--b\" delimiter found in the body");
    QTest::newRow("cut short after one part")
        << QByteArray("multipart/form-data; boundary=b")
        << QByteArray("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--b\r\n"
                      "Content-Disposition: form-data; name=\"c\"\r\n\r\nhalf a val")
        << 1
        << QStringLiteral("Multipart part 2 at byte 57 is not closed by a delimiter (the body "
                          "may be cut short)");
}

void TestBodyParts::brokenMultipartSaysWhere()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(int, partsRead);
    QFETCH(QString, error);
    QString actual;
    QCOMPARE(BodyParts::split(body, contentType, &actual).size(), partsRead);
    QCOMPARE(actual, error);
}

void TestBodyParts::otherTypesHaveNoParts()
{
    QString error;
    QVERIFY(BodyParts::split("{\"a\":1}", "application/json", &error).isEmpty());
    QVERIFY(error.isEmpty());
}

void TestBodyParts::suggestedFileNamesStayInTheFolder_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QString>("suggested");
    QTest::newRow("file name") << "doc"
                               << "report.pdf"
                               << "report.pdf";
    QTest::newRow("path in the file name") << "doc"
                                           << "../../.bashrc"
                                           << "bashrc";
    QTest::newRow("windows path") << "doc"
                                  << "C:\\Users\\x\\..\\evil.exe"
                                  << "evil.exe";
    QTest::newRow("only dots") << "doc"
                               << "..."
                               << "doc.bin";
    QTest::newRow("field name with a path") << "../../etc/passwd"
                                            << ""
                                            << "passwd.bin";
    QTest::newRow("hidden field name") << ".profile"
                                       << ""
                                       << "profile.bin";
    QTest::newRow("control characters") << "a\nb\x01"
                                           "c"
                                        << ""
                                        << "abc.bin";
    QTest::newRow("nothing usable") << "/"
                                    << "/"
                                    << "part.bin";
}

void TestBodyParts::suggestedFileNamesStayInTheFolder()
{
    QFETCH(QString, name);
    QFETCH(QString, fileName);
    QFETCH(QString, suggested);
    BodyPart part;
    part.name = name;
    part.fileName = fileName;
    QCOMPARE(part.suggestedFileName(), suggested);
}

QTEST_GUILESS_MAIN(TestBodyParts)
#include "tst_bodyparts.moc"
