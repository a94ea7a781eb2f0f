#!/usr/bin/env bash
# Installs what is missing, builds Hookscope and launches it (receiver on port 4747).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/packaging/install-deps.sh"
cmake -S "$top" -B "$top/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$top/build" --target hookscope hookscope-cli
exec "$top/build/app/gui/hookscope" "$@"
