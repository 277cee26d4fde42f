#!/bin/bash
# TUI test: ponder in a real tmux against the fixture model server.
#
# Types a problem, waits for the answer and the vote bars, resizes to 40x12
# and through a storm of sizes, cancels a slow run with Esc, refuses an
# oversized paste, and quits with Ctrl-C y and with Ctrl-D, checking the
# exit status and that the terminal was given back. Waits are bounded
# polls of capture-pane; nothing asserts on time.
#
# Prints "ok - ..." / "not ok - ..." per check and "N passed, N failed" last.
set -u
cd "$(dirname "$0")/../.."
. tests/tui/lib.sh
need tmux python3

# start_ponder SESSION PORT LOCALE ARGS... : ponder in a fresh XDG home; when
# it exits, the pane shell prints its status and the terminal's modes.
start_ponder() {
    local s=$1 port=$2 loc=$3; shift 3
    mkdir -p "$tmp/$s/state" "$tmp/$s/config"
    T new-session -d -s "$s" -x 80 -y 24 \
        "cd $tmp/$s && env XDG_STATE_HOME=$tmp/$s/state XDG_CONFIG_HOME=$tmp/$s/config XDG_DATA_HOME=$tmp/$s/data LC_ALL=$loc \
         $PONDER --model openai:test --base-url http://127.0.0.1:$port/v1 $*; \
         echo PONDER_EXIT=\$?; echo MODES: \$(stty -a | tr ' ;' '\n\n' | grep -E '^-?(icanon|echo|isig)\$'); sleep 600"
}

alive() { [ "$(T display -p -t "$1" '#{pane_current_command}')" != "" ] && ! screen "$1" | grep -q PONDER_EXIT; }

# the terminal after ponder exits: status 0, cooked mode, main screen
check_exit() {  # NAME SESSION
    if wait_for "$2" 'MODES:' 10; then
        local out; out=$(screen "$2")
        if echo "$out" | grep -q 'PONDER_EXIT=0' ; then ok "$1: exit status 0"; else bad "$1: exit status 0" "$out"; fi
        local modes; modes=$(echo "$out" | grep 'MODES:')
        if echo "$modes" | grep -Eq ' icanon( |$)' && echo "$modes" | grep -Eq ' echo( |$)' && echo "$modes" | grep -Eq ' isig( |$)'; then
            ok "$1: terminal back in cooked mode"
        else bad "$1: terminal back in cooked mode" "$out"; fi
        if [ "$(T display -p -t "$2" '#{alternate_on}')" = 0 ]; then ok "$1: left the alternate screen"
        else bad "$1: left the alternate screen"; fi
    else
        bad "$1: ponder exited" "$(screen "$2")"
    fi
}

PROBLEM="A bakery has 45 croissants. It sells 12, bakes 30 more, then sells 18. How many croissants are left?"

# ---- self-consistency: answer, votes, samples, help ----
if ! start_server sc --scenario sc; then bad "fixture server (sc) started" "$(cat "$tmp/sc.err")"; finish; fi
start_ponder sc "$PORT" C.UTF-8 -s sc
check "TUI starts with the problem line" sc 'problem>'
check "status line names model and strategy" sc 'openai:test.*sc n=10'
T send-keys -t sc -l "$PROBLEM"
T send-keys -t sc Enter
check "answer 45 appears" sc 'Answer +45' 20
check "answer shows the vote share" sc '\(6 of 10 votes, 60%\)'
check "vote bar for 45 with count 6 and 60%" sc '45 .* 6 +60%'
check "vote bars for 44 and 35" sc '(44|35) .* 2 +20%'
f=$(ls "$tmp/sc/data/ponder/runs/"*.jsonl 2>/dev/null | head -n1)
if [ -n "$f" ] && tail -n1 "$f" | grep -q '^{"event":"done","answer":"45"'; then ok "the run was saved as a transcript"
else bad "the run was saved as a transcript" "$(ls -la "$tmp/sc/data/ponder/runs" 2>&1)"; fi
T send-keys -t sc Tab
check "Tab follows the next sample" sc 'Thinking .* sample 2/10'
T send-keys -t sc F1
check "F1 opens the help made from the keymap" sc 'show this help'
T send-keys -t sc Escape
if wait_gone sc 'show this help' 5; then ok "Esc closes the help"; else bad "Esc closes the help" "$(screen sc)"; fi

