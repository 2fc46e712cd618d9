#!/bin/sh
# tests/coverage.sh BUILD — line and branch coverage after `make test` ran on a --coverage build
# (`make coverage` does both). Writes BUILD/coverage.info (lcov), BUILD/coverage-html/ and
# BUILD/coverage.txt, prints the summary, and checks the targets:
#   - the project (runtime/, compiler/, cli/; not the generated parser/lexer, not tests/) above
#     90 % of lines;
#   - the verifier (runtime/verify.c, every function) and the VM's dispatch loop (run_chunk in
#     runtime/vm.c) at 100 % of their branches taken.
# Exit status 1 when a target is missed.
set -u
B=${1:?usage: tests/coverage.sh BUILD}
cd "$(dirname "$0")/.." || exit 2
command -v lcov >/dev/null || { echo "coverage: lcov is needed (apt-get install lcov)" >&2; exit 2; }
OUT=$B/coverage.txt
RC="--rc lcov_branch_coverage=1"
lcov -q $RC --capture --directory "$B" --base-directory . -o "$B/all.info" 2>/dev/null || exit 2
lcov -q $RC --extract "$B/all.info" "$(pwd)/runtime/*" "$(pwd)/compiler/*" "$(pwd)/cli/*" \
    -o "$B/coverage.info" 2>/dev/null || exit 2
genhtml -q $RC --branch-coverage -o "$B/coverage-html" "$B/coverage.info" >/dev/null 2>&1
fail=0
{
    echo "== whole project (runtime/ compiler/ cli/)"
    lcov $RC --summary "$B/coverage.info" 2>&1 | grep -E 'lines|functions|branches'
    echo "== per file (lines, branches)"
    lcov $RC --list "$B/coverage.info" 2>/dev/null | grep -E '\.c *\|' | sed 's/^/  /'
} > "$OUT"
cat "$OUT"

# lines of the whole project
pct=$(lcov $RC --summary "$B/coverage.info" 2>&1 | sed -n 's/.*lines\.*: \([0-9.]*\)%.*/\1/p')
whole=${pct%%.*}
if [ -z "$whole" ] || [ "$whole" -lt 90 ]; then
    echo "coverage: project lines ${pct:-?}% (target: above 90%)"; fail=1
else
    echo "coverage: project lines $pct% (target: above 90%): ok"
fi

# branches of the verifier (the whole file) and of run_chunk (from its first line to the next
# function's), from the lcov records: FN:<line>,<name> and BRDA:<line>,<block>,<branch>,<taken>
branches() { # FILE [FUNCTION]: "taken total" of conditional branches
    awk -v file="$(pwd)/$1" -v fn="${2:-}" '
        /^SF:/ { on = substr($0, 4) == file; next }
        !on { next }
        /^FN:/ { split(substr($0, 4), a, ","); fl[a[2]] = a[1] + 0; next }
        /^BRDA:/ { split(substr($0, 6), a, ","); nb++; bl[nb] = a[1] + 0; bt[nb] = (a[4] != "-" && a[4] + 0 > 0); next }
        END {
            lo = 0; hi = 1e9
            if (fn != "") {
                lo = fl[fn]
                for (f in fl) if (fl[f] > lo && fl[f] < hi) hi = fl[f]
            }
            for (i = 1; i <= nb; i++) if (bl[i] >= lo && bl[i] < hi) { total++; taken += bt[i] }
            print taken + 0, total + 0
        }' "$B/coverage.info"
}
for spec in "runtime/verify.c:" "runtime/vm.c:run_chunk"; do
    f=${spec%%:*}
    fn=${spec#*:}
    set -- $(branches "$f" "$fn")
    what="$f${fn:+ $fn}"
    echo "coverage: $what branches taken $1 of $2" | tee -a "$OUT"
    if [ "$2" -eq 0 ] || [ "$1" -ne "$2" ]; then
        echo "coverage: $what is not at 100% of branches (see $B/coverage-html)"; fail=1
    fi
done
echo "coverage: report in $B/coverage-html/index.html"
exit $fail
