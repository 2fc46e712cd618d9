#!/bin/sh
# tests/run.sh — the data-driven tests, one runner:
#   tests/schemes/NAME/     members/events[/branches] + expected-YEAR.csv worked out by hand;
#                           `jifen test rulesets/NAME.jf tests/schemes/NAME` must agree on every row,
#                           with the events in memory, then spilled in runs of 7 and merged
#                           (JIFEN_RUN_EVENTS=7) and evaluated on 2 threads (--jobs 2).
#   tests/errors/*.jf       rule files with mistakes; `jifen check` must fail and print exactly
#                           the .expected file next to it (message, line, column, caret).
#   tests/explain/NAME/     `cmd` after `jifen explain`; the output must equal `expected`.
#   tests/input/NAME/       bad input: `cmd` holds the arguments after `jifen run`; the command
#                           must fail, print nothing on stdout, and print exactly `expected`;
#                           then again with JIFEN_RUN_EVENTS=7 (a test-only setting: events
#                           spilled in sorted runs of 7 and merged), which must print the same.
# Usage: sh tests/run.sh [BIN]   (BIN defaults to bin/jifen)
BIN=${1:-bin/jifen}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
OUT=${TMPDIR:-/tmp}/jifen-tests.$$
mkdir -p "$OUT"
trap 'rm -rf "$OUT"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; [ -n "$2" ] && sed 's/^/    /' "$2" | head -n 20; }

# 1. schemes against hand-worked results, through `jifen test` (the command policy authors use);
#    it evaluates each expected-YEAR.csv's year and compares row by row, byte for byte
for runs in "" 7; do
for dir in tests/schemes/*/; do
    name=$(basename "$dir")
    [ -f "rulesets/$name.jf" ] || { bad "$name: no rulesets/$name.jf"; continue; }
    if [ -n "$runs" ]; then
        JIFEN_RUN_EVENTS=$runs "$BIN" test "rulesets/$name.jf" "$dir" --jobs 2 >"$OUT/test.txt" 2>&1
    else
        "$BIN" test "rulesets/$name.jf" "$dir" >"$OUT/test.txt" 2>&1
    fi
    rc=$?
    line=$(tail -n 1 "$OUT/test.txt")
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ "$rc" -eq 0 ] && [ -n "$p" ] && [ "$f" = 0 ] && [ "$p" -gt 0 ]; then
        pass=$((pass + p))
    else
        bad "scheme $name${runs:+ (JIFEN_RUN_EVENTS=$runs, --jobs 2)}" "$OUT/test.txt"   # counts one failure
        if [ -n "$f" ] && [ "$f" -gt 1 ]; then fail=$((fail + f - 1)); fi
        pass=$((pass + ${p:-0}))
    fi
done
done

# 2. rule files with mistakes: exact diagnostics
for f in tests/errors/*.jf; do
    [ -e "$f" ] || continue
    exp="${f%.jf}.expected"
    : >"$OUT/diff.txt"
    "$BIN" check "$f" >"$OUT/out.txt" 2>"$OUT/err.txt"
    rc=$?
    want_rc=1
    grep -q '^# expect: valid' "$f" && want_rc=0
    if [ "$rc" -eq "$want_rc" ] && diff -u "$exp" "$OUT/err.txt" >"$OUT/diff.txt" && [ ! -s "$OUT/out.txt" ]; then
        ok
    else
        echo "exit status $rc (want $want_rc)" >>"$OUT/diff.txt"
        bad "diagnostics $f" "$OUT/diff.txt"
    fi
done

# 3. bad input: error naming file:line, nothing on stdout; held in memory (the default at
#    these sizes), then spilled in runs of 7 events (every error found in the merged pass)
for runs in "" 7; do
for dir in tests/input/*/; do
    [ -f "$dir/cmd" ] || continue
    : >"$OUT/diff.txt"
    # shellcheck disable=SC2046
    (cd "$dir" && export JIFEN_RUN_EVENTS="$runs" && eval "\"$BIN\" run $(cat cmd)") >"$OUT/out.txt" 2>"$OUT/err.txt"
    rc=$?
    if [ "$rc" -ne 0 ] && [ ! -s "$OUT/out.txt" ] && diff -u "$dir/expected" "$OUT/err.txt" >"$OUT/diff.txt"; then
        ok
    else
        echo "exit status $rc; stdout:" >>"$OUT/diff.txt"
        cat "$OUT/out.txt" >>"$OUT/diff.txt"
        bad "input $dir${runs:+ (JIFEN_RUN_EVENTS=$runs)}" "$OUT/diff.txt"
    fi
done
done

# 4. explanations (numbers checked by hand against the catalog's examples: tests/explain/README.md)
for dir in tests/explain/*/; do
    [ -f "$dir/cmd" ] || continue
    : >"$OUT/diff.txt"
    (cd "$dir" && eval "\"$BIN\" explain $(cat cmd)") >"$OUT/out.txt" 2>"$OUT/err.txt"
    if [ $? -eq 0 ] && diff -u "$dir/expected" "$OUT/out.txt" >"$OUT/diff.txt"; then
        ok
    else
        cat "$OUT/err.txt" >>"$OUT/diff.txt"
        bad "explain $dir" "$OUT/diff.txt"
    fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
