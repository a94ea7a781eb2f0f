#!/usr/bin/env bash
# Installs the Debian 12 packages Hookscope needs to build, run and test.
# Idempotent: installs only what is missing. Usage: install-deps.sh [--test]
set -euo pipefail

build_packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-charts-dev libqt6opengl6-dev qt6-svg-dev libqt6svg6
  qtkeychain-qt6-dev libsecret-1-0 libhttp-parser-dev libsqlite3-dev libssl-dev zlib1g-dev libgl-dev
  libqrencode-dev
)
test_packages=(
  curl wrk xvfb xauth dbus dbus-daemon gnome-keyring clang-format clang libclang-rt-14-dev
  imagemagick python3 openssl iproute2 strace libxml2-utils time
  dpkg-dev desktop-file-utils appstream python3-jsonschema
)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then
  wanted+=("${test_packages[@]}")
fi

missing=()
for package in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
