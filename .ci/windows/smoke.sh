#!/usr/bin/env bash
# End-to-end smoke of the real ghost.exe: run, list, status, log -f, stop,
# wait, exit codes, PATHEXT and 127/126. Called by test.sh as
# `smoke.sh WINE GHOST_EXE`, and on Windows (Git Bash, CI) with an empty
# WINE. Every wait polls with a deadline.
set -euo pipefail
WINE=$1
GHOST_EXE=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
# The data directory as Windows sees it (wine maps / to Z:).
if [ -n "$WINE" ]; then
	export GHOST_DATA_DIR="Z:${work//\//\\}\\data"
	ghost() { "$WINE" "$GHOST_EXE" "$@"; }
else
	export GHOST_DATA_DIR="$(cygpath -w "$work")\\data"
	ghost() { "$GHOST_EXE" "$@"; }
fi
fail() { echo "smoke: $*" >&2; exit 1; }
# until CMD...: polls CMD for up to 60 s.
until_ok() {
	local deadline=$((SECONDS + 60))
	until "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || fail "timed out waiting for: $*"
		sleep 0.2
	done
}
has() { grep -q -- "$2" "$1" || fail "$1 lacks '$2': $(cat "$1")"; }

# A task that prints a line a second until stopped (ping is the sleep
# that cmd.exe lacks), and one that ends with code 3.
printf '@echo off\r\n:top\r\necho tick\r\nping -n 2 127.0.0.1 >nul\r\ngoto top\r\n' >loop.cmd
printf '@echo off\r\necho three\r\nexit /b 3\r\n' >three.cmd
echo text >notes.txt

ghost run -n loop '.\loop' >id
[ -s id ] || fail "run printed no id"
logged() { ghost log "$1" | grep -q "$2"; }
until_ok logged loop tick

ghost list >list
has list loop
has list running
ghost status loop --json >status
has status '"status": "running"'

# log -f follows until the task ends.
ghost log -f loop >follow &
follower=$!
ghost stop -t 3s loop || fail "stop failed"
# Real Windows ends a batch file on CTRL_BREAK_EVENT (TERM); wine does
# not deliver it, so there the task is ended by KILL after the grace.
ghost status loop --json >status
has status '"status": "killed"'
grep -Eq '"signal": "SIG(TERM|KILL)"' status || fail "signal: $(cat status)"
wait "$follower" || fail "log -f failed"
has follow tick

set +e
ghost wait loop
rc=$?
set -e
[ $rc = 143 ] || [ $rc = 137 ] || fail "wait on a stopped task: $rc"

# PATHEXT: `three` finds three.cmd; wait returns its exit code.
ghost run -n three '.\three' >/dev/null
set +e
ghost wait three
rc=$?
set -e
[ $rc = 3 ] || fail "wait three: $rc, want 3"
ghost log three >out
has out three

# 127 for a command that is not there, 126 for a file that is no program.
set +e
ghost run no-such-command 2>err
rc=$?
set -e
[ $rc = 127 ] || fail "not found: $rc, want 127"
has err 'command not found'
set +e
ghost run '.\notes.txt' 2>err
rc=$?
set -e
[ $rc = 126 ] || fail "not executable: $rc, want 126: $(cat err)"

ghost list --json >list
has list '"exit_code": 3'
echo "smoke: ok"
