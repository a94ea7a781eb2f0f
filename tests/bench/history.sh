#!/usr/bin/env bash
# Million-capture benchmark: first the empty-store rate (three 8 s wrk rounds, each against a
# fresh store), then fills a store through `hookscope-cli listen` with 8 s wrk rounds (unique
# 1 KiB JSON bodies) to CAPTURES and on until three rounds have started past 1M captures, and
# prints each round's rate and p99, the median past 1M against the empty-store median, the
# listener's RSS, how long the search index takes to catch up, how long `listen` takes to
# start on the filled store, and the read latencies the window depends on (storebench).
# Last, as a machine's rate can move by a third from one minute to the next whatever the store
# holds, the filled store against fresh ones round by round: three pairs of 8 s rounds, each
# pair within 20 s.
# Usage: tests/bench/history.sh [BUILD_DIR] [CAPTURES] [STORE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
target=${2:-1000000}
store=${3:-$(mktemp -d)/history.sqlite}
port=${HOOKSCOPE_BENCH_PORT:-47472}
cli="$build/app/cli/hookscope-cli"
cmake --build "$build" --target hookscope-cli hookscope-storebench >/dev/null

# The newest id, which is the count here (nothing is deleted): a count(*) would scan the whole
# store between rounds and hold up the indexer while the catch-up is timed.
count() {
  python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select coalesce(max(id), 0) from captures').fetchone()[0])" "$store"
}

# One 8 s round against the listener on port $1 (else $port); prints "rate p99".
wrk_round() {
  local out
  out=$(wrk -t1 -c32 -d8s --latency -s "$here/unique-json.lua" "http://127.0.0.1:${1:-$port}/")
  echo "$(awk '/^req_per_s/ {print $2}' <<<"$out") $(awk '/^p99_ms/ {print $2}' <<<"$out")"
}

log=$(mktemp)
empty_rates=()
for run in 1 2 3; do
  empty=$(mktemp -d)
  "$cli" listen --port "$port" --bind 127.0.0.1 --store "$empty/empty.sqlite" >"$log" 2>&1 &
  listener=$!
  trap 'kill $listener 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do grep -q Listening "$log" && break; sleep 0.05; done
  read -r rate p99 <<<"$(wrk_round)"
  empty_rates+=("$rate")
  echo "empty store, run $run: $rate req/s, p99 $p99 ms"
  kill -TERM $listener; wait $listener || true
  trap - EXIT
  rm -rf "$empty"
done

"$cli" listen --port "$port" --bind 127.0.0.1 --store "$store" >"$log" 2>&1 &
listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q Listening "$log" && break; sleep 0.05; done
start=$(date +%s)
rounds=$(mktemp)
round=0
late_rounds=0
while [[ $(count) -lt $target || ($target -ge 1000000 && $late_rounds -lt 3) ]]; do
  before=$(count)
  round=$((round + 1))
  read -r rate p99 <<<"$(wrk_round)"
  load_ended=$(date +%s.%N)
  ((before >= 1000000)) && late_rounds=$((late_rounds + 1))
  echo "$before $rate $p99" >>"$rounds"
  echo "round $round from $before captures: $rate req/s, p99 $p99 ms"
done
filled=$(( $(date +%s) - start ))
echo "filled to $(count) captures in ${filled}s"
python3 - "$rounds" "${empty_rates[@]}" <<'SUMMARY'
import statistics, sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
empty = statistics.median([float(rate) for rate in sys.argv[2:]])
late = [rate for before, rate, _ in rows if before >= 1_000_000]
print(f"empty store: median {empty:.0f} req/s; first round of the fill {rows[0][1]:.0f} req/s; "
      f"worst round p99 {max(p for *_, p in rows):.1f} ms")
if late:
    print(f"past 1M captures: median {statistics.median(late):.0f} req/s over {len(late)} rounds "
          f"({' / '.join(f'{r:.0f}' for r in late)}), {statistics.median(late) / empty:.2f}x "
          f"the empty store")
