#!/bin/sh
# tests/determinism/run.sh — the same ledger gives the same results, byte for byte, however its
# files are arranged and whichever road it takes.
#
# For every scheme folder tests/schemes/NAME/ and every expected-YEAR.csv in it, `jifen run
# rulesets/NAME.jf … --year YEAR --format csv` on the original files is the reference; these
# must print exactly the same bytes:
#   rows N      members, branches and events with their data rows shuffled (seed N; header
#               first; quoted fields with newlines kept whole; events of one member on one date
#               keep their relative order, since the contract orders them by file row)
#   cols        every file with all its columns permuted, header included
#   rows+cols   both at once (csv, and json against the original's json)
#   spill       the original files and rows+cols with JIFEN_RUN_EVENTS=7 (a test-only setting:
#               events spilled to the temp file in sorted runs of 7 and merged back)
#   jobs N      --jobs 2 and --jobs 3 (threads taking shares of whole branches), and --jobs 2 with the spill,
#               on the original files
#   store       `db init`, `db policy … --from`, `import`, `eval --format csv` for every year in
#               ascending order (history read from last year's stored run), then the last year
#               again (an identical run: nothing new stored, same output)
#   store rows+cols  the reshaped files imported into a fresh store, evaluated newest year
#               first (history read from the ledger, no earlier run stored)
# The file rewriting is tests/determinism/reshape.py (python3, fixed seeds).
# Usage: sh tests/determinism/run.sh [-q] [BIN]   (BIN defaults to bin/jifen)
# Prints one line per check (-q: only the failures) and ends with "N passed, M failed"; exit 1
# on any failure.
QUIET=
[ "$1" = -q ] && { QUIET=1; shift; }
BIN=${1:-bin/jifen}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 2
RESHAPE="python3 $HERE/reshape.py"
OUT=${TMPDIR:-/tmp}/jifen-determinism.$$
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); [ -n "$QUIET" ] || echo "ok   $1"; }
bad() {
    fail=$((fail + 1)); echo "FAIL $1"
    [ -n "$2" ] && [ -s "$2" ] && sed 's/^/    /' "$2" | head -n 12
}

# compare NAME REF GOT ERR: GOT must equal REF byte for byte (ERR: the command's stderr)
compare() {
    if [ "$4" -ne 0 ]; then
        bad "$1 (exit status $4)" "$3.err"
    elif cmp -s "$2" "$3"; then
        ok "$1"
    else
        diff -u "$2" "$3" >"$OUT/diff.txt" 2>&1
        bad "$1 (output differs)" "$OUT/diff.txt"
    fi
}

# run_files DIR YEAR FORMAT OUTFILE [ARG...]: jifen run over the files in DIR (with the extra
# arguments; RUNS, when set, is passed as JIFEN_RUN_EVENTS); prints the exit status
RUNS=
run_files() {
    _d=$1 _y=$2 _f=$3 _o=$4
    shift 4
    if [ -f "$_d/branches.csv" ]; then
        JIFEN_RUN_EVENTS=$RUNS "$BIN" run "$POLICY" --members "$_d/members.csv" --events "$_d/events.csv" \
            --branches "$_d/branches.csv" --year "$_y" --format "$_f" "$@" >"$_o" 2>"$_o.err"
    else
        JIFEN_RUN_EVENTS=$RUNS "$BIN" run "$POLICY" --members "$_d/members.csv" --events "$_d/events.csv" \
            --year "$_y" --format "$_f" "$@" >"$_o" 2>"$_o.err"
    fi
    echo $?
}

# store DB DIR: a fresh store with the policy and one import of the files in DIR
store() {
    rm -f "$1" "$1-wal" "$1-shm"
    "$BIN" db init "$1" >/dev/null 2>"$1.err" || return 1
    "$BIN" db policy "$1" "$POLICY" --from 1990-01-01 >/dev/null 2>>"$1.err" || return 1
    if [ -f "$2/branches.csv" ]; then
        "$BIN" import "$1" --branches "$2/branches.csv" --members "$2/members.csv" \
            --events "$2/events.csv" >/dev/null 2>>"$1.err"
    else
        "$BIN" import "$1" --members "$2/members.csv" --events "$2/events.csv" >/dev/null 2>>"$1.err"
    fi
}

