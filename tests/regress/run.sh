#!/bin/sh
# tests/regress/run.sh [BUILD [OBJ…]] — replay every reproducer kept under tests/regress/*/
# through the fuzz targets' entry points, without libFuzzer (tests/regress/replay.c).
#
# BUILD (default build) is the build tree: the replayer is linked as BUILD/tests/regress-replay,
# and the generated parser/lexer headers are taken from BUILD/gen. OBJ… are the library objects
# to link (the Makefile passes $(LIB_OBJ)); without them the library sources are compiled
# here in one go. CC, CFLAGS and LDLIBS come from the environment (the Makefile passes its own,
# so `make sanitize` replays under ASan + UBSan). Prints "N passed, M failed"; exit status 1
# when any reproducer still fails.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$(pwd)
BUILD=${1:-build}
[ $# -gt 0 ] && shift
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2 -g}
LDLIBS=${LDLIBS:--lsqlite3}
GEN=$BUILD/gen
BIN=$BUILD/tests/regress-replay
mkdir -p "$BUILD/tests" "$GEN"

FLAGS="$CFLAGS -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wno-unused-function -Igrammar -Icompiler -Iruntime -I$GEN -Itests/fuzz"

if [ $# -eq 0 ]; then
    # no objects given: generate the parser and lexer if needed and compile the library here
    if [ ! -f "$GEN/parser.c" ] || [ grammar/parser.y -nt "$GEN/parser.c" ]; then
        bison -Wall -Werror --defines="$GEN/parser.h" -o "$GEN/parser.c" grammar/parser.y || exit 2
    fi
    if [ ! -f "$GEN/lexer.c" ] || [ grammar/lexer.l -nt "$GEN/lexer.c" ]; then
        flex --header-file="$GEN/lexer.h" -o "$GEN/lexer.c" grammar/lexer.l || exit 2
    fi
    set -- runtime/*.c compiler/*.c
    LIBGEN="$GEN/parser.c $GEN/lexer.c"
else
    LIBGEN=
fi

# The three targets, each with its entry point renamed, then the replayer.
OBJS=
for t in frontend bytecode csv; do
    o=$BUILD/tests/regress-fuzz_$t.o
    # shellcheck disable=SC2086
    $CC $FLAGS "-DJF_ROOT=\"$ROOT\"" -DLLVMFuzzerTestOneInput=jffuzz_$t -c -o "$o" "tests/fuzz/fuzz_$t.c" || exit 2
    OBJS="$OBJS $o"
done
if [ -n "$LIBGEN" ]; then
    # generated code is not ours to warn about (as in the Makefile)
    for g in $LIBGEN; do
        o=$BUILD/tests/regress-$(basename "$g" .c).o
        # shellcheck disable=SC2086
        $CC $FLAGS -Wno-sign-compare -Wno-unused-parameter -c -o "$o" "$g" || exit 2
        OBJS="$OBJS $o"
    done
fi
# shellcheck disable=SC2086
$CC $FLAGS -o "$BIN" tests/regress/replay.c $OBJS "$@" $LDLIBS || exit 2

# Every regular file one level down (tests/regress/TARGET/FILE); none is fine.
set --
for f in tests/regress/*/*; do
    [ -f "$f" ] && set -- "$@" "$f"
done
exec "$BIN" "$@"
