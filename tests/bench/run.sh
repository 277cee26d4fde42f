#!/bin/bash
# make bench: the working core's figures. Benchmarks, not tests: nothing
# here passes or fails; it prints what it measured, with the core count.
set -u
BUILD=${BUILD:-build}
PONDER=${PONDER:-$PWD/$BUILD/ponder}
RUNS=${BENCH_RUNS:-5}
tmp=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
    tmux -L ponder-bench kill-server 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_STATE_HOME=$tmp/state XDG_DATA_HOME=$tmp/data

start_server() {  # scenario args...
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    coproc SRV { exec python3 tests/fixtures/server.py "$@"; }
    server_pid=$SRV_PID
    read -r port <&"${SRV[0]}"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "ponder bench on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'))"
echo

# 1. Concurrency: sc N=10 against a server that takes 1.0 s per reply.
start_server --scenario slow --delay 1.0
for i in $(seq "$RUNS"); do
    s=$(date +%s.%N)
    "$PONDER" solve --json -m openai:bench --base-url "http://127.0.0.1:$port/v1" -s sc -n 10 \
        "A store has 20 oranges. They sell 8. How many are left?" >/dev/null 2>&1
    e=$(date +%s.%N)
    awk -v a="$s" -v b="$e" 'BEGIN {print b - a}'
done > "$tmp/conc"
wall=$(median < "$tmp/conc")
printf 'concurrency   sc N=10, 1.0 s per reply: median wall %.2f s over %d runs; ratio to 1 s = %.2f (goal <= 1.5)\n' \
    "$wall" "$RUNS" "$wall"

# 2. UI cost: 16 concurrent streams, 5,000 tokens/s in all, for 20 s, in a 120x40 tmux.
secs=${BENCH_UI_SECONDS:-20}
# 312.5 words/s per stream x 16 = 5,000 tokens/s; long enough to outlast the window
start_server --scenario stream --tps 312.5 --tokens $(( (secs + 5) * 313 ))
stats=$tmp/stats
tmux -L ponder-bench kill-server 2>/dev/null
tmux -L ponder-bench new-session -d -x 120 -y 40 \
    "PONDER_TUI_STATS=$stats $PONDER -m openai:bench --base-url http://127.0.0.1:$port/v1 -s sc -n 16"
sleep 1
pane=$(tmux -L ponder-bench list-panes -F '#{pane_pid}')
pid=$pane
[ "$(cat /proc/$pane/comm)" = ponder ] || pid=$(pgrep -n -P "$pane")
tmux -L ponder-bench send-keys "Maria has 600 stickers. She gives away 50. How many are left?" Enter
sleep 2                                   # let all 16 streams get going
clk=$(getconf CLK_TCK)
t0=$(awk '{print $14+$15}' /proc/"$pid"/stat)
s=$(date +%s.%N)
sleep "$secs"
t1=$(awk '{print $14+$15}' /proc/"$pid"/stat)
e=$(date +%s.%N)
tok=$(curl -s "http://127.0.0.1:$port/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("tokens_sent", 0))' 2>/dev/null)
tmux -L ponder-bench send-keys Escape
sleep 0.5
tmux -L ponder-bench send-keys C-d
sleep 1
cpu=$(awk -v a="$t0" -v b="$t1" -v c="$clk" -v s="$s" -v e="$e" 'BEGIN {print (b - a) / c / (e - s) * 100}')
printf 'UI cost       16 streams, 5,000 tok/s total, %d s at 120x40: ponder CPU %.1f%% of one core (goal <= 10%%)\n' "$secs" "$cpu"
if [ -f "$stats" ]; then
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("              redraws: %d frames in %.1f s = %.1f per second (cap 60); %d events" % (s["frames"], s["seconds"], s["fps"], s["events"]))' "$stats"
fi

# 3. Startup and memory: time to first frame, peak RSS.
kill "$server_pid" 2>/dev/null; server_pid=""
BENCH_RUNS=11 "$BUILD"/bench/bench_startup "$PONDER" -m openai:bench --base-url http://127.0.0.1:9/v1 \
    | sed 's/^/startup       /'
echo "              (goals: first frame <= 50 ms, peak RSS <= 20 MB)"

# 4. The tree pane: a 5,000-node trace drawn whole-screen, frame by frame.
"$BUILD"/bench/bench_tree

# 5. Load: 64 concurrent samples, batch after batch, for BENCH_LOAD_SECONDS
# against streams of 50 words/s each (3,200 tokens/s offered in all). One
# request of n=64 in one process, as sc -n 64 hands it to the model: 64
# transfers on one curl multi handle, kept across batches like the TUI keeps
# it; no process start-up or printing in the figure (tests/bench/bench_load.c).
load_secs=${BENCH_LOAD_SECONDS:-60}
start_server --scenario stream --tps 50 --tokens 200
"$BUILD"/bench/bench_load load "http://127.0.0.1:$port/v1" "$load_secs" 64 | sed 's/^/load          /'

# 6. Memory over repeated runs: 20 batches of 64 samples in one process.
"$BUILD"/bench/bench_load growth "http://127.0.0.1:$port/v1" 20 64 | fold -s -w 100 \
    | sed 's/^/memory        /'

# 7. Practice mode: a step's verdict and the first hint of each of the 36
# starter problems on the built-in model, over pipes (tests/bench/bench_practice.c).
"$BUILD"/bench/bench_practice "$PONDER" data/practice/starter.jsonl | sed 's/^/practice      /'
