#include "listenprocess.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

using namespace Hookscope::Testing;

// One secret, kept in the keychain, used by every feature of the command line that can use
// one: sign, verify, replay re-signed, forwarding re-signed, a collection run, exports. Then
// every file under Hookscope's data and config folders (the store, its log and search index,
// settings, collections) is searched for the secret's value: it is in none.
// (The composer's send history: tst_mainwindow.)
class TestSecretLeaks final : public QObject
{
    Q_OBJECT
private slots:
    void secretValuesReachNoFile();
};

void TestSecretLeaks::secretValuesReachNoFile()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QSKIP("No session bus: tests/run.sh starts one with an unlocked gnome-keyring");
    QTemporaryDir home;
    QTemporaryDir elsewhere; // the target's own store: it receives the secret, as it should
    const QString data = home.filePath(QStringLiteral("data"));
    const QString config = home.filePath(QStringLiteral("config"));
    qputenv("XDG_DATA_HOME", QFile::encodeName(data));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(config));
    const QString store = data + QStringLiteral("/hookscope/captures.sqlite");
    const QByteArray secret = "whsec_leakcheck_Z3p9Qx7Lm2";
    const QString name = QStringLiteral("leak-check");
    QCOMPARE(runCli({QStringLiteral("secret"), QStringLiteral("set"), name}, secret).exitCode, 0);
    const QStringList withSecret{QStringLiteral("--secret-name"), name};

    ListenProcess target(elsewhere.filePath(QStringLiteral("target.sqlite")));
    {
        // Forwarding re-signs with the secret; the capture itself is signed with it (sign).
        ListenProcess app(store, QStringList{QStringLiteral("--forward"),
                                             target.url(QString()) + QStringLiteral(" resign")}
                                     + withSecret);
        const QByteArray body = R"({"id":"evt_1","type":"invoice.paid"})";
        const CliResult signature
            = runCli(QStringList{QStringLiteral("sign"), QStringLiteral("--scheme"),
                                 QStringLiteral("stripe"), QStringLiteral("--data-binary"),
                                 QString::fromUtf8(body)}
                     + withSecret);
        QCOMPARE(signature.exitCode, 0);
        QProcess curl;
        curl.start(
            QStringLiteral("curl"),
            QStringList{QStringLiteral("-sS"), QStringLiteral("-o"), QStringLiteral("/dev/null")}
                + headerArguments(signature.out)
                + QStringList{QStringLiteral("--data-binary"), QString::fromUtf8(body),
                              app.url(QStringLiteral("/stripe"))});
        QVERIFY(curl.waitForFinished(20'000));
        QTRY_COMPARE_WITH_TIMEOUT(target.captureIds().size(), 1, 20'000);
    }
    const QString id = QStringLiteral("1");
    const CliResult verified = runCli(
        QStringList{QStringLiteral("verify"), id, QStringLiteral("--store"), store} + withSecret);
    QVERIFY2(verified.exitCode == 0, verified.out.constData());
    QCOMPARE(runCli(QStringList{QStringLiteral("replay"), id, QStringLiteral("--to"),
                                target.url(QString()), QStringLiteral("--resign"),
                                QStringLiteral("--store"), store}
                    + withSecret)
                 .exitCode,
             0);

    // A collection that sends the secret in a header, run, then exported both ways.
    const QString collection = data + QStringLiteral("/hookscope/collections/leak.json");
    QDir().mkpath(QFileInfo(collection).absolutePath());
    QFile file(collection);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"format": "hookscope-collection", "version": 1, "name": "leak", "items": [)"
               R"({"name": "r", "request": {"method": "POST", "url": ")"
               + target.url(QStringLiteral("/run")).toUtf8()
               + R"(", "headers": [{"name": "X-Token", "value": "{{secret:)" + name.toUtf8()
               + R"(}}"}], "body": "{}"}}]})");
    file.close();
    const CliResult run
        = runCli({QStringLiteral("run"), collection, QStringLiteral("--store"), store});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QCOMPARE(runCli({QStringLiteral("export"), QStringLiteral("--postman"),
                     data + QStringLiteral("/hookscope/leak.postman.json"),
                     QStringLiteral("--collection"), collection, QStringLiteral("--store"), store})
                 .exitCode,
             0);
    QCOMPARE(runCli({QStringLiteral("export"), QStringLiteral("--har"),
                     data + QStringLiteral("/hookscope/all.har"), QStringLiteral("--store"), store})
                 .exitCode,
             0);
    // The target got the secret where it was meant to go: the test can see it.
    QTRY_COMPARE_WITH_TIMEOUT(target.captureIds().size(), 3, 20'000);

    int searched = 0;
    for (const QString &folder : {data, config}) {
        QDirIterator files(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile found(files.next());
            QVERIFY(found.open(QIODevice::ReadOnly));
            QVERIFY2(!found.readAll().contains(secret), qPrintable(found.fileName()));
            ++searched;
        }
    }
    // The store, its search index, the secret names' list, the collection and both exports.
    QVERIFY2(searched >= 6, QByteArray::number(searched).constData());
    runCli({QStringLiteral("secret"), QStringLiteral("delete"), name});
}

QTEST_GUILESS_MAIN(TestSecretLeaks)
#include "tst_secretleaks.moc"
