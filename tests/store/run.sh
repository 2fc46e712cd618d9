#!/bin/sh
# tests/store/run.sh — the SQLite store (runtime/store.c, cli/store_cmd.c) end to end, through
# the jifen commands, with the sqlite3 command-line tool to look inside the database.
#
#   1  every scheme in tests/schemes/ with its hand-worked results: db init, db policy --from the
#      first expected year, import, eval of every expected-YEAR.csv year (csv, byte for byte),
#      results --format csv of the stored run (byte for byte); the same with the events imported
#      in two batches
#   2  history read from the stored run of Y-1 = history computed from the ledger (fresh store
#      evaluated for Y directly, and `jifen run` on the files), on the schemes and on random data;
#      a stored run that no longer matches the ledger is not used
#   3  a bad row in the middle of 100,000 generated events: refused with FILE:LINE, nothing
#      changed (.dump, integrity_check, the file itself after a checkpoint); then the good file;
#      eval of that ledger (read back on a second thread) = jifen run (also with --jobs 2), also
#      after a void
#   4  the same file imported twice: refused, naming the earlier batch; nothing changed
#   5  void, re-eval (worked out by hand), the old run kept, ledger shows who/why/when, the
#      append-only triggers refuse DELETE/UPDATE through sqlite3
#   6  eval with unchanged inputs stores nothing and says the results are identical
#   7  crash test: imports of 100,000 rows killed with SIGKILL at random moments; the database is
#      intact and holds the whole batch or none of it
#   8  appeals: open, list, resolve, list, resolve twice refused
#   9  db migrate on the current schema and from version 1; eval on files that are not jifen
#      databases
#  10  every bad input of tests/input/ (not the runtime-* ones, which import fine) imported into
#      a fresh store, whose events are checked from the file rather than read back: refused with
#      `jifen run`'s message (the case's `expected`), nothing stored; again with the file's events
#      checked in spilled runs of 3 (JIFEN_RUN_EVENTS=3)
#  11  the store's mark: an import of events alone checks only the file's rows when the mark
#      vouches for the ledger, and the whole ledger otherwise
#  12  the whole ledger checked while a second batch is stored (the rows stored before read
#      through a second connection, the file's rows from the file): input rules across batches
#      (one per quarter, cancel … by), refused with the later batch's FILE:LINE, nothing stored;
#      a cancel of an earlier batch's event scored; a ledger of over 65,536 events read through
#
# Usage: sh tests/store/run.sh [BIN]       (BIN defaults to bin/jifen; run from anywhere)
# Env:   JIFEN_CRASH_SEED=N  the crash test's delays (printed; default: from the clock)
#        JIFEN_CRASH_KILLS=N how many kills (default 50)
#        JIFEN_KEEP=1        keep the temporary directory (printed)
# Prints one line per check and finally `N passed, N failed`; exit status 1 on any failure.

BIN=${1:-bin/jifen}
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
if [ ! -x "$BIN" ]; then echo "tests/store/run.sh: $BIN is not an executable (run make first)" >&2; exit 2; fi
if ! command -v sqlite3 >/dev/null 2>&1; then
    echo "tests/store/run.sh: needs the sqlite3 command-line tool (apt-get install sqlite3)" >&2
    exit 2
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/jifen-store.XXXXXX") || exit 2
if [ -n "$JIFEN_KEEP" ]; then
    echo "(temporary files kept in $T)"
else
    trap 'rm -rf "$T"' EXIT
fi
pid=
# an interrupted run stops the import it started in the background (by its id) before cleaning up
trap '[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; exit 130' INT TERM
export JIFEN_NOW=2026-01-02T08:00:00Z
pass=0
fail=0

