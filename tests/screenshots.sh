#!/usr/bin/env bash
# Renders the main views under Xvfb into a folder (default: docs/).
# Usage: tests/screenshots.sh [BUILD_DIR] [OUTPUT_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
output=${2:-$top/docs}
cmake --build "$build" --target hookscope-screenshots
# With a keychain of its own, as a user has one: the views show secrets as they would.
xvfb-run -a -s "-screen 0 1440x900x24" \
  "$top/tests/with-keyring.sh" "$build/tests/hookscope-screenshots" "$output"
# The window at 1024x700 again, at a scale factor of 2 (a HiDPI screen): scale2-window-*.png.
QT_SCALE_FACTOR=2 xvfb-run -a -s "-screen 0 2880x1800x24" \
  "$top/tests/with-keyring.sh" "$build/tests/hookscope-screenshots" "$output" scale2
