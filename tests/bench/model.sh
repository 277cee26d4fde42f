#!/bin/bash
# The built-in model's figures that need the whole program (make bench-model
# runs lm-eval first for accuracy and engine speed). Benchmarks, not tests.
set -u
BUILD=${BUILD:-build}
PONDER=${PONDER:-$PWD/$BUILD/ponder}
RUNS=${BENCH_RUNS:-11}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export XDG_CONFIG_HOME=$tmp/config XDG_STATE_HOME=$tmp/state XDG_DATA_HOME=$tmp/data
MEDIUM="Maria has 120 stickers. She gives away 35 to a friend, buys 48 more, then loses 17. How many stickers does she have now?"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "ponder (builtin) on $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if ! "$PONDER" solve -m builtin -s sc -n 16 "$MEDIUM" >/dev/null 2>"$tmp/err"; then
    echo "solve         the built-in model did not run: $(cat "$tmp/err")"
    exit 0
fi
for i in $(seq "$RUNS"); do
    s=$(date +%s%N)
    "$PONDER" solve -m builtin -s sc -n 16 "$MEDIUM" >/dev/null 2>&1
    e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
done > "$tmp/wall"
printf 'solve         ponder solve -m builtin -s sc -n 16 (medium problem): median %d ms, min %d, max %d over %d runs (goal <= 250 ms)\n' \
    "$(median < "$tmp/wall")" "$(sort -n "$tmp/wall" | head -1)" "$(sort -n "$tmp/wall" | tail -1)" "$RUNS"
BENCH_RUNS=5 BENCH_SOLVE="$MEDIUM" "$BUILD"/bench/bench_startup "$PONDER" -m builtin -s sc -n 16 \
    | sed 's/^/TUI+model     /'
echo "              (peak RSS of the TUI through one sc -n 16 solve; goal <= 40 MB)"

# The "outside what it knows" notice on the development set (MAWPS, never
# trained on): how often it fires, and CoT greedy accuracy where it fires
# and where it does not. Report only; the notice's precision and recall on
# a labelled set are pinned by tests/unit/test_builtin.c.
MAWPS=${MAWPS_DIR:-../shared/data/mawps}
[ -d "$MAWPS" ] || MAWPS=../../shared/data/mawps
for set in singleop multiarith; do
    f="$MAWPS/mawps$set.jsonl"
    [ -f "$f" ] || { echo "notice        $f not found (set MAWPS_DIR)"; continue; }
    jq -r '[.input, (.target|tostring)] | @tsv' "$f" | while IFS=$'\t' read -r q gold; do
        "$PONDER" solve --json -m builtin -s cot "$q" 2>/dev/null | tail -1 |
            jq -r --arg g "$gold" '"\(.guess // false)\t\((.answer|tonumber? // null) == ($g|tonumber))"'
    done | awk -v set="$set" '
        { n++; if ($1 == "true") { f++; fr += $2 == "true" } else nr += $2 == "true" }
        END { printf "notice        MAWPS %s: fires on %d of %d (%.0f%%); CoT greedy %d/%d where it fires, %d/%d where it does not\n",
              set, f, n, 100 * f / n, fr, f, nr, n - f }'
done
