// Renders the main views with sample captures to PNG files, for the README and for looking at
// the window without clicking through it. Run under Xvfb: tests/screenshots.sh.
#include "bodypartsview.h"
#include "capturedetailview.h"
#include "composerdialog.h"
#include "captureactions.h"
#include "capturelistmodel.h"
#include "capturelistview.h"
#include "collectionspanel.h"
#include "conflictbar.h"
#include "rundialog.h"
#include "testeventdialog.h"
#include "variablesdialog.h"
#include "diffdialog.h"
#include "deliveryactions.h"
#include "landialog.h"
#include "composeractions.h"
#include "shapesdialog.h"
#include "trafficdialog.h"
#include "mainwindow.h"
#include "publicurldialog.h"
#include "reachactions.h"
#include "rulesdialog.h"
#include "secrets/secretstore.h"
#include "signaturesdialog.h"
#include "targetdialogs.h"

#include "store/capturestore.h"
#include "store/capturewriter.h"
#include "collections/collectiondocument.h"
#include "receiver/receiverhost.h"

#include "session/session.h"
#include "session/settings.h"
#include "signing/signature.h"
#include "wire/requestparser.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDateTime>
#include <QIcon>
#include <QProcess>
#include <QPushButton>
#include <QStandardPaths>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QJsonObject>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QTreeView>
#include <QStyle>
#include <QTest>

using namespace Hookscope;

