#!/bin/sh
# bench/run.sh — jifen's benchmark suite; writes bench/results.md.
#
# For each scheme (xianfeng, guoqi) and size (1,000 / 10,000 / 100,000 / 1,000,000 members at
# ~100 events each: ~10^5 / 10^6 / 10^7 / 10^8 events; 10^8 is 4 GB of CSV a scheme, and the
# whole suite takes about an hour on the benchmark machine) it generates the data with
# `jifen gen` (cached in bench/data/, keyed by the arguments and the generator's source), then
# measures, one command at a time (wall time by the clock, peak RSS by GNU time's %M):
#   - CSV read + evaluate   jifen run rulesets/S.jf ... --format csv > /dev/null
#                           (and the same run on a tiny input: the startup, subtracted for
#                           events per second)
#   - --jobs 2              the same run with --jobs 2 (two threads taking shares of whole
#                           branches): its output compared byte for byte with --jobs 1's, the
#                           ratio is --jobs 1's wall time ÷ --jobs 2's (end to end), and the
#                           evaluate stage alone from --stats (--jobs 1 and --jobs 2 interleaved,
#                           the median of 11 runs each, of 5 when a run takes 1 s or more, 1 at
#                           5 s or more): evaluate ns at --jobs 1 ÷ at --jobs 2. Beside them, one
#                           job pinned to CPU 0 and to CPU 1 (taskset), to show what two threads
#                           could give at most when the CPUs are not equally fast; while they
#                           differ by more than 15 %, the pair is measured again after 30 s (up
#                           to BENCH_JOBS_TRIES times, and as many again at the end of the
#                           suite), the most even attempt kept, all reported
#   - compile               jifen compile rulesets/S.jf -o S.jfc
#   - SQLite                jifen db init / db policy (untimed), jifen import, jifen eval; then
#                           the next year's events imported into a copy of the store: as it is
#                           (its mark 'checked' vouches for the first year), and with the mark
#                           removed (the whole ledger checked: the rows stored before read through
#                           a second connection beside the import, the file's from the file)
#   - baselines             whichever of these exist in bench/baselines/:
#                             S.c    built with cc -std=c11 -O2, run as  PROG M E B YEAR
#                             S.lua  run as  lua5.4 S.lua M E B YEAR  and  luajit S.lua M E B YEAR
#                             S.sql  run by its loader  sh S-sql.sh M E B YEAR  (which imports
#                                    the CSVs into sqlite3 and reads S.sql); without a loader,
#                                    sqlite3 -batch -bail :memory: -cmd ".parameter set @year YEAR"
#                                    < S.sql  from inside the data folder
#                                    (members.csv, events.csv, branches.csv in the current directory)
#                           (M E B = members.csv events.csv branches.csv). Each must print
#                           exactly what `jifen run ... --format csv` prints: it is run once and
#                           compared byte for byte first; a mismatch is reported and not timed.
#                           The ratio reported is jifen run's wall time ÷ the baseline's.
#   - 10x events            the same members with 10x the events each (--events-per-year
#                           10x), jifen run only: memory and cost per event against the base.
#                           jifen run streams the events (sorted runs of one event per member,
#                           at least 65,536, in a temp file, merged per member), so its peak
#                           RSS should stay within 10 % of the base's; the table says how many
#                           runs each input took.
#   - cost per event        jifen run's own stages (read + evaluate + write, --stats) at every
#                           size in turn, in rounds (the tiny input too, subtracted): medians
#                           per size, so that the sizes are compared within the same minutes
# A command under 1 s is run 5 times, under 5 s 3 times: the median is reported. Order: jifen's
# stages at every size, then the 10x variant, then the baselines, so that a short budget
# leaves out the slowest baselines at the largest size first.
#
# Sizes that would not fit are skipped, judged from the previous size's measurements
# (linear in events, +30 %): the time left in the budget, 85 % of the available memory and
# the free disk. Integer arithmetic only.
#
# Settings (environment):
#   BENCH_SIZES="1000 10000 100000 1000000"  members per size (about BENCH_RATE events each;
#                                    "1000 10000 100000": ~10 minutes)
#   BENCH_X10="1000 10000"           member counts that also get the 10x-events variant
#   BENCH_SCHEMES="xianfeng guoqi"   BENCH_YEARS=1   BENCH_RATE=100   BENCH_SEED=1
#   BENCH_BUDGET=4200                seconds for the whole suite (the runs it starts; what
#                                    would not fit is skipped, and said so in the report)
#   BENCH_JOBS_TRIES=4               measures of the --jobs pair at most, while the CPUs differ,
#                                    in its place and again at the end (see jobs_pair)
#   BENCH_OUT=bench/results.md       BENCH_DATA=bench/data   JIFEN=bin/jifen   CC=cc
# Example, the smallest size only:  BENCH_SIZES=1000 BENCH_X10=1000 sh bench/run.sh
set -u
cd "$(dirname "$0")/.." || exit 1

JIFEN=${JIFEN:-bin/jifen}
SIZES=${BENCH_SIZES:-1000 10000 100000 1000000}
X10=${BENCH_X10:-1000 10000}
SCHEMES=${BENCH_SCHEMES:-xianfeng guoqi}
YEARS=${BENCH_YEARS:-1}
RATE=${BENCH_RATE:-100}
SEED=${BENCH_SEED:-1}
BUDGET=${BENCH_BUDGET:-4200}
JOBS_TRIES=${BENCH_JOBS_TRIES:-4}
OUT=${BENCH_OUT:-bench/results.md}
DATA=${BENCH_DATA:-bench/data}
CC=${CC:-cc}
YEAR=2025
TIME=/usr/bin/time

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$JIFEN" ] || die "$JIFEN not found: run make first"
[ -x "$TIME" ] || die "GNU time is needed at $TIME (apt-get install time)"
"$TIME" -f %M true >/dev/null 2>&1 || die "$TIME is not GNU time (apt-get install time)"
date +%N | grep -q '^[0-9]' || die "date +%N is needed (GNU coreutils)"
mkdir -p "$DATA" || die "cannot create $DATA"
TMP=$DATA/tmp.$$
rm -rf "$TMP" && mkdir -p "$TMP/out" || die "cannot create $TMP"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

now_us() { _t=$(date +%s%N); echo $((_t / 1000)); }
START=$(now_us)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
# the code measured: the commit, and whether the tree differed from it when the run began
# (taken now: by the end this run's own results.md differs)
JIFEN_AT="$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- . ':!bench/results.md' 2>/dev/null || echo ' (with uncommitted changes)')"
GENHASH=$(sha256sum cli/gen.c 2>/dev/null | cut -c1-12)
log() { echo "bench: $*" >&2; }

# ---- formatting (integers only) ------------------------------------------------------------

# 1234567 -> 1,234,567
th() { echo "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/' -e 'ta'; }
# microseconds -> seconds with 3 decimals
secs() { _t=$((($1 + 500) / 1000)); printf '%d.%03d' $((_t / 1000)) $((_t % 1000)); }
# KiB -> MiB with 1 decimal
mib() { _t=$((($1 * 10 + 512) / 1024)); printf '%d.%d' $((_t / 10)) $((_t % 10)); }
# "P0 / P1": eval_pair's pinned single jobs in ms, 1 decimal
pinned_ms() { awk -v a="$P0_NS" -v b="$P1_NS" 'BEGIN { printf "%.1f / %.1f", a / 1e6, b / 1e6 }'; }
# a / b with 2 decimals (rounded)
ratio() { _t=$((($1 * 200 / $2 + 1) / 2)); printf '%d.%02d' $((_t / 100)) $((_t % 100)); }

# ---- measuring ---------------------------------------------------------------------------------

# GNU time's seconds (2 decimals) -> centiseconds
cs() {
    case $1 in
    *.*) _t=$(echo "$1" | tr -d . | sed 's/^0*//') ;;
    *[!0-9]* | '') _t=0 ;;
    *) _t=$(($1 * 100)) ;;
    esac
    echo $((${_t:-0}))
}
# run_once OUT ERR CMD...: one run under GNU time; sets R_US (wall, µs), R_KB (peak RSS),
# R_CS (user + system CPU, centiseconds), R_RC.
run_once() {
    _ro_out=$1 _ro_err=$2
    shift 2
    _ro_t0=$(now_us)
    "$TIME" -o "$TMP/time" -f '%M %U %S' "$@" >"$_ro_out" 2>"$_ro_err"
    R_RC=$?
    _ro_t1=$(now_us)
    R_US=$((_ro_t1 - _ro_t0))
    set -- $(tail -n 1 "$TMP/time") 0 0 0
    R_KB=$1
    case $R_KB in '' | *[!0-9]*) R_KB=0 ;; esac
    R_CS=$(($(cs "$2") + $(cs "$3")))
}

