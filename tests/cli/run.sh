#!/bin/sh
# tests/cli/run.sh [BIN] — the command-line surface: help and usage errors of every command,
# output formats, options, compiled policies, `jifen gen`, and the store commands end to end.
# Each check states what must hold (exit status, a line or a property of the output); results
# that need arithmetic are checked by the scheme tests, not here.
BIN=${1:-bin/jifen}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
cd "$(dirname "$0")/../.." || exit 2
T=$(mktemp -d) || exit 2
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
check() { # check WHAT COND...: COND is a shell command that must succeed
    what=$1; shift
    if "$@" >/dev/null 2>&1; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}
X=tests/schemes/xianfeng
RUN="--members $X/members.csv --events $X/events.csv --year 2025"

# ---- help and usage -------------------------------------------------------------------------
"$BIN" >"$T/out" 2>"$T/err"; rc=$?
check "no arguments: status 2, usage on stderr" sh -c "[ $rc -eq 2 ] && grep -q '^usage: jifen COMMAND' '$T/err'"
"$BIN" --help >"$T/out" 2>"$T/err"; rc=$?
check "--help: status 0, usage on stdout" sh -c "[ $rc -eq 0 ] && grep -q '^usage: jifen COMMAND' '$T/out'"
"$BIN" frobnicate >"$T/out" 2>"$T/err"; rc=$?
check "unknown command: status 2 and named" sh -c "[ $rc -eq 2 ] && grep -q \"unknown command 'frobnicate'\" '$T/err'"
for c in check compile disasm run explain test db import void ledger eval results appeal appeals report diff publish gen; do
    "$BIN" "$c" --help >"$T/out" 2>"$T/err"
    check "$c --help prints its usage" grep -q "usage: jifen $c" "$T/out" "$T/err"
    "$BIN" "$c" >"$T/out" 2>"$T/err"; rc=$?
    check "$c without arguments: status 2, a message on stderr, nothing on stdout" \
        sh -c "[ $rc -eq 2 ] && [ -s '$T/err' ] && [ ! -s '$T/out' ]"
done
"$BIN" run rulesets/xianfeng.jf $RUN --format yaml >"$T/out" 2>"$T/err"; rc=$?
check "run --format yaml refused" sh -c "[ $rc -eq 2 ] && [ ! -s '$T/out' ]"
"$BIN" run rulesets/xianfeng.jf $RUN --year 20x5 >"$T/out" 2>"$T/err"; rc=$?
check "run --year 20x5 refused" sh -c "[ $rc -ne 0 ] && [ ! -s '$T/out' ]"
"$BIN" run rulesets/xianfeng.jf $RUN --jobs 0 >"$T/out" 2>"$T/err"; rc=$?
check "run --jobs 0 refused" sh -c "[ $rc -ne 0 ] && [ ! -s '$T/out' ]"
"$BIN" run rulesets/missing.jf $RUN >"$T/out" 2>"$T/err"; rc=$?
check "run of a missing rule file names it" sh -c "[ $rc -eq 1 ] && grep -q 'rulesets/missing.jf' '$T/err'"

