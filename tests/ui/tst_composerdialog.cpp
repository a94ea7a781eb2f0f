#include "composerdialog.h"
#include "expectationseditor.h"
#include "textpane.h"

#include "collections/collection.h"
#include "secrets/secretstore.h"
#include "store/capturestore.h"

#include "offscreen.h"

#include <QComboBox>
#include <QDateTime>
#include <QJsonDocument>
#include <QSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope;

// The composer on its own: fields in and out with their {{placeholders}}, what it refuses as it
// is typed, curl commands pasted in, and sends to a real local app kept in the store's history.
class TestComposerDialog final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void initTestCase();
    void collectionRequestsComeBackAsWritten();
    void expectationsAreEditedInAForm();
    void mistakesAreShownAsTyped();
    void curlCommandsFillTheFields();
    void sendsWithVariablesAndKeepsTheHistory();
    void secretsAddedMeanwhileAreOffered();

private:
    QTemporaryDir m_dir;
    QString storePath() const { return m_dir.filePath(QStringLiteral("c.sqlite")); }
};

// The send history is one of the store's tables, there once the store has been opened.
void TestComposerDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // the secrets' names go to a test location
    CaptureStore store(storePath());
    QVERIFY(store.open());
}

void TestComposerDialog::collectionRequestsComeBackAsWritten()
{
    RequestTemplate request;
    request.method = "PUT";
    request.url = QStringLiteral("{{baseUrl}}/orders/{{id}}");
    request.headers = {{"Content-Type", "application/json", true}, {"X-Debug", "1", false}};
    request.body = R"({"id":"{{id}}"})";
    request.auth = {RequestAuth::Kind::Bearer, {}, {}, QStringLiteral("{{token}}")};

    ComposerDialog composer(storePath());
    composer.load(request);
    QCOMPARE(composer.method()->currentText(), QStringLiteral("PUT"));
    QCOMPARE(composer.url()->text(), request.url);
    QCOMPARE(composer.headers()->item(1, 0)->checkState(), Qt::Unchecked);
    const RequestTemplate back = composer.requestTemplate();
    QCOMPARE(back.method, request.method);
    QCOMPARE(back.url, request.url);
    QCOMPARE(back.headers.size(), 2);
    QCOMPARE(back.headers[1].name, QByteArray("X-Debug"));
    QVERIFY(!back.headers[1].enabled);
    QCOMPARE(back.body, request.body);
    QCOMPARE(back.auth.kind, RequestAuth::Kind::Bearer);
    QCOMPARE(back.auth.token, QStringLiteral("{{token}}"));

    // A request kept signed opens with its scheme and secret chosen, and is kept so.
    RequestTemplate signedRequest = request;
    signedRequest.signing = {QStringLiteral("github"), QStringLiteral("gh secret")};
    composer.load(signedRequest);
    QCOMPARE(composer.signScheme()->currentText(), QStringLiteral("github"));
    QCOMPARE(composer.signSecret()->currentText(), QStringLiteral("gh secret"));
    QCOMPARE(composer.requestTemplate().signing.scheme, QStringLiteral("github"));
    QCOMPARE(composer.requestTemplate().signing.secretName, QStringLiteral("gh secret"));
    composer.load(request);
    QVERIFY(!composer.requestTemplate().signing.isSet());

    // Save hands the fields, placeholders and all, to whoever keeps them.
    composer.setOrigin(QStringLiteral("order update"));
    QCOMPARE(composer.saveButton()->text(), QStringLiteral("Save"));
    QSignalSpy saved(&composer, &ComposerDialog::saveRequested);
    composer.saveButton()->click();
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().first().value<RequestTemplate>().url, request.url);

    // Resolved for sending: variables filled in, the switched-off header left out.
    composer.setVariables({{QStringLiteral("baseUrl"), QStringLiteral("http://127.0.0.1:9")},
                           {QStringLiteral("id"), QStringLiteral("42")},
                           {QStringLiteral("token"), QStringLiteral("tok_1")}});
    QString error;
    const std::optional<OutgoingRequest> outgoing = composer.request(&error);
    QVERIFY2(outgoing, qPrintable(error));
    QCOMPARE(outgoing->url.toString(), QStringLiteral("http://127.0.0.1:9/orders/42"));
    QCOMPARE(outgoing->body, QByteArray(R"({"id":"42"})"));
    QVERIFY(headerValue(outgoing->headers, "X-Debug").isEmpty());
    QCOMPARE(headerValue(outgoing->headers, "Content-Type"), QByteArray("application/json"));
    QCOMPARE(headerValue(outgoing->headers, "Authorization"), QByteArray("Bearer tok_1"));
}