# ---- helpers ---------------------------------------------------------------------------------
# A check: begin; expectations (each adds a note when it does not hold); end "NAME".
begin() { : >"$T/why"; }
note() { printf '%s\n' "$*" >>"$T/why"; }
end() {
    if [ -s "$T/why" ]; then
        fail=$((fail + 1))
        printf 'FAIL %s\n' "$1"
        sed 's/^/     | /' "$T/why" | head -n 25
    else
        pass=$((pass + 1))
        printf 'ok   %s\n' "$1"
    fi
}
# same DESC GOT WANT
same() { [ "$2" = "$3" ] || note "$1: got '$2', want '$3'"; }
# samefile DESC GOT WANT
samefile() {
    if ! cmp -s "$2" "$3"; then
        note "$1: $2 differs from $3 (< want, > got):"
        diff "$3" "$2" 2>&1 | head -n 12 >>"$T/why"
    fi
}
# has DESC FILE TEXT / hasnt DESC FILE TEXT  (fixed strings)
has() { grep -qF -- "$3" "$2" || { note "$1: no '$3' in:"; head -n 6 "$2" >>"$T/why"; }; }
hasnt() { ! grep -qF -- "$3" "$2" || { note "$1: unexpected '$3' in:"; head -n 6 "$2" >>"$T/why"; }; }
empty() { [ ! -s "$2" ] || { note "$1: not empty:"; head -n 6 "$2" >>"$T/why"; }; }
# j ARGS: runs jifen; stdout in $T/out, stderr in $T/err, status in $rc
j() { "$BIN" "$@" >"$T/out" 2>"$T/err"; rc=$?; }
rc_is() { [ "$rc" = "$1" ] || { note "$2: exit status $rc, want $1; stderr:"; head -n 6 "$T/err" >>"$T/why"; }; }
rc_fails() { [ "$rc" != 0 ] || note "$1: exit status 0, want a failure"; }
# sq DB SQL: one query through sqlite3 (output and errors together)
sq() { sqlite3 -batch "$1" "$2" 2>&1; }
dumphash() { sqlite3 -batch "$1" .dump | sha256sum | cut -c1-64; }
# the database file's own hash, after the WAL is checkpointed into it
filehash() { sqlite3 -batch "$1" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null 2>&1; sha256sum <"$1" | cut -c1-64; }
lines() { wc -l <"$1" | tr -d ' '; }
# CSV records after the header (a quoted field may span lines)
records() { awk '{ q += gsub(/"/, "&") } q % 2 == 0 { n++ } END { print n - 1 }' "$1"; }
# split_csv FILE K OUT1 OUT2: the header and records 1..K in OUT1, the header and the rest in OUT2
split_csv() {
    awk -v k="$2" -v o1="$3" -v o2="$4" '
    NR == 1 { print > o1; print > o2; next }
    { out = r < k ? o1 : o2; print > out; q += gsub(/"/, "&"); if (q % 2 == 0) r++ }' "$1"
}
ms() { date +%s%N 2>/dev/null | sed -n 's/^\([0-9]*\)[0-9]\{6\}$/\1/p'; }
started=$(ms)
# section timings: mark N at the start of section N; printed at the end
times=
last=$started
section=
mark() {
    now=$(ms)
    [ -n "$section" ] && [ -n "$now" ] && [ -n "$last" ] && times="$times $section:$((now - last))"
    section=$1
    last=$now
}

# the years of a scheme's expected files, ascending
years_of() { ls "tests/schemes/$1" | sed -n 's/^expected-\([0-9]*\)\.csv$/\1/p' | sort -n; }
uses_history() { sed 's/#.*//' "rulesets/$1.jf" | grep -qE 'previous\(|上年\('; }
# newstore DB SCHEME FIRSTYEAR [EVENTS]: init, policy, import members (+ branches) and events
newstore() {
    d="tests/schemes/$2"
    "$BIN" db init "$1" >"$T/ns.out" 2>"$T/ns.err" &&
        "$BIN" db policy "$1" "rulesets/$2.jf" --from "$3-01-01" >>"$T/ns.out" 2>>"$T/ns.err" || return 1
    if [ -f "$d/branches.csv" ]; then
        "$BIN" import "$1" --members "$d/members.csv" --branches "$d/branches.csv" --events "${4:-$d/events.csv}" \
            >>"$T/ns.out" 2>>"$T/ns.err"
    else
        "$BIN" import "$1" --members "$d/members.csv" --events "${4:-$d/events.csv}" >>"$T/ns.out" 2>>"$T/ns.err"
    fi
}

# ---- 1. schemes against their hand-worked results ----------------------------------------------
mark 1
for dir in tests/schemes/*/; do
    n=$(basename "$dir")
    [ -f "rulesets/$n.jf" ] || continue
    ys=$(years_of "$n")
    [ -n "$ys" ] || continue
    first=$(years_of "$n" | head -n 1)
    db=$T/s1-$n.db
    begin
    nb=0
    [ -f "$dir/branches.csv" ] && nb=$(records "$dir/branches.csv")
    newstore "$db" "$n" "$first" || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
    has "import report" "$T/ns.out" \
        "batch 1: $(records "$dir/members.csv") members, $nb branches, $(records "$dir/events.csv") events"
    end "1 $n: db init, db policy --from $first-01-01, import (rows counted)"
    for y in $ys; do
        begin
        j eval "$db" --year "$y" --format csv
        cp "$T/out" "$T/s1-$n-$y.csv"
        cp "$T/err" "$T/s1-$n-$y.err"
        rc_is 0 "eval"
        samefile "eval --year $y" "$T/out" "$dir/expected-$y.csv"
        has "stderr" "$T/err" "stored run"
        end "1 $n $y: eval --format csv = expected-$y.csv"
        begin
        j results "$db" --year "$y" --format csv
        rc_is 0 "results"
        samefile "results --year $y" "$T/out" "$dir/expected-$y.csv"
        end "1 $n $y: results --format csv = expected-$y.csv"
    done
    # the same events in two batches (the second half's rows may refer to the first's: cancels)
    begin
    total=$(records "$dir/events.csv")
    half=$((total / 2))
    split_csv "$dir/events.csv" "$half" "$T/half1.csv" "$T/half2.csv"
    db2=$T/s1b-$n.db
    newstore "$db2" "$n" "$first" "$T/half1.csv" || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
    j import "$db2" --events "$T/half2.csv"
    rc_is 0 "second batch"
    has "second batch" "$T/out" "batch 2: 0 members, 0 branches, $((total - half)) events"
    for y in $ys; do
        j eval "$db2" --year "$y" --format csv
        samefile "eval --year $y" "$T/out" "$dir/expected-$y.csv"
    done
    end "1 $n: events imported in two batches ($half + $((total - half)) rows): same results"
done

# ---- 2. history from the stored run = history from the ledger ----------------------------------
mark 2
for dir in tests/schemes/*/; do
    n=$(basename "$dir")
    [ -f "$T/s1-$n.db" ] || continue
    prev=
    for y in $(years_of "$n"); do
        if [ -n "$prev" ] && [ "$prev" = $((y - 1)) ]; then
            begin
            if uses_history "$n"; then
                has "eval $y after the stored run of $prev" "$T/s1-$n-$y.err" "$prev's values read from stored run"
                what="from the stored run of $prev"
            else
                hasnt "eval $y (no previous() in the policy)" "$T/s1-$n-$y.err" "values read from stored run"
                what="(no history used)"
            fi
            db=$T/s2-$n-$y.db
            newstore "$db" "$n" "$(years_of "$n" | head -n 1)" || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
            j eval "$db" --year "$y" --format csv
            rc_is 0 "direct eval"
            hasnt "direct eval" "$T/err" "values read from stored run"
            samefile "direct eval --year $y" "$T/out" "$T/s1-$n-$y.csv"
            end "2 $n $y: $what = computed from the ledger in a fresh store"
        fi
        prev=$y
    done
done

# random data: N rows over years Y0..Y0+NY-1 for the members in IDS; SPEC is
# "code:weight:lo:hi …" with lo..hi the qty range ("-": qty empty, 1 or 2)
gen_random() { # SEED N Y0 NY SPEC IDS
    awk -v seed="$1" -v n="$2" -v y0="$3" -v ny="$4" -v spec="$5" '
    BEGIN {
        srand(seed); nc = split(spec, s, " "); tot = 0
        for (i = 1; i <= nc; i++) { split(s[i], p, ":"); code[i] = p[1]; w[i] = p[2]; lo[i] = p[3]; hi[i] = p[4]; tot += p[2] }
        print "member_id,date,event,qty,ref,note"
    }
    { ids[++nm] = $1 }
    END {
        for (r = 1; r <= n; r++) {
            x = rand() * tot; for (i = 1; i < nc && x >= w[i]; i++) x -= w[i]
            if (lo[i] == "-") q = rand() < 0.6 ? "" : int(rand() * 2) + 1
            else q = lo[i] + int(rand() * (hi[i] - lo[i] + 1))
            printf "%s,%04d-%02d-%02d,%s,%s,,\n", ids[int(rand() * nm) + 1], y0 + int(rand() * ny), int(rand() * 12) + 1, int(rand() * 28) + 1, code[i], q
        }
    }' "$6"
}
XF_SPEC="edu.session:30:1:3 bonus:15:1:9 meeting.absent:6:1:3 meeting.leave:6:1:3 contact.poor:4:- dues.late:4:-
 party.warning:2:- party.serious_warning:1:- law.warning:1:- law.fine:1:- party.probation:0.4:- under_investigation:0.3:-
 veto.political:0.2:- rumor.minor:2:- rumor.severe:0.5:- vice:0.5:- session.held:3:1:6 session.attended:3:1:6
 work.shirking:3:- conduct.negative:1:-"
AB_SPEC="a.weekly_done:10:- a.early_day:3:- a.late_day:3:- a.over_quality:2:- a.over_quantity:2:5:20 a.not_done:2:-
 a.client_praise:2:- a.form_error:2:- a.report_on_time:3:- a.overtime_hours:3:1:4 a.full_attendance:3:- a.late:2:-
 a.sick_day:1:- a.absent_day:0.5:- a.report_smoking:0.5:- b.efficiency:1:- b.exam_paper:1:10:20 b.good_deed:1:-
 b.fight:0.5:- b.water:2:- b.tally:1:- b.phone:2:-"
tail -n +2 tests/schemes/xianfeng/members.csv | cut -d, -f1 >"$T/xf-ids"
tail -n +2 tests/schemes/abfen/members.csv | cut -d, -f1 >"$T/ab-ids"
# random_history SCHEME SEED ROWS FIRST LAST SPEC IDS
random_history() {
    n=$1
    ev=$T/r-$n-$2.csv
    gen_random "$2" "$3" "$4" $(($5 - $4 + 1)) "$6" "$7" >"$ev"
    begin
    a=$T/r-$n-$2-a.db
    b=$T/r-$n-$2-b.db
    newstore "$a" "$n" "$4" "$ev" || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
    newstore "$b" "$n" "$4" "$ev" || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
    y=$4
    while [ "$y" -le "$5" ]; do
        j eval "$a" --year "$y" --format csv
        rc_is 0 "eval $y"
        [ "$y" -gt "$4" ] && has "eval $y" "$T/err" "$((y - 1))'s values read from stored run"
        cp "$T/out" "$T/ra-$y.csv"
        "$BIN" run "rulesets/$n.jf" --members "tests/schemes/$n/members.csv" --events "$ev" --year "$y" --format csv >"$T/run.csv" 2>"$T/run.err"
        samefile "eval $y vs jifen run on the files" "$T/ra-$y.csv" "$T/run.csv"
        y=$((y + 1))
    done
    for y in $5 $(($5 - 1)); do
        j eval "$b" --year "$y" --format csv
        hasnt "direct eval $y" "$T/err" "values read from stored run"
        samefile "direct eval $y vs eval after the stored run of $((y - 1))" "$T/out" "$T/ra-$y.csv"
    done
    tiers=$(tail -n +2 "$T/ra-$5.csv" | cut -d, -f3 | sort -u | tr '\n' ' ' | sed 's/^ *//; s/ *$//')
    end "2 random $n seed $2 ($3 rows, $4..$5): stored history = ledger = jifen run${tiers:+ (tiers in $5: $tiers)}"
}
for s in 1 2 3 4; do random_history xianfeng "$s" 700 2023 2025 "$XF_SPEC" "$T/xf-ids"; done
for s in 1 2; do random_history abfen "$s" 1500 2021 2025 "$AB_SPEC" "$T/ab-ids"; done

# a stored run of Y-1 that no longer matches the ledger is not used: M07 gets a 2024 warning in a
# second batch, so 2024 becomes 警示 and 2025 (警示 again) 不合格 with cancel_probation
begin
db=$T/s2-stale.db
cp "$T/s1-xianfeng.db" "$db"
printf 'member_id,date,event,qty,ref,note\nM07,2024-11-20,party.warning,,,late entry\n' >"$T/late2024.csv"
j import "$db" --events "$T/late2024.csv"
rc_is 0 "import"
j eval "$db" --year 2025 --format csv
rc_is 0 "eval 2025"
hasnt "eval 2025 after a 2024 row was added" "$T/err" "values read from stored run"
sed 's/^M07,.*/M07,73,不合格,cancel_probation/' tests/schemes/xianfeng/expected-2025.csv >"$T/want.csv"
samefile "eval 2025" "$T/out" "$T/want.csv"
cat tests/schemes/xianfeng/events.csv >"$T/all.csv"
tail -n +2 "$T/late2024.csv" >>"$T/all.csv"
"$BIN" run rulesets/xianfeng.jf --members tests/schemes/xianfeng/members.csv --events "$T/all.csv" --year 2025 --format csv >"$T/run.csv" 2>&1
samefile "jifen run on the same rows" "$T/run.csv" "$T/want.csv"
printf 'member_id,date,event,qty,ref,note\nM19,2025-12-01,edu.session,2,,\n' >"$T/new2025.csv"
j import "$db" --events "$T/new2025.csv"
j eval "$db" --year 2024 --format csv
j eval "$db" --year 2025 --format csv
has "eval 2025 after eval 2024 and a 2025-only batch" "$T/err" "2024's values read from stored run"
sed 's/^M19,76,/M19,80,/' "$T/want.csv" >"$T/want2.csv"
samefile "eval 2025" "$T/out" "$T/want2.csv"
end "2 xianfeng: a stored 2024 run made stale by a later 2024 row is not used; a fresh one is"

# ---- 3. a bad row in the middle of 100,000 events ------------------------------------------------
mark 3
# valid xianfeng events for the members of tests/schemes/xianfeng, 2024 and 2025, some with quoted notes
awk -v seed=42 -v n=100000 '
BEGIN {
    srand(seed)
    nc = split("edu.session meeting.leave meeting.absent bonus contact.poor dues.late notes.missing org_life.left_early session.held session.attended work.shirking meeting.proxy", codes, " ")
    print "member_id,date,event,qty,ref,note"
}
{ ids[++nm] = $1 }
END {
    for (i = 1; i <= n; i++) {
        c = codes[int(rand() * nc) + 1]
        q = ""
        if (c == "bonus") q = int(rand() * 101)
        else if (c == "session.held" || c == "session.attended") q = int(rand() * 5)
        else if (rand() < 0.5) q = int(rand() * 3) + 1
        note = ""
        if (i % 97 == 0) note = "\"row " i ", with a comma and \"\"quotes\"\"\""
        printf "%s,%04d-%02d-%02d,%s,%s,,%s\n", ids[int(rand() * nm) + 1], 2024 + int(rand() * 2), int(rand() * 12) + 1, int(rand() * 28) + 1, c, q, note
    }
}' "$T/xf-ids" >"$T/big.csv"
BIGLINE=50002   # the bad row's line: header, 50,000 rows, then it
mkbad() { { head -n $((BIGLINE - 1)) "$T/big.csv"; printf '%s\n' "$2"; tail -n +$BIGLINE "$T/big.csv"; } >"$1"; }
mkbad "$T/bad-date.csv" "M03,2025-02-30,edu.session,1,,no such day"
mkbad "$T/bad-code.csv" "M03,2025-02-03,no.such.code,1,,"
mkbad "$T/bad-fields.csv" "M03,2025-02-03,edu.session,1,"
db=$T/s3.db
cp "$T/s1-xianfeng.db" "$db"
d0=$(dumphash "$db")
f0=$(filehash "$db")
ev0=$(sq "$db" 'SELECT count(*) FROM events')
for kind in date code fields; do
    case $kind in
    date) want="$T/bad-date.csv:$BIGLINE: date '2025-02-30' is not a real YYYY-MM-DD date" ;;
    code) want="$T/bad-code.csv:$BIGLINE: event 'no.such.code' is not in the vocabulary of policy 'xianfeng'" ;;
    fields) want="$T/bad-fields.csv:$BIGLINE: the row has 5 fields, the header has 6" ;;
    esac
    begin
    same "rows in the file" "$(lines "$T/bad-$kind.csv")" 100002
    j import "$db" --events "$T/bad-$kind.csv"
    rc_fails "import"
    empty "stdout" "$T/out"
    same "message" "$(cat "$T/err")" "$want"
    same "integrity_check" "$(sq "$db" 'PRAGMA integrity_check')" ok
    same ".dump hash" "$(dumphash "$db")" "$d0"
    same "file hash after a checkpoint" "$(filehash "$db")" "$f0"
    end "3 bad $kind at line $BIGLINE of 100,001 rows: refused with FILE:LINE, database unchanged"
