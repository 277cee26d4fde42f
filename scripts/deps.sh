#!/bin/sh
# Installs the Debian packages ponder needs, only those that are missing.
# clang, its runtime (libFuzzer, sanitizers) and OpenMP are for `make fuzz`.
# Uses apt-get as root, sudo otherwise. Quiet when nothing is missing.
set -e
PKGS="build-essential pkg-config libncurses-dev libcurl4-openssl-dev libcjson-dev \
libreadline-dev libinih-dev libcmocka-dev libopenblas-dev tmux python3 groff-base graphviz valgrind \
clang libclang-rt-14-dev libomp-14-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "ponder: installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing
