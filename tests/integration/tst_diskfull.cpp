#include "listenprocess.h"

#include "store/capturestore.h"

#include <QDir>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>

using namespace Hookscope::Testing;

// A store on a disk that is full: what was captured can still be read, and nothing is deleted
// to make room. The disk is a small tmpfs, which needs root to mount; without it the test says
// so and skips.
class TestDiskFull final : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void readsWorkOnAFullDisk();
    void anImportSaysExactlyWhatWentIn();
    void aStoreReopenedOnceThereIsRoomIsWritable();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_disk;
};

void TestDiskFull::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_disk = m_dir->filePath(QStringLiteral("disk"));
    QVERIFY(QDir().mkpath(m_disk));
    if (::mount("tmpfs", QFile::encodeName(m_disk).constData(), "tmpfs", 0, "size=4m") != 0)
        QSKIP("mounting a 4 MB tmpfs needs root (CI runs as root)");
}

void TestDiskFull::cleanup()
{
    ::umount2(QFile::encodeName(m_disk).constData(), MNT_DETACH);
}

void TestDiskFull::readsWorkOnAFullDisk()
{
    const QString store = m_disk + QStringLiteral("/captures.sqlite");
    const int captures = 20;
    {
        ListenProcess listener(store);
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, listener.port());
        QVERIFY(client.waitForConnected());
        for (int i = 0; i < captures; ++i)
            client.write("POST /full HTTP/1.1\r\nHost: x\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
        QTRY_COMPARE_WITH_TIMEOUT(listener.captureIds().size(), captures, 10'000);
    }
    QFile filler(m_disk + QStringLiteral("/filler"));
    QVERIFY(filler.open(QIODevice::WriteOnly));
    const QByteArray block(64 * 1024, 'f');
    while (filler.write(block) == block.size() && filler.flush()) {
    }
    filler.close();
    const QStringList before = QDir(m_disk).entryList(QDir::Files);

    const CliResult list = runCli({QStringLiteral("list"), QStringLiteral("--store"), store});
    QVERIFY2(list.exitCode == 0, list.err.constData());
    QCOMPARE(list.out.count('\n'), captures);
    const CliResult show = runCli({QStringLiteral("show"), QStringLiteral("1"),
                                   QStringLiteral("--raw"), QStringLiteral("--store"), store});
    QVERIFY2(show.exitCode == 0, show.err.constData());
    QVERIFY(show.out.startsWith("POST /full HTTP/1.1"));
    // Nothing was deleted to make room: the search index is still there.
    for (const QString &file : before) {
        if (!file.endsWith(QLatin1String("-wal")) && !file.endsWith(QLatin1String("-shm")))
            QVERIFY2(QFile::exists(m_disk + QLatin1Char('/') + file), qPrintable(file));
    }
}

// The disk fills up during an import: the ones that went in are named, and are in the store.
void TestDiskFull::anImportSaysExactlyWhatWentIn()
{
    const QString store = m_disk + QStringLiteral("/captures.sqlite");
    QVERIFY(runCli({QStringLiteral("list"), QStringLiteral("--store"), store}).exitCode == 0);
    // About 6 MB of requests for a 4 MB disk, in batches of up to 2,048: the first may fit.
    QByteArray entries;
    const int count = 6000;
    for (int i = 0; i < count; ++i) {
        entries += (i ? "," : "")
                   + QByteArray(R"({"request": {"method": "POST", "url": "http://h/e)")
                   + QByteArray::number(i) + R"(", "headers": [], "postData": {"text": ")"
                   + QByteArray(700, 'x') + R"("}}})";
    }
    const QString har = m_dir->filePath(QStringLiteral("big.har"));
    QFile file(har);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(R"({"log": {"entries": [)" + entries + "]}}");
    file.close();
    const CliResult imported
        = runCli({QStringLiteral("import"), har, QStringLiteral("--store"), store});
    QCOMPARE(imported.exitCode, 2);
    // Either nothing went in, or it names the entries that did not (the rest did).
    const QRegularExpression said(QStringLiteral("only (\\d+) of %1 requests could be stored.*"
                                                 "(nothing went in|the file's entries ([-\\d, ]+) "
                                                 "did not go in, the others did)$")
                                      .arg(count));
    const QRegularExpressionMatch match = said.match(QString::fromUtf8(imported.err.trimmed()));
    QVERIFY2(match.hasMatch(), imported.err.constData());
    int missing = 0;
    for (const QString &range : match.captured(3).split(QStringLiteral(", "), Qt::SkipEmptyParts)) {
        const QStringList ends = range.split(QLatin1Char('-'));
        missing += ends.last().toInt() - ends.first().toInt() + 1;
    }
    if (match.captured(1).toInt() > 0)
        QCOMPARE(match.captured(1).toInt() + missing, count);
    const CliResult list = runCli({QStringLiteral("list"), QStringLiteral("--limit"),
                                   QStringLiteral("10000"), QStringLiteral("--store"), store});
    QVERIFY2(list.exitCode == 0, list.err.constData());
    QCOMPARE(list.out.count('\n'), match.captured(1).toInt());
}

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"

// Opened for reading on a full disk, then opened again once there is room: writable again.
void TestDiskFull::aStoreReopenedOnceThereIsRoomIsWritable()
{
    const QString path = m_disk + QStringLiteral("/captures.sqlite");
    {
        Hookscope::CaptureStore created(path);
        QVERIFY2(created.open(), qPrintable(created.errorString()));
    }
    QFile filler(m_disk + QStringLiteral("/filler"));
    QVERIFY(filler.open(QIODevice::WriteOnly));
    const QByteArray block(64 * 1024, 'f');
    while (filler.write(block) == block.size() && filler.flush()) {
    }
    filler.close();

    Hookscope::CaptureStore store(path);
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    QVERIFY(store.isReadingOnly());
    QVERIFY(filler.remove());
    QVERIFY2(store.open(), qPrintable(store.errorString()));
    QVERIFY(!store.isReadingOnly());
}
