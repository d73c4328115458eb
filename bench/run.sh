#!/usr/bin/env bash
# make bench: measures ghost against nq, task-spooler (tsp) and setsid in
# one run, plus follow latency, capture throughput, monitor memory and how
# commands grow with history, and writes docs/benchmarks.md.
# nq, tsp and tmux (to drive ghost-ui) come from the distribution's
# packages, pm2 from the npm registry: installed here when missing and
# possible (root with apt-get; npm into a cache directory), otherwise
# skipped with a note.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/benchmarks.md
raw=$(mktemp)
trap 'rm -f "$raw"' EXIT

notes=()
for pkg in nq:nq task-spooler:tsp tmux:tmux; do
  name=${pkg%%:*} bin=${pkg##*:}
  if ! command -v "$bin" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      (apt-get update -qq && apt-get install -y -qq "$name") >/dev/null 2>&1 || true
    fi
    command -v "$bin" >/dev/null || notes+=("$bin ($name) is not installed and could not be: skipped")
  fi
done

if ! command -v pm2 >/dev/null; then
  cache=${XDG_CACHE_HOME:-$HOME/.cache}/ghost-bench
  if [ ! -x "$cache/node_modules/.bin/pm2" ] && command -v npm >/dev/null; then
    mkdir -p "$cache" && (cd "$cache" && npm install --no-audit --no-fund --silent pm2) >/dev/null 2>&1 || true
  fi
  if [ -x "$cache/node_modules/.bin/pm2" ]; then
    export PATH="$cache/node_modules/.bin:$PATH"
  else
    notes+=("pm2 is not installed and could not be (npm): skipped")
  fi
fi

make -s build
export GHOST_BIN=$PWD/bin/ghost GHOST_UI_BIN=$PWD/bin/ghost-ui
echo "running benchmarks (several minutes)..." >&2
(cd ghost-cli && go test -run '^$' -bench 'Launch' -benchtime 41x -timeout 30m . ) | tee -a "$raw" >&2
(cd ghost-cli && go test -run '^$' -bench 'FollowLatency|MonitorMemory' -benchtime 3x . ) | tee -a "$raw" >&2
# Throughput on a shared machine swings from run to run: more samples.
(cd ghost-cli && go test -run '^$' -bench 'Capture' -benchtime 9x . ) | tee -a "$raw" >&2
(cd ghost-cli && go test -run '^$' -bench 'History' -benchtime 15x -timeout 30m . ) | tee -a "$raw" >&2
(cd ghost-cli && go test -run '^$' -bench 'UIIdle' -benchtime 3x . ) | tee -a "$raw" >&2
(cd ghost-cli && go test -run '^$' -bench 'UIShowChange' -benchtime 21x . ) | tee -a "$raw" >&2
(cd ghost-cli && go test -run '^$' -bench 'Machine' -benchtime 21x . ) | tee -a "$raw" >&2

metric() { # metric BENCH-REGEX UNIT: the value reported with that unit
  awk -v re="$1" -v unit="$2" '$1 ~ re { for (i = 2; i < NF; i++) if ($(i+1) == unit) print $i }' "$raw" | head -n1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }'; }
bar() { awk -v v="$1" -v m="$2" 'BEGIN { n = int(v / m * 50 + 0.5); s = ""; for (i = 0; i < n; i++) s = s "█"; print s }'; }

g=$(metric '^BenchmarkLaunch' ghost-ms); s=$(metric '^BenchmarkLaunch' setsid-ms)
n=$(metric '^BenchmarkLaunch' nq-ms); t=$(metric '^BenchmarkLaunch' tsp-ms)
maxv=$(printf '%s\n' "$g" "$s" "${n:-0}" "${t:-0}" | sort -g | tail -n1)

{
  echo "# Benchmarks"
  echo
  echo "Made by \`make bench\` (bench/run.sh) on $(date -u '+%Y-%m-%d %H:%M UTC'). Medians, never single runs."
  echo
  echo "- machine: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "- $(go version)"
  echo "- ghost $(bin/ghost --version | awk '{print $3, $4}')"
  command -v nq >/dev/null && echo "- nq $(dpkg-query -W -f='${Version}' nq 2>/dev/null || echo '(version unknown)')"
  command -v tsp >/dev/null && echo "- task-spooler $(dpkg-query -W -f='${Version}' task-spooler 2>/dev/null || echo '(version unknown)')"
  for note in "${notes[@]}"; do echo "- note: $note"; done
  echo
  echo "## Launch: starting \`true\` in the background, wall time (41 runs, alternating tools)"
  echo
  echo "| tool | median | vs nq |"
  echo "|------|--------|-------|"
  echo "| ghost run | $g ms | $( [ -n "$n" ] && ratio "$g" "$n" || echo -) |"
  [ -n "$n" ] && echo "| nq | $n ms | 1.0× |"
  [ -n "$t" ] && echo "| tsp | $t ms | $(ratio "$t" "$n") |"
  echo "| setsid -f (floor: a fork, nothing recorded) | $s ms | $( [ -n "$n" ] && ratio "$s" "$n" || echo -) |"
  echo
  echo '```'
  printf '%-8s %s %s ms\n' ghost "$(bar "$g" "$maxv")" "$g"
  [ -n "$n" ] && printf '%-8s %s %s ms\n' nq "$(bar "$n" "$maxv")" "$n"
  [ -n "$t" ] && printf '%-8s %s %s ms\n' tsp "$(bar "$t" "$maxv")" "$t"
  printf '%-8s %s %s ms\n' setsid "$(bar "$s" "$maxv")" "$s"
  echo '```'
  echo
  echo "ghost's launch is two Go process starts (the launcher and the task's monitor, a re-exec of ghost) plus two small SQLite transactions; nq and tsp are one small C process (tsp talks to its daemon)."
  echo
  echo "## Following, capture, memory"
  echo
  echo "| what | median | target |"
  echo "|------|--------|--------|"
  echo "| follow latency: a line written by the task to \`ghost log -f\` printing it | $(metric '^BenchmarkFollowLatency' ms-median) ms (p90 $(metric '^BenchmarkFollowLatency' ms-p90) ms) | < 10 ms |"
  echo "| capture throughput: 512 MiB written as fast as possible, vs the same redirected to a file (9 runs) | $(metric '^BenchmarkCapture' %-of-redirect) % | ≥ 80 % |"
  echo "| memory per running task: PSS of its monitor, 50 tasks running | $(metric '^BenchmarkMonitorMemory' KiB-PSS-median) KiB | < 1024 KiB |"
  echo
  echo "## Commands against a long history (finished tasks in the database)"
  echo
  echo "| command | 10 | 10,000 | 100,000 |"
  echo "|---------|----|--------|---------|"
  for c in list list-json status list-running; do
    echo "| $c | $(metric "^BenchmarkHistory/$c/10-" ms-median) ms | $(metric "^BenchmarkHistory/$c/10000-" ms-median) ms | $(metric "^BenchmarkHistory/$c/100000-" ms-median) ms |"
  done
  echo
  echo "What grows with history: \`list\` and \`list --json\` print every task, so they are O(n) in the tasks shown (reading, formatting and writing each row). \`status\`, \`list -s running\` and \`run\` use indexes (primary key, name, status) and reconcile only running tasks, so they stay flat."
  echo
  echo "Reproduce: \`make bench\` (root installs nq and task-spooler with apt-get when missing)."
} > "$out"
echo "wrote $out" >&2
