#!/bin/bash
# make valgrind: `ponder solve --json` headless under valgrind's leak checker
# against the fixture server: sc -n 4 on openai, one anthropic and one ollama
# run, and the built-in model with cot. Prints each run's LEAK SUMMARY and
# fails unless every run reports "definitely lost: 0 bytes" and no errors.
set -u
BUILD=${BUILD:-build}
PONDER=${PONDER:-$PWD/$BUILD/ponder}
tmp=$(mktemp -d)
server_pid=""
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_STATE_HOME=$tmp/state XDG_DATA_HOME=$tmp/data
unset OPENAI_API_KEY ANTHROPIC_API_KEY
# OpenMP keeps its thread pool to exit: one thread, so that is no noise.
export OMP_NUM_THREADS=1

coproc SRV { exec python3 tests/fixtures/server.py --scenario cot; }
server_pid=$SRV_PID
read -r port <&"${SRV[0]}"
base=http://127.0.0.1:$port
problem="A bakery has 45 croissants. It sells 12, bakes 30 more and sells 18. How many are left?"

fail=0
check() {  # name, args...
    local name=$1; shift
    local log=$tmp/$name.log
    valgrind --leak-check=full --error-exitcode=1 \
        --log-file="$log" "$PONDER" solve --json "$@" "$problem" >"$tmp/$name.out" 2>&1
    local rc=$?
    echo "== $name: ponder solve --json $*"
    grep -E 'LEAK SUMMARY|definitely lost|indirectly lost|possibly lost|still reachable|ERROR SUMMARY|All heap blocks were freed' "$log" \
        | sed 's/^==[0-9]*== */    /'
    if [ "$rc" -ne 0 ] || ! grep -Eq 'definitely lost: 0 bytes|All heap blocks were freed' "$log"; then
        echo "    FAIL (exit $rc; log follows)"
        sed 's/^/    | /' "$log" | tail -60
        fail=1
    elif ! grep -q '"event":"done"' "$tmp/$name.out"; then
        echo "    FAIL: no done event"; tail -5 "$tmp/$name.out" | sed 's/^/    | /'
        fail=1
    fi
}

check openai-sc4 -m openai:cot --base-url "$base/v1" -s sc -n 4
check anthropic -m anthropic:cot --base-url "$base" -s cot
check ollama -m ollama:cot --base-url "$base" -s cot
check builtin-cot -m builtin -s cot

echo
[ "$fail" -eq 0 ] && echo "valgrind: no leaks (definitely lost: 0 bytes in every run)" \
                  || echo "valgrind: FAILED"
exit "$fail"
