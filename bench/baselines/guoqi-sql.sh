#!/bin/sh
# guoqi-sql.sh members.csv events.csv branches.csv YEAR
# Loads the CSVs into a temporary SQLite database with .import, runs guoqi.sql and prints
# its CSV (what `jifen run rulesets/guoqi.jf … --format csv` prints).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 4 ] || { echo "usage: $0 members.csv events.csv branches.csv YEAR" >&2; exit 2; }
members=$1 events=$2 branches=$3 year=$4
case $year in ''|*[!0-9]*) echo "$0: YEAR must be a number" >&2; exit 2 ;; esac
for f in "$members" "$events" "$branches"; do
    [ -r "$f" ] || { echo "$0: cannot read $f" >&2; exit 2; }
    case $f in *'"'*) echo "$0: a path with a double quote is not supported: $f" >&2; exit 2 ;; esac
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
sqlite3 -bail "$tmp/db" <<SQL
.mode csv
.import "$members" members
.import "$events" events
.import "$branches" branches
.mode list
.headers off
-- optional columns the files may leave out
.output "$tmp/fix.sql"
SELECT 'ALTER TABLE members ADD COLUMN roles TEXT;'
WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info('members') WHERE name = 'roles');
SELECT 'ALTER TABLE events ADD COLUMN qty TEXT;'
WHERE NOT EXISTS (SELECT 1 FROM pragma_table_info('events') WHERE name = 'qty');
.output stdout
.read "$tmp/fix.sql"
CREATE TABLE params AS SELECT $year AS year;
.read "$here/guoqi.sql"
SQL
