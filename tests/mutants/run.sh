#!/bin/bash
# make mutants: applies each mutant of tests/mutants/mutants.txt, one at a
# time, to a scratch copy of the tree, rebuilds it incrementally and runs the
# tests the mutant names. Prints "killed", "SURVIVED" or "STALE" per mutant
# and "N killed, M survived, S stale" last; fails unless every one was
# killed. Options: MUTANT_DIR (scratch, default a new /tmp dir, removed at
# the end unless KEEP=1), MUTANTS="name ..." to run only some.
set -eu
cd "$(dirname "$0")/../.."
exec python3 tests/mutants/mutate.py tests/mutants/mutants.txt "$@"
