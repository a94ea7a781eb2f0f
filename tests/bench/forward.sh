#!/usr/bin/env bash
# Forwarding benchmark: wrk sends paced webhooks to `hookscope-cli listen --forward SINK`, where
# the sink is a second `hookscope-cli listen`. Reports the rate, that every capture was
# delivered (deliveries = captures = what the sink stored), and the latency forwarding adds:
# from the capture's arrival to the sink's answer, p50/p99.
# Usage: tests/bench/forward.sh [BUILD_DIR] [SECONDS] [CONNECTIONS] [DELAY_MS]
# (36 connections 4 ms apart: about 4,600-5,000 req/s here, paced by the answers' latency)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
seconds=${2:-10}
connections=${3:-36}
delay=${4:-4}
cli="$build/app/cli/hookscope-cli"
port=${HOOKSCOPE_BENCH_PORT:-47481}
sink_port=$((port + 1))
work=$(mktemp -d)
"$cli" listen --port "$sink_port" --bind 127.0.0.1 --store "$work/sink.sqlite" ${HOOKSCOPE_LISTEN_ARGS:-} >"$work/sink.log" 2>&1 &
sink=$!
"$cli" listen --port "$port" --bind 127.0.0.1 --store "$work/front.sqlite" ${HOOKSCOPE_LISTEN_ARGS:-} \
  --forward "http://127.0.0.1:$sink_port/" >"$work/front.log" 2>&1 &
front=$!
trap 'kill $front $sink 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q Listening "$work/front.log" && grep -q Listening "$work/sink.log" && break; sleep 0.05; done
HOOKSCOPE_BENCH_DIR="$here" HOOKSCOPE_DELAY_MS="$delay" \
  wrk -t1 -c"$connections" -d"${seconds}s" -s "$here/paced-json.lua" "http://127.0.0.1:$port/webhooks/stripe" >"$work/wrk.log"
# Let the forwarder drain, then stop both (the front writes its last attempts on the way out).
for _ in $(seq 1 100); do
  pending=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from deliveries where state=0').fetchone()[0])" "$work/front.sqlite")
  [[ "$pending" -eq 0 ]] && break
  sleep 0.1
done
kill -TERM $front; wait $front || true
kill -TERM $sink; wait $sink || true
trap - EXIT
python3 - "$work/front.sqlite" "$work/sink.sqlite" "$seconds" <<'PY'
import sqlite3, sys
front = sqlite3.connect(sys.argv[1])
sink = sqlite3.connect(sys.argv[2])
seconds = float(sys.argv[3])
captures = front.execute("select count(*) from captures").fetchone()[0]
delivered = front.execute("select count(*) from deliveries where state=1").fetchone()[0]
failed = front.execute("select count(*) from deliveries where state=2").fetchone()[0]
pending = front.execute("select count(*) from deliveries where state=0").fetchone()[0]
retried = front.execute("select count(*) from deliveries where attempts>1").fetchone()[0]
stored = sink.execute("select count(*) from captures").fetchone()[0]
added = sorted(r[0] for r in front.execute(
    "select a.started_us + a.duration_us - c.received_us from delivery_attempts a "
    "join deliveries d on d.id = a.delivery_id join captures c on c.id = d.capture_id "
    "where a.status between 200 and 299"))
pick = lambda q: added[min(len(added) - 1, int(q * len(added)))] / 1000 if added else float('nan')
print(f"captures {captures} ({captures / seconds:.0f}/s), delivered {delivered}, failed {failed}, "
      f"pending {pending}, retried {retried}, sink stored {stored}")
print(f"added latency (arrival -> sink's answer): p50 {pick(0.5):.1f} ms, p99 {pick(0.99):.1f} ms, "
      f"max {pick(1.0):.1f} ms")
if delivered != captures or stored < captures:
    print("LOST DELIVERIES", file=sys.stderr)
    sys.exit(1)
PY
rm -rf "$work"