# eval_store DB YEAR OUTFILE: prints the exit status
eval_store() {
    "$BIN" eval "$1" --year "$2" --format csv >"$3" 2>"$3.err"
    echo $?
}

# every variant of every scheme's files, in one python run
$RESHAPE all "$OUT" tests/schemes/*/ || { echo "reshape.py failed"; echo "0 passed, 1 failed"; exit 1; }

for dir in tests/schemes/*/; do
    dir=${dir%/}
    name=$(basename "$dir")
    POLICY=rulesets/$name.jf
    [ -f "$POLICY" ] || { bad "$name: no $POLICY"; continue; }
    years=$(ls "$dir" | sed -n 's/^expected-\([0-9][0-9][0-9][0-9]\)\.csv$/\1/p' | sort -n)
    [ -n "$years" ] || { bad "$name: no expected-YEAR.csv"; continue; }
    W=$OUT/$name
    [ -f "$W/both/events.csv" ] || { bad "$name: reshaping the files failed"; continue; }

    for y in $years; do
        rc=$(run_files "$dir" "$y" csv "$W/ref-$y.csv")
        if [ "$rc" -ne 0 ] || [ ! -s "$W/ref-$y.csv" ]; then
            bad "$name $y original run (exit status $rc)" "$W/ref-$y.csv.err"
            continue
        fi
        run_files "$dir" "$y" json "$W/ref-$y.json" >/dev/null
        for v in rows1 rows2 cols both; do
            rc=$(run_files "$W/$v" "$y" csv "$W/$v-$y.csv")
            label=$v
            case $v in rows1) label="rows (seed 1)";; rows2) label="rows (seed 2)";; both) label="rows+cols";; esac
            compare "$name $y $label" "$W/ref-$y.csv" "$W/$v-$y.csv" "$rc"
        done
        rc=$(run_files "$W/both" "$y" json "$W/both-$y.json")
        compare "$name $y rows+cols json" "$W/ref-$y.json" "$W/both-$y.json" "$rc"
        RUNS=7
        rc=$(run_files "$dir" "$y" csv "$W/spill-$y.csv")
        compare "$name $y spill" "$W/ref-$y.csv" "$W/spill-$y.csv" "$rc"
        rc=$(run_files "$W/both" "$y" csv "$W/spillb-$y.csv")
        compare "$name $y rows+cols spill" "$W/ref-$y.csv" "$W/spillb-$y.csv" "$rc"
        rc=$(run_files "$dir" "$y" csv "$W/spillj-$y.csv" --jobs 2)
        compare "$name $y spill jobs 2" "$W/ref-$y.csv" "$W/spillj-$y.csv" "$rc"
        RUNS=
        for j in 2 3; do
            rc=$(run_files "$dir" "$y" csv "$W/jobs$j-$y.csv" --jobs $j)
            compare "$name $y jobs $j" "$W/ref-$y.csv" "$W/jobs$j-$y.csv" "$rc"
        done
    done

    # the store: original files, years ascending, then the last year again
    if store "$W/a.db" "$dir"; then
        last=
        for y in $years; do
            [ -f "$W/ref-$y.csv" ] || continue
            rc=$(eval_store "$W/a.db" "$y" "$W/store-$y.csv")
            compare "$name $y store" "$W/ref-$y.csv" "$W/store-$y.csv" "$rc"
            last=$y
        done
        if [ -n "$last" ]; then
            rc=$(eval_store "$W/a.db" "$last" "$W/again-$last.csv")
            compare "$name $last store, evaluated again" "$W/ref-$last.csv" "$W/again-$last.csv" "$rc"
        fi
    else
        bad "$name store: init, policy or import failed" "$W/a.db.err"
    fi
    # the reshaped files in a fresh store, newest year first
    if store "$W/b.db" "$W/both"; then
        for y in $(echo "$years" | sort -rn); do
            [ -f "$W/ref-$y.csv" ] || continue
            rc=$(eval_store "$W/b.db" "$y" "$W/storeb-$y.csv")
            compare "$name $y store rows+cols, newest first" "$W/ref-$y.csv" "$W/storeb-$y.csv" "$rc"
        done
    else
        bad "$name store rows+cols: init, policy or import failed" "$W/b.db.err"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
