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
# The raw output of the Go benchmarks is kept beside the report, so every
# figure can be traced; `bench/run.sh --report` rewrites the report from it
# without measuring again.
raw=docs/benchmarks-raw.txt

notes=()
measure=1
[ "${1:-}" = --report ] && measure=0
if [ "$measure" = 1 ]; then
  # GNU time measures the listings' peak memory, sqlite3 is their peer.
  for pkg in nq:nq task-spooler:tsp tmux:tmux time:/usr/bin/time sqlite3:sqlite3; do
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
  {
    echo "# measured $(date -u '+%Y-%m-%d %H:%M UTC') with ghost $(bin/ghost --version | cut -d' ' -f3-)"
    echo "# machine: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
    echo "# tool: $(go version)"
    command -v nq >/dev/null && echo "# tool: nq $(dpkg-query -W -f='${Version}' nq 2>/dev/null || echo '(version unknown)')"
    command -v tsp >/dev/null && echo "# tool: task-spooler $(dpkg-query -W -f='${Version}' task-spooler 2>/dev/null || echo '(version unknown)')"
    command -v pm2 >/dev/null && echo "# tool: pm2 $(pm2 --version 2>/dev/null | tail -n1) (node $(node --version 2>/dev/null))"
    command -v tmux >/dev/null && echo "# tool: $(tmux -V)"
    for note in "${notes[@]}"; do echo "# note: $note"; done
  } > "$raw"
  echo "running benchmarks (several minutes)..." >&2
  (cd ghost-cli && go test -run '^$' -bench 'Launch' -benchtime 41x -timeout 30m . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'FollowLatency|MonitorMemory' -benchtime 3x . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'Restart$' -benchtime 3x . ) | tee -a "$raw" >&2
  # Throughput on a shared machine swings from run to run: more samples.
  (cd ghost-cli && go test -run '^$' -bench 'Capture' -benchtime 9x . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'BenchmarkHistory$' -benchtime 15x -timeout 30m . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'UIIdle' -benchtime 3x . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'UIFollow' -benchtime 3x . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'UIKeyToScreen' -benchtime 41x . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'UIShowChange' -benchtime 21x . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'Machine' -benchtime 21x . ) | tee -a "$raw" >&2
  (cd ghost-cli && go test -run '^$' -bench 'MCP' -benchtime 21x . ) | tee -a "$raw" >&2
  # The test suite as the README runs it (make test runs every test, no
  # cache), wall time.
  echo "timing make test..." >&2
  start=$(date +%s.%N)
  if make -s test >/dev/null 2>&1; then
    awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "# make test: %.0f s\n", e - s }' >> "$raw"
  else
    echo "# note: make test failed during the benchmark: its time is not reported" >> "$raw"
  fi
fi

metric() { # metric BENCH-REGEX UNIT: the value reported with that unit
  awk -v re="$1" -v unit="$2" '$1 ~ re { for (i = 2; i < NF; i++) if ($(i+1) == unit) print $i }' "$raw" | head -n1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }'; }
bar() { awk -v v="$1" -v m="$2" 'BEGIN { n = int(v / m * 50 + 0.5); s = ""; for (i = 0; i < n; i++) s = s "█"; print s }'; }

g=$(metric '^BenchmarkLaunch' ghost-ms); s=$(metric '^BenchmarkLaunch' setsid-ms)
n=$(metric '^BenchmarkLaunch' nq-ms); t=$(metric '^BenchmarkLaunch' tsp-ms); p=$(metric '^BenchmarkLaunch' pm2-ms)
fl=$(metric '^BenchmarkLaunch' floor-ms); flc=$(metric '^BenchmarkLaunch' floor-cgo-ms)
suite=$(sed -n 's/^# make test: \([0-9.]*\) s$/\1/p' "$raw")
maxv=$(printf '%s\n' "$g" "$s" "${n:-0}" "${t:-0}" | sort -g | tail -n1)
gv=$(metric '^BenchmarkMachine' ghost-version-ms); tv=$(metric '^BenchmarkMachine' true-ms); pf=$(metric '^BenchmarkMachine' us-per-page-fault)
hist() { metric "^BenchmarkHistory/$1/$2-" ms-median; }
rss() { metric "^BenchmarkHistory/$1/$2-" MiB-peak-rss; }
# verdict VALUE OP LIMIT: yes or no
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { if (v == "") { print "-"; exit } ok = (op == "<") ? v < l : (op == "<=") ? v <= l : v >= l; print ok ? "yes" : "**no**" }'; }
launchRatio=$( [ -n "$n" ] && awk -v a="$g" -v b="$n" 'BEGIN { printf "%.2f", a / b }' )

