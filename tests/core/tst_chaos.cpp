#include "delivery/chaos.h"

#include <QTest>

using namespace Hookscope;

// Delivery chaos: options as a forward route writes them, and plans that only the seed decides.
class TestChaos final : public QObject
{
    Q_OBJECT
private slots:
    void optionsReadAsWritten();
    void optionsThatAreWrongSayWhich_data();
    void optionsThatAreWrongSayWhich();
    void eachDeliveryIsSentItsNumberOfTimes();
    void theSeedAloneDecidesThePlan();
    void shufflingStaysWithinItsWindow();
};

void TestChaos::optionsReadAsWritten()
{
    QString error;
    const std::optional<ChaosOptions> options = ChaosOptions::parse(
        QStringLiteral("duplicates=3  shuffle=20 delay=100-500 stale=600 concurrency=4 seed=7"),
        &error);
    QVERIFY2(options, qPrintable(error));
    QCOMPARE(options->duplicates, 3);
    QCOMPARE(options->shuffleWindow, 20);
    QCOMPARE(options->minDelayMs, 100);
    QCOMPARE(options->maxDelayMs, 500);
    QCOMPARE(options->staleSeconds, 600);
    QCOMPARE(options->concurrency, 4);
    QCOMPARE(options->seed, 7u);
    QVERIFY(!options->isPlain());
    QCOMPARE(
        options->toString(),
        QStringLiteral("duplicates=3 shuffle=20 delay=100-500 stale=600 concurrency=4 seed=7"));
    QCOMPARE(ChaosOptions::parse(QStringLiteral("shuffle delay=50"), &error)->toString(),
             QStringLiteral("shuffle delay=50"));
    QVERIFY(ChaosOptions::parse(QString(), &error)->isPlain());
}

void TestChaos::optionsThatAreWrongSayWhich_data()
{
    QTest::addColumn<QString>("written");
    QTest::addColumn<QString>("error");
    QTest::newRow("zero copies") << QStringLiteral(
        "duplicates=0") << QStringLiteral("duplicates=0: how many times each is sent, 1 to 100");
    QTest::newRow("window of one")
        << QStringLiteral("shuffle=1")
        << QStringLiteral("shuffle=1: the number of sends reordered "
                          "together, 2 or more (\"shuffle\" alone: all)");
    QTest::newRow("backwards delay") << QStringLiteral("delay=500-100")
                                     << QStringLiteral("delay=500-100: milliseconds, or a range "
                                                       "such as 100-500");
    QTest::newRow("no seed") << QStringLiteral("seed=0")
                             << QStringLiteral("seed=0: a number from 1 to 4294967295");
    QTest::newRow("typo") << QStringLiteral("duplicate=2")
                          << QStringLiteral("duplicate=2: not a delivery option (duplicates=N, "
                                            "shuffle[=N], delay=MS[-MS], stale=S, concurrency=N, "
                                            "seed=N)");
}

void TestChaos::optionsThatAreWrongSayWhich()
{
    QFETCH(QString, written);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!ChaosOptions::parse(written, &got));
    QCOMPARE(got, error);
}

void TestChaos::eachDeliveryIsSentItsNumberOfTimes()
{
    ChaosOptions options;
    options.duplicates = 3;
    options.shuffleWindow = -1;
    options.minDelayMs = 10;
    options.maxDelayMs = 40;
    options.seed = 99;
    const QList<PlannedSend> plan = chaosPlan(5, options);
    QCOMPARE(plan.size(), 15);
    for (int delivery = 0; delivery < 5; ++delivery) {
        QList<int> copies;
        for (const PlannedSend &send : plan)
            if (send.delivery == delivery)
                copies.append(send.copy);
        std::sort(copies.begin(), copies.end());
        QCOMPARE(copies, QList<int>({0, 1, 2}));
    }
    for (const PlannedSend &send : plan)
        QVERIFY(send.delayMs >= 10 && send.delayMs <= 40);
    // Without shuffling, in order: each delivery's copies one after the other.
    options.shuffleWindow = 0;
    const QList<PlannedSend> ordered = chaosPlan(2, options);
    QCOMPARE(ordered.size(), 6);
    for (int at = 0; at < 6; ++at) {
        QCOMPARE(ordered[at].delivery, at / 3);
        QCOMPARE(ordered[at].copy, at % 3);
    }
}

void TestChaos::theSeedAloneDecidesThePlan()
{
    ChaosOptions options;
    options.duplicates = 2;
    options.shuffleWindow = -1;
    options.maxDelayMs = 1000;
    options.seed = 12345;
    const auto order = [](const QList<PlannedSend> &plan) {
        QList<std::tuple<int, int, int>> sends;
        for (const PlannedSend &send : plan)
            sends.append({send.delivery, send.copy, send.delayMs});
        return sends;
    };
    QCOMPARE(order(chaosPlan(50, options)), order(chaosPlan(50, options)));
    ChaosOptions other = options;
    other.seed = 54321;
    QVERIFY(order(chaosPlan(50, options)) != order(chaosPlan(50, other)));
}

void TestChaos::shufflingStaysWithinItsWindow()
{
    ChaosOptions options;
    options.shuffleWindow = 4;
    options.seed = 3;
    const QList<PlannedSend> plan = chaosPlan(10, options);
    bool moved = false;
    for (int at = 0; at < plan.size(); ++at) {
        QCOMPARE(plan[at].delivery / 4, at / 4); // never leaves its window of four
        moved = moved || plan[at].delivery != at;
    }
    QVERIFY(moved);
}

QTEST_GUILESS_MAIN(TestChaos)
#include "tst_chaos.moc"