done
begin
j import "$db" --events "$T/big.csv"
rc_is 0 "import"
same "report" "$(cat "$T/out")" "batch 2: 0 members, 0 branches, 100000 events"
same "events" "$(sq "$db" 'SELECT count(*) FROM events')" $((ev0 + 100000))
same "batch_files" "$(sq "$db" "SELECT batch, kind, file, rows FROM batch_files WHERE batch = 2")" "2|events|$T/big.csv|100000"
same "integrity_check" "$(sq "$db" 'PRAGMA integrity_check')" ok
same "a quoted note" "$(sq "$db" "SELECT note FROM events WHERE batch = 2 AND line = 98")" 'row 97, with a comma and "quotes"'
end "3 the same 100,000 rows without the bad one: imported, events +100000"
# a ledger this large (over 65,536 events) is read back on a second thread (runtime/store.c, the
# row pipe): the results must still be those of `jifen run` on the same rows, also with a void
# (the scores here are mostly capped: the void need not change them)
begin
big=$T/s3-big.db
cp "$db" "$big"
{ cat tests/schemes/xianfeng/events.csv; tail -n +2 "$T/big.csv"; } >"$T/all.csv"
j eval "$big" --year 2025 --format csv
rc_is 0 "eval"
cp "$T/out" "$T/eval-big.csv"
"$BIN" run rulesets/xianfeng.jf --members tests/schemes/xianfeng/members.csv --events "$T/all.csv" --year 2025 \
    --format csv >"$T/run-big.csv" 2>"$T/run-big.err" || note "jifen run failed: $(head -n 3 "$T/run-big.err")"
