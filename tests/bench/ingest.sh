#!/usr/bin/env bash
# Ingest benchmark: wrk (1 thread, 32 keep-alive connections, 1 KiB JSON POST) against
# `hookscope-cli listen` with the durability guarantee on, then counts the captures in the
# store. Usage: tests/bench/ingest.sh [BUILD_DIR] [SECONDS] [RUNS]
# HOOKSCOPE_LISTEN_ARGS adds options to listen (e.g. "--durability process").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
seconds=${2:-10}
runs=${3:-1}
cli="$build/app/cli/hookscope-cli"
port=${HOOKSCOPE_BENCH_PORT:-47471}

for run in $(seq 1 "$runs"); do
  work=$(mktemp -d)
  "$cli" listen --port "$port" --bind 127.0.0.1 --store "$work/bench.sqlite" ${HOOKSCOPE_LISTEN_ARGS:-} >"$work/listen.log" 2>&1 &
  listener=$!
  for _ in $(seq 1 100); do grep -q Listening "$work/listen.log" && break; sleep 0.05; done
  # The write-ahead log's largest size during the run, sampled every 0.2 s.
  (peak=0; while kill -0 "$listener" 2>/dev/null; do
     size=$(stat -c %s "$work/bench.sqlite-wal" 2>/dev/null || echo 0)
     ((size > peak)) && peak=$size && echo "$peak" >"$work/wal-peak"
     sleep 0.2; done) &
  sampler=$!
  wrk -t1 -c32 -d"${seconds}s" --latency -s "$here/post-json.lua" "http://127.0.0.1:$port/webhooks/stripe" >"$work/wrk.log"
  rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$listener/status")
  sleep 3 # idle: the log should be cut back by now
  wal_idle=$(stat -c %s "$work/bench.sqlite-wal" 2>/dev/null || echo 0)
  kill -TERM "$listener"
  wait "$listener" || true
  wait "$sampler" || true
  stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from captures').fetchone()[0])" "$work/bench.sqlite")
  ok=$(awk '/^ok_2xx/ {print $2}' "$work/wrk.log")
  echo "run $run: $(awk '/^req_per_s/ {print $2}' "$work/wrk.log") req/s, p50 $(awk '/^p50_ms/ {print $2}' "$work/wrk.log") ms, p99 $(awk '/^p99_ms/ {print $2}' "$work/wrk.log") ms, 2xx $ok, stored $stored, listener RSS $((rss_kb / 1024)) MB, log peak $(($(cat "$work/wal-peak" 2>/dev/null || echo 0) / 1048576)) MB, log 3 s after $((wal_idle / 1048576)) MB"
  if [[ "$stored" -lt "$ok" ]]; then
    echo "LOST CAPTURES: $ok answered 2xx but only $stored stored" >&2
    exit 1
  fi
  rm -rf "$work"
done
