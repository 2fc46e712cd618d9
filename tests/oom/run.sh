#!/bin/sh
# tests/oom/run.sh JIFEN-OOM — allocation-failure injection.
#
# JIFEN-OOM is jifen linked with tests/oom/oomshim.c (`make oom` builds it with ASan + UBSan as
# build-san/bin/jifen-oom). For each operation below and for every N from 1 until the
# operation runs without reaching its Nth allocation, the Nth allocation fails (jifen's own and
# SQLite's), and the run must:
#   - end with exit status 1 and a message saying "out of memory" on stderr — or succeed with
#     exactly the output of the run without injection (a failure some code can absorb);
#   - print nothing on stdout when it fails (no partial results);
#   - report nothing under ASan/UBSan/LeakSanitizer (no crash, no leak: exit status 86);
#   - leave no output file (compile) and an unchanged database (import, eval: `.dump` and the
#     stored rows compared before and after).
# Operations: compile (front end + code generation + write), load (read + verify a .jfc and
# print it), run (a .jfc over CSVs: input reading, validation, VM), run-jf (all of it from the
# rule file), run-jobs (on 2 threads), run-spill (events spilled in sorted runs of 3 to a temp
# file and merged, 2 threads), run-highest (wudaitou: highest per matter), import (CSV into a store), eval (evaluate from a store and
# store the run).
# Environment: OOM_ONLY="compile run" to run some operations; OOM_MAX (default 20000) bounds N.
set -u
J=${1:?usage: tests/oom/run.sh JIFEN-OOM}
case $J in /*) ;; *) J=$(pwd)/$J ;; esac
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
D=$ROOT/tests/oom/data
POLICY=$ROOT/rulesets/xianfeng.jf
ONLY=${OOM_ONLY:-compile load run run-jf run-jobs run-spill run-highest import eval}
# also available (not in the default list, ten minutes more under ASan): import-spill (the
# import's check of the file in spilled runs of 3 events), import-next (a second events file
# into a store holding events, whose mark 'checked' vouches for them: the file's rows checked),
# import-next-full (the same with the mark removed: the ledger read back through SQLite)
MAX=${OOM_MAX:-20000}
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=detect_leaks=1:exitcode=86:abort_on_error=0
export UBSAN_OPTIONS=halt_on_error=1:exitcode=86:print_stacktrace=1
unset JIFEN_OOM_FAIL

fail=0
bad() { echo "oom: $*" >&2; fail=1; }

ARGS="--members $D/members.csv --events $D/events.csv --branches $D/branches.csv --year 2025 --format csv"
"$J" compile "$POLICY" -o "$T/p.jfc" >/dev/null 2>&1 || { echo "oom: cannot compile $POLICY" >&2; exit 1; }
W=$ROOT/tests/schemes/wudaitou # highest per matter: its table grows during the run
"$J" compile "$ROOT/rulesets/wudaitou.jf" -o "$T/w.jfc" >/dev/null 2>&1 || { echo "oom: cannot compile wudaitou" >&2; exit 1; }
"$J" db init "$T/base.db" >/dev/null 2>&1 &&
    "$J" db policy "$T/base.db" "$POLICY" --from 2000-01-01 >/dev/null 2>&1 || { echo "oom: cannot make a store" >&2; exit 1; }
cp "$T/base.db" "$T/full.db"
"$J" import "$T/full.db" --members "$D/members.csv" --events "$D/events.csv" --branches "$D/branches.csv" >/dev/null 2>&1 ||
    { echo "oom: cannot import" >&2; exit 1; }
# the next year's events (the same rows a year later): a second batch for import-next
sed 's/,2025-/,2026-/' "$D/events.csv" >"$T/next.csv"

# the command of an operation, run in $T (the database it changes is $T/db)
cmd() {
    case $1 in
    compile) echo "$J compile $POLICY -o $T/out.jfc" ;;
    load)    echo "$J disasm $T/p.jfc" ;;
    run)     echo "$J run $T/p.jfc $ARGS" ;;
    run-jf)  echo "$J run $POLICY $ARGS" ;;
    run-jobs) echo "$J run $T/p.jfc $ARGS --jobs 2" ;;
    run-spill) echo "env JIFEN_RUN_EVENTS=3 $J run $T/p.jfc $ARGS --jobs 2" ;;
    run-highest) echo "$J run $T/w.jfc --members $W/members.csv --events $W/events.csv --year 2025 --format csv" ;;
    import)  echo "$J import $T/db --members $D/members.csv --events $D/events.csv --branches $D/branches.csv" ;;
    import-spill) echo "env JIFEN_RUN_EVENTS=3 $J import $T/db --members $D/members.csv --events $D/events.csv --branches $D/branches.csv" ;;
    import-next | import-next-full) echo "$J import $T/db --events $T/next.csv" ;;
    eval)    echo "$J eval $T/db --year 2025 --format csv" ;;
    esac
}
fresh_db() {
    rm -f "$T/db" "$T/db-wal" "$T/db-shm" "$T/db-journal"
    case $1 in import | import-spill) cp "$T/base.db" "$T/db" ;; eval | import-next*) cp "$T/full.db" "$T/db" ;; esac
    [ "$1" != import-next-full ] || sqlite3 "$T/db" "DELETE FROM meta WHERE key = 'checked'"
}
dump() { sqlite3 "$T/db" .dump 2>&1; }

total=0
for op in $ONLY; do
    C=$(cmd "$op")
    [ -n "$C" ] || { bad "unknown operation '$op'"; continue; }
    fresh_db "$op"
    rm -f "$T/out.jfc"
    $C > "$T/want.out" 2> "$T/want.err"
    rc=$?
    [ $rc -eq 0 ] || { bad "$op: fails without injection ($rc): $(head -3 "$T/want.err")"; continue; }
    fresh_db "$op"
    case $op in import* | eval) dump > "$T/before.dump" ;; esac # every run starts from this copy
    n=1
    fired=0
    while [ $n -le "$MAX" ]; do
        fresh_db "$op"
        rm -f "$T/out.jfc"
        JIFEN_OOM_FAIL=$n JIFEN_OOM_STATE=$T/state $C > "$T/got.out" 2> "$T/got.err"
        rc=$?
        state=$(cat "$T/state" 2>/dev/null)
        rm -f "$T/state"
        case $state in
        "not-fired "*) break ;; # the operation made fewer than N allocations: done
        "fired "*) fired=$((fired + 1)) ;;
        *) bad "$op N=$n: the process died before exit (status $rc): $(head -5 "$T/got.err")"; n=$((n + 1)); continue ;;
        esac
        if [ $rc -eq 0 ]; then
            cmp -s "$T/got.out" "$T/want.out" || bad "$op N=$n: succeeded with a different output"
        elif [ $rc -eq 1 ]; then
            grep -q 'out of memory' "$T/got.err" || bad "$op N=$n: status 1 without 'out of memory': $(head -3 "$T/got.err")"
            [ -s "$T/got.out" ] && bad "$op N=$n: printed results although it failed"
            [ -e "$T/out.jfc" ] && bad "$op N=$n: left an output file although it failed"
            case $op in import* | eval)
                dump > "$T/after.dump"
                cmp -s "$T/before.dump" "$T/after.dump" || bad "$op N=$n: the database changed although the operation failed" ;;
            esac
        else
            bad "$op N=$n: status $rc: $(grep -m3 -E 'ERROR|runtime error|leak|out of memory|error' "$T/got.err")"
        fi
        n=$((n + 1))
    done
    [ $n -gt "$MAX" ] && bad "$op: still allocating at N=$MAX (raise OOM_MAX)"
    echo "oom: $op: $fired allocation points failed one at a time"
    total=$((total + fired))
done
echo "oom: $total injected failures in all"
[ $fail -eq 0 ] && echo "oom: all clean" || echo "oom: FAILURES above" >&2
exit $fail