samefile "eval = run" "$T/eval-big.csv" "$T/run-big.csv"
cp "$db" "$big.j2"
j eval "$big.j2" --year 2025 --format csv --jobs 2
rc_is 0 "eval --jobs 2"
samefile "eval --jobs 2 = eval" "$T/out" "$T/eval-big.csv"
rm -f "$big.j2" "$big.j2"-*
j eval "$big" --year 2025 --jobs 0
rc_is 2 "eval --jobs 0"
has "eval --jobs 0" "$T/err" "--jobs takes a number from 1 to 64, not '0'"
vid=$(sq "$big" "SELECT min(id) FROM events WHERE batch = 2 AND event = 'bonus' AND date LIKE '2025-%'")
vline=$(sq "$big" "SELECT line FROM events WHERE id = $vid")
j void "$big" --event "$vid" --reason "test" --by tests
rc_is 0 "void"
j eval "$big" --year 2025 --format csv
rc_is 0 "eval after the void"
cp "$T/out" "$T/eval-big2.csv"
{ cat tests/schemes/xianfeng/events.csv; awk -v l="$vline" 'NR > 1 && NR != l' "$T/big.csv"; } >"$T/all2.csv"
"$BIN" run rulesets/xianfeng.jf --members tests/schemes/xianfeng/members.csv --events "$T/all2.csv" --year 2025 \
    --format csv >"$T/run-big2.csv" 2>"$T/run-big2.err" || note "jifen run failed: $(head -n 3 "$T/run-big2.err")"
samefile "eval after the void = run without the row" "$T/eval-big2.csv" "$T/run-big2.csv"
end "3 a ledger of over 65,536 events (read back on a second thread): eval = jifen run, also after a void"

# ---- 4. the same file twice ----------------------------------------------------------------------
mark 4
begin
d1=$(dumphash "$db")
j import "$db" --events "$T/big.csv"
rc_fails "second import"
empty "stdout" "$T/out"
same "message" "$(cat "$T/err")" \
    "$T/big.csv: this file was imported already as batch 2 ($T/big.csv, imported $JIFEN_NOW); nothing stored"
same ".dump hash" "$(dumphash "$db")" "$d1"
cp "$T/big.csv" "$T/big-copy.csv"
j import "$db" --events "$T/big-copy.csv"
rc_fails "a copy under another name"
has "a copy under another name" "$T/err" "imported already as batch 2 ($T/big.csv,"
same ".dump hash" "$(dumphash "$db")" "$d1"
# a new members file with an events file of batch 1: the whole batch is refused
sed 's/^M19,马超,/M19,马超超,/' tests/schemes/xianfeng/members.csv >"$T/members2.csv"
j import "$db" --members "$T/members2.csv" --events tests/schemes/xianfeng/events.csv
rc_fails "new members + old events"
has "new members + old events" "$T/err" "imported already as batch 1 (tests/schemes/xianfeng/events.csv,"
same ".dump hash" "$(dumphash "$db")" "$d1"
same "batches" "$(sq "$db" 'SELECT count(*) FROM batches')" 2
end "4 the same file again (and a copy, and with a new members file): refused naming the earlier batch, nothing changed"

# ---- 5. void and re-eval ---------------------------------------------------------------------------
mark 5
db=$T/s5.db
cp "$T/s1-xianfeng.db" "$db"
id_m11=$("$BIN" ledger "$db" --member M11 --year 2024 | awk -F'\t' '$4 == "party.removal" { print $1 }')
id_m17=$("$BIN" ledger "$db" --member M17 --year 2025 | awk -F'\t' '$4 == "vice" { print $1 }')
begin
[ -n "$id_m11" ] && [ -n "$id_m17" ] || note "ledger: the events to void not found ($id_m11, $id_m17)"
runs0=$(sq "$db" 'SELECT count(*) FROM runs')
same "runs before" "$runs0" 3
ev0=$(sq "$db" 'SELECT count(*) FROM events')
JIFEN_NOW=2026-01-05T10:00:00Z j void "$db" --event "$id_m11" --reason "处分已撤回, 见文件 7" --by 组织委员
rc_is 0 "void M11"
same "void M11" "$(cat "$T/out")" "event $id_m11 is void (处分已撤回, 见文件 7)"
JIFEN_NOW=2026-01-05T11:30:00Z USER=tester j void "$db" --event "$id_m17" --reason 误录
rc_is 0 "void M17"
j void "$db" --event "$id_m17" --reason again
rc_fails "void twice"
has "void twice" "$T/err" "event $id_m17 is void already"
j void "$db" --event 999999 --reason x
rc_fails "void of no event"
has "void of no event" "$T/err" "there is no event 999999"
"$BIN" ledger "$db" --member M11 --year 2024 >"$T/ledger.txt" 2>&1
same "ledger M11" "$(awk -F'\t' -v id="$id_m11" '$1 == id { print $4 " / " $8 }' "$T/ledger.txt")" \
    "party.removal / void: 处分已撤回, 见文件 7 (组织委员, 2026-01-05T10:00:00Z)"
"$BIN" ledger "$db" --member M17 --year 2025 >"$T/ledger.txt" 2>&1
same "ledger M17" "$(awk -F'\t' -v id="$id_m17" '$1 == id { print $4 " / " $8 }' "$T/ledger.txt")" \
    "vice / void: 误录 (tester, 2026-01-05T11:30:00Z)"
same "other rows not void" "$(awk -F'\t' 'NR > 1 && $8 != ""' "$T/ledger.txt" | wc -l | tr -d ' ')" 1
same "events kept" "$(sq "$db" 'SELECT count(*) FROM events')" "$ev0"
end "5 void two events: ledger shows them void with who, why and when; void twice refused"
# by hand: M17 2025 without vice: 品1 10, base 60 + 10 = 70, bonus 20, score 90, base < 75 so 合格.
# M11 2024 without party.removal: 80, 合格, heart_talk; 2025: party.warning → 警示情形, last year
# now 合格 → 警示 (not 不合格), full → talk;pair_help. Nobody else changes (no quota moves).
sed -e 's/^M11,.*/M11,77,警示,talk;pair_help/' -e 's/^M17,.*/M17,90,合格,heart_talk/' \
    tests/schemes/xianfeng/expected-2025.csv >"$T/want25.csv"
