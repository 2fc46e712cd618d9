#!/bin/sh
# tools/bootstrap.sh — the first command of the README: make sure the build tools are here
# (installing Debian's packages when run as root, or saying exactly what to install), build
# everything, and run the demo on the example branch shipped in examples/.
set -e
cd "$(dirname "$0")/.."

# command → Debian package
need=""
# (lcov: make coverage; lua5.4, luajit and GNU time: the baselines and timings of make bench)
for pair in cc:gcc make:make flex:flex bison:bison valgrind:valgrind clang:clang lcov:lcov \
            lua5.4:lua5.4 luajit:luajit; do
    cmd=${pair%%:*}
    pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 || need="$need $pkg"
done
# libraries: look for their headers
[ -f /usr/include/cmocka.h ] || need="$need libcmocka-dev"
[ -f /usr/include/sqlite3.h ] || need="$need libsqlite3-dev"
command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
command -v python3 >/dev/null 2>&1 || need="$need python3"
[ -f /usr/include/stdio.h ] || need="$need libc6-dev"
[ -x /usr/bin/time ] || need="$need time"

if [ -n "$need" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bootstrap: installing:$need"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        # shellcheck disable=SC2086
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
    else
        echo "bootstrap: missing packages:$need" >&2
        echo "install them with:  sudo apt-get install -y$need" >&2
        exit 1
    fi
fi

make -s
make -s demo