# ---- run: formats and options ----------------------------------------------------------------
"$BIN" run rulesets/xianfeng.jf $RUN --format csv >"$T/run.csv" 2>"$T/err"
check "run --format csv: the columns of the hand-worked file" sh -c "[ \"\$(head -1 '$T/run.csv')\" = \"\$(head -1 $X/expected-2025.csv)\" ]"
check "run --format csv: one row per scored member" sh -c "[ \$(wc -l < '$T/run.csv') -eq \$(wc -l < $X/expected-2025.csv) ]"
"$BIN" run rulesets/xianfeng.jf $RUN --format json >"$T/run.json" 2>"$T/err"
check "run --format json is JSON with one object per member" python3 -c "
import json,sys; d=json.load(open('$T/run.json')); rows=d if isinstance(d,list) else d.get('members',d.get('results'))
n=sum(1 for _ in open('$X/expected-2025.csv'))-1; sys.exit(0 if len(rows)==n else 1)"
"$BIN" run rulesets/xianfeng.jf $RUN >"$T/run.txt" 2>"$T/err"
check "run (table) lists member M01" grep -q 'M01' "$T/run.txt"
"$BIN" run rulesets/xianfeng.jf $RUN --branch B1 --format json >"$T/b1.json" 2>"$T/err"
check "run --branch B1: B1's rows only" python3 -c "
import json,sys; d=json.load(open('$T/b1.json')); sys.exit(0 if d and all(r['branch_id']=='B1' for r in d) else 1)"
"$BIN" run rulesets/xianfeng.jf $RUN --format csv --jobs 2 --stats >"$T/j2.csv" 2>"$T/stats"
check "run --jobs 2 gives the same bytes" cmp "$T/run.csv" "$T/j2.csv"
check "run --stats reports the stages on stderr" grep -q 'eval' "$T/stats"
Q=tests/schemes/quanxian
"$BIN" run rulesets/quanxian.jf --members $Q/members.csv --events $Q/events.csv --year 2025 --format csv >"$T/q1.csv" 2>/dev/null
"$BIN" run rulesets/quanxian.jf --members $Q/members.csv --events $Q/events.csv --year 2025 --format csv --param base_points=70 >"$T/q2.csv" 2>/dev/null
check "run --param base_points=70 changes scores" sh -c "! cmp -s '$T/q1.csv' '$T/q2.csv'"
"$BIN" run rulesets/quanxian.jf --members $Q/members.csv --events $Q/events.csv --year 2025 --param nosuch=1 >"$T/out" 2>"$T/err"; rc=$?
check "run --param with an unknown name refused" sh -c "[ $rc -ne 0 ] && [ ! -s '$T/out' ]"

# ---- compiled policies -------------------------------------------------------------------------
"$BIN" compile rulesets/xianfeng.jf -o "$T/x.jfc"
check "compile writes a .jfc" test -s "$T/x.jfc"
"$BIN" run "$T/x.jfc" $RUN --format csv >"$T/jfc.csv" 2>/dev/null
check "run of the .jfc = run of the .jf" cmp "$T/run.csv" "$T/jfc.csv"
"$BIN" disasm "$T/x.jfc" >"$T/d1" 2>/dev/null
"$BIN" disasm rulesets/xianfeng.jf >"$T/d2" 2>/dev/null
check "disasm of the .jfc = disasm of the .jf" cmp "$T/d1" "$T/d2"
check "disasm shows source lines" grep -q '; [0-9]* | ' "$T/d1"
printf 'scheme x "x"\nscore = \n' >"$T/bad.jf"
"$BIN" check rulesets/xianfeng.jf "$T/bad.jf" >"$T/out" 2>"$T/err"; rc=$?
check "check of a good and a bad file: status 1, the bad one named" sh -c "[ $rc -eq 1 ] && grep -q 'bad.jf:2:' '$T/err'"
"$BIN" explain rulesets/xianfeng.jf $RUN --member M01 --format json >"$T/e.json" 2>/dev/null
check "explain --format json is JSON" python3 -c "import json; json.load(open('$T/e.json'))"
"$BIN" explain rulesets/xianfeng.jf $RUN --member NOBODY >"$T/out" 2>"$T/err"; rc=$?
check "explain of an unknown member refused" sh -c "[ $rc -ne 0 ] && [ ! -s '$T/out' ]"

