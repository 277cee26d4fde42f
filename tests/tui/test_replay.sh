#!/bin/bash
# TUI test: `ponder replay` in a real tmux.
#
# Records a run of the built-in model with `ponder solve`, then replays it
# with networking made impossible (the config points every backend at an
# unroutable address, and the replay never opens a model): the same answer
# and votes at --speed 0, Tab through the samples, Markdown export (Alt-M),
# a new problem refused, step mode (p pauses, n steps one event, N runs on),
# a truncated copy that says it was cut off, and a name from `ponder runs`.
#
# Prints "ok - ..." / "not ok - ..." per check and "N passed, N failed" last.
set -u
cd "$(dirname "$0")/../.."
. tests/tui/lib.sh
need tmux

export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config XDG_STATE_HOME=$tmp/state
mkdir -p "$XDG_CONFIG_HOME/ponder" "$tmp/work"
runs=$XDG_DATA_HOME/ponder/runs
PROBLEM="A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"

# ---- record ----
out=$("$PONDER" solve --model builtin -s sc --seed 7 "$PROBLEM" 2>"$tmp/solve.err")
file=$(ls "$runs" 2>/dev/null | head -n1)
if [ -n "$file" ] && [ "$(ls "$runs" | wc -l)" = 1 ]; then ok "ponder solve saved one transcript"
else bad "ponder solve saved one transcript" "$(ls -la "$runs" 2>&1; cat "$tmp/solve.err")"; finish; fi
# "Answer: 45  (7 of 10 votes, 70%)" and "Votes: 45 ×7, 35 ×3"
ans=$(printf '%s\n' "$out" | sed -n 's/^Answer: \([^ ]*\)  (\([0-9]*\) of \([0-9]*\) votes, \([0-9]*\)%)$/\1 \2 \3 \4/p')
read -r A K N P <<<"$ans"
if [ -n "${A:-}" ]; then ok "the recorded run answered $A ($K of $N votes)"
else bad "the recorded run answered" "$out"; finish; fi
# The answer is the one the votes give: the leader of the Votes line, its
# count, the 10 samples sc draws, the share rounded; and the transcript's
# done event says the same.
votes=$(printf '%s\n' "$out" | sed -n 's/^Votes: //p')
lead=${votes%%,*}
sum=$(printf '%s\n' "$votes" | tr ',' '\n' | sed 's/.*×//' | awk '{s+=$1} END {print s+0}')
if [ "$lead" = "$A ×$K" ] && [ "$N" = 10 ] && [ "$sum" = "$N" ] && [ "$P" = $(( (100 * K + N / 2) / N )) ] &&
   tail -n1 "$runs/$file" | grep -q "^{\"event\":\"done\",\"answer\":\"$A\""; then
    ok "the answer is the votes' leader, as the transcript says"
else bad "the answer is the votes' leader, as the transcript says" "$out
$(tail -n1 "$runs/$file" | cut -c1-200)"; fi
if "$PONDER" runs | grep -q "$file"; then ok "ponder runs lists the recording"; else bad "ponder runs lists the recording" "$("$PONDER" runs 2>&1)"; fi

# From here on no model can be reached: every backend points at an
# unroutable address, and the default model is one of them.
cat >"$XDG_CONFIG_HOME/ponder/config.ini" <<'EOF'
[ponder]
model = openai:test
[openai]
base_url = http://192.0.2.1:9/v1
[ollama]
host = http://192.0.2.1:9
[network]
connect_timeout = 1
EOF

start() {  # SESSION ARGS...
    local s=$1; shift
    T new-session -d -s "$s" -x 120 -y 30 \
        "cd $tmp/work && env XDG_DATA_HOME=$XDG_DATA_HOME XDG_CONFIG_HOME=$XDG_CONFIG_HOME \
         XDG_STATE_HOME=$XDG_STATE_HOME LC_ALL=C.UTF-8 $PONDER $*; echo PONDER_EXIT=\$?; sleep 600"
}

