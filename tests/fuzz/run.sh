#!/usr/bin/env bash
# tests/fuzz/run.sh SECONDS [TARGET…] — build the libFuzzer targets and fuzz each for SECONDS.
#
# TARGETs: frontend (rule files), bytecode (.jfc files + VM), csv (CSV reader + events input);
# all three when none is given. Everything is built with clang into build-fuzz/:
#   build-fuzz/gen/          parser.c/.h and lexer.c/.h, generated as the Makefile does
#   build-fuzz/obj/          runtime/*.c, compiler/*.c and the generated sources (cli/ is not used)
#   build-fuzz/fuzz_TARGET   the fuzzer (-fsanitize=fuzzer,address,undefined -g -O1)
#   build-fuzz/corpus-TARGET its corpus, seeded every run (libFuzzer keeps what it finds there)
#   build-fuzz/log-TARGET.txt         the fuzzer's output
#   build-fuzz/artifacts-TARGET/      crash-*, timeout-*, leak-*, oom-* as libFuzzer writes them
# A crash, timeout, leak or out-of-memory is copied into tests/regress/TARGET/ (one file per
# distinct stack; tests/regress/run.sh replays them in `make test`), the fuzzer is restarted
# for the time left, and the script exits 1 at the end. Known bugs listed in
# tests/fuzz/ubsan.supp are not reported while fuzzing (their reproducers are in tests/regress/). One summary line per target, then
# the CPU seconds spent fuzzing.
#
# Environment: CLANG (clang), JOBS (targets fuzzed at the same time, default: the CPU count),
# JIFEN (the jifen binary that compiles the .jfc seeds, default bin/jifen, built with make if
# missing), FUZZ_FLAGS (extra libFuzzer flags).
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)

usage() { echo "usage: tests/fuzz/run.sh SECONDS [frontend|bytecode|csv]…" >&2; exit 2; }
[ $# -ge 1 ] || usage
SECS=$1; shift
case $SECS in ''|*[!0-9]*) usage ;; esac
TARGETS=${*:-frontend bytecode csv}
for t in $TARGETS; do
    case $t in frontend|bytecode|csv) ;; *) echo "unknown target '$t'" >&2; usage ;; esac
done

CLANG=${CLANG:-clang}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
JIFEN=${JIFEN:-bin/jifen}
OUT=build-fuzz
GEN=$OUT/gen
OBJ=$OUT/obj
mkdir -p "$GEN" "$OBJ"

CFLAGS=(-std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fno-omit-frame-pointer
        -fsanitize-recover=undefined -Wall -Wextra -Wno-unused-function -Wno-unused-parameter
        -Wno-sign-compare -Igrammar -Icompiler -Iruntime "-I$GEN" -Itests/fuzz
        "-DJF_ROOT=\"$ROOT\"")
SAN_OBJ=-fsanitize=fuzzer-no-link,address,undefined
SAN_BIN=-fsanitize=fuzzer,address,undefined

# ---- build ------------------------------------------------------------------------------
newer() { # newer TARGET SRC…: true when TARGET is missing or older than any SRC
    local t=$1 src; shift
    [ -e "$t" ] || return 0
    for src in "$@"; do [ "$src" -nt "$t" ] && return 0; done
    return 1
}

if newer "$GEN/parser.c" grammar/parser.y; then
    bison -Wall -Werror --defines="$GEN/parser.h" -o "$GEN/parser.c" grammar/parser.y || exit 2
fi
if newer "$GEN/lexer.c" grammar/lexer.l "$GEN/parser.h"; then
    flex --header-file="$GEN/lexer.h" -o "$GEN/lexer.c" grammar/lexer.l || exit 2
fi

