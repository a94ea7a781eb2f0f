#!/usr/bin/env bash
# Renders the main views under Xvfb into a folder (default: docs/).
# Usage: tests/screenshots.sh [BUILD_DIR] [OUTPUT_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
output=${2:-$top/docs}
cmake --build "$build" --target hookscope-screenshots
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
chmod 700 "$XDG_RUNTIME_DIR"
xvfb-run -a -s "-screen 0 1440x900x24" "$build/tests/hookscope-screenshots" "$output"