sed -e 's/^M11,.*/M11,80,合格,heart_talk/' tests/schemes/xianfeng/expected-2024.csv >"$T/want24.csv"
begin
JIFEN_NOW=2026-01-06T00:00:00Z j eval "$db" --year 2025 --format csv
rc_is 0 "eval 2025"
samefile "eval 2025 after the voids" "$T/out" "$T/want25.csv"
has "eval 2025" "$T/err" "stored run 4 (26 members, 2025, all)"
hasnt "eval 2025 (2024's stored run is stale)" "$T/err" "values read from stored run"
same "runs" "$(sq "$db" 'SELECT id, year, at FROM runs WHERE id = 4')" "4|2025|2026-01-06T00:00:00Z"
same "old run 3 M11, M17" "$(sq "$db" "SELECT member_id, score, tier, outcome FROM results WHERE run = 3 AND member_id IN ('M11', 'M17') ORDER BY 1" | tr '\n' ' ')" \
    "M11|77|不合格|dispose M17|80|合格|heart_talk "
same "new run 4 M11, M17" "$(sq "$db" "SELECT member_id, score, tier, outcome FROM results WHERE run = 4 AND member_id IN ('M11', 'M17') ORDER BY 1" | tr '\n' ' ')" \
    "M11|77|警示|talk;pair_help M17|90|合格|heart_talk "
same "rows of run 3" "$(sq "$db" 'SELECT count(*) FROM results WHERE run = 3')" 26
JIFEN_NOW=2026-01-06T00:00:00Z j eval "$db" --year 2024 --format csv
samefile "eval 2024 after the voids" "$T/out" "$T/want24.csv"
has "eval 2024" "$T/err" "stored run 5 (26 members, 2024, all)"
has "eval 2024" "$T/err" "2023's values read from stored run 1"
same "old run 2 M11" "$(sq "$db" "SELECT score, tier FROM results WHERE run = 2 AND member_id = 'M11'")" "65|警示"
j results "$db" --year 2025 --format csv
samefile "results 2025" "$T/out" "$T/want25.csv"
j results "$db" --year 2024 --format csv
samefile "results 2024" "$T/out" "$T/want24.csv"
end "5 re-eval after the voids: M11 2024 65 警示 → 80 合格, 2025 不合格 → 警示, M17 80 → 90; runs 4, 5 new, runs 2, 3 kept"
begin
d1=$(dumphash "$db")
for stmt in "DELETE FROM events WHERE id = $id_m11" "UPDATE events SET qty = '9' WHERE id = 1" "DELETE FROM events"; do
    out=$(sq "$db" "$stmt")
    st=$?
    [ "$st" != 0 ] || note "sqlite3 '$stmt' succeeded"
    case $out in *"the ledger is append-only: void an event instead"*) ;; *) note "sqlite3 '$stmt': $out" ;; esac
done
for t in voids:voids runs:runs results:results; do
    out=$(sq "$db" "DELETE FROM ${t%%:*}")
    case $out in *"${t#*:} are kept"*) ;; *) note "sqlite3 'DELETE FROM ${t%%:*}': $out" ;; esac
done
same ".dump hash" "$(dumphash "$db")" "$d1"
same "events" "$(sq "$db" 'SELECT count(*) FROM events')" "$ev0"
end "5 DELETE/UPDATE of events and DELETE of voids, runs, results through sqlite3: refused by the triggers"

# ---- 6. eval with unchanged inputs -----------------------------------------------------------------
mark 6
begin
db=$T/s5.db
d1=$(dumphash "$db")
JIFEN_NOW=2026-02-01T00:00:00Z j eval "$db" --year 2025 --format csv
rc_is 0 "eval 2025"
samefile "eval 2025 again" "$T/out" "$T/want25.csv"
has "eval 2025 again" "$T/err" "same inputs as run 4: the results are identical (nothing new stored)"
JIFEN_NOW=2026-02-01T00:00:00Z j eval "$db" --year 2024 --format csv
has "eval 2024 again" "$T/err" "same inputs as run 5: the results are identical (nothing new stored)"
same ".dump hash" "$(dumphash "$db")" "$d1"
db=$T/s1-xianfeng.db
d1=$(dumphash "$db")
for y in 2023 2024 2025; do
    JIFEN_NOW=2026-02-01T00:00:00Z j eval "$db" --year "$y" --format csv
    samefile "eval $y again" "$T/out" "tests/schemes/xianfeng/expected-$y.csv"
    has "eval $y again" "$T/err" "the results are identical (nothing new stored)"
done
same ".dump hash" "$(dumphash "$db")" "$d1"
same "runs" "$(sq "$db" 'SELECT count(*) FROM runs')" 3
end "6 eval again with unchanged inputs (after voids, and xianfeng 2023-2025): nothing stored, 'results are identical'"

# ---- 7. crash test -----------------------------------------------------------------------------------
mark 7
KILLS=${JIFEN_CRASH_KILLS:-50}
SEED=${JIFEN_CRASH_SEED:-$(( $(date +%s) % 100000 + $$ ))}
base=$T/s1-xianfeng.db
ev0=$(sq "$base" 'SELECT count(*) FROM events')
w=$T/crash.db
# how long one whole import takes: the longest of three
full=0
begin
for t in 1 2 3; do
    rm -f "$w" "$w-wal" "$w-shm"
    cp "$base" "$w"
    t0=$(ms)
    j import "$w" --events "$T/big.csv"
    t1=$(ms)
    rc_is 0 "uninterrupted import"
    same "events" "$(sq "$w" 'SELECT count(*) FROM events')" $((ev0 + 100000))
    if [ -n "$t0" ] && [ -n "$t1" ]; then
        [ $((t1 - t0)) -gt "$full" ] && full=$((t1 - t0))
    else
        full=1000
    fi
done
end "7 an uninterrupted import of 100,000 rows takes up to ${full} ms"
# the delays (seconds): 70 % spread evenly from 3 ms to the full duration, the rest from 0.8 to
# 1.3 times it (around the commit, and some after the end)
awk -v seed="$SEED" -v k="$KILLS" -v full="$full" 'BEGIN {
    srand(seed); spread = int(k * 0.7)
    for (i = 0; i < k; i++) {
        if (i < spread) d = 3 + (i + rand()) * (full - 3) / spread
        else d = full * (0.8 + 0.5 * rand())
        printf "%.3f\n", d / 1000
    }
}' >"$T/delays"
before=0
after=0
finished=0
i=0
while read -r delay; do
    i=$((i + 1))
    rm -f "$w" "$w-wal" "$w-shm" "$w-journal"
    cp "$base" "$w"
    "$BIN" import "$w" --events "$T/big.csv" >/dev/null 2>"$T/crash.err" &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    st=$?
    pid=
    begin
    # one sqlite3 run: integrity_check ("ok"), foreign_key_check (nothing), then the batch's state
    sq "$w" "PRAGMA integrity_check; PRAGMA foreign_key_check;
        SELECT (SELECT count(*) FROM events WHERE batch > 1), (SELECT count(*) FROM batches WHERE id > 1),
        (SELECT ifnull(group_concat(kind || ':' || rows), '') FROM batch_files WHERE batch > 1), (SELECT count(*) FROM events);" \
        >"$T/crash.state"
    same "integrity_check and foreign_key_check" "$(sed '$d' "$T/crash.state" | tr '\n' ' ')" "ok "
    state=$(tail -n 1 "$T/crash.state")
    case $state in
    "0|0||$ev0") how="before the commit: none of the batch"; before=$((before + 1)) ;;
    "100000|1|events:100000|$((ev0 + 100000))")
        if [ "$st" = 0 ]; then
            how="after the import finished: the whole batch"; finished=$((finished + 1))
        else
            how="after the commit: the whole batch"; after=$((after + 1))
        fi ;;
    *) how="a partial batch"; note "state (batch rows, batches, batch_files, events): $state" ;;
    esac
    case $st in 0 | 137) ;; *) note "import exit status $st: $(head -n 2 "$T/crash.err")" ;; esac
    end "7 kill $i/$KILLS at ${delay}s: integrity ok, $how"