# measure KEY EVENTS OUT CMD...: runs the command (stdout to OUT) 1, 3 or 5 times by the first
# run's time and sets M_US, M_KB (the median run); PREP, when set, names a function to call
# before every run. Remembers the result for projections. Returns 1 (M_ERR says why) on failure.
PREP=
M_CS=0
ROWKEY=
measure() {
    _ms_key=$1 _ms_ev=$2 _ms_out=$3
    shift 3
    [ -n "$PREP" ] && $PREP
    run_once "$_ms_out" "$TMP/err" "$@"
    if [ "$R_RC" -ne 0 ]; then
        M_ERR="exit $R_RC: $(grep -v '^Command exited' "$TMP/err" | head -n 1 | cut -c1-160)"
        return 1
    fi
    echo "$R_US $R_KB $R_CS" >"$TMP/samples"
    _ms_runs=1
    [ "$R_US" -lt 5000000 ] && _ms_runs=3
    [ "$R_US" -lt 1000000 ] && _ms_runs=5
    _ms_i=1
    while [ "$_ms_i" -lt "$_ms_runs" ]; do
        [ -n "$PREP" ] && $PREP
        run_once "$_ms_out" "$TMP/err" "$@"
        echo "$R_US $R_KB $R_CS" >>"$TMP/samples"
        _ms_i=$((_ms_i + 1))
    done
    set -- $(sort -n "$TMP/samples" | sed -n "$(((_ms_runs + 1) / 2))p")
    M_US=$1 M_KB=$2 M_CS=$3
    echo "$M_US $M_KB $_ms_ev" >"$TMP/last.$_ms_key"
    return 0
}

# fits KEY EVENTS [check]: would KEY on EVENTS events fit the time left and the memory,
# projected from KEY's last measurement? Sets SKIP_WHY when not.
MEMAVAIL=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)
: "${MEMAVAIL:=0}"
fits() {
    SKIP_WHY=
    [ -f "$TMP/last.$1" ] || return 0
    read -r _fi_us _fi_kb _fi_ev <"$TMP/last.$1"
    [ "$_fi_ev" -gt 0 ] || return 0
    _fi_pus=$((_fi_us * $2 / _fi_ev * 13 / 10))
    _fi_pkb=$((_fi_kb * $2 / _fi_ev))
    _fi_runs=1
    [ "$_fi_pus" -lt 5000000 ] && _fi_runs=3
    [ "$_fi_pus" -lt 1000000 ] && _fi_runs=5
    # a baseline's check run (3rd argument "check") is its only run when it is slow
    [ "${3:-}" = check ] && [ "$_fi_runs" -gt 1 ] && _fi_runs=$((_fi_runs + 1))
    _fi_left=$((BUDGET * 1000000 - ($(now_us) - START)))
    if [ $((_fi_pus * _fi_runs)) -gt "$_fi_left" ]; then
        SKIP_WHY="skipped: about $(secs $((_fi_pus * _fi_runs))) s projected, $(secs $((_fi_left > 0 ? _fi_left : 0))) s left of the ${BUDGET} s budget"
        return 1
    fi
    if [ "$MEMAVAIL" -gt 0 ] && [ $((_fi_pkb * 100)) -gt $((MEMAVAIL * 85)) ]; then
        SKIP_WHY="skipped: about $(mib "$_fi_pkb") MiB projected, $(mib "$MEMAVAIL") MiB available"
        return 1
    fi
    return 0
}

# ---- data ----------------------------------------------------------------------------------------

# gendata SCHEME MEMBERS RATE: sets D (the folder) and EV (events); generates unless cached.
gendata() {
    D=$DATA/$1-m$2-y$YEARS-r$3-s$SEED
    _gd_stamp="gen $GENHASH --scheme $1 --members $2 --years $YEARS --seed $SEED --events-per-year $3 --year $YEAR"
    if [ -f "$D/events.csv" ] && [ -f "$D/events.count" ] && [ "$(cat "$D/stamp" 2>/dev/null)" = "$_gd_stamp" ]; then
        EV=$(cat "$D/events.count")
        GEN_NOTE="cached"
        return 0
    fi
    _gd_need=$(($2 * $3 * YEARS * 48 / 1024))
    _gd_free=$(df -Pk "$DATA" | awk 'NR == 2 {print $4}')
    if [ -n "$_gd_free" ] && [ "$_gd_need" -gt "$_gd_free" ]; then
        GEN_NOTE="not enough disk: about $(mib "$_gd_need") MiB needed, $(mib "$_gd_free") MiB free"
        return 1
    fi
    rm -rf "$D"
    log "generating $D"
    _gd_t0=$(now_us)
    "$JIFEN" gen --scheme "$1" --members "$2" --years "$YEARS" --seed "$SEED" --events-per-year "$3" \
        --year "$YEAR" -o "$D" || { GEN_NOTE="jifen gen failed"; return 1; }
    GEN_NOTE="generated in $(secs $(($(now_us) - _gd_t0))) s"
    EV=$(($(wc -l <"$D/events.csv") - 1))
    echo "$EV" >"$D/events.count"
    echo "$_gd_stamp" >"$D/stamp"
}

# ---- results -------------------------------------------------------------------------------------

# row SCHEME MEMBERS EVENTS WHAT US KB EVPS RATIO NOTE (the CPU time is M_CS, of the same run)
row() {
    if [ -n "$5" ]; then
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$(th "$2")" "$(th "$3")" "$4" "$(secs "$5")" \
            "$(secs $((M_CS * 10000)))" "$(mib "$6")" "$7" "$8" "$9" >>"$TMP/rows.$1.${ROWKEY:-$2}"
    else
        printf '| %s | %s | %s | | | | | | %s |\n' "$(th "$2")" "$(th "$3")" "$4" "$9" >>"$TMP/rows.$1.${ROWKEY:-$2}"
    fi
}
evps() { [ "$2" -gt 0 ] && th $(($1 * 1000000 / $2)) || echo "-"; }
# claim S N KEY VALUE OK: one measure of one of the issue's claims (OK 1 when it holds), for the
# summary at the top of results.md
claim() { echo "$2 $4 $5" >>"$TMP/claim.$1.$3"; }

