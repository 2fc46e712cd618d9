#!/bin/sh
# xianfeng-sql.sh members.csv events.csv [branches.csv] YEAR
# Loads the CSVs into a temporary SQLite database with .import, runs xianfeng.sql and
# prints its CSV (what `jifen run rulesets/xianfeng.jf … --format csv` prints).
# branches.csv is accepted and ignored (the scheme needs no hierarchy).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case $# in
    3) members=$1 events=$2 year=$3 ;;
    4) members=$1 events=$2 year=$4 ;;
    *) echo "usage: $0 members.csv events.csv [branches.csv] YEAR" >&2; exit 2 ;;
esac
case $year in ''|*[!0-9]*) echo "$0: YEAR must be a number" >&2; exit 2 ;; esac
for f in "$members" "$events"; do
    [ -r "$f" ] || { echo "$0: cannot read $f" >&2; exit 2; }
    case $f in *'"'*) echo "$0: a path with a double quote is not supported: $f" >&2; exit 2 ;; esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
sqlite3 -bail "$tmp/db" <<SQL
.mode csv
.import "$members" members
.import "$events" events
.mode list
.headers off
-- optional columns the file may leave out
.output "$tmp/fix.sql"
SELECT 'ALTER TABLE events ADD COLUMN qty TEXT;'
WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info('events') WHERE name = 'qty');
.output stdout
.read "$tmp/fix.sql"
CREATE TABLE params AS SELECT $year AS year;
.read "$here/xianfeng.sql"
SQL