done <"$T/delays"
# a killed import leaves nothing behind that stops the next one (killed at a third of the
# longest time, else earlier: an import can run much faster than the longest of three)
begin
for frac in 3 6 12 24 48; do
    rm -f "$w" "$w-wal" "$w-shm"
    cp "$base" "$w"
    "$BIN" import "$w" --events "$T/big.csv" >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v f="$full" -v d="$frac" 'BEGIN { printf "%.3f", f / d / 1000 }')"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
    [ "$(sq "$w" 'SELECT count(*) FROM events')" = "$ev0" ] && break
done
same "events after the kill (at 1/$frac of ${full} ms)" "$(sq "$w" 'SELECT count(*) FROM events')" "$ev0"
j import "$w" --events "$T/big.csv"
rc_is 0 "import after a kill"
same "events" "$(sq "$w" 'SELECT count(*) FROM events')" $((ev0 + 100000))
same "integrity_check" "$(sq "$w" 'PRAGMA integrity_check')" ok
end "7 the import again after a kill before its commit: imported whole"
begin
[ $((before + after + finished)) = "$KILLS" ] || note "only $((before + after + finished)) of $KILLS kills left a whole or no batch"
[ "$before" -gt 0 ] || note "no kill landed before the commit"
end "7 crash summary (seed $SEED): $KILLS kills, $before before the commit, $after after the commit, $finished after the import had finished"

# ---- 8. appeals ------------------------------------------------------------------------------------
mark 8
db=$T/s5.db
begin
JIFEN_NOW=2026-01-08T09:00:00Z j appeal "$db" --member M11 --year 2025 --text "对2025年等次有异议, 请复核"
rc_is 0 "open"
same "open" "$(cat "$T/out")" "appeal 1 recorded"
j appeals "$db"
same "list open" "$(tail -n +2 "$T/out")" "$(printf '1\tM11\t2025\t2026-01-08T09:00:00Z\t对2025年等次有异议, 请复核\t(open)')"
j appeals "$db" --year 2024
same "list 2024" "$(tail -n +2 "$T/out")" ""
JIFEN_NOW=2026-01-09T09:00:00Z j appeal "$db" --resolve 1 --decision "维持原等次"
rc_is 0 "resolve"
same "resolve" "$(cat "$T/out")" "appeal 1 resolved"
j appeals "$db" --year 2025
same "list resolved" "$(tail -n +2 "$T/out")" "$(printf '1\tM11\t2025\t2026-01-08T09:00:00Z\t对2025年等次有异议, 请复核\t维持原等次')"
same "stored" "$(sq "$db" 'SELECT decision, resolved_at FROM appeals WHERE id = 1')" "维持原等次|2026-01-09T09:00:00Z"
d1=$(dumphash "$db")
j appeal "$db" --resolve 1 --decision "改为合格"
rc_fails "resolve twice"
has "resolve twice" "$T/err" "there is no open appeal 1"
j appeal "$db" --member NOBODY --year 2025 --text x
rc_fails "appeal of an unknown member"
has "appeal of an unknown member" "$T/err" "member 'NOBODY' is not in the ledger"
same ".dump hash" "$(dumphash "$db")" "$d1"
end "8 appeal: open, listed open, resolved, listed with the decision; resolving twice refused"

# ---- 9. migrate; not a jifen database ----------------------------------------------------------------
mark 9
begin
db=$T/s5.db
d1=$(dumphash "$db")
j db migrate "$db"
rc_is 0 "migrate"
same "migrate" "$(cat "$T/out")" "$db is at schema version 2"
same ".dump hash" "$(dumphash "$db")" "$d1"
j db init "$db"
rc_fails "init of an existing store"
has "init of an existing store" "$T/err" "already holds a database; nothing changed"
same ".dump hash" "$(dumphash "$db")" "$d1"
end "9 db migrate on the current schema: at version 2, nothing changed; db init on it refused"
# a version 1 store (made by hand from this one: version 1 had the index events_member, and
# nothing else differed) is refused until migrated; migrating drops the index, and the store is
# then the same as one made at version 2
begin
cp "$T/s5.db" "$T/v1.db"
sq "$T/v1.db" "CREATE INDEX events_member ON events(member_id, date); UPDATE meta SET value = '1' WHERE key = 'schema_version'" >/dev/null
j eval "$T/v1.db" --year 2025 --format csv
rc_fails "eval on version 1"
empty "stdout" "$T/out"
same "message" "$(cat "$T/err")" "$T/v1.db: schema version 1 needs 'jifen db migrate $T/v1.db'"
j db migrate "$T/v1.db"
rc_is 0 "migrate"
same "migrate" "$(cat "$T/out")" "$T/v1.db is at schema version 2"
same "index gone" "$(sq "$T/v1.db" "SELECT count(*) FROM sqlite_master WHERE name = 'events_member'")" "0"
same ".dump hash after migrate" "$(dumphash "$T/v1.db")" "$d1"
end "9 db migrate from version 1: refused before, index dropped, then the same as a version 2 store"
begin
cp "$T/s5.db" "$T/newer.db"
sq "$T/newer.db" "UPDATE meta SET value = '3' WHERE key = 'schema_version'" >/dev/null
j eval "$T/newer.db" --year 2025 --format csv
rc_fails "eval"
empty "stdout" "$T/out"
same "message" "$(cat "$T/err")" "$T/newer.db: schema version 3 is newer than this jifen (2)"
end "9 eval on a store with a newer schema: refused"
# not jifen databases: a text file, another program's SQLite database, a missing file
printf 'member_id,name\nM01,x\n' >"$T/text.db"
h0=$(sha256sum <"$T/text.db")
begin
j eval "$T/text.db" --year 2025 --format csv
rc_fails "eval"
empty "stdout" "$T/out"
same "stderr lines" "$(lines "$T/err")" 1
has "message" "$T/err" "$T/text.db: "
same "file unchanged" "$(sha256sum <"$T/text.db")" "$h0"
end "9 eval on a text file: fails with one message naming it, file unchanged"
sqlite3 "$T/other.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
d0=$(dumphash "$T/other.db")
begin
j eval "$T/other.db" --year 2025 --format csv
rc_fails "eval"
empty "stdout" "$T/out"
same "stderr lines" "$(lines "$T/err")" 1
has "message" "$T/err" "$T/other.db: "
same "data unchanged" "$(dumphash "$T/other.db")" "$d0"
end "9 eval on another program's SQLite database: fails with one message naming it, its data unchanged"
begin
j eval "$T/missing.db" --year 2025 --format csv
rc_fails "eval"
empty "stdout" "$T/out"
has "message" "$T/err" "$T/missing.db: cannot open"
[ ! -e "$T/missing.db" ] || note "eval created $T/missing.db"
end "9 eval on a missing file: fails, creates nothing"