T send-keys -t sc C-y
check "Ctrl-Y copies the answer and says so" sc 'copied 45'
if [ "$(cat "$tmp/sc/state/ponder/last-answer" 2>/dev/null)" = 45 ]; then ok "the copied answer is in last-answer"
else bad "the copied answer is in last-answer"; fi
T send-keys -t sc F6
check "F6 raises n for the next solve" sc 'n=11'
T send-keys -t sc C-p
check "Ctrl-P shows the prompt sc would send" sc 'Prompt: sc sends this 11 times'
T send-keys -t sc Escape

# ---- narrow terminal, then a storm of sizes ----
T resize-window -t sc -x 40 -y 12
check "40x12 collapses panes into tabs" sc 'Thinking .* Answer .* Votes'
check "40x12 still shows the answer" sc 'Answer: 45'
T send-keys -t sc C-o C-o
check "Ctrl-O switches to the Votes tab" sc '45 .* 6 +60%'
for size in 100x30 30x8 12x4 200x60 41x13 20x6 80x24 19x5 60x14 150x45 40x12 25x7 90x28 10x3 80x24; do
    T resize-window -t sc -x "${size%x*}" -y "${size#*x}"
done
T resize-window -t sc -x 12 -y 4
check "a tiny terminal says it is too small" sc 'too small'
T resize-window -t sc -x 80 -y 24
check "back at 80x24 after a resize storm, answer intact" sc 'Answer +45 +\(6 of 10 votes, 60%\)'
if alive sc; then ok "ponder survived the resizes"; else bad "ponder survived the resizes" "$(screen sc)"; fi

# ---- an oversized paste is refused ----
head -c 5000 /dev/zero | tr '\0' 'x' > "$tmp/big.txt"
T load-buffer -b big "$tmp/big.txt"
T paste-buffer -p -b big -t sc
check "a 5000-byte paste is refused with a message" sc 'paste refused'
if screen sc | grep -q 'xxxxxxxxxx'; then bad "the refused paste left the line empty" "$(screen sc)"; else ok "the refused paste left the line empty"; fi

# ---- quit with Ctrl-C, y ----
T send-keys -t sc C-c
check "Ctrl-C with no solve running asks before quitting" sc 'Quit ponder\? \(y/n\)'
T send-keys -t sc y
check_exit "Ctrl-C y" sc
if grep -q "croissants are left" "$tmp/sc/state/ponder/history" 2>/dev/null; then ok "the problem was saved to the history file"
else bad "the problem was saved to the history file"; fi

# ---- cancel a slow run with Esc; quit with Ctrl-D ----
if ! start_server slow --scenario slow --delay 30; then bad "fixture server (slow) started"; finish; fi
start_ponder slow "$PORT" C.UTF-8 -s cot
check "slow: TUI starts" slow 'problem>'
T send-keys -t slow -l "What is 45 - 12 + 30 - 18?"
T send-keys -t slow Enter
check "slow: the reply streams into the Thinking pane" slow "Let's think" 20
T send-keys -t slow Escape
check "Esc cancels: 'cancelled' is shown" slow 'cancelled'
check "the text that arrived is kept" slow "Let's think"
if alive slow; then ok "the app keeps running after a cancel"; else bad "the app keeps running after a cancel"; fi
T send-keys -t slow C-d
check_exit "Ctrl-D on an empty line" slow

# ---- the built-in model, offline (the default model) ----
start_ponder builtin 1 C.UTF-8 --model builtin -s sc --seed 7
check "builtin: status line names the built-in model" builtin 'builtin .* sc n=10'
T send-keys -t builtin -l "A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"
T send-keys -t builtin Enter
check "builtin: the vote lands on 45" builtin 'Answer +45 +\([0-9]+ of 10 votes' 30
check "builtin: its steps show in the Thinking pane" builtin '45 - 12 = 33'
if screen builtin | grep -q 'a guess'; then bad "builtin: a curriculum problem's answer is no guess"
else ok "builtin: a curriculum problem's answer is no guess"; fi
T send-keys -t builtin -l "What is 7 times 8?"
T send-keys -t builtin Enter
check "builtin: outside what it knows, the answer line says it is a guess" builtin \
    'Answer +[0-9]+ +a guess: outside what the model knows' 30
