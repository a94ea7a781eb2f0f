#pragma once

#include <QList>
#include <QString>

#include <optional>

namespace Hookscope {

// How a batch of deliveries is sent to test the handler that receives them, the way providers
// really deliver: each one several times (at least once), out of order, late, with a signature
// whose timestamp is old, several at once. Seeded: the same seed gives the same plan.
struct ChaosOptions
{
    int duplicates = 1;    // each delivery sent this many times
    int shuffleWindow = 0; // 0: in order; N: reordered within each N sends; -1: all of them
    int minDelayMs = 0;    // a random wait before each send, from min to max
    int maxDelayMs = 0;
    int staleSeconds = 0; // signed this long ago (re-signed, so only the age is wrong)
    // Sends in flight at once; 0: not given (one at a time for a run or a replay, no cap for a
    // forward route).
    int concurrency = 0;
    quint32 seed = 0; // 0: a fresh one, reported so the run can be repeated

    bool isPlain() const;
    // "duplicates=2 shuffle=50 delay=100-500 stale=600 concurrency=4 seed=7", each optional,
    // as a forward route carries them ("shuffle" alone: all of them).
    static std::optional<ChaosOptions> parse(const QString &text, QString *error);
    // As parse() reads it back; empty for plain options.
    QString toString() const;
};

// One send of a plan: which delivery, which copy of it (from 0), after how long a wait.
struct PlannedSend
{
    int delivery = 0;
    int copy = 0;
    int delayMs = 0;
};

// The order `deliveries` go in under `options` (whose seed must be set): each delivery's copies
// one after the other, then shuffled within windows, each with its delay. Only the seed decides.
QList<PlannedSend> chaosPlan(int deliveries, const ChaosOptions &options);

} // namespace Hookscope
