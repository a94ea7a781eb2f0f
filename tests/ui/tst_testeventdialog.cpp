#include "testeventdialog.h"
#include "textpane.h"

#include "integration/listenprocess.h"
#include "secrets/secretstore.h"
#include "session/settings.h"
#include "store/capturestore.h"
#include "wire/captureorigin.h"

#include "offscreen.h"

#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Hookscope;
using namespace Hookscope::Testing;

// Send Test Event…: picking, editing, signing and sending to a real receiver.
class TestTestEventDialog final : public QObject
{
    Q_OBJECT
public:
    static void initMain() { useOffscreenUnlessTold(); }

private slots:
    void initTestCase();
    void cleanupTestCase();
    void sendsSignedToThisReceiverAndBindsItsPath();
    void editsAreKeptPerEventUntilReset();
    void unsignedProvidersAndMissingSecretsAreSaid();

private:
    QTemporaryDir m_dir;
    SecretStore m_secrets;
    const QString m_secretName = QStringLiteral("hookscope-test-events-stripe");
};

void TestTestEventDialog::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    Settings().clear();
    QCOMPARE(m_secrets.writeNow(m_secretName, "whsec_test_secret"), QString());
}

void TestTestEventDialog::cleanupTestCase()
{
    m_secrets.removeNow(m_secretName);
}