SUMMARY
echo "listener RSS after the fill: $(( $(awk '/VmRSS/ {print $2}' /proc/$listener/status) / 1024 )) MB"
python3 - "$store" "$load_ended" <<'CATCHUP'
import sqlite3, sys, time
start = float(sys.argv[2])
store = sqlite3.connect(sys.argv[1])
index = sqlite3.connect(sys.argv[1] + "-search")
newest = store.execute("select max(id) from captures").fetchone()[0]
text_at, sort_at, analyzed_at = index.execute(
    "select last_id, sorted_id, analyzed_id from index_state").fetchone()
print(f"when the load stopped: search index {newest - text_at} captures behind, sort keys "
      f"{newest - sort_at} behind, event analysis {newest - analyzed_at} behind")
for column, what in (("last_id", "search index"), ("sorted_id", "sort keys"),
                     ("analyzed_id", "event analysis")):
    while index.execute(f"select {column} from index_state").fetchone()[0] < newest:
        time.sleep(0.1)
    print(f"{what} caught up {time.time() - start:.1f} s after the load stopped")
CATCHUP
kill -TERM $listener; wait $listener || true
trap - EXIT
echo "store: $(du -h "$store" | cut -f1), index: $(du -h "$store-search" | cut -f1) ($store)"
# Starting again on the filled store (its integrity check is cut short after a second).
"$cli" listen --port "$port" --bind 127.0.0.1 --store "$store" >"$log" 2>&1 &
listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT
started=$(date +%s.%N)
for _ in $(seq 1 1200); do grep -q Listening "$log" && break; sleep 0.05; done
echo "listen ready on the filled store in $(python3 -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$started") s"
empty_port=$((port + 1))
paired=$(mktemp)
for pair in 1 2 3; do
  empty=$(mktemp -d)
  "$cli" listen --port "$empty_port" --bind 127.0.0.1 --store "$empty/empty.sqlite" >"$empty/log" 2>&1 &
  fresh=$!
  for _ in $(seq 1 100); do grep -q Listening "$empty/log" && break; sleep 0.05; done
  # Which goes first alternates, so that neither is always the one after a pause.
  if ((pair % 2)); then
    read -r fresh_rate fresh_p99 <<<"$(wrk_round "$empty_port")"
    read -r filled_rate filled_p99 <<<"$(wrk_round)"
  else
    read -r filled_rate filled_p99 <<<"$(wrk_round)"
    read -r fresh_rate fresh_p99 <<<"$(wrk_round "$empty_port")"
  fi
  kill -TERM $fresh; wait $fresh || true
  rm -rf "$empty"
  echo "pair $pair: fresh store $fresh_rate req/s (p99 $fresh_p99 ms), filled store $filled_rate req/s (p99 $filled_p99 ms)"
  echo "$fresh_rate $filled_rate" >>"$paired"
done
python3 - "$paired" <<'PAIRED'
import statistics, sys
pairs = [tuple(map(float, line.split())) for line in open(sys.argv[1])]
fresh = statistics.median(f for f, _ in pairs)
filled = statistics.median(f for _, f in pairs)
print(f"round by round: filled store median {filled:.0f} req/s, fresh store {fresh:.0f}: "
      f"{filled / fresh:.2f}x")
PAIRED
# Read latencies are for a store whose index has caught up, as after any pause.
python3 - "$store" <<'INDEXED'
import sqlite3, sys, time
newest = sqlite3.connect(sys.argv[1]).execute("select max(id) from captures").fetchone()[0]
index = sqlite3.connect(sys.argv[1] + "-search")
while min(index.execute("select last_id, sorted_id from index_state").fetchone()) < newest:
    time.sleep(0.1)
INDEXED
kill -TERM $listener; wait $listener || true
trap - EXIT
"$build/tests/bench/hookscope-storebench" "$store" "evt_250000" "invoice.paid" "amount_paid 42" "nothing-matches-this" "event:invoice.paid" "is:drift"