T send-keys -t builtin C-d
check_exit "builtin quit" builtin

# ---- Game of 24 with Tree of Thoughts: the tree, its keys, DOT export ----
start_ponder tot24 1 C.UTF-8 --model builtin -s tot --task 24 --seed 3
T resize-window -t tot24 -x 110 -y 32
check "24: the problem line asks for numbers" tot24 '^24>'
check "24: the status line names the task" tot24 '24: tot n=5'
T send-keys -t tot24 -l "1 4 8 8"
T send-keys -t tot24 Enter
check "tot: the tree pane shows thoughts with their values" tot24 'Tree — [0-9]+ nodes' 30
check "tot: steps are shown as text in the tree" tot24 '\(left: [0-9 ]+\)'
check "tot: the run ends on a chosen path, shown whole" tot24 'Path to node' 30
check "tot: the path lists its steps" tot24 'Step 1: .*left'
T send-keys -t tot24 C-t
check "Ctrl-T gives the keys to the tree" tot24 'Tree — keys here'
T send-keys -t tot24 Home
T send-keys -t tot24 j
T send-keys -t tot24 Enter
check "Enter on a node shows its path" tot24 'Path to node 1 '
T send-keys -t tot24 v
check "v: compact view, one character per node" tot24 '[•×✗○●]{12}'
T send-keys -t tot24 v
T send-keys -t tot24 e
check "e: the DOT file is written" tot24 'wrote .*ponder-run-[0-9-]+\.dot'
dotf=$(ls "$tmp"/tot24/ponder-run-*.dot 2>/dev/null | head -n1)
if [ -n "$dotf" ] && grep -q '^digraph' "$dotf"; then ok "the export is a Graphviz digraph"
else bad "the export is a Graphviz digraph" "$(ls -la "$tmp/tot24")"; fi
if command -v dot >/dev/null; then
    if dot -Tsvg "$dotf" >/dev/null 2>"$tmp/dot.err"; then ok "dot -Tsvg accepts the export"
    else bad "dot -Tsvg accepts the export" "$(cat "$tmp/dot.err")"; fi
fi
T send-keys -t tot24 Escape
check "Esc gives the keys back to the problem line" tot24 'Tree — [0-9]+ nodes'
T send-keys -t tot24 C-g
check "Ctrl-G switches back to word problems" tot24 '^problem>'
T send-keys -t tot24 C-d
check_exit "tot quit" tot24

# ---- MCTS on a word problem: visits and values in the tree ----
start_ponder mcts 1 C.UTF-8 --model builtin -s mcts --seed 7
T resize-window -t mcts -x 110 -y 32
T send-keys -t mcts -l "A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"
T send-keys -t mcts Enter
check "mcts: the answer is 45" mcts 'Answer +45' 30
check "mcts: nodes show visits and Q" mcts 'N=[0-9]+'
check "mcts: the chosen path's steps are checked" mcts 'Step 1: 45 - 12 = 33'
T send-keys -t mcts C-t
T send-keys -t mcts End
T send-keys -t mcts Enter
check "mcts: Enter shows a node's path" mcts 'Path to node'
T send-keys -t mcts Escape
T send-keys -t mcts C-d
check_exit "mcts quit" mcts

# ---- thinking controls: F11 cycles --think; a budget forces the answer ----
start_ponder think 1 C.UTF-8 --model builtin -s cot
T send-keys -t think F11
check "F11: thinking off, shown on the status line" think 'thinking: off|think=off'
T send-keys -t think -l "A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"
T send-keys -t think Enter
check "think off: budget forcing asks for the answer at once" think 'budget forcing' 30
check "think off: an answer still lands" think 'Answer +[0-9]+'
T send-keys -t think C-d
check_exit "think quit" think

# ---- a non-UTF-8 locale gets ASCII borders ----
start_ponder ascii "$PORT" C -s sc
check "C locale: ASCII borders" ascii '^\+ Thinking -+\+'
T send-keys -t ascii C-d
check_exit "C locale quit" ascii