void TestTestEventDialog::sendsSignedToThisReceiverAndBindsItsPath()
{
    const QString store = m_dir.filePath(QStringLiteral("s.sqlite"));
    ListenProcess listener(store);
    TestEventDialog dialog(listener.url(QStringLiteral("/")), {}, m_secrets);
    QVERIFY(dialog.select(QStringLiteral("stripe"), QStringLiteral("charge.refunded")));
    QCOMPARE(dialog.events()->currentItem()->text(0), QStringLiteral("charge.refunded"));
    QCOMPARE(dialog.targetUrl()->text(), listener.url(QStringLiteral("/stripe")));
    QVERIFY(dialog.targetUrl()->isReadOnly());
    QVERIFY(dialog.payload()->toPlainText().contains(QLatin1String("\"charge.refunded\"")));
    // The catalog's secret name is not in the keychain; the test's is picked by hand.
    dialog.secret()->setCurrentIndex(dialog.secret()->findData(m_secretName));
    QVERIFY(dialog.secret()->currentIndex() > 0);

    QSignalSpy answered(&dialog, &TestEventDialog::answered);
    QSignalSpy bound(&dialog, &TestEventDialog::bindingAdded);
    dialog.sendButton()->click();
    QVERIFY(answered.wait(10'000));
    QCOMPARE(answered.first().first().value<DeliveryResult>().status, 200);
    QCOMPARE(bound.size(), 1);
    const auto binding = bound.first().first().value<SignatureBinding>();
    QCOMPARE(binding.pathPrefix, QByteArray("/stripe"));
    QCOMPARE(binding.secretName, m_secretName);
    QCOMPARE(binding.scheme->name(), QStringLiteral("stripe"));
    QVERIFY2(dialog.answerStatus()->text().startsWith(
                 QStringLiteral("Stripe charge.refunded to %1, signed (this receiver now checks "
                                "/stripe with \"%2\"): 200 OK")
                     .arg(listener.url(QStringLiteral("/stripe")), m_secretName)),
             qPrintable(dialog.answerStatus()->text()));
    QVERIFY(dialog.answer()->text().startsWith(QLatin1String("HTTP/1.1 200 OK\n")));

    // Sent again: fresh ids, and the binding is not made twice.
    dialog.sendButton()->click();
    QVERIFY(answered.wait(10'000));
    QCOMPARE(bound.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 2, 10'000);
    CaptureStore captures(store);
    QVERIFY(captures.open());
    const std::optional<CapturedRequest> first = captures.capture(listener.captureIds().at(0));
    const std::optional<CapturedRequest> second = captures.capture(listener.captureIds().at(1));
    QCOMPARE(first->target, QByteArray("/stripe"));
    QVERIFY(first->body != second->body);
    QCOMPARE(CaptureOrigin::of(*first).via, QStringLiteral("test event"));
    SignatureSettings receiving;
    receiving.bindings = {binding};
    receiving.secrets.insert(m_secretName, "whsec_test_secret");
    QCOMPARE(receiving.verify(*second).outcome, SignatureVerdict::Outcome::Valid);

    // Another URL: typed by the user, and nothing bound there.
    dialog.targetChoice()->setCurrentIndex(2);
    QVERIFY(!dialog.targetUrl()->isReadOnly());
    dialog.targetUrl()->setText(listener.url(QStringLiteral("/elsewhere")));
    dialog.secret()->setCurrentIndex(dialog.secret()->findData(m_secretName));
    dialog.sendButton()->click();
    QVERIFY(answered.wait(10'000));
    QCOMPARE(bound.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), 3, 10'000);
}

void TestTestEventDialog::editsAreKeptPerEventUntilReset()
{
    const QString edited = QStringLiteral("{\"type\":\"customer.created\",\"mine\":true}");
    {
        TestEventDialog dialog(QStringLiteral("http://127.0.0.1:1"), {}, m_secrets);
        QVERIFY(dialog.select(QStringLiteral("stripe"), QStringLiteral("customer.created")));
        QVERIFY(!dialog.resetButton()->isEnabled());
        dialog.payload()->setPlainText(edited);
        QVERIFY(dialog.resetButton()->isEnabled());
        QVERIFY(dialog.select(QStringLiteral("github"), QStringLiteral("ping")));
        QVERIFY(dialog.payload()->toPlainText().contains(QLatin1String("\"zen\"")));
    }
    // Opened again later: the edit is there, for that event only.
    TestEventDialog dialog(QStringLiteral("http://127.0.0.1:1"), {}, m_secrets);
    QVERIFY(dialog.select(QStringLiteral("stripe"), QStringLiteral("customer.created")));
    QCOMPARE(dialog.payload()->toPlainText(), edited);
    QVERIFY(dialog.resetButton()->isEnabled());
    dialog.resetButton()->click();
    QVERIFY(dialog.payload()->toPlainText().startsWith(QLatin1String("{\n  \"id\": \"evt_")));
    QVERIFY(!dialog.resetButton()->isEnabled());
    QCOMPARE(Settings().testEventPayload(QStringLiteral("stripe/customer.created")), QByteArray());
}

void TestTestEventDialog::unsignedProvidersAndMissingSecretsAreSaid()
{
    // No receiver listening: "This receiver" cannot be chosen, another URL is asked for.
    TestEventDialog dialog(QString(), {}, m_secrets);
    QCOMPARE(dialog.targetChoice()->currentIndex(), 2);
    QVERIFY(dialog.targetUrl()->text().isEmpty());
    QVERIFY(dialog.select(QStringLiteral("cloudevents"), QStringLiteral("binary")));
    QVERIFY(!dialog.secret()->isEnabled());
    QCOMPARE(dialog.secret()->currentText(),
             QStringLiteral("Not signed: CloudEvents events carry no signature"));
    QVERIFY(dialog.select(QStringLiteral("github"), QStringLiteral("push")));
    QVERIFY(dialog.secret()->isEnabled());
    QCOMPARE(dialog.secret()->currentIndex(), 0);
    QCOMPARE(dialog.note()->text(),
             QStringLiteral("No secret \"github\" in the keychain: it goes unsigned. Add one "
                            "(Capture → Signatures…) to sign it with GitHub's scheme."));
    // Every event shows its payload as the catalog has it, with nothing to reset, in either
    // palette.
    const TestEventCatalog catalog = TestEventCatalog::load({});
    for (const bool dark : {false, true}) {
        if (dark) {
            QPalette palette;
            palette.setColor(QPalette::Base, Qt::black);
            palette.setColor(QPalette::Text, Qt::white);
            QApplication::setPalette(palette);
        }
        for (const TestEvent &event : catalog.events()) {
            QVERIFY(dialog.select(event.provider, event.name));
            QApplication::processEvents();
            QVERIFY2(!dialog.resetButton()->isEnabled(), qPrintable(event.name));
            QCOMPARE(dialog.payload()->toPlainText().toUtf8(), event.request.body);
        }
    }
    QApplication::setPalette(QPalette());
    // Sending without a target says what is wrong, and sends nothing.
    QSignalSpy answered(&dialog, &TestEventDialog::answered);
    dialog.sendButton()->click();
    QVERIFY2(dialog.answerStatus()->text().startsWith(QLatin1String("Not sent: ")),
             qPrintable(dialog.answerStatus()->text()));
    QVERIFY(dialog.sendButton()->isEnabled());
    QCOMPARE(answered.size(), 0);
}

QTEST_MAIN(TestTestEventDialog)
#include "tst_testeventdialog.moc"
