# lib.sh: what the tmux scripts share (sourced by tests/tui/test_*.sh after
# they cd to the top of the tree).
#
# Counters and their lines: ok NAME, bad NAME [DETAIL], skip NAME WHY (a
# skip is not a pass), finish (prints "N passed, N failed, N skipped" and
# exits). A private tmux server on its own socket ($sock, driven by T), a
# scratch directory $tmp, and fixture servers from start_server; all of it
# goes at exit. Waits are bounded polls of capture-pane: wait_for and
# wait_gone (SESSION REGEX [SECONDS]), check (NAME SESSION REGEX [SECONDS]).

PONDER=${PONDER:-./ponder}
case $PONDER in /*) ;; *) PONDER=$PWD/$PONDER ;; esac
pass=0 fail=0 skipped=0
ok()   { echo "ok - $1"; pass=$((pass + 1)); }
skip() { echo "ok - $1 # SKIP $2"; skipped=$((skipped + 1)); }
bad()  { echo "not ok - $1"; fail=$((fail + 1)); if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/#   /'; fi; }
finish() { echo "$pass passed, $fail failed, $skipped skipped"; [ "$fail" -eq 0 ]; exit $?; }

# need PROGRAM...: each must be on PATH, and ponder must be built.
need() {
    for p in "$@"; do
        command -v "$p" >/dev/null || { bad "$p is needed"; finish; }
    done
    if [ ! -x "$PONDER" ]; then bad "no ponder binary at $PONDER (run make)"; finish; fi
}

tmp=$(mktemp -d)
sock=$tmp/tmux.sock
servers=()
cleanup() {
    tmux -S "$sock" kill-server 2>/dev/null
    for p in "${servers[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
T() { tmux -S "$sock" "$@"; }

# start_server NAME ARGS... -> sets PORT (tests/fixtures/server.py ARGS)
start_server() {
    local name=$1; shift
    python3 tests/fixtures/server.py "$@" >"$tmp/$name.port" 2>"$tmp/$name.err" &
    servers+=($!)
    PORT=""
    for _ in $(seq 100); do
        PORT=$(head -n1 "$tmp/$name.port" 2>/dev/null)
        [ -n "$PORT" ] && return 0
        sleep 0.1
    done
    return 1
}

screen() { T capture-pane -p -t "$1"; }

wait_for() {
    local s=$1 re=$2 n=$(( ${3:-20} * 10 ))
    for _ in $(seq "$n"); do
        screen "$s" 2>/dev/null | grep -Eq -- "$re" && return 0
        sleep 0.1
    done
    return 1
}

wait_gone() {
    local s=$1 re=$2 n=$(( ${3:-20} * 10 ))
    for _ in $(seq "$n"); do
        screen "$s" 2>/dev/null | grep -Eq -- "$re" || return 0
        sleep 0.1
    done
    return 1
}

check() {
    if wait_for "$2" "$3" "${4:-20}"; then ok "$1"; else bad "$1" "$(screen "$2")"; fi
}