void TestComposerDialog::expectationsAreEditedInAForm()
{
    QString error;
    RequestTemplate request;
    request.url = QStringLiteral("http://127.0.0.1:1/hook");
    request.expect = *Expectations::fromJson(
        QJsonDocument::fromJson(R"({"status": "2xx", "maxMs": 300, "idempotent": "same-body",
            "headers": {"Content-Type": "application/json*"},
            "json": [{"path": "$.received", "equals": true}, {"path": "$.id", "matches": "^evt_"}]})")
            .object(),
        &error);
    ComposerDialog composer(storePath());
    composer.load(request);
    ExpectationsEditor *editor = composer.expectations();
    QCOMPARE(editor->status()->text(), QStringLiteral("2xx"));
    QCOMPARE(editor->maxMs()->value(), 300);
    QCOMPARE(editor->idempotent()->currentIndex(), 2);
    QCOMPARE(editor->headers()->item(0, 1)->text(), QStringLiteral("application/json*"));
    QCOMPARE(editor->json()->rowCount(), 2);
    QCOMPARE(editor->json()->item(0, 2)->text(), QStringLiteral("true"));
    QCOMPARE(composer.requestTemplate().expect.toJson(), request.expect.toJson());

    // Changed in the form: a field that must be a number, typed as JSON.
    editor->json()->item(0, 0)->setText(QStringLiteral("$.count"));
    editor->json()->item(0, 2)->setText(QStringLiteral("3"));
    QCOMPARE(composer.requestTemplate().expect.json.first().equals, QJsonValue(3));
    QCOMPARE(composer.requestTemplate().expect.json.first().path.text(), QStringLiteral("$.count"));

    // A status that is none: said under the form, and the request cannot be saved so.
    QVERIFY(composer.saveButton()->isEnabled());
    editor->status()->setText(QStringLiteral("20x"));
    QCOMPARE(editor->problem(), QStringLiteral("\"status\": \"20x\" is not a status (201), a class "
                                               "(2xx) or a range (200-204)"));
    QVERIFY(!composer.saveButton()->isEnabled());
    editor->status()->setText(QStringLiteral("200-204"));
    QVERIFY(composer.saveButton()->isEnabled());
    QCOMPARE(composer.requestTemplate().expect.status->high, 204);
}

void TestComposerDialog::mistakesAreShownAsTyped()
{
    ComposerDialog composer(storePath());
    composer.url()->setText(QStringLiteral("http://127.0.0.1:9/"));

    // Broken JSON is pointed out where it breaks, once the headers say it is JSON; fixed, the
    // note goes.
    composer.body()->setPlainText(QStringLiteral(R"({"id": evt})"));
    QVERIFY(composer.bodyProblem()->text().isEmpty());
    RequestTemplate json;
    json.method = "POST";
    json.url = QStringLiteral("http://127.0.0.1:9/");
    json.headers = {{"Content-Type", "application/json", true}};
    json.body = R"({"id": evt})";
    composer.load(json);
    QCOMPARE(composer.bodyProblem()->text(),
             QStringLiteral("JSON error at line 1, column 8: expected a value, found 'e'"));
    // A missing comma, on the third line: said as such, where it is, and marked in the text.
    composer.body()->setPlainText(QStringLiteral("{\n  \"id\": \"evt\"\n  \"type\": \"x\"\n}"));
    QCOMPARE(composer.bodyProblem()->text(),
             QStringLiteral("JSON error at line 3, column 3: expected ',' or '}' after a member, "
                            "found '\"'"));
    const QList<QTextEdit::ExtraSelection> marks = composer.body()->extraSelections();
    QCOMPARE(marks.size(), 1);
    QCOMPARE(marks.first().cursor.selectedText(), QStringLiteral("\""));
    QCOMPARE(marks.first().cursor.blockNumber(), 2);
    composer.body()->setPlainText(QStringLiteral(R"({"id": "evt"})"));
    QVERIFY(composer.bodyProblem()->text().isEmpty());
    QVERIFY(composer.body()->extraSelections().isEmpty());

    // A method that could not go on the wire is refused as it is typed.
    const QString statusBefore = composer.answerStatus()->text();
    composer.method()->setEditText(QStringLiteral("POST;touch${IFS}PWNED;#"));
    QVERIFY(!composer.sendButton()->isEnabled());
    QVERIFY(composer.answerStatus()->text().contains(QStringLiteral("is not an HTTP method")));
    composer.method()->setEditText(QStringLiteral("POST"));
    QVERIFY(composer.sendButton()->isEnabled());
    QCOMPARE(composer.answerStatus()->text(), statusBefore);

    // A URL that is not one stops the request, saying so.
    composer.url()->setText(QStringLiteral("not a url"));
    QString error;
    QVERIFY(!composer.request(&error));
    QVERIFY(!error.isEmpty());
}