# ---- gen ---------------------------------------------------------------------------------------
"$BIN" gen --scheme guoqi --members 120 --seed 7 --events-per-year 20 -o "$T/g1" 2>/dev/null
"$BIN" gen --scheme guoqi --members 120 --seed 7 --events-per-year 20 -o "$T/g2" 2>/dev/null
"$BIN" gen --scheme guoqi --members 120 --seed 8 --events-per-year 20 -o "$T/g3" 2>/dev/null
check "gen: the same seed gives the same files" sh -c "cmp '$T/g1/events.csv' '$T/g2/events.csv' && cmp '$T/g1/members.csv' '$T/g2/members.csv' && cmp '$T/g1/branches.csv' '$T/g2/branches.csv'"
check "gen: another seed gives other events" sh -c "! cmp -s '$T/g1/events.csv' '$T/g3/events.csv'"
check "gen: 120 members" sh -c "[ \$(tail -n +2 '$T/g1/members.csv' | wc -l) -eq 120 ]"
"$BIN" run rulesets/guoqi.jf --members "$T/g1/members.csv" --events "$T/g1/events.csv" --branches "$T/g1/branches.csv" --year 2025 --format csv >"$T/g.csv" 2>"$T/err"
check "gen: guoqi's data is valid input, scored" sh -c "[ \$(tail -n +2 '$T/g.csv' | wc -l) -gt 0 ]"
"$BIN" gen --scheme xianfeng --members 100 --years 2 --seed 3 -o "$T/gx" 2>/dev/null
"$BIN" run rulesets/xianfeng.jf --members "$T/gx/members.csv" --events "$T/gx/events.csv" --branches "$T/gx/branches.csv" --year 2025 --format csv >"$T/gx.csv" 2>"$T/err"
check "gen: xianfeng over 2 years is valid input" sh -c "[ \$(tail -n +2 '$T/gx.csv' | wc -l) -gt 0 ]"
check "gen: 2 years of events" sh -c "grep -q ',2024-' '$T/gx/events.csv' && grep -q ',2025-' '$T/gx/events.csv'"
# more events than one sorted run holds (65,536): two runs in the temp file, the read stage's
# run buffers lent to the readers as read-ahead (one per reader; --jobs 2 and 3 read with two
# and three readers, a third one allocating its own); the reference is the same input held
# in memory (JIFEN_RUN_EVENTS above the events: no temp file, no reader)
"$BIN" gen --scheme guoqi --members 800 --seed 5 -o "$T/gb" 2>/dev/null
GB="--members $T/gb/members.csv --events $T/gb/events.csv --branches $T/gb/branches.csv --year 2025 --format csv"
JIFEN_RUN_EVENTS=1000000 "$BIN" run rulesets/guoqi.jf $GB >"$T/gb-mem.csv" 2>"$T/err"
check "gen: 800 members, more than 65,536 events" sh -c "[ \$(tail -n +2 '$T/gb/events.csv' | wc -l) -gt 65536 ]"
for j in 1 2 3; do
    "$BIN" run rulesets/guoqi.jf $GB --jobs $j >"$T/gb-$j.csv" 2>"$T/err"
    check "two sorted runs, --jobs $j: the same bytes as in memory" cmp "$T/gb-mem.csv" "$T/gb-$j.csv"
done
# a runtime error in every share, near each branch's end (the last member of each of 40
# branches has no vote: 群众评议 divides by zero), 2,000 members with 26 events each: both
# threads run shares and fail at the same step, and the error named is the first member's in
# output order (M0049, in B00), as on one thread, whichever thread ran which share
R=tests/input/runtime-error-jobs
mkdir -p "$T/re"
awk 'BEGIN { print "member_id,name,branch_id,category,roles,status"
             for (m = 0; m < 2000; m++) printf "M%04d,n,B%02d,,,full\n", m, int(m / 50) }' >"$T/re/members.csv"
awk 'BEGIN { print "member_id,date,event,qty,ref,note"
             for (m = 0; m < 2000; m++) {
                 for (k = 1; k <= 25; k++) printf "M%04d,2025-%02d-%02d,basic,3,,\n", m, (k % 12) + 1, k
                 if (m % 50 != 49) printf "M%04d,2025-06-30,vote.public,80,,\n", m
             } }' >"$T/re/events.csv"
for j in 1 2 3; do
    "$BIN" run $R/policy.jf --members "$T/re/members.csv" --events "$T/re/events.csv" --year 2025 --jobs $j >"$T/out" 2>"$T/err"; rc=$?
    check "a runtime error in every share, --jobs $j: the first member's named, nothing printed" \
        sh -c "[ $rc -ne 0 ] && [ ! -s '$T/out' ] && grep -qx '$R/policy.jf:28: division by zero (member M0049, year 2025)' '$T/err'"
done
"$BIN" gen --scheme nosuch --members 100 -o "$T/gn" >"$T/out" 2>"$T/err"; rc=$?
check "gen: unknown scheme refused, nothing written" sh -c "[ $rc -ne 0 ] && [ ! -e '$T/gn/events.csv' ]"
"$BIN" gen --scheme guoqi --members 5 -o "$T/g5" >"$T/out" 2>"$T/err"; rc=$?
check "gen: 5 members refused (100 at least)" sh -c "[ $rc -ne 0 ] && [ ! -e '$T/g5/events.csv' ]"