# the commands, for results.md (one folder per scheme and size; the others differ in --members)
note_cmds() {
    [ -f "$TMP/cmds.$1" ] && return 0
    {
        echo "$JIFEN gen --scheme $1 --members $2 --years $YEARS --seed $SEED --events-per-year $RATE --year $YEAR -o $D"
        echo "D=$D"
        echo "$TIME -f '%e s %M KB' $JIFEN run rulesets/$1.jf --members \$D/members.csv --events \$D/events.csv --branches \$D/branches.csv --year $YEAR --format csv > /dev/null"
        echo "$TIME -f '%e s %M KB' $JIFEN compile rulesets/$1.jf -o /tmp/$1.jfc"
        echo "rm -f /tmp/$1.db && $JIFEN db init /tmp/$1.db && $JIFEN db policy /tmp/$1.db rulesets/$1.jf --from 2000-01-01"
        echo "$TIME -f '%e s %M KB' $JIFEN import /tmp/$1.db --branches \$D/branches.csv --members \$D/members.csv --events \$D/events.csv"
        echo "$TIME -f '%e s %M KB' $JIFEN eval /tmp/$1.db --year $YEAR --format csv > /dev/null"
        echo "$JIFEN gen --scheme $1 --members $2 --years 1 --seed $SEED --events-per-year $RATE --year $((YEAR + 1)) -o /tmp/$1-next"
        echo "cp /tmp/$1.db /tmp/$1-full.db && sqlite3 /tmp/$1-full.db \"DELETE FROM meta WHERE key = 'checked'\""
        echo "$TIME -f '%e s %M KB' $JIFEN import /tmp/$1.db --events /tmp/$1-next/events.csv   # the next year"
        echo "$TIME -f '%e s %M KB' $JIFEN import /tmp/$1-full.db --events /tmp/$1-next/events.csv   # the same, whole ledger checked"
        [ -f "bench/baselines/$1.c" ] && {
            echo "$CC -std=c11 -O2 -o /tmp/$1-c bench/baselines/$1.c"
            echo "$TIME -f '%e s %M KB' /tmp/$1-c \$D/members.csv \$D/events.csv \$D/branches.csv $YEAR > /dev/null"
        }
        [ -f "bench/baselines/$1.lua" ] && for _nc_l in lua5.4 luajit; do
            echo "$TIME -f '%e s %M KB' $_nc_l bench/baselines/$1.lua \$D/members.csv \$D/events.csv \$D/branches.csv $YEAR > /dev/null"
        done
        if [ -f "bench/baselines/$1-sql.sh" ]; then
            echo "$TIME -f '%e s %M KB' sh bench/baselines/$1-sql.sh \$D/members.csv \$D/events.csv \$D/branches.csv $YEAR > /dev/null"
        elif [ -f "bench/baselines/$1.sql" ]; then
            echo "(cd \$D && $TIME -f '%e s %M KB' sqlite3 -batch -bail :memory: -cmd '.parameter set @year $YEAR' < \$OLDPWD/bench/baselines/$1.sql > /dev/null)"
        fi
    } >"$TMP/cmds.$1"
}

# ---- the stages ------------------------------------------------------------------------------------

# eval_pair K CMD...: runs the command (a jifen run with --stats) and the same command with
# --jobs 2 one after the other, K times each, interleaved (a slow spell of the machine then falls on
# both alike); sets E1_NS and E1_CPU (one job) and E2_NS and E2_CPU (two) to the median
# evaluate-stage wall and CPU (all threads) times in ns from --stats ("stats: read N ns, evaluate
# N ns, write N ns; cpu: read N ns, evaluate N ns, write N ns"), and E1_ALL to the median of one
# job's read + evaluate + write wall ns (jifen's own work, without the process's start); 0 when none.
# With taskset and CPUs 0 and 1, each round also runs one job pinned to CPU 0 and to CPU 1: P0_NS
# and P1_NS, their median evaluate-stage wall ns (0 without): how fast each CPU is on its own
# (on the benchmark VM the two differ by up to 40 % for minutes at a time, which caps what two
# threads can give against one job on the faster CPU).
eval_pair() {
    _en_k=$1
    shift
    : >"$TMP/evals1"
    : >"$TMP/evcpu1"
    : >"$TMP/evals2"
    : >"$TMP/evcpu2"
    : >"$TMP/evall1"
    : >"$TMP/evall2"
    : >"$TMP/evalsp0"
    : >"$TMP/evalsp1"
    _en_pin=""
    command -v taskset >/dev/null 2>&1 && taskset -c 0,1 true 2>/dev/null && _en_pin="p0 p1"
    _en_i=0
    while [ "$_en_i" -lt "$_en_k" ]; do
        for _en_j in 1 2 $_en_pin; do
            case $_en_j in
            p*) taskset -c "${_en_j#p}" "$@" --jobs 1 >/dev/null 2>"$TMP/stats.err" ;;
            *) "$@" --jobs "$_en_j" >/dev/null 2>"$TMP/stats.err" ;;
            esac
            sed -n 's/^stats: read [0-9]* ns, evaluate \([0-9]*\) ns.*/\1/p' "$TMP/stats.err" >>"$TMP/evals$_en_j"
            case $_en_j in p*) continue ;; esac
            sed -n 's/^stats: .*; cpu: read [0-9]* ns, evaluate \([0-9]*\) ns.*/\1/p' "$TMP/stats.err" >>"$TMP/evcpu$_en_j"
            sed -n 's/^stats: read \([0-9]*\) ns, evaluate \([0-9]*\) ns, write \([0-9]*\) ns.*/\1 \2 \3/p' "$TMP/stats.err" |
                awk '{ printf "%.0f\n", $1 + $2 + $3 }' >>"$TMP/evall$_en_j"
        done
        _en_i=$((_en_i + 1))
    done
    _en_m=$(((_en_k + 1) / 2))
    E1_NS=$(sort -n "$TMP/evals1" | sed -n "${_en_m}p")
    E1_CPU=$(sort -n "$TMP/evcpu1" | sed -n "${_en_m}p")
    E2_NS=$(sort -n "$TMP/evals2" | sed -n "${_en_m}p")
    E2_CPU=$(sort -n "$TMP/evcpu2" | sed -n "${_en_m}p")
    E1_ALL=$(sort -n "$TMP/evall1" | sed -n "${_en_m}p")
    P0_NS=$(sort -n "$TMP/evalsp0" | sed -n "${_en_m}p")
    P1_NS=$(sort -n "$TMP/evalsp1" | sed -n "${_en_m}p")
    : "${E1_NS:=0}" "${E1_CPU:=0}" "${E2_NS:=0}" "${E2_CPU:=0}" "${E1_ALL:=0}" "${P0_NS:=0}" "${P1_NS:=0}"
}

fresh_db() {
    rm -f "$DB" "$DB-wal" "$DB-shm"
    "$JIFEN" db init "$DB" >/dev/null 2>&1 && "$JIFEN" db policy "$DB" "rulesets/$S.jf" --from 2000-01-01 >/dev/null 2>&1
}
copy_db() {
    rm -f "$DB.eval" "$DB.eval-wal" "$DB.eval-shm"
    cp "$DB" "$DB.eval"
}
copy_db_next() {
    rm -f "$DB.next" "$DB.next-wal" "$DB.next-shm"
    cp "$DB" "$DB.next"
}
copy_db_next_unmarked() {
    copy_db_next
    sqlite3 "$DB.next" "DELETE FROM meta WHERE key = 'checked'" || rm -f "$DB.next" # (no sqlite3: no measure)
}

# own_us CMD...: runs a jifen run with --stats, prints its read + evaluate + write wall time in us
# (jifen's own work, without the process's start)
own_us() {
    "$@" --stats 2>&1 >/dev/null |
        sed -n 's/^stats: read \([0-9]*\) ns, evaluate \([0-9]*\) ns, write \([0-9]*\) ns.*/\1 \2 \3/p' |
        awk '{ printf "%.0f\n", ($1 + $2 + $3) / 1000 }'
}

# startup: jifen run on a tiny input, per scheme
startup() {
    gendata "$1" 100 1 || return 1
    measure "tiny.$1" "$EV" /dev/null "$JIFEN" run "rulesets/$1.jf" --members "$D/members.csv" --events "$D/events.csv" \
        --branches "$D/branches.csv" --year "$YEAR" --format csv || return 1
    echo "$M_US" >"$TMP/startup.$1"
    # jifen's own work on it (--stats: read + evaluate + write, median of 5; compiling the policy
    # is part of the read): subtracted from the in-process cost per event below
    for _su_i in 1 2 3 4 5; do
        own_us "$JIFEN" run "rulesets/$1.jf" --members "$D/members.csv" --events "$D/events.csv" \
            --branches "$D/branches.csv" --year "$YEAR" --format csv
    done | sort -n | sed -n 3p >"$TMP/stages0.$1"
    ROWKEY=startup
    row "$1" 100 "$EV" "startup: jifen run on a tiny input" "$M_US" "$M_KB" "" "" "subtracted below for events/s"
    # the fixed cost of an import: the same tiny files into a fresh store (process, store,
    # transaction, WAL, commit); the import rows below give their rate with and without it
    S=$1 DB=$TMP/tiny.$1.db PREP=fresh_db
    if measure "tinyimport.$1" "$EV" /dev/null "$JIFEN" import "$DB" --branches "$D/branches.csv" \
        --members "$D/members.csv" --events "$D/events.csv"; then
        echo "$M_US" >"$TMP/istartup.$1"
        row "$1" 100 "$EV" "startup: jifen import of a tiny input" "$M_US" "$M_KB" "" "" "into a fresh store; the import rows give their rate net of it too"
    fi
    PREP=
    rm -f "$DB" "$DB"-*
    ROWKEY=
}

