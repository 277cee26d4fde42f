#!/bin/bash
# Runs each libFuzzer target for SECONDS on a copy of its seed corpus (and
# its regression inputs), so runs never grow the committed corpus. Prints
# executions, executions a second and crashes per target; exits 1 if any
# target crashed, leaked or timed out. Crashing inputs are kept in
# BUILD/crashes/TARGET/.
# usage: tests/fuzz/run.sh BUILD SECONDS TARGET...
set -u
build=$1 secs=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=""
printf '%-10s %12s %9s %8s\n' target executions exec/s crashes
for t in "$@"; do
    corpus="$work/$t"
    art="$build/crashes/$t"
    rm -rf "$art"
    mkdir -p "$corpus" "$art"
    for d in tests/fuzz/corpus/$t tests/fuzz/regress/$t; do
        [ -d "$d" ] && cp -r "$d/." "$corpus/"
    done
    log="$work/$t.log"
    "$build/fuzz_$t" "$corpus" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" \
        >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    crashes=$(find "$art" -type f | wc -l)
    printf '%-10s %12s %9s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "$crashes"
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        failed="$failed $t"
        grep -E 'ERROR|SUMMARY|runtime error|fuzz check|#[0-9]+ 0x' "$log" | head -30 | sed 's/^/    /'
        ls "$art" | sed 's/^/    kept: /'
    fi
done
if [ -n "$failed" ]; then
    echo "fuzz: crashes in:$failed (inputs in $build/crashes/)"
    exit 1
fi
echo "fuzz: no crashes"