# ---- store commands ------------------------------------------------------------------------------
DB=$T/s.db
E=examples
"$BIN" db init "$DB" >/dev/null 2>&1
check "db init creates the store" test -s "$DB"
"$BIN" db init "$DB" >"$T/out" 2>"$T/err"; rc=$?
check "db init on an existing store refused" test "$rc" -ne 0
"$BIN" db migrate "$DB" >/dev/null 2>&1
check "db migrate on the current schema succeeds" test $? -eq 0
"$BIN" db policy "$DB" rulesets/xianfeng.jf --from 2023-01-01 >/dev/null 2>&1
check "db policy adds the policy" test $? -eq 0
"$BIN" import "$DB" --branches $E/branches.csv --members $E/members.csv --events $E/events.csv >/dev/null 2>&1
check "import succeeds" test $? -eq 0
"$BIN" ledger "$DB" --member M01 --year 2025 >"$T/ledger" 2>/dev/null
check "ledger --member M01 --year 2025 lists M01's rows only" sh -c "grep -q 'M01' '$T/ledger' && ! grep -q 'M02' '$T/ledger'"
ID=$(awk 'NR > 1 && $0 ~ /M01/ { print $1; exit }' "$T/ledger")
"$BIN" void "$DB" --event "$ID" --reason "录入错误" --by 审核员 >/dev/null 2>&1
check "void of event $ID" test $? -eq 0
"$BIN" ledger "$DB" --member M01 >"$T/ledger2" 2>/dev/null
check "the ledger shows the void reason" grep -q '录入错误' "$T/ledger2"
"$BIN" eval "$DB" --year 2025 --format csv >"$T/eval.csv" 2>/dev/null
check "eval --format csv" sh -c "head -1 '$T/eval.csv' | grep -q member_id"
"$BIN" eval "$DB" --year 2025 --format json >"$T/eval.json" 2>/dev/null
check "eval --format json is JSON" python3 -c "import json; json.load(open('$T/eval.json'))"
"$BIN" results "$DB" --year 2025 --format csv >"$T/res.csv" 2>/dev/null
check "results = the stored run" cmp "$T/eval.csv" "$T/res.csv"
"$BIN" results "$DB" --year 2025 --branch B1 --format json >"$T/res.json" 2>/dev/null
check "results --branch --format json is JSON" python3 -c "import json; json.load(open('$T/res.json'))"
"$BIN" explain "$DB" --member M01 --year 2025 >"$T/ex" 2>/dev/null
check "explain from the store names M01" grep -q 'M01' "$T/ex"
"$BIN" explain "$DB" --member M01 --year 2025 --format json >"$T/ex.json" 2>/dev/null
check "explain from the store, JSON" python3 -c "import json; json.load(open('$T/ex.json'))"
"$BIN" appeal "$DB" --member M01 --year 2025 --text "会议记录有误" >/dev/null 2>&1
check "appeal recorded" test $? -eq 0
"$BIN" appeals "$DB" --year 2025 >"$T/ap" 2>/dev/null
check "appeals lists it" grep -q '会议记录有误' "$T/ap"
"$BIN" report "$DB" --year 2025 --org CITY >"$T/rep" 2>/dev/null
check "report for the organisation" test -s "$T/rep"
"$BIN" diff "$DB" rulesets/xianfeng.jf rulesets/xianfeng.jf --year 2025 >"$T/diff" 2>"$T/err"
check "diff of a policy with itself" test $? -eq 0
"$BIN" publish "$DB" --year 2025 --branch B1 -o "$T/board.html" >/dev/null 2>&1
check "publish writes the board" grep -q '<html' "$T/board.html"
"$BIN" eval "$T/none.db" --year 2025 >"$T/out" 2>"$T/err"; rc=$?
check "eval of a missing store refused, nothing created" sh -c "[ $rc -ne 0 ] && [ ! -e '$T/none.db' ]"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