# next_import PREP KEY WHAT NOTE: times the import of the next year's events ($_nx, $_nx_ev
# events) into a copy of the store $DB made by PREP, as row WHAT
next_import() {
    PREP=$1
    if fits "import.$S" $((EV + _nx_ev)) &&
        measure "$2.$S" "$_nx_ev" /dev/null "$JIFEN" import "$DB.next" --events "$_nx/events.csv"; then
        claim "$S" "$N" "$2" "$(evps "$_nx_ev" "$M_US")" $((_nx_ev * 1000000 >= M_US * 500000))
        row "$S" "$N" "$_nx_ev" "$3" "$M_US" "$M_KB" "$(evps "$_nx_ev" "$M_US")" "" "$((M_US * 1000 / _nx_ev)) ns/event; $4"
    else
        row "$S" "$N" "$_nx_ev" "$3" "" "" "" "" "${SKIP_WHY:-failed: $M_ERR}"
    fi
}

# The --jobs pair. The benchmark VM's two vCPUs are at times unequally fast for minutes (one
# 30-40 % slower, bench/profile-vm.md): two threads can then give no more than both CPUs'
# single-job rates added, below 1.7x. While the pinned single jobs differ by more than 15 %, the
# pair is measured again after a pause, JOBS_TRIES times at most, and once more at the end of
# the suite (jobs_again, most of an hour later at the sizes to 10^8); the attempt kept is the
# one whose CPUs were the closest in speed (chosen by the pinned runs, never by the ratio), and
# every attempt is reported.
#
# jobs_pair S N [LABEL]: attempts for scheme S at N members ($D), adding to $TMP/jobs.S.N (the
# first new attempt's text preceded by LABEL): one line
# "ATTEMPTS EVEN KEPT E1_NS E1_CPU E2_NS E2_CPU E1_ALL P0_NS P1_NS" (EVEN: the kept attempt's
# slower CPU's rate against the faster's, per mille; 0 when not pinned), then the attempts'
# text. $TMP/jobsinfo.S.N holds "K J1_US M_US M_KB M_CS" (K runs each; --jobs 1's wall us,
# then --jobs 2's wall us, peak KB and CPU cs, as measure sets them) and "same" when identical.
jobs_pair() {
    _jp_f=$TMP/jobs.$1.$2
    _jp_try=0 _jp_even=-1 _jp_kept=0 _jp_keep="0 0 0 0 0 0 0" _jp_tries=""
    [ -f "$_jp_f" ] && { read -r _jp_try _jp_even _jp_kept _jp_keep && read -r _jp_tries; } <"$_jp_f"
    read -r _jp_k _jp_rest <"$TMP/jobsinfo.$1.$2"
    _jp_n=0 _jp_pre=${3:-}
    while :; do
        _jp_try=$((_jp_try + 1)) _jp_n=$((_jp_n + 1))
        eval_pair "$_jp_k" "$JIFEN" run "rulesets/$1.jf" --members "$D/members.csv" --events "$D/events.csv" \
            --branches "$D/branches.csv" --year "$YEAR" --format csv --stats
        _jp_ev=0
        if [ "$P0_NS" -gt 0 ] && [ "$P1_NS" -gt 0 ]; then
            _jp_ev=$((P0_NS < P1_NS ? P0_NS * 1000 / P1_NS : P1_NS * 1000 / P0_NS))
        fi
        [ "$E2_NS" -gt 0 ] &&
            _jp_tries="$_jp_tries${_jp_tries:+; }$_jp_pre$(ratio "$E1_NS" "$E2_NS")× with CPU 0 / CPU 1 at $(pinned_ms) ms" _jp_pre=""
        if [ "$_jp_ev" -gt "$_jp_even" ]; then
            _jp_even=$_jp_ev _jp_kept=$_jp_try
            _jp_keep="$E1_NS $E1_CPU $E2_NS $E2_CPU $E1_ALL $P0_NS $P1_NS"
        fi
        [ "$_jp_ev" -ge 850 ] || [ "$_jp_ev" -eq 0 ] || [ "$_jp_n" -ge "$JOBS_TRIES" ] && break
        sleep 30
    done
    printf '%s %s %s %s\n%s\n' "$_jp_try" "$_jp_even" "$_jp_kept" "$_jp_keep" "$_jp_tries" >"$_jp_f"
}

# jobs_row S N: from the kept attempt, the --jobs 2 row ($TMP/jobsrow.S.N, put in place of the
# "@jobs@" line of the rows when results.md is written), the cost per event of its --jobs 1
# runs ($TMP/jstages.S.N) and the claims ($TMP/jobsclaim.S.N: "KEY N VALUE OK", KEY jobs or
# same, for claim at the end)
jobs_row() {
    { read -r _jr_try _jr_even _jr_kept E1_NS E1_CPU E2_NS E2_CPU E1_ALL P0_NS P1_NS && read -r _jr_tries; } <"$TMP/jobs.$1.$2"
    _jr_same=""
    { read -r _jr_k _jr_j1us _jr_us _jr_kb _jr_cs && read -r _jr_same; } <"$TMP/jobsinfo.$1.$2"
    read -r _jr_d _jr_ev <"$TMP/data.$1.$2"
    _jr_s0=$(cat "$TMP/stages0.$1" 2>/dev/null)
    [ "$E1_ALL" -gt 0 ] && [ $((E1_ALL / 1000)) -gt "${_jr_s0:-0}" ] &&
        echo "$((E1_ALL / 1000 - ${_jr_s0:-0})) $_jr_ev" >"$TMP/jstages.$1.$2"
    : >"$TMP/jobsclaim.$1.$2"
    _jr_eval="evaluate stage: no --stats"
    if [ "$E1_NS" -gt 0 ] && [ "$E2_NS" -gt 0 ]; then
        _jr_eval="evaluate stage $((E1_NS / 1000000)) ms → $((E2_NS / 1000000)) ms: **$(ratio "$E1_NS" "$E2_NS")×** (median of $_jr_k each, interleaved; its CPU, all threads: $((E1_CPU / 1000000)) ms → $((E2_CPU / 1000000)) ms)"
        if [ "$P0_NS" -gt 0 ] && [ "$P1_NS" -gt 0 ]; then
            # the most two threads could give: both CPUs' single-job rates added up, against
            # the unpinned one job's: E1 × (1/P0 + 1/P1); how much of it --jobs 2 got
            _jr_cap=$(awk -v e="$E1_NS" -v a="$P0_NS" -v b="$P1_NS" 'BEGIN { printf "%.2f", e / a + e / b }')
            _jr_eff=$(awk -v e="$E2_NS" -v a="$P0_NS" -v b="$P1_NS" 'BEGIN { printf "%.0f", 100 / e / (1 / a + 1 / b) }')
            _jr_eval="$_jr_eval; one job pinned to CPU 0 / CPU 1: $(pinned_ms) ms, so two threads could give at most ${_jr_cap}× (both CPUs' rates added), and --jobs 2 got ${_jr_eff} % of that"
        fi
        [ "$_jr_try" -gt 1 ] &&
            _jr_eval="$_jr_eval; $_jr_try attempts (another while the pinned CPUs differed by more than 15 %), attempt $_jr_kept kept (the CPUs closest in speed): $_jr_tries"
        echo "jobs $2 $(ratio "$E1_NS" "$E2_NS")× $((E1_NS * 100 >= E2_NS * 170))" >>"$TMP/jobsclaim.$1.$2"
    fi
    if [ "$_jr_same" = same ]; then
        _jr_same="output identical to --jobs 1's"
        echo "same $2 identical 1" >>"$TMP/jobsclaim.$1.$2"
    else
        _jr_same="**output differs from --jobs 1's**"
        echo "same $2 differs 0" >>"$TMP/jobsclaim.$1.$2"
    fi
    rm -f "$TMP/rows.$1.jobs"
    M_CS=$_jr_cs ROWKEY=jobs
    row "$1" "$2" "$_jr_ev" "jifen run --jobs 2" "$_jr_us" "$_jr_kb" "$(evps "$_jr_ev" "$_jr_us")" \
        "$(ratio "$_jr_j1us" "$_jr_us")" "$_jr_same; end to end $(ratio "$_jr_j1us" "$_jr_us")× --jobs 1; $_jr_eval"
    ROWKEY=
    mv "$TMP/rows.$1.jobs" "$TMP/jobsrow.$1.$2"
}