# ---- instant replay, by the name `ponder runs` shows ----
start r replay "${file%.jsonl}" --speed 0
check "replay shows the same answer and vote share" r "Answer +$A +\($K of $N votes, $P%\)"
check "replay shows the vote bar for $A" r "$A .* $K +$P%"
while read -r a x; do
    c=${x#×}
    if wait_for r "$a [^ ]* +$c +[0-9]+%" 5; then ok "vote bar for $a with $c votes"
    else bad "vote bar for $a with $c votes" "$(screen r)"; fi
done < <(printf '%s\n' "$out" | sed -n 's/^Votes: //p' | tr ',' '\n' | sed 's/^ *//')
check "the status line says replay, file and speed" r "replay: ${file}.*instant"
check "the status line shows the run's model and strategy" r "builtin.*sc n=10"
T send-keys -t r Tab
check "Tab follows the next sample" r 'Thinking .* sample 2/10'
T send-keys -t r M-m
check "Alt-M writes the run up as Markdown" r 'wrote ponder-run-.*\.md'
md=$(ls "$tmp"/work/ponder-run-*.md 2>/dev/null | head -n1)
if [ -n "$md" ] && head -n1 "$md" | grep -q '^# ponder run: sc on builtin$' && grep -q "^\*\*$A\*\* ($K of $N votes" "$md"
then ok "the Markdown file has the run and its answer"; else bad "the Markdown file has the run and its answer" "$(head -40 "$md" 2>&1)"; fi
# an export onto an existing file asks first: n keeps it, y replaces it
# (the names are stamped to the second: take the next few seconds' names)
now=$(date +%s)
for i in 0 1 2 3 4 5 6 7 8 9; do
    printf 'mine\n' > "$tmp/work/ponder-run-$(date -d "@$((now + i))" +%Y%m%d-%H%M%S).md"
done
T send-keys -t r M-m
check "Alt-M onto an existing file asks before replacing it" r 'ponder-run-.*\.md exists: replace it\? \(y/n\)'
T send-keys -t r n
check "n keeps the file" r 'not exported: ponder-run-.*\.md is kept'
if [ "$(grep -l '^mine$' "$tmp"/work/ponder-run-*.md | wc -l)" = 10 ]; then ok "the kept files are untouched"
else bad "the kept files are untouched" "$(ls -la "$tmp/work")"; fi
T send-keys -t r M-m
check "Alt-M asks again" r 'exists: replace it\? \(y/n\)'
T send-keys -t r y
check "y replaces the file" r 'wrote ponder-run-.*\.md'
if [ "$(grep -l '^mine$' "$tmp"/work/ponder-run-*.md | wc -l)" = 9 ]; then ok "one file was replaced"
else bad "one file was replaced" "$(ls -la "$tmp/work")"; fi
T send-keys -t r -l "What is 2 + 2?"
T send-keys -t r Enter
check "a new problem during a replay is refused" r 'A replay has no model'
T send-keys -t r C-u C-d
check "Ctrl-D quits the replay with status 0" r 'PONDER_EXIT=0'

# ---- step mode ----
start s replay "$runs/$file" --speed 0.0005
check "a slow replay starts" s "replay: $file .* ×0.0005"
T send-keys -t s p
check "p pauses" s "×0.0005 · paused"
T send-keys -t s n
if wait_for s 'paused at event [0-9]+ of [0-9]+' 5; then
    e1=$(screen s | sed -n 's/.*paused at event \([0-9]*\) of.*/\1/p' | head -n1)
    T send-keys -t s n
    if wait_for s "paused at event $((e1 + 1)) of" 5; then ok "n steps one event ($e1, then $((e1 + 1)))"
    else bad "n steps one event" "$(screen s)"; fi
else bad "n steps one event" "$(screen s)"; fi
# N runs on to the next new node. How many nodes are still to come depends
# on the recording's timestamps (a slow build spreads the node_add events
# over several milliseconds), so press it, at most 15 times, until the run
# is over.
reached=0
for _ in $(seq 15); do
    T send-keys -t s N
    if wait_for s "replay: end of the run|Answer +$A" 2; then reached=1; break; fi
done
if [ $reached = 1 ]; then ok "N runs on node by node to the end of the run"
else bad "N runs on node by node to the end of the run" "$(screen s)"; fi
T send-keys -t s C-d
check "the step-mode replay quits cleanly" s 'PONDER_EXIT=0'

# ---- a truncated copy ----
size=$(stat -c %s "$runs/$file")
head -c $((size / 2)) "$runs/$file" >"$tmp/work/cut.jsonl"
start c replay cut.jsonl --speed 0
check "a truncated copy replays and says it was cut off" c 'cut off after [0-9]+ events'
check "the Answer pane says the run was cut off, not that no number was read" c 'the run was cut off before it ended'
T send-keys -t c C-d
check "the cut-off replay quits cleanly" c 'PONDER_EXIT=0'

# ---- a config or theme with a syntax error: named with its line, defaults used ----
mkdir -p "$tmp/bad/config/ponder"
printf '[ponder]\nstrategy = cot\n[ponder\n' >"$tmp/bad/config/ponder/config.ini"
T new-session -d -s b1 -x 100 -y 30 "cd $tmp/work && env XDG_DATA_HOME=$tmp/bad/data \
    XDG_CONFIG_HOME=$tmp/bad/config XDG_STATE_HOME=$tmp/bad/state LC_ALL=C.UTF-8 $PONDER; sleep 600"
check "a config syntax error is shown as file:line" b1 'config.ini:3: syntax error'
check "and ponder starts" b1 'problem>'
printf '[colors]\ntitle = ultraviolet\n' >"$tmp/bad/bad.theme"
printf '[ponder]\ntheme = %s\n' "$tmp/bad/bad.theme" >"$tmp/bad/config/ponder/config.ini"
T new-session -d -s b2 -x 100 -y 30 "cd $tmp/work && env XDG_DATA_HOME=$tmp/bad/data \
    XDG_CONFIG_HOME=$tmp/bad/config XDG_STATE_HOME=$tmp/bad/state LC_ALL=C.UTF-8 $PONDER; sleep 600"
check "a theme error is shown as file:line" b2 'bad.theme:2: '
check "and ponder starts with the default theme" b2 'problem>'

# ---- a transcript that cannot be written: said once, the run goes on ----
mkdir -p "$tmp/ro/data" && touch "$tmp/ro/data/ponder"
T new-session -d -s w -x 100 -y 30 "cd $tmp/work && env XDG_DATA_HOME=$tmp/ro/data \
    XDG_CONFIG_HOME=$tmp/ro/config XDG_STATE_HOME=$tmp/ro/state LC_ALL=C.UTF-8 $PONDER -m builtin -s cot; sleep 600"
check "the TUI starts" w 'problem>'
T send-keys -t w -l "$PROBLEM"
T send-keys -t w Enter
check "a transcript that cannot be written is said on the status line" w 'transcript not saved'
check "and the run still answers" w 'Answer +[0-9]' 20

# ---- no such run ----
if "$PONDER" replay no-such-run 2>"$tmp/err.txt"; then bad "a missing run is an error"
elif grep -q "no-such-run: no such file or saved run" "$tmp/err.txt"; then ok "a missing run is an error with a message"
else bad "a missing run is an error with a message" "$(cat "$tmp/err.txt")"; fi

finish