# ---- notices: cut on the status line, whole in the message log (Alt-L);
# ---- a new run clears the last one's; the 24 prompt; the help overlay ----
start_ponder notes 1 C.UTF-8 --model builtin -s sc --seed 7
T resize-window -t notes -x 100 -y 50
check "help: starts with the welcome" notes 'Type a math word problem'
T send-keys -t notes C-g
check "24 mode: the welcome asks for a puzzle" notes 'Type a Game of 24 puzzle'
if screen notes | grep -q 'Type a math word problem'; then
    bad "24 mode: no word-problem prompt left" "$(screen notes)"
else ok "24 mode: no word-problem prompt left"; fi
T send-keys -t notes C-g
T send-keys -t notes F1
check "help: Ctrl-S lists all 8 strategies" notes 'switch strategy: direct, cot, fewshot, sc'
check "help: the rest of the strategies" notes 'bon, beam, tot, mcts'
if screen notes | grep -qF '**'; then bad "help: no key reads **" "$(screen notes)"
else ok "help: no key reads **"; fi
check "help: the message log's key is listed" notes 'Alt-L .*message log'
T send-keys -t notes Escape
ZEBRA="The quixotic zebra juggled 17 xylophones beside purple volcanoes while giraffes danced. How many?"
T send-keys -t notes -l "$ZEBRA"
T send-keys -t notes Enter
check "notice: cut on the status line, with the log's key" notes 'outside what the built-in model knows.*\(Alt-L: all\)' 30
T send-keys -t notes M-l
check "message log: Alt-L opens it" notes 'Messages \([0-9]+\), oldest first'
check "message log: the notice is there whole" notes '\(--model openai:NAME\)\.'
T send-keys -t notes Escape
wait_for notes 'Messages \(' 1
if screen notes | grep -q 'Messages ('; then bad "message log: Esc closes it" "$(screen notes)"
else ok "message log: Esc closes it"; fi
T send-keys -t notes C-d
check_exit "notes quit" notes

# a new run clears the last problem's notice (cot: one fast sample each)
start_ponder stale 1 C.UTF-8 --model builtin -s cot --seed 7
T send-keys -t stale -l "$ZEBRA"
T send-keys -t stale Enter
check "notice: the status line shows it" stale 'outside what the built-in model knows' 30
check "notice: the first run ends" stale 'Thinking \(done\)' 30
T send-keys -t stale -l "A bakery has 45 croissants. They sell 12 in the morning, receive a delivery of 30 at noon, then sell 18 in the afternoon. How many croissants remain?"
T send-keys -t stale Enter
# right after the next run's steps: the old notice (6 s long) must be gone
if wait_for stale '45 - 12 = 33' 30 && ! screen stale | tail -1 | grep -q 'outside what'; then
    ok "the next run clears the last problem's notice"
else bad "the next run clears the last problem's notice" "$(screen stale)"; fi
T send-keys -t stale M-l
check "message log: keeps the old notice after the next run" stale '[0-9]{2}:[0-9]{2}:[0-9]{2}  This problem is outside what'
T send-keys -t stale Escape
T send-keys -t stale C-d
check_exit "stale quit" stale

# ---- a replay: the keys that set up a run say so and change nothing ----
run=$(ls "$tmp"/notes/data/ponder/runs/*.jsonl 2>/dev/null | head -n1)
if [ -z "$run" ]; then bad "replay: the session saved its runs" "$(ls -R "$tmp/notes")"
else
    start_ponder rp 1 C.UTF-8 replay --speed 0 "$run"
    check "replay: the saved run ends" rp 'replay: end of the run'
    T send-keys -t rp +
    check "replay: + says a replay's settings stay as recorded" rp 'settings stay as recorded'
    if screen rp | grep -q 'n=11'; then bad "replay: + does not change n" "$(screen rp)"
    else ok "replay: + does not change n"; fi
    T send-keys -t rp C-s
    if screen rp | grep -q 'strategy bon'; then bad "replay: Ctrl-S does not switch strategy" "$(screen rp)"
    else ok "replay: Ctrl-S does not switch strategy"; fi
    T send-keys -t rp C-d
    check_exit "replay quit" rp
fi

finish
