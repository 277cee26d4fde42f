#!/bin/bash
# Runs the whole suite: every cmocka program in $BUILD/tests, then every
# end-to-end and TUI script. Prints one line per program and, last,
# "N passed, N failed" counted over individual test cases.
set -u
BUILD=${BUILD:-build}
export PONDER=${PONDER:-$PWD/$BUILD/ponder}
export BUILD
pass=0 fail=0 failed_progs=""
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

count_cmocka() {  # file -> adds to pass/fail
    local p f
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | awk '{s+=$1} END {print s+0}')
    echo "$p $f"
}

run_prog() {  # name, command...
    local name=$1; shift
    local out="$log/$(basename "$name").out"
    local start=$SECONDS
    "$@" >"$out" 2>&1
    local rc=$?
    local p f
    if grep -q '^\[==========\]' "$out"; then
        read -r p f < <(count_cmocka "$out")
    else
        # scripts print "ok - name" / "not ok - name" per case
        p=$(grep -c '^ok ' "$out"); f=$(grep -c '^not ok ' "$out")
    fi
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # a crash counts
    pass=$((pass + p)); fail=$((fail + f))
    if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
        printf 'FAIL %-28s %3d passed, %d failed (%ds)\n' "$name" "$p" "$f" $((SECONDS - start))
        grep -E '^\[  (FAILED|ERROR) |^not ok|error|Error|ERROR|Sanitizer|runtime error' "$out" | head -20 | sed 's/^/    /'
        echo "    (full log: see below)"; tail -30 "$out" | sed 's/^/    | /'
        failed_progs="$failed_progs $name"
    else
        printf 'ok   %-28s %3d passed (%ds)\n' "$name" "$p" $((SECONDS - start))
    fi
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_prog "$(basename "$t")" "$t"
done
for t in tests/e2e/test_*.sh tests/tui/test_*.sh; do
    [ -f "$t" ] || continue
    run_prog "$t" bash "$t"
done
echo
[ -n "$failed_progs" ] && echo "failed:$failed_progs"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
