#!/bin/sh
# tests/oracle/run.sh N [SEED [--store] [-v]] — cross-check jifen against the tree-walking
# evaluator on N generated cases (tests/oracle/agree.c; the generator is gen.c, the walker
# walker.c). SEED defaults to 1, so `make test` always runs the same cases; --store sends every
# multi-year case through a store too (one in five otherwise); -v says more.
#
# Environment:
#   JIFEN   the jifen binary under test (default bin/jifen)
#   ORACLE_BIN  the driver already built (the Makefile builds it); otherwise it is built here
#   BUILD   build tree (default build): the driver is linked as BUILD/tests/oracle-agree
#           and the generated parser/lexer headers are taken from BUILD/gen
#   ORACLE_OBJS  library objects to link; without them the library sources are compiled here
#   CC, CFLAGS, LDLIBS as for the Makefile
# Disagreements are saved under tests/oracle/failures/case-ID/ (policy, CSVs, both outputs,
# the command); policies or inputs jifen rejects are generator bugs (genbug-case-ID/).
# Prints "N passed, M failed"; exit status 1 when anything failed.
set -u
cd "$(dirname "$0")/../.." || exit 2
N=${1:-500}
SEED=${2:-1}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
BUILD=${BUILD:-build}
JIFEN=${JIFEN:-bin/jifen}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
LDLIBS=${LDLIBS:--lsqlite3}
GEN=$BUILD/gen
BIN=${ORACLE_BIN:-$BUILD/tests/oracle-agree}
mkdir -p "$BUILD/tests" "$GEN"
FLAGS="$CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wno-unused-function -Igrammar -Icompiler -Iruntime -I$GEN"

[ -x "$JIFEN" ] || { echo "oracle: $JIFEN is not built (make)"; exit 2; }

SRC="tests/oracle/agree.c tests/oracle/walker.c tests/oracle/gen.c"
stale=0
[ -x "$BIN" ] || stale=1
[ -n "${ORACLE_BIN:-}" ] && [ -x "$BIN" ] || for f in $SRC tests/oracle/walker.h tests/oracle/gen.h runtime/*.c runtime/*.h compiler/*.c compiler/*.h grammar/*; do
    [ "$f" -nt "$BIN" ] && stale=1
done
if [ "$stale" = 1 ]; then
    if [ -n "${ORACLE_OBJS:-}" ]; then
        # shellcheck disable=SC2086
        $CC $FLAGS -o "$BIN" $SRC $ORACLE_OBJS $LDLIBS || exit 2
    else
        if [ ! -f "$GEN/parser.c" ] || [ grammar/parser.y -nt "$GEN/parser.c" ]; then
            bison -Wall -Werror --defines="$GEN/parser.h" -o "$GEN/parser.c" grammar/parser.y || exit 2
        fi
        if [ ! -f "$GEN/lexer.c" ] || [ grammar/lexer.l -nt "$GEN/lexer.c" ]; then
            flex --header-file="$GEN/lexer.h" -o "$GEN/lexer.c" grammar/lexer.l || exit 2
        fi
        OBJ=
        for g in "$GEN/parser.c" "$GEN/lexer.c"; do
            o=$BUILD/tests/oracle-$(basename "$g" .c).o
            # shellcheck disable=SC2086
            $CC $FLAGS -Wno-sign-compare -Wno-unused-parameter -c -o "$o" "$g" || exit 2
            OBJ="$OBJ $o"
        done
        # shellcheck disable=SC2086
        $CC $FLAGS -o "$BIN" $SRC runtime/*.c compiler/*.c $OBJ $LDLIBS || exit 2
    fi
fi
exec "$BIN" run "$N" "$SEED" --jifen "$JIFEN" --failures tests/oracle/failures "$@"