# jobs_again: at the end of the suite, the pairs whose CPUs still differed by more than 15 %
# are measured again (JOBS_TRIES attempts at most, while the budget lasts); then the claims
jobs_again() {
    for N in $SIZES; do
        for S in $SCHEMES; do
            [ -f "$TMP/jobs.$S.$N" ] || continue
            read -r _ja_try _ja_even _ja_rest <"$TMP/jobs.$S.$N"
            if [ "$_ja_even" -gt 0 ] && [ "$_ja_even" -lt 850 ] &&
                [ $((BUDGET * 1000000 - ($(now_us) - START))) -gt 0 ]; then
                read -r D EV <"$TMP/data.$S.$N"
                log "$S, $N members: the --jobs pair again (the CPUs differed by more than 15 %)"
                jobs_pair "$S" "$N" "at the end of the suite: "
                jobs_row "$S" "$N"
            fi
        done
    done
    for N in $SIZES; do
        for S in $SCHEMES; do
            [ -f "$TMP/jobsclaim.$S.$N" ] || continue
            while read -r _ja_key _ja_n _ja_value _ja_ok; do
                claim "$S" "$_ja_n" "$_ja_key" "$_ja_value" "$_ja_ok"
            done <"$TMP/jobsclaim.$S.$N"
        done
    done
}

# jifen's own stages for scheme S at N members
jifen_stages() {
    S=$1 N=$2
    if ! fits "run.$S" $((N * RATE * YEARS)); then
        row "$S" "$N" $((N * RATE * YEARS)) "all stages" "" "" "" "" "$SKIP_WHY"
        return 1
    fi
    if ! gendata "$S" "$N" "$RATE"; then
        row "$S" "$N" $((N * RATE * YEARS)) "all stages" "" "" "" "" "$GEN_NOTE"
        return 1
    fi
    note_cmds "$S" "$N"
    echo "$D $EV" >"$TMP/data.$S.$N"
    log "$S, $N members, $EV events ($GEN_NOTE)"
    _js_st=$(cat "$TMP/startup.$S" 2>/dev/null || echo 0)
    _js_ref=$TMP/out/$S.$N.jifen
    # the reference output (not timed), then the timed runs
    if ! "$JIFEN" run "rulesets/$S.jf" --members "$D/members.csv" --events "$D/events.csv" --branches "$D/branches.csv" \
        --year "$YEAR" --format csv >"$_js_ref" 2>"$TMP/err"; then
        row "$S" "$N" "$EV" "jifen run" "" "" "" "" "failed: $(head -n 1 "$TMP/err" | cut -c1-160)"
        return 1
    fi
    if measure "run.$S" "$EV" /dev/null "$JIFEN" run "rulesets/$S.jf" --members "$D/members.csv" --events "$D/events.csv" \
        --branches "$D/branches.csv" --year "$YEAR" --format csv; then
        _js_net=$((M_US - _js_st))
        [ "$_js_net" -gt 0 ] || _js_net=1
        echo "$M_US $M_KB $_js_net $EV $M_CS" >"$TMP/jrun.$S.$N"
        row "$S" "$N" "$EV" "**jifen run** (CSV read + evaluate)" "$M_US" "$M_KB" "$(evps "$EV" "$_js_net")" "1.00" \
            "net of startup: $(secs "$_js_net") s, $((_js_net * 1000 / EV)) ns/event"
    else
        row "$S" "$N" "$EV" "jifen run" "" "" "" "" "failed: $M_ERR"
        return 1
    fi
    # --jobs 2: the same output, the end-to-end and the evaluate-stage ratio to --jobs 1
    read -r _js_j1us _js_j1kb _js_rest <"$TMP/jrun.$S.$N"
    if measure "run2.$S" "$EV" "$TMP/out/$S.$N.jobs2" "$JIFEN" run "rulesets/$S.jf" --members "$D/members.csv" \
        --events "$D/events.csv" --branches "$D/branches.csv" --year "$YEAR" --format csv --jobs 2; then
        _js_k=11
        [ "$_js_j1us" -ge 1000000 ] && _js_k=5
        [ "$_js_j1us" -ge 5000000 ] && _js_k=1
        echo "$_js_k $_js_j1us $M_US $M_KB $M_CS" >"$TMP/jobsinfo.$S.$N"
        cmp -s "$TMP/out/$S.$N.jobs2" "$_js_ref" && echo same >>"$TMP/jobsinfo.$S.$N"
        rm -f "$TMP/jobs.$S.$N"
        jobs_pair "$S" "$N"
        jobs_row "$S" "$N"
        echo "@jobs@" >>"$TMP/rows.$S.$N" # (replaced by jobs_row's last row in results.md)
    else
        row "$S" "$N" "$EV" "jifen run --jobs 2" "" "" "" "" "failed: $M_ERR"
    fi
    if measure "compile.$S" 1 /dev/null "$JIFEN" compile "rulesets/$S.jf" -o "$TMP/$S.jfc"; then
        row "$S" "$N" "$EV" "jifen compile" "$M_US" "$M_KB" "" "" "independent of the data"
    else
        row "$S" "$N" "$EV" "jifen compile" "" "" "" "" "failed: $M_ERR"
    fi
    DB=$TMP/$S.db
    if ! fits "import.$S" "$EV"; then
        row "$S" "$N" "$EV" "jifen import + eval (SQLite)" "" "" "" "" "$SKIP_WHY"
        return 0
    fi
    PREP=fresh_db
    if measure "import.$S" "$EV" /dev/null "$JIFEN" import "$DB" --branches "$D/branches.csv" --members "$D/members.csv" \
        --events "$D/events.csv"; then
        PREP=
        echo "$M_US $EV" >"$TMP/jimport.$S.$N"
        claim "$S" "$N" import "$(evps "$EV" "$M_US")" $((EV * 1000000 >= M_US * 500000))
        _js_inet=
        if [ -f "$TMP/istartup.$S" ] && [ "$M_US" -gt "$(cat "$TMP/istartup.$S")" ]; then
            _js_i0=$(cat "$TMP/istartup.$S")
            _js_inet="; net of a tiny import ($(secs "$_js_i0") s): $(evps "$EV" $((M_US - _js_i0))) ev/s"
        fi
        row "$S" "$N" "$EV" "jifen import (into SQLite)" "$M_US" "$M_KB" "$(evps "$EV" "$M_US")" "" \
            "$((M_US * 1000 / EV)) ns/event; store $(mib $(($(wc -c <"$DB") / 1024))) MiB$_js_inet"
        PREP=copy_db
        if measure "eval.$S" "$EV" "$TMP/out/$S.$N.eval" "$JIFEN" eval "$DB.eval" --year "$YEAR" --format csv; then
            _js_same="output identical to jifen run's"
            cmp -s "$TMP/out/$S.$N.eval" "$_js_ref" || _js_same="**output differs from jifen run's**"
            echo "$M_US $EV" >"$TMP/jeval.$S.$N"
            row "$S" "$N" "$EV" "jifen eval (from SQLite)" "$M_US" "$M_KB" "$(evps "$EV" "$M_US")" "" \
                "$((M_US * 1000 / EV)) ns/event; $_js_same"
        else
            row "$S" "$N" "$EV" "jifen eval (from SQLite)" "" "" "" "" "failed: $M_ERR"
        fi
        # the next year's events into that store
        _nx=$TMP/next.$S.$N
        rm -rf "$_nx"
        if "$JIFEN" gen --scheme "$S" --members "$N" --years 1 --seed "$SEED" --events-per-year "$RATE" \
            --year $((YEAR + 1)) -o "$_nx" >/dev/null 2>&1; then
            _nx_ev=$(($(wc -l <"$_nx/events.csv") - 1))
            next_import copy_db_next import2 "jifen import, next year (store holds the first)" \
                "the store's mark vouches for the first year: for a policy without input rules only the file's rows are checked"
            # the same without the mark (a store of an older jifen; a policy with input rules,
            # cancels or one row per period, is always checked so): the whole ledger is checked
            next_import copy_db_next_unmarked import3 "jifen import, next year, whole ledger checked" \
                "the store's mark removed: the whole ledger ($(th $((EV + _nx_ev))) events) checked, the first year's read back through a second connection while the file's rows are stored"
        fi
        rm -rf "$_nx" "$DB.next" "$DB.next"-*
    else
        row "$S" "$N" "$EV" "jifen import (into SQLite)" "" "" "" "" "failed: $M_ERR"
    fi
    PREP=
    rm -f "$DB" "$DB"-* "$DB.eval" "$DB.eval"-*
    return 0
}

