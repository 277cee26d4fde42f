#!/bin/bash
# test_layers: the one-way rule of ARCHITECTURE.md ("Layers"), checked on
# the source. Each layer may include its own headers and only the other
# layers' headers listed here; a new edge must be added to this table and
# to ARCHITECTURE.md in the same commit, with its reason.
set -u
cd "$(dirname "$0")/../.."
declare -A allowed=(
    [tutor]=""
    [lm]=""
    [models]="lm/lm.h lm/scope.h tutor/event.h tutor/prompt.h tutor/trace.h tutor/traits.h tutor/utf8.h tutor/mem.h tutor/slurp.h"
    [strategies]="models/model.h tutor/*"
    [ui]="tutor/*"
    [app]="ui/* strategies/* models/model.h tutor/* lm/curriculum.h lm/rng.h"
)
fails=0
for layer in tutor lm models strategies ui app; do
    bad=""
    while read -r file hdr; do
        ok=0
        for pat in ${allowed[$layer]}; do
            # shellcheck disable=SC2053  # the pattern is a glob on purpose
            [[ $hdr == $pat ]] && ok=1
        done
        [ "$ok" -eq 1 ] || bad="$bad $file→$hdr"
    done < <(grep -o '#include "[a-z]*/[a-z0-9_]*\.h"' "$layer"/*.[ch] |
             sed 's/:#include "/ /; s/"$//' | awk -v l="$layer/" 'index($2, l) != 1')
    if [ -z "$bad" ]; then
        echo "ok - $layer includes only what the layering allows"
    else
        echo "not ok - $layer includes what the layering forbids:$bad"
        fails=$((fails + 1))
    fi
done
[ "$fails" -eq 0 ]