void TestComposerDialog::curlCommandsFillTheFields()
{
    ComposerDialog composer(storePath());
    QVERIFY(composer.pasteCurl(
        QStringLiteral("curl -X PATCH 'https://example.com/hooks?x=1' -H 'X-Mark: 7' "
                       "--data-raw '{\"a\":1}'")));
    QCOMPARE(composer.method()->currentText(), QStringLiteral("PATCH"));
    QCOMPARE(composer.url()->text(), QStringLiteral("https://example.com/hooks?x=1"));
    QCOMPARE(composer.body()->toPlainText(), QStringLiteral(R"({"a":1})"));
    bool marked = false;
    for (int row = 0; row < composer.headers()->rowCount(); ++row)
        marked = marked
                 || (composer.headers()->item(row, 0)->text() == QStringLiteral("X-Mark")
                     && composer.headers()->item(row, 1)->text() == QStringLiteral("7"));
    QVERIFY(marked);
    QVERIFY(composer.answerStatus()->text().contains(QStringLiteral("not sent yet")));

    // Not a curl command: the fields stay, and why is shown.
    QVERIFY(!composer.pasteCurl(QStringLiteral("wget https://example.com/")));
    QVERIFY(composer.answerStatus()->text().startsWith(QStringLiteral("Not a usable curl")));
    QCOMPARE(composer.method()->currentText(), QStringLiteral("PATCH"));
}

void TestComposerDialog::sendsWithVariablesAndKeepsTheHistory()
{
    QTcpServer app;
    QVERIFY(app.listen(QHostAddress::LocalHost));
    QByteArray received;
    connect(&app, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *socket = app.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket, &received] {
            received += socket->readAll();
            if (received.endsWith("}"))
                socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                              "Content-Length: 11\r\n\r\n{\"ok\":true}");
        });
    });

    ComposerDialog composer(storePath());
    composer.method()->setEditText(QStringLiteral("POST"));
    composer.url()->setText(QStringLiteral("http://127.0.0.1:%1/hooks").arg(app.serverPort()));
    composer.body()->setPlainText(QStringLiteral(R"({"id":"{{event}}"})"));

    // A variable with no value stops the send and says which.
    composer.send();
    QCOMPARE(composer.answerStatus()->text(),
             QStringLiteral("No value for {{event}}: add it under Variables"));
    QVERIFY(received.isEmpty());

    composer.setVariables({{QStringLiteral("event"), QStringLiteral("evt_9")}});
    QSignalSpy answered(&composer, &ComposerDialog::answered);
    composer.send();
    QTRY_COMPARE(answered.size(), 1);
    QVERIFY(composer.answerStatus()->text().startsWith(QStringLiteral("200 OK")));
    QVERIFY(received.startsWith("POST /hooks HTTP/1.1\r\n"));
    QVERIFY(received.endsWith(R"({"id":"evt_9"})"));
    QCOMPARE(composer.answerBody()->text(), QStringLiteral("{\n  \"ok\": true\n}"));
    QCOMPARE(composer.history()->count(), 1);

    // The history is in the store: a new composer lists the send and loads it back.
    ComposerDialog again(storePath());
    QCOMPARE(again.history()->count(), 1);
    again.history()->setCurrentRow(0);
    QCOMPARE(again.body()->toPlainText(), QStringLiteral(R"({"id":"evt_9"})"));
    QVERIFY(again.answerStatus()->text().startsWith(QStringLiteral("200 OK")));
}

void TestComposerDialog::secretsAddedMeanwhileAreOffered()
{
    SecretStore secrets;
    const QString name
        = QStringLiteral("composer-test-%1").arg(QDateTime::currentMSecsSinceEpoch());
    ComposerDialog composer(storePath());
    composer.setSecrets(&secrets);
    QCOMPARE(composer.signSecret()->findText(name), -1);
    QCOMPARE(secrets.writeNow(name, "whsec_test"), QString());
    QVERIFY(composer.signSecret()->findText(name) >= 0);
    QVERIFY(composer.signScheme()->parentWidget()->isEnabled());
    secrets.removeNow(name);
    QCOMPARE(composer.signSecret()->findText(name), -1);
}

QTEST_MAIN(TestComposerDialog)
#include "tst_composerdialog.moc"