# one baseline: baseline S N NAME LABEL CMD...
baseline() {
    _bl_s=$1 _bl_n=$2 _bl_name=$3 _bl_label=$4
    shift 4
    read -r _bl_d EV <"$TMP/data.$_bl_s.$_bl_n"
    if ! fits "$_bl_name.$_bl_s" "$EV" check; then
        row "$_bl_s" "$_bl_n" "$EV" "$_bl_label" "" "" "" "" "$SKIP_WHY"
        return
    fi
    log "$_bl_s, $_bl_n members: $_bl_label"
    _bl_out=$TMP/out/$_bl_s.$_bl_n.$_bl_name
    run_once "$_bl_out" "$TMP/err" "$@"
    if [ "$R_RC" -ne 0 ]; then
        row "$_bl_s" "$_bl_n" "$EV" "$_bl_label" "" "" "" "" "failed (exit $R_RC): $(grep -v '^Command exited' "$TMP/err" | head -n 1 | cut -c1-160)"
        return
    fi
    # remember the check run's time for the projections even when the output differs
    echo "$R_US $R_KB $EV" >"$TMP/last.$_bl_name.$_bl_s"
    if ! cmp -s "$_bl_out" "$TMP/out/$_bl_s.$_bl_n.jifen"; then
        _bl_where=$(cmp "$_bl_out" "$TMP/out/$_bl_s.$_bl_n.jifen" 2>&1 | sed -n 's/.*\(line [0-9]*\).*/\1/p' | head -n 1)
        [ -n "$_bl_where" ] || _bl_where="one output is a prefix of the other"
        _bl_line=$(echo "$_bl_where" | sed -n 's/line //p')
        _bl_got="" _bl_want=""
        [ -n "$_bl_line" ] && _bl_got=$(sed -n "${_bl_line}p" "$_bl_out" | cut -c1-80) && _bl_want=$(sed -n "${_bl_line}p" "$TMP/out/$_bl_s.$_bl_n.jifen" | cut -c1-80)
        row "$_bl_s" "$_bl_n" "$EV" "$_bl_label" "" "" "" "" "**output differs** from jifen's at $_bl_where (\`$_bl_got\` vs \`$_bl_want\`): not timed"
        echo "- $_bl_s, $(th "$_bl_n") members, $_bl_label: output differs at $_bl_where" >>"$TMP/mismatches"
        return
    fi
    # a slow baseline's check run is its one sample; a fast one is run again for the median
    _bl_ok=0
    if [ "$R_US" -ge 5000000 ]; then
        M_US=$R_US M_KB=$R_KB M_CS=$R_CS _bl_ok=1
    elif measure "$_bl_name.$_bl_s" "$EV" /dev/null "$@"; then
        _bl_ok=1
    fi
    if [ "$_bl_ok" = 1 ]; then
        read -r _bl_jus _bl_jkb _bl_jnet _bl_jev _bl_jcs <"$TMP/jrun.$_bl_s.$_bl_n"
        row "$_bl_s" "$_bl_n" "$EV" "$_bl_label" "$M_US" "$M_KB" "$(evps "$EV" "$M_US")" "$(ratio "$_bl_jus" "$M_US")" \
            "output identical; CPU jifen ÷ this $(ratio "$_bl_jcs" "$((M_CS > 0 ? M_CS : 1))"); memory jifen ÷ this $(ratio "$_bl_jkb" "$M_KB")"
        echo "$M_US $EV" >"$TMP/b.$_bl_name.$_bl_s.$_bl_n"
        case $_bl_name in # jifen within 2× of C; faster than Lua; at least 5× faster than SQL
        c) _bl_ok=$((_bl_jus <= M_US * 2)) ;;
        sqlite3) _bl_ok=$((_bl_jus * 5 <= M_US)) ;;
        *) _bl_ok=$((_bl_jus < M_US)) ;;
        esac
        claim "$_bl_s" "$_bl_n" "$_bl_name" "$(ratio "$_bl_jus" "$M_US")" "$_bl_ok"
    else
        row "$_bl_s" "$_bl_n" "$EV" "$_bl_label" "" "" "" "" "failed: $M_ERR"
    fi
}

baselines() {
    S=$1 N=$2
    [ -f "$TMP/jrun.$S.$N" ] || return 0
    read -r _bs_d EV <"$TMP/data.$S.$N"
    _bs_found=0
    if [ -f "bench/baselines/$S.c" ]; then
        _bs_found=1
        mkdir -p "$DATA/bin"
        if [ ! -x "$DATA/bin/$S-c" ] || [ "bench/baselines/$S.c" -nt "$DATA/bin/$S-c" ]; then
            if ! $CC -std=c11 -O2 -o "$DATA/bin/$S-c" "bench/baselines/$S.c" 2>"$TMP/err"; then
                rm -f "$DATA/bin/$S-c"
                row "$S" "$N" "$EV" "C baseline" "" "" "" "" "does not build: $(head -n 1 "$TMP/err" | cut -c1-160)"
            fi
        fi
        [ -x "$DATA/bin/$S-c" ] && baseline "$S" "$N" c "C baseline (\`bench/baselines/$S.c\`, -O2)" \
            "$DATA/bin/$S-c" "$_bs_d/members.csv" "$_bs_d/events.csv" "$_bs_d/branches.csv" "$YEAR"
    fi
    if [ -f "bench/baselines/$S.lua" ]; then
        _bs_found=1
        for _bs_lua in lua5.4 luajit; do
            if command -v "$_bs_lua" >/dev/null 2>&1; then
                baseline "$S" "$N" "$_bs_lua" "$_bs_lua (\`bench/baselines/$S.lua\`)" \
                    "$_bs_lua" "bench/baselines/$S.lua" "$_bs_d/members.csv" "$_bs_d/events.csv" "$_bs_d/branches.csv" "$YEAR"
            else
                row "$S" "$N" "$EV" "$_bs_lua (\`bench/baselines/$S.lua\`)" "" "" "" "" "not installed (apt-get install $_bs_lua)"
            fi
        done
    fi
    if [ -f "bench/baselines/$S.sql" ]; then
        _bs_found=1
        if ! command -v sqlite3 >/dev/null 2>&1; then
            row "$S" "$N" "$EV" "sqlite3 (\`bench/baselines/$S.sql\`)" "" "" "" "" "not installed (apt-get install sqlite3)"
        elif [ -f "bench/baselines/$S-sql.sh" ]; then
            baseline "$S" "$N" sqlite3 "sqlite3 (\`bench/baselines/$S.sql\` by \`$S-sql.sh\`)" \
                sh "bench/baselines/$S-sql.sh" "$_bs_d/members.csv" "$_bs_d/events.csv" "$_bs_d/branches.csv" "$YEAR"
        else
            baseline "$S" "$N" sqlite3 "sqlite3 (\`bench/baselines/$S.sql\`)" \
                sh -c 'cd "$1" && exec sqlite3 -batch -bail :memory: -cmd ".parameter set @year $2" <"$3"' \
                sh "$_bs_d" "$YEAR" "$(pwd)/bench/baselines/$S.sql"
        fi
    fi
    [ "$_bs_found" = 1 ] || row "$S" "$N" "$EV" "baselines" "" "" "" "" "none in bench/baselines/ yet"
}

# runs_of EVENTS MEMBERS: how jifen run holds that many events ("in memory", or "N runs"):
# runs of one event per member, 65,536 to 8,388,608 (jf_run_events, runtime/input.h)
runs_of() {
    _ro_r=$2
    [ "$_ro_r" -lt 65536 ] && _ro_r=65536
    [ "$_ro_r" -gt 8388608 ] && _ro_r=8388608
    if [ "$1" -le "$_ro_r" ]; then echo "in memory"; else echo "$((($1 + _ro_r - 1) / _ro_r)) runs"; fi
}

