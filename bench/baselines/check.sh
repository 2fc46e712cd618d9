#!/bin/sh
# check.sh SCHEME DIR YEAR... — run every baseline of SCHEME (xianfeng or guoqi) on
# DIR/members.csv, DIR/events.csv [DIR/branches.csv] and compare each output byte for byte
# with `bin/jifen run rulesets/SCHEME.jf … --format csv` (or, when JIFEN=no, with
# DIR/expected-YEAR.csv). Builds the C baselines into $BUILD (default /tmp/jifen-baselines).
# Exit 1 on any difference.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 3 ] || { echo "usage: $0 xianfeng|guoqi DIR YEAR..." >&2; exit 2; }
scheme=$1 dir=$2
shift 2
build=${BUILD:-/tmp/jifen-baselines}
mkdir -p "$build"
cc -std=c11 -O2 -o "$build/$scheme" "$here/$scheme.c" || exit 2
br=
[ -f "$dir/branches.csv" ] && br="$dir/branches.csv"
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT INT TERM
for year in "$@"; do
    if [ "${JIFEN:-yes}" = no ]; then
        cp "$dir/expected-$year.csv" "$out/want"
    else
        "$root/bin/jifen" run "$root/rulesets/$scheme.jf" --members "$dir/members.csv" --events "$dir/events.csv" \
            ${br:+--branches "$br"} --year "$year" --format csv > "$out/want" || { echo "jifen failed ($year)"; fail=1; continue; }
    fi
    for impl in c lua5.4 luajit sql; do
        case $impl in
            c) "$build/$scheme" "$dir/members.csv" "$dir/events.csv" $br "$year" ;;
            sql) "$here/$scheme-sql.sh" "$dir/members.csv" "$dir/events.csv" $br "$year" ;;
            *) "$impl" "$here/$scheme.lua" "$dir/members.csv" "$dir/events.csv" $br "$year" ;;
        esac > "$out/got" 2> "$out/err"
        if cmp -s "$out/got" "$out/want"; then
            echo "ok   $scheme $year $impl"
        else
            echo "DIFF $scheme $year $impl"
            diff "$out/got" "$out/want" | head -10
            head -5 "$out/err"
            fail=1
        fi
    done
done
exit $fail
