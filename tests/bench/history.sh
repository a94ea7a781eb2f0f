#!/usr/bin/env bash
# Million-capture benchmark: fills a store through `hookscope-cli listen` with wrk (unique 1 KiB
# JSON bodies), reports the listener's RSS, how long the search index takes to catch up, and
# the read latencies the window depends on (storebench).
# Usage: tests/bench/history.sh [BUILD_DIR] [CAPTURES] [STORE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
target=${2:-1000000}
store=${3:-$(mktemp -d)/history.sqlite}
port=${HOOKSCOPE_BENCH_PORT:-47472}
cli="$build/app/cli/hookscope-cli"
cmake --build "$build" --target hookscope-cli hookscope-storebench >/dev/null

count() {
  python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from captures').fetchone()[0])" "$store"
}

log=$(mktemp)
"$cli" listen --port "$port" --bind 127.0.0.1 --store "$store" >"$log" 2>&1 &
listener=$!
trap 'kill $listener 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q Listening "$log" && break; sleep 0.05; done
start=$(date +%s)
while [[ $(count) -lt $target ]]; do
  wrk -t1 -c32 -d20s -s "$here/unique-json.lua" "http://127.0.0.1:$port/" >/dev/null
done
filled=$(( $(date +%s) - start ))
echo "filled to $(count) captures in ${filled}s"
echo "listener RSS after the fill: $(( $(awk '/VmRSS/ {print $2}' /proc/$listener/status) / 1024 )) MB"
index_start=$(date +%s.%N)
newest=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select max(id) from captures').fetchone()[0])" "$store")
until [[ $(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select last_id from index_state').fetchone()[0])" "$store-search") -ge $newest ]]; do
  sleep 1
done
echo "search index caught up $(python3 -c "import time,sys; print(round(time.time()-float(sys.argv[1]),1))" "$index_start") s after the load stopped"
kill -TERM $listener; wait $listener || true
trap - EXIT
echo "store: $(du -h "$store" | cut -f1), index: $(du -h "$store-search" | cut -f1) ($store)"
"$build/tests/bench/hookscope-storebench" "$store" "evt_250000" "invoice.paid" "amount_paid 42" "nothing-matches-this"
