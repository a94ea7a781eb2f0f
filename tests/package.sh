#!/usr/bin/env bash
# The .deb as a user gets it: built with cpack, installed with `apt-get install ./…deb`, its
# programs run (a listen captures a curl request), its desktop entry and AppStream metainfo
# validated; then removed, leaving none of its files behind and the user's data in place.
# It installs a package on this machine, so it needs root or sudo; without, it says so and
# skips. Usage: tests/package.sh [BUILD_DIR]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$top/build}" && pwd)
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  if ! sudo -n true 2>/dev/null; then
    echo "package: SKIPPED: installing the package needs root or password-less sudo"
    exit 0
  fi
  sudo="sudo -n"
fi
fail() {
  echo "package: FAILED: $*" >&2
  exit 1
}
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$build" && cpack -G DEB -B "$work/cpack" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack could not build the package"; }
deb="$work/cpack/hookscope_${version}_amd64.deb"
[[ -f "$deb" ]] || fail "no $deb (cpack made: $(ls "$work/cpack"))"
echo "package: built $(basename "$deb"), $(($(stat -c %s "$deb") / 1024)) KiB"
# Worked out from what the programs link, and the plugins they load.
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libqt6core6 libqt6widgets6 libqt6keychain1 libssl3 libqt6sql6-sqlite; do
  [[ "$depends" == *"$needed"* ]] || fail "Depends lacks $needed: $depends"
done

if dpkg-query -W -f='${Status}' hookscope 2>/dev/null | grep -q "install ok installed"; then
  fail "hookscope is installed already; remove it first (apt-get remove hookscope)"
fi
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "apt-get install ./$(basename "$deb")"; }
installed=$(dpkg -L hookscope | while read -r path; do [[ -f "$path" ]] && echo "$path"; done)
echo "package: installed $(wc -l <<<"$installed") files"

# Both programs say their version and commit; the window's without a display.
commit=$(git -C "$top" describe --always --dirty=-modified --abbrev=12 --match=no-tags-here)
[[ "$(/usr/bin/hookscope-cli --version)" == "hookscope-cli $version (commit $commit)" ]] ||
  fail "hookscope-cli --version said: $(/usr/bin/hookscope-cli --version)"
[[ "$(/usr/bin/hookscope -platform offscreen --version)" == "hookscope $version (commit $commit)" ]] ||
  fail "hookscope --version said: $(/usr/bin/hookscope -platform offscreen --version)"

# The installed listen captures a request into the user's data folder.
export HOME="$work/home"
mkdir -p "$HOME"
port=47499
/usr/bin/hookscope-cli listen --port "$port" >"$work/listen.log" 2>&1 &
listener=$!
for _ in $(seq 1 100); do grep -q Listening "$work/listen.log" && break; sleep 0.05; done
curl -sf -X POST -H 'Content-Type: application/json' --data '{"type":"package.check"}' \
  "http://127.0.0.1:$port/from-the-package" >/dev/null || fail "curl to the installed listen"
for _ in $(seq 1 100); do grep -q /from-the-package "$work/listen.log" && break; sleep 0.05; done
kill -TERM "$listener"
wait "$listener" || true
/usr/bin/hookscope-cli list | grep -q "/from-the-package" || fail "the capture is not listed"
store="$HOME/.local/share/hookscope/captures.sqlite"
[[ -f "$store" ]] || fail "no store at $store"

desktop-file-validate /usr/share/applications/io.github.hookscope.Hookscope.desktop ||
  fail "desktop-file-validate"
appstreamcli validate --no-net --explain \
  /usr/share/metainfo/io.github.hookscope.Hookscope.metainfo.xml || fail "appstreamcli validate"
for size in 48x48 128x128 256x256; do
  [[ -s /usr/share/icons/hicolor/$size/apps/io.github.hookscope.Hookscope.png ]] ||
    fail "no $size icon"
done
[[ -s /usr/share/icons/hicolor/scalable/apps/io.github.hookscope.Hookscope.svg ]] ||
  fail "no scalable icon"
# The man page has every command the program lists; completion reads the same help.
for command in $(/usr/bin/hookscope-cli --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p'); do
  zcat /usr/share/man/man1/hookscope-cli.1.gz | grep -q "^\.SS $command\$" ||
    fail "the man page lacks $command"
done
zcat /usr/share/man/man1/hookscope.1.gz | grep -q '^\.SH NAME' || fail "no hookscope(1)"
completed=$(bash -c 'source /usr/share/bash-completion/completions/hookscope-cli
  COMP_WORDS=(hookscope-cli tri); COMP_CWORD=1; _hookscope_cli; echo "${COMPREPLY[*]}"
  COMP_WORDS=(hookscope-cli trigger stripe inv); COMP_CWORD=3; _hookscope_cli; echo "${COMPREPLY[*]}"
  COMP_WORDS=(hookscope-cli replay --dup); COMP_CWORD=2; _hookscope_cli; echo "${COMPREPLY[*]}"')
[[ "$completed" == $'trigger\ninvoice.paid\n--duplicates' ]] || fail "bash completion gave: $completed"
# An event name from the user's own events file is offered as it is, never run by the shell.
cat >"$HOME/.local/share/hookscope/events.json" <<'EVENTS'
{"format": "hookscope-collection", "version": 1, "name": "Mine", "items": [{"name": "acme",
 "items": [{"name": "$(touch${IFS}completion-ran)", "request": {"method": "POST",
 "url": "http://localhost/", "body": "{}"}}]}]}
EVENTS
completed=$(cd "$work" && bash -c 'source /usr/share/bash-completion/completions/hookscope-cli
  COMP_WORDS=(hookscope-cli trigger acme ""); COMP_CWORD=3; _hookscope_cli; echo "${COMPREPLY[*]}"')
[[ "$completed" == '$(touch${IFS}completion-ran)' && ! -e "$work/completion-ran" ]] ||
  fail "bash completion of a hostile event name gave: $completed"
echo "package: programs, desktop entry, metainfo, icons, man pages and completion check out"

DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq hookscope >"$work/apt.log" 2>&1 ||
  { cat "$work/apt.log"; fail "apt-get remove hookscope"; }
left=$(while read -r path; do [[ -e "$path" ]] && echo "$path"; done <<<"$installed" || true)
[[ -z "$left" ]] || fail "left behind after removal: $left"
[[ -f "$store" ]] || fail "removal took the user's data ($store)"
echo "package: removed; none of its files left, the user's data kept"
