#!/usr/bin/env bash
# Installs what is missing, builds Hookscope and runs every test: formatting, the include
# layers, the libFuzzer targets (120 s in all), the core tests under ASan+UBSan, then the full
# suite. ctest's summary of the full suite is the last thing printed.
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

echo "== fuzz: every parser of outside input (at ${SECONDS} s)"
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DHOOKSCOPE_FUZZ=ON -DHOOKSCOPE_BUILD_GUI=OFF -DHOOKSCOPE_BUILD_TESTS=OFF >/dev/null
fuzz_targets=(requestparser curlcommand interchange bodies filter)
cmake --build build-fuzz -j "$jobs" --target "${fuzz_targets[@]/#/fuzz_}"
for target in "${fuzz_targets[@]}"; do
  # The request parser faces every client: it gets half the time, the others share the rest.
  seconds=$((fuzz_seconds / 2))
  [[ "$target" == requestparser ]] || seconds=$((fuzz_seconds / 2 / (${#fuzz_targets[@]} - 1) + 1))
  corpus=$(mktemp -d)
  cp "tests/fuzz/corpus/$target"/* "$corpus/"
  echo "-- fuzz_$target, ${seconds} s"
  # The stats when it ends well; what it found when it does not.
  if ! "build-fuzz/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -max_len=65536 \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" >"$corpus.log" 2>&1; then
    tail -n 60 "$corpus.log"
    exit 1
  fi
  tail -n 4 "$corpus.log"
  rm -rf "$corpus" "$corpus.log"
done

echo "== core tests under AddressSanitizer and UndefinedBehaviorSanitizer (at ${SECONDS} s)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DHOOKSCOPE_SANITIZE=ON \
  -DHOOKSCOPE_BUILD_GUI=OFF >/dev/null
cmake --build build-asan -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --test-dir build-asan --output-on-failure -j "$jobs"

echo "== full suite (at ${SECONDS} s)"
# The keychain tests need a real Secret Service, for this run only.
exec "$top/tests/with-keyring.sh" ctest --test-dir "$top/build" --output-on-failure -j "$jobs"