HEADERS=(runtime/*.h compiler/*.h "$GEN/parser.h" "$GEN/lexer.h")
LIB_SRC=(runtime/*.c compiler/*.c "$GEN/parser.c" "$GEN/lexer.c")
LIB_OBJ=()
build_failed=0
for s in "${LIB_SRC[@]}"; do
    o=$OBJ/$(echo "${s%.c}" | tr / _).o
    LIB_OBJ+=("$o")
    if newer "$o" "$s" "${HEADERS[@]}"; then
        echo "CC $s" >&2
        "$CLANG" "${CFLAGS[@]}" $SAN_OBJ -c -o "$o" "$s" || build_failed=1
    fi
done
[ $build_failed = 0 ] || { echo "build failed" >&2; exit 2; }
for t in $TARGETS; do
    bin=$OUT/fuzz_$t
    if newer "$bin" "tests/fuzz/fuzz_$t.c" tests/fuzz/fuzz_common.h "${LIB_OBJ[@]}"; then
        echo "LD $bin" >&2
        "$CLANG" "${CFLAGS[@]}" $SAN_BIN -o "$bin" "tests/fuzz/fuzz_$t.c" "${LIB_OBJ[@]}" -lsqlite3 || exit 2
    fi
done

# ---- seed corpora -------------------------------------------------------------------------
seed() { # seed TARGET PREFIX FILE…: copy FILEs into the corpus, PREFIX (printf format) first
    local dir=$OUT/corpus-$1 pre=$2 f; shift 2
    mkdir -p "$dir"
    for f in "$@"; do
        [ -f "$f" ] || continue
        { printf "$pre"; cat "$f"; } > "$dir/seed-$(echo "$f" | tr '/' '_')-$(printf "$pre" | od -An -tx1 | tr -d ' \n')"
    done
}
for t in $TARGETS; do
    case $t in
    frontend)
        seed frontend '' rulesets/*.jf tests/errors/*.jf ;;
    bytecode)
        if [ ! -x "$JIFEN" ]; then make -s "$JIFEN" >&2 || echo "warning: no $JIFEN, bytecode corpus not seeded" >&2; fi
        mkdir -p "$OUT/jfc"
        for f in rulesets/*.jf; do
            j=$OUT/jfc/$(basename "$f" .jf).jfc
            if newer "$j" "$f" "$JIFEN"; then "$JIFEN" compile "$f" -o "$j" >/dev/null 2>&1 || rm -f "$j"; fi
        done
        seed bytecode '' "$OUT"/jfc/*.jfc ;;
    csv)
        # first byte: \000 = the CSV reader, \001 = events.csv of xianfeng through the input loader
        seed csv '\000' tests/schemes/*/*.csv tests/input/*/*.csv examples/*.csv
        seed csv '\001' tests/schemes/*/events.csv tests/input/*/events.csv examples/events.csv ;;
    esac
done

# ---- fuzz ---------------------------------------------------------------------------------
max_len() { case $1 in frontend) echo 20000 ;; bytecode) echo 80000 ;; csv) echo 32768 ;; esac; }

# The stack signature of a fuzzer log: ASan/LSan's DEDUP_TOKEN, else the SUMMARY line.
signature() {
    local s
    s=$(grep -m1 '^DEDUP_TOKEN:' "$1" | cut -d' ' -f2-)
    [ -n "$s" ] || s=$(grep -m1 '^SUMMARY:' "$1" | sed 's/^SUMMARY: //')
    [ -n "$s" ] || s=$(grep -m1 -E 'ERROR: libFuzzer: [a-z-]+' -o "$1")
    echo "${s:-unknown}"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-dedup_token_length=3:detect_leaks=1}
# UBSan recovers only to consult tests/fuzz/ubsan.supp (known bugs, kept in tests/regress/):
# any other report halts, and libFuzzer records the input.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:dedup_token_length=3:suppressions=$ROOT/tests/fuzz/ubsan.supp}

fuzz_one() { # fuzz_one TARGET: runs, restarting after findings, until SECS are spent
    local t=$1 bin=$OUT/fuzz_$1 corpus=$OUT/corpus-$1 art=$OUT/artifacts-$1 log=$OUT/log-$1.txt
    local reg=tests/regress/$t res=$OUT/result-$1 start now left round=0 cpu=0 runs=0
    local found=0 new=0 sigs=() dict=()
    rm -rf "$art" "$log" "$OUT"/log-$t.*.txt
    mkdir -p "$art/seen" "$corpus"
    : > "$log"
    [ "$t" = frontend ] && dict=(-dict=tests/fuzz/jifen.dict)
    # signatures of the reproducers already kept, so that a known bug is not copied again
    if [ -d "$reg" ]; then
        for f in "$reg"/*; do
            [ -f "$f" ] || continue
            "$bin" -runs=1 "$f" > "$OUT/known-$t.txt" 2>&1 || sigs+=("$(signature "$OUT/known-$t.txt")")
        done
    fi
    start=$(date +%s)
    while :; do
        now=$(date +%s); left=$((SECS - (now - start)))
        [ $left -gt 0 ] && [ $round -lt 20 ] || break
        round=$((round + 1))
        local one=$OUT/log-$t.$round.txt tf=$OUT/time-$t.txt
        TIMEFORMAT='%U %S'
        { time "$bin" "$corpus" -max_total_time=$left -max_len=$(max_len "$t") -timeout=10 \
              -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$art/" "${dict[@]}" \
              ${FUZZ_FLAGS:-} > "$one" 2>&1 ; } 2> "$tf"
        cpu=$(awk -v c="$cpu" '{ printf "%.1f", c + $1 + $2 }' "$tf")
        runs=$((runs + $(grep -m1 'stat::number_of_executed_units' "$one" | awk '{print $2}' || echo 0) + 0))
        cat "$one" >> "$log"
        local hit=0
        for a in "$art"/crash-* "$art"/timeout-* "$art"/leak-* "$art"/oom-*; do
            [ -f "$a" ] || continue
            hit=1; found=$((found + 1))
            local sig known=0 s
            sig=$(signature "$one")
            for s in "${sigs[@]}"; do [ "$s" = "$sig" ] && known=1; done
            if [ $known = 0 ]; then
                mkdir -p "$reg"
                cp "$a" "$reg/"
                sigs+=("$sig"); new=$((new + 1))
                echo "$t: NEW $(basename "$a"): $sig (log: $one)" >&2
            else
                echo "$t: known $(basename "$a"): $sig" >&2
            fi
            mv "$a" "$art/seen/"
        done
        [ $hit = 1 ] || break
    done
    local cov ft files
    cov=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'cov: [0-9]*' | awk '{print $2}')
    ft=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -o 'ft: [0-9]*' | awk '{print $2}')
    files=$(ls "$corpus" | wc -l)
    printf '%s %s %s %s %s %s %s %s\n' "$t" "$cpu" "$runs" "${cov:-0}" "${ft:-0}" "$files" "$found" "$new" > "$res"
}

pids=()
for t in $TARGETS; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    fuzz_one "$t" &
    pids+=($!)
done
wait "${pids[@]}"

fail=0 total=0
for t in $TARGETS; do
    if [ ! -f "$OUT/result-$t" ]; then echo "$t: no result (see $OUT/log-$t.txt)"; fail=1; continue; fi
    read -r name cpu runs cov ft files found new < "$OUT/result-$t"
    status=ok
    if [ "$found" -gt 0 ]; then status="FAILED: $found findings, $new new in tests/regress/$t/"; fail=1; fi
    printf '%-8s %7s CPU s  %10s runs  cov %5s  ft %6s  corpus %5s  %s\n' "$t" "$cpu" "$runs" "$cov" "$ft" "$files" "$status"
    total=$(awk -v a="$total" -v b="$cpu" 'BEGIN { printf "%.1f", a + b }')
done
echo "total CPU seconds: $total"
exit $fail