# ---- 10. the bad inputs of tests/input, imported into fresh stores -----------------------------------
mark 10
for runs in "" 3; do
for dir in tests/input/*/; do
    case $dir in *runtime-*) continue ;; esac
    [ -f "$dir/cmd" ] || continue
    # cmd: RULESET --members M --events E [--branches B] --year Y (paths relative to the case)
    set -- $(cat "$dir/cmd")
    rules=$1
    shift
    args=
    while [ $# -gt 0 ]; do
        case $1 in
        --members | --events | --branches) args="$args $1 $2"; shift 2 ;;
        *) shift ;;
        esac
    done
    db=$T/in-$(basename "$dir")$runs.db
    begin
    (cd "$dir" && "$BIN" db init "$db" && "$BIN" db policy "$db" "$rules" --from 2000-01-01) >/dev/null 2>"$T/err" ||
        note "setup: $(cat "$T/err")"
    d0=$(dumphash "$db")
    # shellcheck disable=SC2086
    (cd "$dir" && JIFEN_RUN_EVENTS=$runs "$BIN" import "$db" $args) >"$T/out" 2>"$T/err"
    rc=$?
    rc_fails "import"
    empty "stdout" "$T/out"
    same "message" "$(cat "$T/err")" "$(cat "$dir/expected")"
    same ".dump hash" "$(dumphash "$db")" "$d0"
    end "10 $(basename "$dir") imported into a fresh store${runs:+ (checked in runs of $runs events)}: refused with jifen run's message, nothing stored"
done
done

# ---- 11. an import of events alone checks only its rows when the store's mark vouches for the rest --
# Every import leaves the mark 'checked' = "SHA-256 of the policy's source, batch, checks-1": the
# ledger up to that batch passed that policy's input checks. An import of events alone, for a
# policy without input rules, checked against the same policy, then checks only the file's rows.
# To see which rows were checked, a bad row is written into batch 1 behind jifen's back (an
# INSERT with sqlite3: only jifen writes a ledger, so the mark cannot know of it): a whole-ledger
# check names it; a check of the file's rows does not see it.
mark 11
db=$T/s11.db
d=tests/schemes/xianfeng
hash=$(sha256sum rulesets/xianfeng.jf | cut -c1-64)
printf 'member_id,date,event,qty,ref,note\nM01,2026-03-10,meeting.absent,1,,\nM02,2026-05-20,bonus,6,,\n' >"$T/next.csv"
begin
newstore "$db" xianfeng 2023 || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
same "mark after batch 1" "$(sq "$db" "SELECT value FROM meta WHERE key = 'checked'")" "$hash 1 checks-1"
cp "$db" "$T/s11-clean.db"
j import "$db" --events "$T/next.csv"
rc_is 0 "events alone"
same "report" "$(cat "$T/out")" "batch 2: 0 members, 0 branches, 2 events"
same "mark after batch 2" "$(sq "$db" "SELECT value FROM meta WHERE key = 'checked'")" "$hash 2 checks-1"
end "11 every import leaves the mark: the policy's SHA-256, the batch, checks-1"

bad="INSERT INTO events(member_id, date, event, qty, ref, note, batch, line) VALUES('M01', '2025-01-02', 'no.such.code', '1', '', '', 1, 999)"
badmsg="$d/events.csv:999: event 'no.such.code' is not in the vocabulary of policy 'xianfeng'"
# refused (naming the row of batch 1), nothing stored
refused() {
    rc_fails "$1"
    empty "stdout" "$T/out"
    same "message" "$(cat "$T/err")" "$badmsg"
    same "batches" "$(sq "$2" 'SELECT count(*) FROM batches')" 1
}
begin
cp "$T/s11-clean.db" "$T/s11-bad.db"
sq "$T/s11-bad.db" "$bad" >/dev/null
cp "$T/s11-bad.db" "$T/s11a.db"
j import "$T/s11a.db" --events "$T/next.csv"
rc_is 0 "events alone, mark in place"
same "report" "$(cat "$T/out")" "batch 2: 0 members, 0 branches, 2 events"
end "11 events alone, same policy, the mark naming the last batch: the stored rows are not read again"

begin
cp "$T/s11-bad.db" "$T/s11b.db"
sq "$T/s11b.db" "DELETE FROM meta WHERE key = 'checked'" >/dev/null
j import "$T/s11b.db" --events "$T/next.csv"
refused "no mark" "$T/s11b.db"
end "11 no mark (a store of an older jifen): the whole ledger is checked"

begin
cp "$T/s11-bad.db" "$T/s11c.db"
{ cat rulesets/xianfeng.jf; echo "# the same rules, another source: another SHA-256"; } >"$T/xianfeng2.jf"
j import "$T/s11c.db" --policy "$T/xianfeng2.jf" --events "$T/next.csv"
refused "another policy" "$T/s11c.db"
end "11 checked against another policy: the whole ledger is checked"

begin
cp "$T/s11-bad.db" "$T/s11d.db"
sed 's/^M19,马超,/M19,马超超,/' "$d/members.csv" >"$T/members11.csv"
j import "$T/s11d.db" --members "$T/members11.csv" --events "$T/next.csv"
refused "members with the events" "$T/s11d.db"
end "11 members imported with the events: the whole ledger is checked"

begin
cp "$T/s11-bad.db" "$T/s11e.db"
sq "$T/s11e.db" "INSERT INTO batches(imported_at) VALUES('2026-01-01T00:00:00Z')" >/dev/null
j import "$T/s11e.db" --events "$T/next.csv"
rc_fails "a batch after the mark's"
same "message" "$(cat "$T/err")" "$badmsg"
end "11 the mark naming an earlier batch than the last: the whole ledger is checked"

# a policy with input rules (handan: cancel … by): a row may be checked against others
begin
hd=tests/schemes/handan
total=$(records "$hd/events.csv")
split_csv "$hd/events.csv" $((total / 2)) "$T/h1.csv" "$T/h2.csv"
newstore "$T/s11h.db" handan "$(years_of handan | head -n 1)" "$T/h1.csv" || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
same "mark" "$(sq "$T/s11h.db" "SELECT value FROM meta WHERE key = 'checked'" | cut -d' ' -f2-)" "1 checks-1"
hm=$(awk -F, 'NR == 2 { print $1 }' "$hd/members.csv")
sq "$T/s11h.db" "INSERT INTO events(member_id, date, event, qty, ref, note, batch, line) VALUES('$hm', '2025-01-02', 'no.such.code', '1', '', '', 1, 999)" >/dev/null
j import "$T/s11h.db" --events "$T/h2.csv"
rc_fails "handan, second half"
same "message" "$(cat "$T/err")" "$T/h1.csv:999: event 'no.such.code' is not in the vocabulary of policy 'handan'"
end "11 a policy with input rules (cancel … by): the whole ledger is checked, mark or not"

# ---- 12. the whole ledger checked beside the import: rows of earlier batches against the file's --
# When the store's mark does not vouch for the ledger (a policy with input rules, no mark, members
# in the batch), a second thread reads the rows stored before through a second connection (the
# store as it was: the batch is not committed), then the file's rows from the file, while the
# batch is stored. A rule broken across batches names the later batch's row; nothing is stored.
mark 12
# jidu: one q.base per quarter. Batch 1 is the scheme's events (M01's 2025 Q1 q.base at line 2 of
# tests/schemes/jidu/events.csv); batch 2 brings a second one for 2025 Q1, also at line 2 of its
# file: the row refused is batch 2's (ledger order: the later batch), the other named by file:line.
jd=tests/schemes/jidu
printf 'member_id,date,event,qty,ref,note\nM01,2025-03-01,q.base,45,,second\n' >"$T/j2.csv"
for runs in "" 3; do
    begin
    rm -f "$T/s12j.db"*
    newstore "$T/s12j.db" jidu "$(years_of jidu | head -n 1)" || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
    ev0=$(sq "$T/s12j.db" 'SELECT count(*) FROM events')
    d0=$(dumphash "$T/s12j.db")
    JIFEN_RUN_EVENTS=$runs "$BIN" import "$T/s12j.db" --events "$T/j2.csv" >"$T/out" 2>"$T/err"
    rc=$?
    rc_fails "jidu, a second q.base in 2025 Q1"
    empty "stdout" "$T/out"
    same "message" "$(cat "$T/err")" "$T/j2.csv:2: member 'M01' already has 'q.base' in quarter 2025 Q1 ($jd/events.csv:2); policy 'jidu' allows one per quarter"
    same "events" "$(sq "$T/s12j.db" 'SELECT count(*) FROM events')" "$ev0"
    same ".dump hash" "$(dumphash "$T/s12j.db")" "$d0"
    end "12 one per quarter across batches${runs:+ (spilled runs of $runs)}: batch 2's row refused, naming batch 1's; nothing stored"
done

# handan: cancel basic, contribution by audit.unfounded. M03's 2025 (tests/schemes/handan): basic
# 60, contribution 40 ref c1, vote.public 80, vote.peer 80. Batch 2 cancels c1 (a batch-1 row):
#   党员积分 = clamp(60 + 40 - 0, 0, 100) = 100 before; = clamp(60, 0, 100) = 60 after
#   score = 60 × 80% + 80 × 10% + 80 × 10% = 48 + 8 + 8 = 64 (before: 80 + 8 + 8 = 96, 优秀)
#   tier: 1 audit (< 3); not ≥ 90; not ≥ 70; ≥ 60 → 基本合格; outcome no_awards (基本合格)
hd=tests/schemes/handan
printf 'member_id,date,event,qty,ref,note\nM03,2025-11-01,audit.unfounded,,c1,抽查\n' >"$T/h12.csv"
printf 'member_id,date,event,qty,ref,note\nM03,2025-11-02,audit.unfounded,,c9,\n' >"$T/h12bad.csv"
begin
rm -f "$T/s12h.db"*
newstore "$T/s12h.db" handan "$(years_of handan | head -n 1)" || { note "setup failed:"; cat "$T/ns.err" >>"$T/why"; }
j eval "$T/s12h.db" --year 2025 --format csv
same "M03 before" "$(grep '^M03,' "$T/out")" "M03,96,优秀,"
cp "$T/s12h.db" "$T/s12h-bad.db"
j import "$T/s12h.db" --events "$T/h12.csv"
rc_is 0 "the cancel of batch 1's c1"
same "report" "$(cat "$T/out")" "batch 2: 0 members, 0 branches, 1 events"
j eval "$T/s12h.db" --year 2025 --format csv
rc_is 0 "eval"
same "M03 after" "$(grep '^M03,' "$T/out")" "M03,64,基本合格,no_awards"
end "12 a cancel in batch 2 of an event of batch 1: scored (M03 96 → 64, worked out above)"
for runs in "" 3; do
    begin
    ev0=$(sq "$T/s12h-bad.db" 'SELECT count(*) FROM events')
    JIFEN_RUN_EVENTS=$runs "$BIN" import "$T/s12h-bad.db" --events "$T/h12bad.csv" >"$T/out" 2>"$T/err"
    rc=$?
    rc_fails "a cancel that matches nothing"
    same "message" "$(cat "$T/err")" "$T/h12bad.csv:2: 'audit.unfounded' with ref 'c9' matches no earlier event of member 'M03' that it can cancel"
    same "events" "$(sq "$T/s12h-bad.db" 'SELECT count(*) FROM events')" "$ev0"
    same "batches" "$(sq "$T/s12h-bad.db" 'SELECT count(*) FROM batches')" 1
    end "12 a cancel in batch 2 that matches no event of any batch${runs:+ (spilled runs of $runs)}: refused, nothing stored"
done

# section 3's ledger (100,000 + the scheme's events, over 65,536: the earlier rows come through the
# row pipe's second thread) without its mark: the whole ledger is checked beside the import. A
# bad row written behind jifen's back as the ledger's last row is named: every row was read.
printf 'member_id,date,event,qty,ref,note\nM01,2026-03-10,meeting.absent,1,,\nM02,2026-05-20,bonus,6,,\n' >"$T/next12.csv"
begin
cp "$T/s3.db" "$T/s12x.db"
sq "$T/s12x.db" "DELETE FROM meta WHERE key = 'checked'" >/dev/null
ev0=$(sq "$T/s12x.db" 'SELECT count(*) FROM events')
cp "$T/s12x.db" "$T/s12y.db"
j import "$T/s12x.db" --events "$T/next12.csv"
rc_is 0 "no mark, a large ledger"
same "report" "$(cat "$T/out")" "batch 3: 0 members, 0 branches, 2 events"
same "events" "$(sq "$T/s12x.db" 'SELECT count(*) FROM events')" $((ev0 + 2))
sq "$T/s12y.db" "INSERT INTO events(member_id, date, event, qty, ref, note, batch, line) VALUES('M01', '2025-01-02', 'no.such.code', '1', '', '', 2, 100002)" >/dev/null
j import "$T/s12y.db" --events "$T/next12.csv"
rc_fails "the ledger's last row is bad"
same "message" "$(cat "$T/err")" "$T/big.csv:100002: event 'no.such.code' is not in the vocabulary of policy 'xianfeng'"
same "batches" "$(sq "$T/s12y.db" 'SELECT count(*) FROM batches')" 2
end "12 a ledger of over 65,536 events, no mark: checked whole beside the import (its last row named when bad)"

mark end
done_at=$(ms)
if [ -n "$started" ] && [ -n "$done_at" ]; then
    echo "(store tests took $(((done_at - started) / 1000)) s; by check:$(echo "$times" |
        awk '{ for (i = 1; i <= NF; i++) { split($i, p, ":"); printf " %s %.1f s%s", p[1], p[2] / 1000, i < NF ? "," : "" } }'))"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
