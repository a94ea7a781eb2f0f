#!/usr/bin/env bash
# Runs a command with a real Secret Service of its own: a private session bus with an unlocked
# gnome-keyring on it, whose files live in temporary folders and go with the run.
# Usage: tests/with-keyring.sh COMMAND [ARG...]
set -euo pipefail
exec dbus-run-session -- bash -c '
  export XDG_RUNTIME_DIR=$(mktemp -d) && chmod 700 "$XDG_RUNTIME_DIR"
  # A fresh keyring, created and unlocked with a throwaway password: an empty one would make
  # it prompt.
  eval "$(printf "hookscope-tests" | XDG_DATA_HOME=$(mktemp -d) \
    gnome-keyring-daemon --unlock --components=secrets 2>/dev/null)" || true
  exec "$@"' bash "$@"
