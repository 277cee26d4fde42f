#!/bin/bash
# Runs the suite: every cmocka program in $BUILD/tests, then every end-to-end
# and TUI script, or only the programs named as arguments (a program's name,
# like test_solve, or a script's path). Prints one line per program as it
# ends and, last, "N passed, N failed" counted over individual test cases.
#
# The programs are independent (each fixture server takes a random port,
# each script its own temporary home and tmux socket), so JOBS of them
# (default: the number of cores) run at once, the slowest first; they
# mostly wait on sockets and pipes. Those in SERIAL (the tmux scripts) run
# one at a time, in a lane beside the pool, so only one drives a terminal.
set -u
BUILD=${BUILD:-build}
export PONDER=${PONDER:-$PWD/$BUILD/ponder}
export BUILD
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
# The tmux scripts poll the screen with bounded waits of 5 to 30 s.
SERIAL=${SERIAL:-"tests/tui/test_terminal.sh tests/tui/test_tui.sh tests/tui/test_replay.sh"}
# Slowest first, so the long programs do not start last (seconds, measured).
SLOW="test_solve test_faults test_model_faults test_search_http test_anthropic_backend test_mem_growth"
SLOW="$SLOW test_backends"
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

count_cmocka() {  # file -> "passed failed"
    local p f
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    echo "$p $f"
}

# run_prog NAME COMMAND...: runs one program, writes "passed failed" to
# $log/KEY.count and prints its report in one write, so that reports of
# programs ending together do not interleave.
run_prog() {
    local name=$1; shift
    local key=${name//\//_}
    local out="$log/$key.out"
    local start=$SECONDS
    "$@" >"$out" 2>&1 </dev/null
    local rc=$?
    local p f report
    if grep -q '^\[==========\]' "$out"; then
        read -r p f < <(count_cmocka "$out")
    else
        # scripts print "ok - name" / "not ok - name" per case
        # and "ok - name # SKIP why", which is not a pass
        p=$(grep '^ok ' "$out" | grep -vc '# SKIP'); f=$(grep -c '^not ok ' "$out")
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # a crash counts
    echo "$p $f" >"$log/$key.count"
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        report=$(printf 'FAIL %-28s %3d passed, %d failed (%ds)\n' "$name" "$p" "$f" $((SECONDS - start))
            grep -E '^\[  (FAILED|ERROR) |^not ok|error|Error|ERROR|Sanitizer|runtime error' "$out" |
                head -20 | sed 's/^/    /'
            echo "    (the log's last lines:)"; tail -30 "$out" | sed 's/^/    | /')
        echo "$name" >"$log/$key.failed"
    else
        report=$(printf 'ok   %-28s %3d passed (%ds)' "$name" "$p" $((SECONDS - start)))
    fi
    printf '%s\n' "$report"
}

# The programs to run: "name command..." per line.
progs=()
if [ $# -gt 0 ]; then
    for a in "$@"; do
        case $a in
        *.sh) progs+=("$a") ;;
        *)    progs+=("$BUILD/tests/$(basename "$a")") ;;
        esac
    done
else
    for s in $SLOW; do [ -x "$BUILD/tests/$s" ] && progs+=("$BUILD/tests/$s"); done
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] && [ -f "$t" ] || continue
        case " $SLOW " in *" $(basename "$t") "*) continue ;; esac
        progs+=("$t")
    done
    for t in tests/e2e/test_*.sh tests/tui/test_*.sh; do
        [ -f "$t" ] && progs+=("$t")
    done
fi

start_prog() {  # path
    case $1 in
    *.sh) run_prog "$1" bash "$1" ;;
    *)    if [ -x "$1" ]; then run_prog "$(basename "$1")" "$1"
          else run_prog "$(basename "$1")" false; fi ;;
    esac
}

# The SERIAL programs run one after another in a lane of their own, beside
# the pool of JOBS parallel ones.
serial=() pool=()
for t in "${progs[@]}"; do
    case " $SERIAL " in *" $t "*) serial+=("$t") ;; *) pool+=("$t") ;; esac
done
if [ ${#serial[@]} -gt 0 ]; then
    ( for t in "${serial[@]}"; do start_prog "$t"; done ) &
    running=1
else
    running=0
fi
for t in "${pool[@]}"; do
    if [ "$running" -ge $((JOBS + 1)) ]; then wait -n; running=$((running - 1)); fi
    start_prog "$t" &
    running=$((running + 1))
done
wait

pass=0 fail=0
for c in "$log"/*.count; do
    [ -f "$c" ] || continue
    read -r p f <"$c"
    pass=$((pass + p)); fail=$((fail + f))
done
failed_progs=$(cat "$log"/*.failed 2>/dev/null | tr '\n' ' ')
echo
[ -n "$failed_progs" ] && echo "failed: $failed_progs"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ -z "$failed_progs" ]
