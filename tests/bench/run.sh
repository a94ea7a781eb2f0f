#!/usr/bin/env bash
# Contract-test run benchmark: `hookscope-cli run` of N requests, each with expectations
# (status, a header, three JSON fields, a time limit), against `hookscope-cli listen` answering
# from a mock rule, with a JUnit report. Prints requests per second and the run's peak memory.
# Usage: tests/bench/run.sh [BUILD_DIR] [REQUESTS] [RUNS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
requests=${2:-10000}
runs=${3:-1}
cli="$build/app/cli/hookscope-cli"
port=${HOOKSCOPE_BENCH_PORT:-47473}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/rules.json" <<'JSON'
{"format": "hookscope-rules", "version": 1, "rules": [{"name": "app", "match": {"path": "/hooks/*"},
 "respond": {"status": 200, "headers": {"Content-Type": "application/json"},
             "body": "{\"received\": true, \"id\": \"{{request.json.id}}\", \"count\": 3}"}}]}
JSON
python3 - "$work/contract.json" "$requests" "$port" <<'PY'
import json, sys
path, count, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
expect = {"status": "2xx", "headers": {"Content-Type": "application/json*"}, "maxMs": 1000,
          "json": [{"path": "$.received", "equals": True}, {"path": "$.id", "matches": "^evt_"},
                   {"path": "$.count", "type": "number"}]}
items = [{"name": f"event {n}", "request": {
    "method": "POST", "url": "{{baseUrl}}/hooks/%d" % n,
    "headers": [{"name": "Content-Type", "value": "application/json"}],
    "body": json.dumps({"id": "evt_%06d" % n, "type": "invoice.paid", "amount": n}),
    "expect": expect}} for n in range(count)]
json.dump({"format": "hookscope-collection", "version": 1, "name": "Bench",
           "variables": [{"name": "baseUrl", "value": f"http://127.0.0.1:{port}"}],
           "items": items}, open(path, "w"))
PY

for run in $(seq 1 "$runs"); do
  rm -f "$work"/bench.sqlite*
  "$cli" listen --port "$port" --bind 127.0.0.1 --store "$work/bench.sqlite" --rules "$work/rules.json" >"$work/listen.log" 2>&1 &
  listener=$!
  for _ in $(seq 1 100); do grep -q Listening "$work/listen.log" && break; sleep 0.05; done
  start=$(date +%s.%N)
  status=0
  /usr/bin/time -f "%M" -o "$work/rss" "$cli" run "$work/contract.json" --junit "$work/junit.xml" >"$work/run.log" || status=$?
  end=$(date +%s.%N)
  kill -TERM "$listener"
  wait "$listener" || true
  summary=$(tail -n 1 "$work/run.log")
  python3 - "$start" "$end" "$requests" "$(cat "$work/rss")" "$summary" "$run" "$status" <<'PY'
import sys
start, end, count, rss_kb, summary, run, status = sys.argv[1:]
seconds = float(end) - float(start)
print(f"run {run}: {int(count) / seconds:.0f} requests/s ({seconds:.2f} s), run peak RSS "
      f"{int(rss_kb) // 1024} MB, exit {status}: {summary}")
PY
done