# the 10x variant: same members, 10x the events each; jifen run only
tenfold() {
    S=$1 N=$2
    [ -f "$TMP/jrun.$S.$N" ] || return 0
    _tf_r10=$((RATE * 10))
    if ! fits "run.$S" $((N * _tf_r10 * YEARS)); then
        echo "| $(th "$N") | | | | | | | $SKIP_WHY |" >>"$TMP/x10.$S"
        return 0
    fi
    read -r _tf_d _tf_bev <"$TMP/data.$S.$N"
    if ! gendata "$S" "$N" "$_tf_r10"; then
        echo "| $(th "$N") | | | | | | | $GEN_NOTE |" >>"$TMP/x10.$S"
        return 0
    fi
    log "$S, $N members, 10x: $EV events ($GEN_NOTE)"
    _tf_same="same members.csv"
    cmp -s "$D/members.csv" "$_tf_d/members.csv" && cmp -s "$D/branches.csv" "$_tf_d/branches.csv" || _tf_same="**members differ**"
    if measure "run.$S" "$EV" /dev/null "$JIFEN" run "rulesets/$S.jf" --members "$D/members.csv" --events "$D/events.csv" \
        --branches "$D/branches.csv" --year "$YEAR" --format csv; then
        read -r _tf_jus _tf_jkb _tf_jnet _tf_jev _tf_jcs <"$TMP/jrun.$S.$N"
        _tf_st=$(cat "$TMP/startup.$S" 2>/dev/null || echo 0)
        _tf_net=$((M_US - _tf_st))
        [ "$_tf_net" -gt 0 ] || _tf_net=1
        _tf_per=0
        [ "$EV" -gt "$_tf_jev" ] && _tf_per=$(((M_KB - _tf_jkb) * 1024 / (EV - _tf_jev)))
        _tf_within="within 10 %"
        [ $((M_KB * 100)) -le $((_tf_jkb * 110)) ] || _tf_within="**more than 10 % above**"
        claim "$S" "$N" x10 "$(ratio "$M_KB" "$_tf_jkb")" $((M_KB * 100 <= _tf_jkb * 110))
        echo "| $(th "$N") | $(th "$_tf_jev") → $(th "$EV") | $(mib "$_tf_jkb") → $(mib "$M_KB") | $(ratio "$M_KB" "$_tf_jkb") ($_tf_within) | $_tf_per | $((_tf_jnet * 1000 / _tf_jev)) → $((_tf_net * 1000 / EV)) | $(runs_of "$_tf_jev" "$N") → $(runs_of "$EV" "$N") | $_tf_same |" >>"$TMP/x10.$S"
    else
        echo "| $(th "$N") | | | | | | | failed: $M_ERR |" >>"$TMP/x10.$S"
    fi
}

# ---- the suite ---------------------------------------------------------------------------------------

for S in $SCHEMES; do
    [ -f "rulesets/$S.jf" ] || die "no rulesets/$S.jf"
    startup "$S" || { ROWKEY=startup; row "$S" 100 0 "startup" "" "" "" "" "failed: ${M_ERR:-$GEN_NOTE}"; ROWKEY=; }
done
# jifen's own stages first, then the 10x variant, then the baselines (smallest size first):
# when the budget runs short, the slowest baselines at the largest size are what is left out
for N in $SIZES; do
    for S in $SCHEMES; do jifen_stages "$S" "$N"; done
done

# cost per event across sizes, all sizes in the same minutes: rounds of one jifen run --stats at
# each size (the tiny input too), in turn, the median per size. Measured apart (each size in its
# own rows, minutes apart) the machine's speed moves between the sizes: the C baseline's own
# cost per event moved 1.2-2.1× across the sizes in runs 11-16. 11 rounds, 7 when the largest
# size's run takes 5 s or more (run 22, 5 rounds: guoqi's 10^5 median 261 ns/event, against
# 165-171 in run 21 and by hand just after, where 2 of 9 runs took 30-34 ms among 17-19 ms
# ones: 3 such of 5 make the median). Writes $TMP/jflat.S.N: "US_NET EVENTS"
flat_rounds() {
    _fr_k=11
    for _fr_n in $SIZES; do
        [ -f "$TMP/jstages.$1.$_fr_n" ] && [ "$(cut -d' ' -f1 "$TMP/jstages.$1.$_fr_n")" -ge 5000000 ] && _fr_k=7
    done
    _fr_i=0
    while [ "$_fr_i" -lt "$_fr_k" ]; do
        for _fr_n in 100 $SIZES; do
            if [ "$_fr_n" = 100 ]; then gendata "$1" 100 1; else
                [ -f "$TMP/jstages.$1.$_fr_n" ] || continue
                gendata "$1" "$_fr_n" "$RATE"
            fi || continue
            own_us "$JIFEN" run "rulesets/$1.jf" --members "$D/members.csv" --events "$D/events.csv" \
                --branches "$D/branches.csv" --year "$YEAR" --format csv >>"$TMP/flat.$1.$_fr_n"
        done
        _fr_i=$((_fr_i + 1))
    done
    _fr_m=$(((_fr_k + 1) / 2))
    _fr_0=$(sort -n "$TMP/flat.$1.100" 2>/dev/null | sed -n "${_fr_m}p")
    for _fr_n in $SIZES; do
        [ -f "$TMP/flat.$1.$_fr_n" ] || continue
        gendata "$1" "$_fr_n" "$RATE" || continue
        _fr_us=$(sort -n "$TMP/flat.$1.$_fr_n" | sed -n "${_fr_m}p")
        [ -n "$_fr_us" ] && [ "$_fr_us" -gt "${_fr_0:-0}" ] && echo "$((_fr_us - ${_fr_0:-0})) $EV" >"$TMP/jflat.$1.$_fr_n"
    done
    echo "$_fr_k ${_fr_0:-?}" >"$TMP/flatk.$1"
}
for S in $SCHEMES; do
    log "$S: cost per event, the sizes in turn"
    flat_rounds "$S"
done
for N in $X10; do
    for S in $SCHEMES; do tenfold "$S" "$N"; done
done
for N in $SIZES; do
    for S in $SCHEMES; do baselines "$S" "$N"; done
done

# cost per event across sizes: max ÷ min of ns/event, flat when within 25 %
flatness() { # flatness FILEPREFIX FIELD_OF_US FIELD_OF_EVENTS
    _fl_list="" _fl_min=0 _fl_max=0 _fl_k=0
    for _fl_n in $SIZES; do
        [ -f "$1.$_fl_n" ] || continue
        _fl_us=$(cut -d' ' -f"$2" "$1.$_fl_n")
        _fl_ev=$(cut -d' ' -f"$3" "$1.$_fl_n")
        _fl_ns=$((_fl_us * 1000 / _fl_ev))
        [ "$_fl_ns" -gt 0 ] || _fl_ns=1
        _fl_list="$_fl_list${_fl_list:+ / }$_fl_ns"
        if [ "$_fl_k" = 0 ] || [ "$_fl_ns" -lt "$_fl_min" ]; then _fl_min=$_fl_ns; fi
        if [ "$_fl_ns" -gt "$_fl_max" ]; then _fl_max=$_fl_ns; fi
        _fl_k=$((_fl_k + 1))
    done
    if [ "$_fl_k" -lt 2 ]; then
        echo "${_fl_list:-–} ns (one size only)"
    elif [ $((_fl_max * 100)) -le $((_fl_min * 125)) ]; then
        echo "$_fl_list ns (max ÷ min $(ratio "$_fl_max" "$_fl_min"): flat within 25 %)"
    else
        echo "$_fl_list ns (max ÷ min $(ratio "$_fl_max" "$_fl_min"): **not flat within 25 %**)"
    fi
}