{
  echo "# Benchmarks"
  echo
  echo "Made by \`make bench\` (bench/run.sh): $(sed -n 's/^# measured //p' "$raw"). Medians, never single runs; the raw output is in [benchmarks-raw.txt](benchmarks-raw.txt)."
  echo
  sed -n 's/^# machine: /- machine: /p' "$raw"
  echo "- a fresh page of memory costs ${pf} µs to fault in here (tens of times a bare-metal figure: this is a virtual machine); \`true\` takes ${tv} ms to run, \`ghost --version\` ${gv} ms"
  sed -n 's/^# tool: /- /p' "$raw"
  sed -n 's/^# note: /- note: /p' "$raw"
  echo
  echo "## Targets"
  echo
  echo "| target | measured | met |"
  echo "|--------|----------|-----|"
  echo "| launch ≤ 3× nq | ${launchRatio:--}× nq ($g ms vs $n ms; floor: a minimal Go program started twice, plus fork and exec, $fl ms = $(ratio "$fl" "$n") nq, $flc ms with the C runtime linked = $(ratio "$flc" "$n")) | $(verdict "$launchRatio" '<=' 3) |"
  echo "| list < 50 ms at 10,000 tasks | $(hist list 10000) ms (the sqlite3 shell printing the same rows: $(hist sqlite3 10000) ms; a start of ghost: $gv ms) | $(verdict "$(hist list 10000)" '<' 50) |"
  echo "| list < 250 ms at 100,000 tasks | $(hist list 100000) ms (the sqlite3 shell: $(hist sqlite3 100000) ms) | $(verdict "$(hist list 100000)" '<' 250) |"
  echo "| peak RSS of any listing < 40 MiB at 100,000 | list $(rss list 100000), --json $(rss list-json 100000), -q $(rss list-q 100000) MiB (floor: \`status\`, a command that holds no listing, $(rss status 100000) MiB) | $(verdict "$(printf '%s\n' "$(rss list 100000)" "$(rss list-json 100000)" "$(rss list-q 100000)" | sort -g | tail -n1)" '<' 40) |"
  echo "| status at 100,000 within 1.5× of \`ghost --version\` (the floor: a start of ghost) | $(hist status 100000) ms vs $gv ms = $(ratio "$(hist status 100000)" "$gv") | $(verdict "$(awk -v a="$(hist status 100000)" -v b="$gv" 'BEGIN { if (b > 0) printf "%.2f", a / b }')" '<=' 1.5) |"
  echo "| follow latency median < 10 ms | $(metric '^BenchmarkFollowLatency' ms-median) ms | $(verdict "$(metric '^BenchmarkFollowLatency' ms-median)" '<' 10) |"
  echo "| capture ≥ 80 % of a redirect | $(metric '^BenchmarkCapture' %-of-redirect) % (floor of any capture through a pipe, \`cmd \| cat > file\`: $(metric '^BenchmarkCapture' cat-%-of-redirect) %) | $(verdict "$(metric '^BenchmarkCapture' %-of-redirect)" '>=' 80) |"
  echo "| monitor PSS < 1 MiB (50 tasks) | $(metric '^BenchmarkMonitorMemory' KiB-PSS-median) KiB | $(verdict "$(metric '^BenchmarkMonitorMemory' KiB-PSS-median)" '<' 1024) |"
  echo "| restart < 20 ms beyond its delay | $(metric '^BenchmarkRestart' ms-restart-median) ms (p90 $(metric '^BenchmarkRestart' ms-restart-p90) ms) | $(verdict "$(metric '^BenchmarkRestart' ms-restart-p90)" '<' 20) |"
  echo "| a supervising monitor as small as one that does not (50 tasks) | $(metric '^BenchmarkRestart' KiB-PSS-median) KiB vs $(metric '^BenchmarkMonitorMemory' KiB-PSS-median) KiB | $(verdict "$(metric '^BenchmarkRestart' KiB-PSS-median)" '<' 1024) |"
  echo "| ghost-ui idle < 1 % of a core (1,000 tasks) | $(metric '^BenchmarkUIIdleHistory' %-of-a-core) % | $(verdict "$(metric '^BenchmarkUIIdleHistory' %-of-a-core)" '<' 1) |"
  echo "| ghost-ui following 2,000 lines/s < 10 % | $(metric '^BenchmarkUIFollowLines' %-of-a-core) % | $(verdict "$(metric '^BenchmarkUIFollowLines' %-of-a-core)" '<' 10) |"
  echo "| ghost-ui following a \\r spinner at 1,000 updates/s < 10 % | $(metric '^BenchmarkUIFollowSpinner' %-of-a-core) % | $(verdict "$(metric '^BenchmarkUIFollowSpinner' %-of-a-core)" '<' 10) |"
  echo "| ghost-ui key to screen < 30 ms (10,000 in history) | $(metric '^BenchmarkUIKeyToScreen' ms-median) ms | $(verdict "$(metric '^BenchmarkUIKeyToScreen' ms-median)" '<' 30) |"
  echo "| ghost-ui idle < 2 % of a core (50 running) | $(metric '^BenchmarkUIIdle-' %-of-a-core) % | $(verdict "$(metric '^BenchmarkUIIdle-' %-of-a-core)" '<' 2) |"
  echo "| ghost mcp: tools/list answered < 50 ms after start | $(metric '^BenchmarkMCP' ms-to-tools-list) ms | $(verdict "$(metric '^BenchmarkMCP' ms-to-tools-list)" '<' 50) |"
  echo "| ghost mcp: a logs call of 64 KiB < 10 ms | $(metric '^BenchmarkMCP' ms-logs-64KiB) ms | $(verdict "$(metric '^BenchmarkMCP' ms-logs-64KiB)" '<' 10) |"
  echo "| \`make test\` < 90 s | ${suite:--} s | $(verdict "$suite" '<' 90) |"
  echo
  echo "## Launch: starting \`true\` in the background, wall time (41 runs, alternating tools)"
  echo
  echo "| tool | median | vs nq |"
  echo "|------|--------|-------|"
  echo "| ghost run | $g ms | $( [ -n "$n" ] && ratio "$g" "$n" || echo -) |"
  [ -n "$n" ] && echo "| nq | $n ms | 1.0× |"
  [ -n "$t" ] && echo "| tsp | $t ms | $(ratio "$t" "$n") |"
  [ -n "$p" ] && echo "| pm2 start (its daemon already up) | $p ms | $(ratio "$p" "$n") |"
  [ -n "$fl" ] && echo "| floor: a minimal Go program starting itself as a monitor, which starts the command (bench testdata/floor) | $fl ms | $(ratio "$fl" "$n") |"
  [ -n "$flc" ] && echo "| the same floor with the C runtime linked, as ghost is for SQLite | $flc ms | $(ratio "$flc" "$n") |"
  echo "| setsid -f (a fork, nothing recorded) | $s ms | $( [ -n "$n" ] && ratio "$s" "$n" || echo -) |"
  echo
  echo '```'
  printf '%-8s %s %s ms\n' ghost "$(bar "$g" "$maxv")" "$g"
  [ -n "$n" ] && printf '%-8s %s %s ms\n' nq "$(bar "$n" "$maxv")" "$n"
  [ -n "$t" ] && printf '%-8s %s %s ms\n' tsp "$(bar "$t" "$maxv")" "$t"
  printf '%-8s %s %s ms\n' setsid "$(bar "$s" "$maxv")" "$s"
  [ -n "$p" ] && printf '%-8s %s▶ %s ms (off the scale)\n' pm2 "$(bar "$maxv" "$maxv")" "$p"
  echo '```'
  echo
  echo "Why ghost is where it is: \`ghost run\` must return only once the command runs (or has failed to start, with 127 or 126), and the task's exit code needs a monitor that outlives the launcher and is a re-execution of ghost. The floor of that design is the floor row above: a minimal Go program started twice, plus the fork and exec of the command (${fl:-?} ms here; ${flc:-?} ms with the C runtime linked, which SQLite needs), already $(ratio "${fl:-0}" "${n:-0}") nq, whose one small C process records a file; ghost takes $(ratio "$g" "${flc:-0}") the floor with the C runtime. Above the floor ghost pays for its size at each of its two starts (\`ghost --version\` ${gv} ms: loading and initialising a program of 13 MiB, mostly page faults at ${pf} µs each here) and for the database on the monitor's path: opening it (about 0.5 ms), the row reserved in one write transaction (the first write since the last checkpoint syncs the write-ahead log's header: the one fsync left on the path) and the pid recorded in a second (0.1 ms). Taken off the path in this round: the sync of the exit-record placeholder, the listing of /dev/fd (one close_range call now), and the MCP SDK's hundred packages' initialisation (\`ghost mcp\` is written on the standard library). Not taken: reserving the row in the launcher while the monitor starts (about 0.7 ms more, for a second connection and a hand-over of the row between two processes that every failure path would have to get right)."
  echo
  echo "## Following, capture, memory"
  echo
  echo "| what | median | target |"
  echo "|------|--------|--------|"
  echo "| follow latency: a line written by the task to \`ghost log -f\` printing it | $(metric '^BenchmarkFollowLatency' ms-median) ms (p90 $(metric '^BenchmarkFollowLatency' ms-p90) ms) | < 10 ms |"
  echo "| capture throughput: 512 MiB written as fast as possible, vs the same redirected to a file (9 runs; with the log index: capture time and stream of every read) | $(metric '^BenchmarkCapture' %-of-redirect) % (\`cmd \| cat > file\`: $(metric '^BenchmarkCapture' cat-%-of-redirect) %) | ≥ 80 % |"
  echo "| memory per running task: PSS of its monitor, 50 tasks running | $(metric '^BenchmarkMonitorMemory' KiB-PSS-median) KiB | < 1024 KiB |"
  echo "| restart latency: from a run's end to the next run's process running, under \`--restart always\` without delay (monitor's clock, ms resolution) | $(metric '^BenchmarkRestart' ms-restart-median) ms (p90 $(metric '^BenchmarkRestart' ms-restart-p90) ms) | < 20 ms beyond the delay |"
  echo "| memory of a supervising monitor between restarts: PSS once its task restarted and it waits in its second image, 50 tasks | $(metric '^BenchmarkRestart' KiB-PSS-median) KiB | as a monitor that does not supervise |"
  echo
  echo "A monitor's memory is a Go runtime's floor plus little: once the task has run a second with its output quiet, the monitor re-executes itself (same pid) to wait in a fresh image that never opened SQLite, and the figure above is taken from that image."
  echo
  echo "## Commands against a long history (finished tasks in the database, each with a 3 KiB environment)"
  echo
  echo "| command | 10 | 10,000 | 100,000 |"
  echo "|---------|----|--------|---------|"
  for c in list list-json list-q status list-running; do
    echo "| $c | $(hist $c 10) ms | $(hist $c 10000) ms | $(hist $c 100000) ms |"
  done
  [ -n "$(hist sqlite3 10)" ] && echo "| peer: the sqlite3 shell printing the rows list reads | $(hist sqlite3 10) ms | $(hist sqlite3 10000) ms | $(hist sqlite3 100000) ms |"
  echo
  echo "Peak memory (GNU time's maximum resident set) at 100,000 tasks: list $(rss list 100000) MiB, list --json $(rss list-json 100000) MiB, list -q $(rss list-q 100000) MiB, status $(rss status 100000) MiB."
  echo
  echo "Why \`status\` and \`list\` are where they are: every command is first a process start, ${gv} ms here for \`ghost --version\` (a Go program linked with SQLite; a fresh page costs ${pf} µs on this machine and a start touches a few hundred), and \`status\` adds opening the database and a few indexed reads: $(ratio "$(hist status 100000)" "$gv") of a bare start at 100,000 tasks. \`list\` adds about 2 µs a task: SQLite's walk of the index (the sqlite3 shell row: SQLite reading and printing the same rows, about half of it), the driver's conversion of each column (a fresh string for each text value), the formatting, and the pages all that touches."
  echo
  echo "What grows with history, and why: \`list\`, \`list --json\` and \`list -q\` print every task, so they are O(n) in the tasks shown: each row is read, formatted and written. They walk a covering index that holds every listed column in the listed order (started_at, then seq, the insertion order: no sort), never the table's pages with the environments; rows stream from SQLite to the output (the table keeps its rows in 64 KiB chunks to size its columns; JSON and ids keep nothing, and \`-q\` reads the ids alone). \`status\`, \`list -s running\` and \`run\` use indexes (primary key, name, status) and reconcile only running tasks, so they stay flat: what remains is the process start."
  echo
  echo "## ghost mcp (over stdio, as an agent runs it; 21 sessions)"
  echo
  echo "| what | median | target |"
  echo "|------|--------|--------|"
  echo "| from starting \`ghost mcp\` to its answer to tools/list (initialize included) | $(metric '^BenchmarkMCP' ms-to-tools-list) ms | < 50 ms |"
  echo "| a \`logs\` call returning 64 KiB of a 1 MiB log, request to decoded answer | $(metric '^BenchmarkMCP' ms-logs-64KiB) ms | < 10 ms |"
  echo
  echo "A logs call is mostly JSON: the 64 KiB travel twice (as structured output and as text for clients that ignore it), each escaped by the server and parsed by the client. Reading them from the log is under half a millisecond of it (\`go test -bench ReadLog64KiB ./internal/mcp\` in ghost-cli)."
  echo
  echo "## ghost-ui"
  echo
  echo "| what | median |"
  echo "|------|--------|"
  echo "| idle CPU with 50 running tasks (120×40 tmux, 20 s samples) | $(metric '^BenchmarkUIIdle-' %-of-a-core) % of a core |"
  echo "| idle CPU with 1,000 tasks, 3 of them running and measured every 2 s (10 s samples) | $(metric '^BenchmarkUIIdleHistory' %-of-a-core) % of a core |"
  echo "| CPU while following a task printing 2,000 lines a second (10 s samples) | $(metric '^BenchmarkUIFollowLines' %-of-a-core) % of a core |"
  echo "| CPU while following a \\r progress spinner redrawn 1,000 times a second, no newline (10 s samples) | $(metric '^BenchmarkUIFollowSpinner' %-of-a-core) % of a core |"
  echo "| a key press (j/k) to the screen showing the selection moved, 10,000 tasks in history, read back by tmux | $(metric '^BenchmarkUIKeyToScreen' ms-median) ms |"
  echo "| time to show a task started by \`ghost run\`, with 10,000 in history (from \`run\` returning to the name on screen) | $(metric '^BenchmarkUIShowChange' ms-median) ms |"
  echo
  echo "ghost-ui's CPU figures are read from \`/proc/PID/stat\` of the ghost-ui process in a real tmux session (120×40, TERM=xterm-256color). It draws only what is on screen, follows a writing task by reading every 50 ms rather than on each write, redraws a flowing log 10 times a second, and measures the running tasks' costs only while it is open."
  echo
  echo "Reproduce: \`make bench\`. As root it installs nq, task-spooler and tmux with apt-get when missing, and pm2 with npm into \`\${XDG_CACHE_HOME:-~/.cache}/ghost-bench\`; what it cannot install is skipped with a note above."
} > "$out"
echo "wrote $out" >&2