namespace {

void send(const QString &url, const QStringList &arguments)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               QStringList{QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null")}
                   + arguments + QStringList{url});
    curl.waitForFinished(30'000);
}

// An hour of made-up traffic up to now, for the Traffic view: Stripe events signed with the
// secret bound to their path (a few tampered with), GitHub pushes, a burst of 500s.
int appendPastHour(CaptureWriter &writer, const QByteArray &stripeSecret)
{
    constexpr qint64 Second = 1'000'000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    const QList<QByteArray> stripeTypes{"invoice.paid", "invoice.paid", "invoice.paid",
                                        "customer.created", "charge.failed"};
    int appended = 0;
    for (qint64 at = now - 3600 * Second; at < now - 60 * Second; at += 2 * Second, ++appended) {
        const bool stripe = appended % 4 != 3;
        const QByteArray type = stripe ? stripeTypes.at(appended % stripeTypes.size()) : "push";
        const QByteArray body = "{\"id\":\"evt_" + QByteArray::number(appended) + "\",\"type\":\""
                                + type + "\",\"data\":{}}";
        QByteArray head = "POST /" + QByteArray(stripe ? "webhooks/stripe" : "github/events")
                          + " HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                          + QByteArray::number(body.size()) + "\r\n";
        if (stripe) {
            SignedRequest toSign;
            toSign.body = body;
            QString error;
            const HeaderList signature = Signatures::sign(
                *SignatureScheme::parse(QStringLiteral("stripe"), nullptr),
                appended % 29 == 0 ? QByteArrayLiteral("whsec_tampered") : stripeSecret, toSign,
                at / Second, {}, &error);
            for (const HeaderField &field : signature)
                head += field.name + ": " + field.value + "\r\n";
        } else {
            head += "X-GitHub-Event: push\r\n";
        }
        RequestParser parser;
        parser.feed(QByteArray(head + "\r\n" + body));
        CapturedRequest request = parser.takeRequest();
        request.receivedAtUs = at;
        const qint64 minutesAgo = (now - at) / (60 * Second);
        request.responseStatus = minutesAgo >= 20 && minutesAgo < 24 && appended % 3 ? 500 : 200;
        writer.append(std::move(request), 0);
    }
    return appended;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QStandardPaths::setTestModeEnabled(true); // a first launch: no saved window state
    Settings().clear();
    const QString outputDir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral(".");
    // A second run, under QT_SCALE_FACTOR=2 (tests/screenshots.sh): the window alone, prefixed.
    const QString sizesOnly = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
    QDir().mkpath(outputDir);
    QTemporaryDir storeDir;
    const QString path = storeDir.filePath(QStringLiteral("captures.sqlite"));
    CaptureStore store(path);
    Session::Options options;
    options.receiver.port = 0;
    options.receiver.addresses = {QHostAddress(QHostAddress::LocalHost)};
    Session session(path, options);
    if (!store.open() || !session.start(nullptr))
        return 1;
    ReceiverHost &receiver = session.receiver();
    MainWindow window(store, session);
    window.resize(1280, 720);
    window.show();
    window.startListening();
    const auto save = [&](const QString &name) {
        QTest::qWait(200); // let the window paint before grabbing it
        const QString file = outputDir + QLatin1Char('/') + name + QStringLiteral(".png");
        if (!window.grab().save(file))
            return false;
        qInfo("wrote %s", qPrintable(file));
        return true;
    };
    // The main window at the sizes users have: with and without the Collections dock.
    auto *collectionsDock = window.findChild<QDockWidget *>(QStringLiteral("collectionsDock"));
    const auto saveSizes = [&](const QString &prefix, const QList<QSize> &sizes) {
        bool all = true;
        for (const QSize size : sizes) {
            for (const bool collections : {false, true}) {
                collectionsDock->setVisible(collections);
                window.resize(size);
                all = all
                      && save(prefix
                              + QStringLiteral("window-%1x%2%3")
                                    .arg(size.width())
                                    .arg(size.height())
                                    .arg(collections ? QStringLiteral("-collections") : QString()));
            }
        }
        collectionsDock->hide();
        window.resize(1280, 720);
        return all;
    };
    if (sizesOnly.isEmpty() && !save(QStringLiteral("first-launch")))
        return 1;

    const QString base = receiver.baseUrl();
    const QString json = QStringLiteral("Content-Type: application/json");
    send(base + QStringLiteral("webhooks/stripe"),
         {QStringLiteral("-H"), json, QStringLiteral("-H"),
          QStringLiteral(
              "Stripe-Signature: "
              "t=1700000000,v1=92a67d03f3996371aee723f680b97033696bcd5bb8a1826c465e55a4d569d2c1"),
          QStringLiteral("--data-binary"),
          QStringLiteral(R"({"id":"evt_test_webhook","object":"event","type":"invoice.paid"})")});
    send(base + QStringLiteral("github/events"),
         {QStringLiteral("-H"), json, QStringLiteral("-H"), QStringLiteral("X-GitHub-Event: push"),
          QStringLiteral("-H"),
          QStringLiteral("X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958"),
          QStringLiteral("--data-binary"),
          QStringLiteral(R"({"ref":"refs/heads/main","commits":[]})")});
    send(base + QStringLiteral("shopify/orders/create?shop=example"),
         {QStringLiteral("-H"), json, QStringLiteral("--data-binary"),
          QStringLiteral(R"({"id":820982911946154508})")});
    send(base + QStringLiteral("slack/commands"),
         {QStringLiteral("--data-urlencode"), QStringLiteral("text=/deploy staging")});
    send(base + QStringLiteral("health"), {});
    if (!QTest::qWaitFor([&] { return window.captureModel()->rowCount() == 5; }, 10'000))
        return 1;

    window.captureView()->setCurrentIndex(window.captureModel()->index(4, 0));
    QTest::qWait(1100); // one status bar refresh
    const QList<QSize> sizes{QSize(1024, 700), QSize(1440, 900), QSize(1920, 1080)};
    if (!sizesOnly.isEmpty())
        return saveSizes(sizesOnly + QLatin1Char('-'), {sizes.first()}) ? 0 : 1;
    if (!saveSizes(QString(), sizes))
        return 1;
    QTabWidget *tabs = window.detailView()->tabs();
    QIcon(QStringLiteral(":/icons/hookscope.svg"))
        .pixmap(128)
        .save(outputDir + QStringLiteral("/icon.png"));
    bool saved = save(QStringLiteral("main-window"));
    tabs->setCurrentIndex(CaptureDetailView::HeadersTab);
    saved = saved && save(QStringLiteral("headers"));
    tabs->setCurrentIndex(CaptureDetailView::BodyTab);
    saved = saved && save(QStringLiteral("body"));
    tabs->setCurrentIndex(CaptureDetailView::WireTab);
    saved = saved && save(QStringLiteral("raw"));
    window.captureView()->setCurrentIndex(window.captureModel()->index(3, 0)); // GitHub push
    tabs->setCurrentIndex(CaptureDetailView::BodyTab);
    window.detailView()->bodyTabs()->setCurrentIndex(CaptureDetailView::TreeBody);
    window.detailView()->jsonTree()->expandAll();
    saved = saved && save(QStringLiteral("tree"));

    // Two Stripe-like events compared side by side.
    send(base + QStringLiteral("webhooks/stripe"),
         {QStringLiteral("-H"), json, QStringLiteral("--data-binary"),
          QStringLiteral(
              R"({"id":"evt_test_webhook_2","object":"event","type":"invoice.payment_failed"})")});
    if (!QTest::qWaitFor([&] { return window.captureModel()->rowCount() == 6; }, 10'000))
        return 1;
    QItemSelectionModel *selection = window.captureView()->selectionModel();
    selection->select(window.captureModel()->index(0, 0),
                      QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    selection->select(window.captureModel()->index(5, 0),
                      QItemSelectionModel::Select | QItemSelectionModel::Rows);
    window.captureActions()->compareSelected();
    if (auto *diff = window.findChild<DiffDialog *>()) {
        diff->resize(1000, 420);
        QTest::qWait(200);
        saved = saved && diff->grab().save(outputDir + QStringLiteral("/compare.png"));
        diff->close();
    }

    // A multipart upload opens on its parts.
    QTemporaryFile attachment;
    attachment.open();
    attachment.write("id,amount\nin_1,2000\nin_2,4500\n");
    attachment.close();
    send(base + QStringLiteral("uploads"),
         {QStringLiteral("-F"), QStringLiteral("event=invoice.paid"), QStringLiteral("-F"),
          QStringLiteral("report=@%1;filename=invoices.csv;type=text/csv")
              .arg(attachment.fileName())});
    if (!QTest::qWaitFor([&] { return window.captureModel()->rowCount() == 7; }, 10'000))
        return 1;
    window.captureView()->setCurrentIndex(window.captureModel()->index(0, 0));
    window.detailView()->bodyTabs()->setCurrentIndex(CaptureDetailView::PartsBody);
    window.detailView()->bodyParts()->table()->setCurrentCell(1, 0);
    saved = saved && save(QStringLiteral("parts"));

    // Forwarded to an app that answers and to one that is down: the Deliveries tab.
    QTcpServer target;
    target.listen(QHostAddress::LocalHost);
    QObject::connect(&target, &QTcpServer::newConnection, &target, [&target] {
        QTcpSocket *socket = target.nextPendingConnection();
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            socket->write("HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\n"
                          "Content-Length: 17\r\n\r\n{\"received\":true}");
        });
    });
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost);
    const QString downUrl = QStringLiteral("http://127.0.0.1:%1/hooks").arg(probe.serverPort());
    probe.close();
    window.deliveryActions()->setForwardTargets(
        {QStringLiteral("http://127.0.0.1:%1").arg(target.serverPort()), downUrl});
    send(base + QStringLiteral("webhooks/stripe"),
         {QStringLiteral("-H"), json, QStringLiteral("--data-binary"),
          QStringLiteral(R"({"id":"evt_forwarded","type":"invoice.paid"})")});
    if (!QTest::qWaitFor([&] { return window.captureModel()->rowCount() == 8; }, 10'000))
        return 1;
    window.captureView()->setCurrentIndex(window.captureModel()->index(0, 0));
    tabs->setCurrentIndex(CaptureDetailView::DeliveriesTab);
    QTest::qWait(2500); // the first attempts, and a retry of the target that is down
    window.captureView()->setCurrentIndex(window.captureModel()->index(1, 0));
    window.captureView()->setCurrentIndex(window.captureModel()->index(0, 0));
    saved = saved && save(QStringLiteral("deliveries"));
    if (ForwardingDialog *forwarding = window.deliveryActions()->forwardingDialog()) {
        ForwardRoute proxy;
        proxy.pathPrefix = "/shopify";
        proxy.target = QStringLiteral("https://localhost:8443/webhooks/shopify");
        proxy.proxy = true;
        proxy.options.fixedUrl = true;
        proxy.options.acceptSelfSigned = true;
        forwarding->addRoute(proxy);
        QTest::qWait(200);
        saved = saved && forwarding->grab().save(outputDir + QStringLiteral("/forwarding.png"));
        forwarding->reject();
    }

    // The first capture carries Stripe's test vector: its signature matches, three years late.
    window.secrets()->writeNow(QStringLiteral("stripe test"), "whsec_test_secret");
    SignatureBinding stripe;
    stripe.pathPrefix = "/webhooks/stripe";
    stripe.secretName = QStringLiteral("stripe test");
    window.setSignatureBindings({stripe});
    window.captureView()->setCurrentIndex(
        window.captureModel()->index(window.captureModel()->rowCount() - 1, 0));
    tabs->setCurrentIndex(CaptureDetailView::SignatureTab);
    QTest::qWait(500);
    // The list's Signature column is its last: scrolled into view.
    window.captureView()->scrollTo(
        window.captureModel()->index(0, CaptureListModel::SignatureColumn));
    saved = saved && save(QStringLiteral("signature"));
    if (ComposerDialog *composer = window.composerActions()->openComposer(true)) {
        composer->resize(1100, 640);
        for (QTabWidget *composerTabs : composer->findChildren<QTabWidget *>()) {
            if (composerTabs->tabText(composerTabs->count() - 1) == QLatin1String("Sign"))
                composerTabs->setCurrentIndex(composerTabs->count() - 1);
        }
        QTest::qWait(200);
        saved = saved && composer->grab().save(outputDir + QStringLiteral("/composer-sign.png"));
        composer->close();
    }
    if (SignaturesDialog *signatures = window.signaturesDialog()) {
        QTest::qWait(200);
        saved = saved && signatures->grab().save(outputDir + QStringLiteral("/signatures.png"));
        signatures->reject();
    }

    // Edit and resend: the composer, after sending to the app.
    Settings().setReplayTarget(QStringLiteral("http://127.0.0.1:%1").arg(target.serverPort()));
    if (ComposerDialog *composer = window.composerActions()->openComposer(true)) {
        composer->resize(1100, 640);
        composer->send();
        if (!QTest::qWaitFor(
                [&] { return composer->answerStatus()->text().startsWith(QLatin1String("202")); },
                5000))
            return 1;
        QTest::qWait(200);
        saved = saved && composer->grab().save(outputDir + QStringLiteral("/composer.png"));
        composer->close();
    }

    // Collections: the captures kept in a folder, an environment, a run and the variables.
    CollectionsPanel *collections = window.collections();
    Collection stripeEvents;
    stripeEvents.name = QStringLiteral("Webhook replays");
    QString collectionError;
    CollectionDocument *document = collections->createCollection(
        storeDir.filePath(QStringLiteral("webhook-replays.json")), stripeEvents, &collectionError);
    if (!document)
        return 1;
    collections->addFolder({document, {}}, QStringLiteral("Payments"));
    collections->addFolder({document, {}}, QStringLiteral("Source control"));
    QList<qint64> ids;
    for (int row = 0; row < window.captureModel()->rowCount(); ++row)
        ids.append(window.captureModel()->summary(row).id);
    window.composerActions()->saveCapturesTo({document, {0}}, {ids[4], ids[2]});
    window.composerActions()->saveCapturesTo({document, {1}}, {ids[3]});
    window.composerActions()->saveCapturesTo({document, {}}, {ids[0]});
    document->setVariables(
        document->collection().variables,
        {{QStringLiteral("local app"),
          {{QStringLiteral("baseUrl"),
            QStringLiteral("http://127.0.0.1:%1").arg(target.serverPort())}},
          {}},
         {QStringLiteral("staging"),
          {{QStringLiteral("baseUrl"), QStringLiteral("https://staging.example.com")}},
          {}}});
    collections->setEnvironment(document, QStringLiteral("local app"));
    collections->select(document, {0, 0});
    saved = saved && save(QStringLiteral("collections"));
    // A change made outside while one made here is not saved yet: the panel asks.
    document->setAutosaveDelay(60'000);
    collections->select(document, {2});
    collections->renameCurrent(QStringLiteral("invoice.paid (edited here)"));
    {
        Collection outside = document->collection();
        outside.items[2].name = QStringLiteral("invoice.paid (edited in git)");
        QString writeError;
        outside.save(document->path(), &writeError);
    }
    if (!QTest::qWaitFor([&] { return collections->conflictBar()->isVisible(); }, 5000))
        return 1;
    saved = saved && save(QStringLiteral("collections-conflict"));
    collections->conflictBar()->keepMineButton()->click();
    document->setAutosaveDelay(CollectionDocument::DefaultAutosaveDelayMs);
    collections->select(document, {});
    if (RunDialog *run = collections->runCurrent()) {
        run->start();
        if (!QTest::qWaitFor(
                [&] { return run->summary()->text().contains(QLatin1String("passed")); }, 10'000))
            return 1;
        QTest::qWait(200);
        saved = saved && run->grab().save(outputDir + QStringLiteral("/collection-run.png"));
        run->close();
    }
    if (VariablesDialog *variables = collections->editVariables(document)) {
        variables->sets()->setCurrentRow(1);
        QTest::qWait(200);
        saved = saved && variables->grab().save(outputDir + QStringLiteral("/variables.png"));
        variables->reject();
    }
    if (ComposerDialog *composer = window.composerActions()->openCollectionItem(document, {0, 0})) {
        composer->resize(1100, 640);
        composer->authKind()->setCurrentIndex(int(RequestAuth::Kind::Bearer));
        composer->authToken()->setText(QStringLiteral("{{secret:stripe test}}"));
        for (QTabWidget *composerTabs : composer->findChildren<QTabWidget *>()) {
            for (int tab = 0; tab < composerTabs->count(); ++tab) {
                if (composerTabs->tabText(tab) == QLatin1String("Auth"))
                    composerTabs->setCurrentIndex(tab);
            }
        }
        QTest::qWait(200);
        saved = saved && composer->grab().save(outputDir + QStringLiteral("/composer-item.png"));
        composer->close();
    }

    // Mock rules: the editor, a rule tried on the selected Stripe capture, then applied.
    for (int row = window.captureModel()->rowCount() - 1; row >= 0; --row) {
        if (window.captureModel()->summary(row).target.startsWith("/webhooks/stripe")) {
            window.captureView()->setCurrentIndex(window.captureModel()->index(row, 0));
            break;
        }
    }
    if (RulesDialog *rules = window.rulesDialog()) {
        const auto rule = [](const char *json) {
            return QJsonDocument::fromJson(json).object();
        };
        rules->addRule(rule(R"({"name": "invoice.paid fails 3×", "match": {"method": "POST",
            "path": "/webhooks/stripe", "json": [{"path": "$.type", "equals": "invoice.paid"}]},
            "respond": [{"times": 3, "status": 500, "body": "{\"error\":\"try again\"}"},
                        {"status": 200, "headers": {"Content-Type": "application/json"},
                         "body": "{\"received\":\"{{request.json.id}}\",\"at\":\"{{now}}\"}"}]})"));
        rules->addRule(rule(R"({"name": "GitHub is slow", "match": {"path": "/github/*"},
            "respond": {"status": 202, "delay": {"min": 200, "max": 900}}})"));
        rules->addRule(rule(R"({"name": "Shopify resets", "enabled": false,
            "match": {"path": "/shopify/*"}, "respond": {"fault": "reset"}})"));
        rules->list()->setCurrentRow(0);
        rules->tryOnSelected();
        QTest::qWait(200);
        saved = saved && rules->grab().save(outputDir + QStringLiteral("/rules.png"));
        rules->accept();
    }
    send(base + QStringLiteral("github/events"),
         {QStringLiteral("-H"), json, QStringLiteral("--data-binary"), QStringLiteral("{}")});
    if (!QTest::qWaitFor([&] { return window.captureModel()->summary(0).rule.size() > 0; }, 10'000))
        return 1;
    window.captureView()->setCurrentIndex(window.captureModel()->index(0, 0));
    tabs->setCurrentIndex(CaptureDetailView::OverviewTab);
    window.captureView()->scrollTo(window.captureModel()->index(0, 0));
    saved = saved && save(QStringLiteral("rules-applied"));
    window.setMockRules({});

    // The LAN dialog switched on: its URL and QR code.
    const auto saveLan = [&window, &outputDir](const QString &name) {
        LanDialog *lan = window.reachActions()->lanDialog();
        lan->lanSwitch()->setChecked(true);
        const bool grabbed = lan->grab().save(outputDir + QLatin1Char('/') + name);
        lan->lanSwitch()->setChecked(false);
        lan->close();
        return grabbed;
    };
    saved = saved && saveLan(QStringLiteral("lan.png"));

    // A provider's test event sent to this receiver, and what it answered.
    const auto saveTestEvent = [&window, &outputDir](const QString &name) {
        TestEventDialog *events = window.testEventDialog();
        events->select(QStringLiteral("github"), QStringLiteral("pull_request"));
        events->send();
        const bool answered = QTest::qWaitFor(
            [&] { return events->answerStatus()->text().contains(QLatin1String("200 OK")); },
            10'000);
        const bool grabbed = answered && events->grab().save(outputDir + QLatin1Char('/') + name);
        events->close();
        return grabbed;
    };
    saved = saved && saveTestEvent(QStringLiteral("test-event.png"));

    // View → Event Shapes…, once the index has learnt a shape.
    const auto saveShapes = [&window, &store, &outputDir](const QString &name) {
        bool learnt = false;
        for (int attempt = 0; attempt < 100 && !learnt; ++attempt) {
            QTest::qWait(100);
            learnt = !store.eventTypes().isEmpty();
        }
        ShapesDialog *shapes = window.shapesDialog();
        shapes->resize(900, 520);
        QTest::qWait(200);
        const bool grabbed = learnt && shapes->grab().save(outputDir + QLatin1Char('/') + name);
        shapes->close();
        return grabbed;
    };
    saved = saved && saveShapes(QStringLiteral("shapes.png"));

    // The same window in a dark palette, as a dark desktop theme would set it.
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x26));
    dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Button, QColor(0x35, 0x35, 0x35));
    dark.setColor(QPalette::ButtonText, QColor(0xe0, 0xe0, 0xe0));
    dark.setColor(QPalette::Highlight, QColor(0x2f, 0x65, 0xca));
    dark.setColor(QPalette::HighlightedText, Qt::white);
    dark.setColor(QPalette::PlaceholderText, QColor(0x90, 0x90, 0x90));
    // Switched-off controls dimmed, as a desktop theme dims them.
    for (const QPalette::ColorRole role :
         {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        dark.setColor(QPalette::Disabled, role, QColor(0x80, 0x80, 0x80));
    QApplication::setPalette(dark);
    tabs->setCurrentIndex(CaptureDetailView::BodyTab);
    // The Stripe event posted first (the oldest row to its path).
    for (int row = window.captureModel()->rowCount() - 1; row >= 0; --row) {
        if (window.captureModel()->summary(row).target.startsWith("/webhooks/stripe")) {
            window.captureView()->setCurrentIndex(window.captureModel()->index(row, 0));
            break;
        }
    }
    window.detailView()->bodyTabs()->setCurrentIndex(CaptureDetailView::PrettyBody);
    saved = saved && save(QStringLiteral("dark-pretty"));
    window.detailView()->bodyTabs()->setCurrentIndex(CaptureDetailView::HexBody);
    saved = saved && save(QStringLiteral("dark-hex"));
    window.detailView()->bodyTabs()->setCurrentIndex(CaptureDetailView::PrettyBody);
    saved = saved && saveSizes(QStringLiteral("dark-"), {sizes.first()});

    // Reaching the receiver from elsewhere, dark too: the QR code stays dark on light, as
    // scanners read it.
    PublicUrlDialog *publicUrl = window.reachActions()->publicUrlDialog();
    publicUrl->tool()->setCurrentIndex(publicUrl->tool()->findData(QStringLiteral("smee")));
    saved = saved && publicUrl->grab().save(outputDir + QStringLiteral("/dark-public-url.png"));
    publicUrl->close();
    saved = saved && saveLan(QStringLiteral("dark-lan.png"));
    saved = saved && saveTestEvent(QStringLiteral("dark-test-event.png"));
    saved = saved && saveShapes(QStringLiteral("dark-shapes.png"));

    // View → Traffic… over the last hour, once the index has worked out every capture's type
    // and the checker every verdict; light, then dark.
    const qint64 before = store.count();
    const int added = appendPastHour(session.writer(), "whsec_test_secret");
    const auto saveTraffic = [&](const QString &name, int tab, TrafficDialog::Grouping lines) {
        TrafficDialog *traffic = window.trafficDialog();
        traffic->resize(900, 560);
        traffic->setRange(TrafficDialog::Range::LastHour);
        traffic->setGrouping(lines);
        traffic->tabs()->setCurrentIndex(tab);
        bool ready = false;
        for (int attempt = 0; attempt < 300 && !ready; ++attempt) {
            QTest::qWait(200);
            traffic->refresh();
            QTest::qWait(200);
            const TrafficReport &report = traffic->report();
            ready = report.chart
                    == (tab == 2                                      ? TrafficChart::Verdicts
                        : lines == TrafficDialog::Grouping::EventType ? TrafficChart::ByEvent
                                                                      : TrafficChart::ByStatus);
            for (const QList<TrafficSeries> *series : {&report.byEvent, &report.verdicts}) {
                for (const TrafficSeries &one : *series) {
                    ready = ready && one.name != TrafficStats::NotAnalyzed
                            && one.name != TrafficStats::Unchecked;
                }
            }
        }
        QTest::qWait(300); // laid out and painted
        const bool grabbed = ready && traffic->grab().save(outputDir + QLatin1Char('/') + name);
        traffic->close();
        return grabbed;
    };
    saved = saved && QTest::qWaitFor([&] { return store.count() == before + added; }, 30'000);
    saved = saved
            && saveTraffic(QStringLiteral("dark-traffic-signatures.png"), 2,
                           TrafficDialog::Grouping::StatusClass);
    QApplication::setPalette(QApplication::style()->standardPalette());
    saved = saved
            && saveTraffic(QStringLiteral("traffic.png"), 0, TrafficDialog::Grouping::StatusClass);
    saved = saved
            && saveTraffic(QStringLiteral("traffic-events.png"), 0,
                           TrafficDialog::Grouping::EventType);
    return saved ? 0 : 1;
}
