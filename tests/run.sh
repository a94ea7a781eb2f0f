#!/usr/bin/env bash
# Installs what is missing, builds Hookscope and runs every test: formatting, the include
# layers, the libFuzzer targets (120 s of fuzzing, in two lanes), the core tests under
# ASan+UBSan, the Debian package (installed, checked, removed), then the full suite. ctest's
# summary of the full suite is the last thing printed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc)
fuzz_seconds=${HOOKSCOPE_FUZZ_SECONDS:-120}

bash packaging/install-deps.sh --test

echo "== clang-format (at ${SECONDS} s)"
unformatted=$(git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror 2>&1 | grep -c 'error:' || true)
if [[ "$unformatted" != "0" ]]; then
  git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror
  exit 1
fi

echo "== layers: includes follow core/README.md (at ${SECONDS} s)"
python3 tests/checklayers.py

echo "== build (at ${SECONDS} s)"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build build -j "$jobs"

echo "== sanitizer build: libFuzzer targets and core tests, ASan+UBSan, clang (at ${SECONDS} s)"
# One build serves both: the core is compiled once with the sanitizers and fuzzer coverage.
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug \
  -DHOOKSCOPE_SANITIZE=ON -DHOOKSCOPE_FUZZ=ON -DHOOKSCOPE_BUILD_GUI=OFF >/dev/null
cmake --build build-asan -j "$jobs"

echo "== fuzz: every parser of outside input, ${fuzz_seconds} s of fuzzing (at ${SECONDS} s)"
# Runs one target; prints its stats when it ends well, what it found when it does not.
fuzz() {
  local target=$1 seconds=$2 corpus
  corpus=$(mktemp -d)
  cp "tests/fuzz/corpus/$target"/* "$corpus/"
  if ! "build-asan/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" >"$corpus.log" 2>&1; then
    echo "-- fuzz_$target found a problem:"
    tail -n 60 "$corpus.log"
    return 1
  fi
  echo "-- fuzz_$target, ${seconds} s"
  tail -n 4 "$corpus.log"
  rm -rf "$corpus" "$corpus.log"
}
# Two lanes side by side: the request parser, which faces every client, gets half the time;
# the other targets share the other half, one after another.
others=(curlcommand interchange bodies filter relay clienthello)
lane1_log=$(mktemp)
fuzz requestparser $((fuzz_seconds / 2)) >"$lane1_log" 2>&1 &
lane1=$!
lane2_status=0
for target in "${others[@]}"; do
  fuzz "$target" $((fuzz_seconds / 2 / ${#others[@]})) || { lane2_status=1; break; }
done
lane1_status=0
wait "$lane1" || lane1_status=1
cat "$lane1_log"
rm -f "$lane1_log"
[[ $lane1_status == 0 && $lane2_status == 0 ]]

echo "== core tests under AddressSanitizer and UndefinedBehaviorSanitizer (at ${SECONDS} s)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  "$top/tests/with-keyring.sh" ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== the .deb: built, installed, checked, removed (at ${SECONDS} s)"
bash tests/package.sh build

echo "== full suite (at ${SECONDS} s)"
# The keychain tests need a real Secret Service, for this run only.
exec "$top/tests/with-keyring.sh" ctest --test-dir "$top/build" --output-on-failure -j "$jobs"