# claimline S KEY TEXT: "TEXT: v / v / v (sizes): met at every size" from the claim lines
claimline() {
    _cl_f=$TMP/claim.$1.$2
    if [ ! -f "$_cl_f" ]; then
        echo "- $3: not measured"
        return
    fi
    _cl_vals=$(cut -d' ' -f2 "$_cl_f" | paste -sd/ - | sed 's|/| / |g')
    _cl_ns=$(cut -d' ' -f1 "$_cl_f" | while read -r _cl_n; do th "$_cl_n"; done | paste -sd/ - | sed 's|/| / |g')
    _cl_bad=$(awk '$3 != 1 { print $1 }' "$_cl_f" | while read -r _cl_n; do th "$_cl_n"; done | paste -sd';' - | sed 's|;|, |g')
    if [ -z "$_cl_bad" ]; then
        echo "- $3: $_cl_vals ($_cl_ns members): met at every size"
    else
        echo "- $3: $_cl_vals ($_cl_ns members): **not met at $_cl_bad members**"
    fi
}

jobs_again
ELAPSED=$(($(now_us) - START))
{
    echo "# jifen benchmarks"
    echo
    echo "Written by \`bench/run.sh\` ($(date -u '+%Y-%m-%d %H:%M UTC'), $(secs "$ELAPSED") s in all). Ratios are the claims,"
    echo "not the absolute times: **jifen ÷ this** is jifen run's wall time divided by the"
    echo "baseline's on the same files (above 1: the baseline is faster). Every baseline's output is"
    echo "first compared byte for byte with \`jifen run --format csv\`; a baseline that differs is not timed."
    echo
    echo "## The issue's claims in this run"
    echo
    echo "Read from the tables below (each line: the measure at each size, then whether the claim held)."
    for S in $SCHEMES; do
        echo
        echo "$S:"
        echo
        claimline "$S" c "evaluate within 2× of hand-written C (jifen run ÷ C, wall)"
        claimline "$S" lua5.4 "faster than Lua 5.4 (jifen run ÷ lua5.4)"
        claimline "$S" luajit "faster than LuaJIT (jifen run ÷ luajit)"
        claimline "$S" sqlite3 "at least 5× faster than SQL over SQLite (jifen run ÷ sqlite3, at most 0.20)"
        echo "- cost per event flat within 25 % (jifen run's own stages, the sizes in turn): $(flatness "$TMP/jflat.$S" 1 2)"
        claimline "$S" x10 "10× the events within 10 % of peak RSS (RSS ×)"
        claimline "$S" jobs "--jobs 2 evaluate stage at least 1.7× --jobs 1's"
        claimline "$S" same "--jobs 2 output identical to --jobs 1's"
        claimline "$S" import "import into SQLite at least 500,000 events/s (raw)"
        claimline "$S" import2 "the next year's import at least 500,000 events/s (the store's mark vouching)"
        claimline "$S" import3 "the next year's import at least 500,000 events/s (the whole ledger checked)"
    done
    echo
    echo "## Machine"
    echo
    echo "- CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1), \`nproc\` = $(nproc)"
    echo "- memory: $(mib "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)") MiB ($(mib "$MEMAVAIL") MiB available at the start)"
    echo "- $(uname -sr); $($CC --version 2>/dev/null | head -n 1); sqlite3 $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)"
    for _l in lua5.4 luajit; do
        if command -v "$_l" >/dev/null 2>&1; then echo "- $($_l -v 2>&1 | head -n 1 | cut -c1-60)"; else echo "- $_l: not installed"; fi
    done
    echo "- load average (1, 5, 15 min) at the start: ${LOAD_START:-?}; at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
    echo "  (a load above \`nproc\` means other work shared the machine: wall times suffer, CPU times less)"
    echo "- jifen at $JIFEN_AT, built by \`make\` (-O2)"
    echo
    echo "## Settings"
    echo
    echo "Members per size: $SIZES, about $RATE events per member per year over $YEARS year(s) ending $YEAR,"
    echo "seed $SEED; the 10x variant at $X10 members; budget $BUDGET s. Wall time by the clock around"
    echo "each command, CPU (user + system) and peak RSS by GNU time (%U, %S, %M). A command under 1 s is run 5 times and one under"
    echo "5 s 3 times; the median run is reported (a baseline is first run once with its output to a"
    echo "file for the comparison; when that run takes 5 s or more it is the baseline's only sample)."
    echo "Events/s for jifen run is net of the startup (the same run on a 100-member input with about"
    echo "one event each); for the others it is raw. The ratios use the raw wall times."
    echo
    echo "## Where the time goes"
    echo
    echo "Profiles (perf record, valgrind --tool=callgrind) of the hot paths, what each showed and what"
    echo "was changed (dispatch, operand decoding, event layout and sort, decimal fast paths,"
    echo "allocation, memory first touched, the CSV reader; the store's inserts, index, read-back and"
    echo "page size), with before/after"
    echo "instruction counts: [profile-vm.md](profile-vm.md) (CSV read + evaluate) and"
    echo "[profile-store.md](profile-store.md) (import into SQLite, eval from it)."
    echo
    echo "## Reproduce"
    echo
    echo '```sh'
    echo "make && make bench       # or: BENCH_SIZES=\"$SIZES\" BENCH_X10=\"$X10\" sh bench/run.sh"
    echo '```'
    echo
    echo "Each measurement by hand (other sizes differ only in \`--members\` and the folder name):"
    for S in $SCHEMES; do
        [ -f "$TMP/cmds.$S" ] || continue
        echo
        echo '```sh'
        cat "$TMP/cmds.$S"
        echo '```'
    done
    for S in $SCHEMES; do
        echo
        echo "## $S"
        echo
        echo "| members | events | what | wall (s) | CPU (s) | peak RSS (MiB) | events/s | jifen ÷ this | notes |"
        echo "|---:|---:|---|---:|---:|---:|---:|---:|---|"
        cat "$TMP/rows.$S.startup" 2>/dev/null
        for N in $SIZES; do
            [ -f "$TMP/rows.$S.$N" ] || continue
            awk -v f="$TMP/jobsrow.$S.$N" '$0 == "@jobs@" { while ((getline l <f) > 0) print l; next } { print }' "$TMP/rows.$S.$N"
        done
        echo
        echo "Cost per event across sizes ($SIZES members):"
        echo
        read -r _fk _f0 <"$TMP/flatk.$S" 2>/dev/null || { _fk='?'; _f0='?'; }
        echo "- jifen run, its own work (read + evaluate + write from \`--stats\`, no process start),"
        echo "  the sizes in turn: $_fk rounds of one run at each size and on the tiny input, the median"
        echo "  per size, net of the tiny input's ($_f0 us) — the claim: $(flatness "$TMP/jflat.$S" 1 2)"
        echo "- the same, each size measured in its own rows (the median of the \`--jobs 1\` runs of the"
        echo "  --jobs row, minutes apart; net of the tiny input's $(cat "$TMP/stages0.$S" 2>/dev/null || echo '?') us): $(flatness "$TMP/jstages.$S" 1 2)"
        echo "- jifen run (wall time net of startup): $(flatness "$TMP/jrun.$S" 3 4)"
        echo "- jifen import: $(flatness "$TMP/jimport.$S" 1 2)"
        echo "- jifen eval: $(flatness "$TMP/jeval.$S" 1 2)"
        for _b in c lua5.4 luajit sqlite3; do
            ls "$TMP/b.$_b.$S."* >/dev/null 2>&1 && echo "- $_b baseline: $(flatness "$TMP/b.$_b.$S" 1 2)"
        done
        if [ -f "$TMP/x10.$S" ]; then
            echo
            echo "10x the events for the same members (jifen run; \`--events-per-year $((RATE * 10))\`). jifen run"
            echo "streams the events: sorted runs of 65,536 events in an unlinked temp file, merged member by"
            echo "member, so memory should follow the members, not the events:"
            echo
            echo "| members | events | peak RSS (MiB) | RSS × | bytes per added event | ns/event (net) | events held | notes |"
            echo "|---:|---:|---:|---:|---:|---:|---|---|"
            cat "$TMP/x10.$S"
        fi
    done
    if [ -f "$TMP/mismatches" ]; then
        echo
        echo "## Baselines whose output differs from jifen's"
        echo
        cat "$TMP/mismatches"
    fi
} >"$OUT"
log "wrote $OUT ($(secs "$ELAPSED") s)"
