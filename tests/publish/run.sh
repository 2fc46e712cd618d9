#!/bin/sh
# shellcheck disable=SC2016,SC1111,SC2012  # sh -c bodies are single-quoted on purpose; “” are text
# tests/publish/run.sh — `jifen publish`, the points board (公示栏), end to end:
#   a store built from tests/schemes/xianfeng (+ branch names from branches.csv here), branch B1
#   (and B3, which has a tie at the top and 89.995 next to 90) published for 2025; the HTML must
#   hold every member row of the branch with the score and tier of expected-2025.csv, in
#   competition-rank order, the policy, run, appeal window and open appeals, escaped, with no
#   external resource; errors must leave no file. Then the board is rendered by a real headless
#   Chromium: a screenshot (size, not blank), the rendered DOM (the rows) and a printed PDF (A4).
# Needs python3 (standard library) and, for the browser part, Debian's chromium and a CJK font
# (fonts-wqy-microhei, found with fontconfig's fc-list); as root they are installed with apt-get
# when missing. Without them the browser part prints SKIP and is not failed, except under
# CI=true, where it fails.
# Usage: sh tests/publish/run.sh [BIN]   (BIN defaults to bin/jifen of this repository)
#        PUBLISH_KEEP=DIR keeps the board, screenshot and PDF in DIR.
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-$ROOT/bin/jifen}
case $BIN in /*) ;; *) BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN") ;; esac
SCHEME=$ROOT/tests/schemes/xianfeng
OUT=$(mktemp -d "${TMPDIR:-/tmp}/jifen-publish.XXXXXX")
trap 'rm -rf "$OUT"' EXIT
DB=$OUT/store.db
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; [ -n "$2" ] && [ -f "$2" ] && sed 's/^/    /' "$2" | head -n 20; }
# check DESCRIPTION COMMAND...: one line, by the command's status
check() { d=$1; shift; if "$@" >"$OUT/check.txt" 2>&1; then ok "$d"; else bad "$d" "$OUT/check.txt"; fi; }
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qiF -- "$2" "$1"; }
# counts the ok:/FAIL: lines check.py printed (and shows them)
pycheck() {
    python3 "$HERE/check.py" "$@" >"$OUT/py.txt" 2>&1
    cat "$OUT/py.txt"
    p=$(grep -c '^ok: ' "$OUT/py.txt")
    f=$(grep -c '^FAIL: ' "$OUT/py.txt")
    pass=$((pass + p))
    fail=$((fail + f))
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then bad "check.py $1 printed no result"; fi
}
# a stored-file fingerprint: the database must not change when a board is published
fingerprint() { cat "$DB" "$DB-wal" 2>/dev/null | cksum; }

command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is needed (Debian package python3)"; echo "0 passed, 1 failed"; exit 1; }

# ---- 1. the store: run 1 without branch names, run 2 with them and with appeals ------------------
export JIFEN_NOW=2026-01-05T08:00:00Z
check "store: db init" "$BIN" db init "$DB"
check "store: policy xianfeng from 2023-01-01" "$BIN" db policy "$DB" "$ROOT/rulesets/xianfeng.jf" --from 2023-01-01
check "store: import members and events" "$BIN" import "$DB" --members "$SCHEME/members.csv" --events "$SCHEME/events.csv"
check "store: eval 2025 (run 1)" "$BIN" eval "$DB" --year 2025
check "publish B1 from run 1 (no branch names stored)" "$BIN" publish "$DB" --year 2025 --branch B1 -o "$OUT/run1.html"
check "run-1 board is titled with the branch id" has "$OUT/run1.html" "<title>党员积分公示 · B1 · 2025年度</title>"
check "store: import branch names" "$BIN" import "$DB" --branches "$HERE/branches.csv"
export JIFEN_NOW=2026-01-06T08:00:00Z
check "store: eval 2025 again (run 2)" "$BIN" eval "$DB" --year 2025
# appeals: 1 open in B1 (text with markup), 2 open in B2, 3 in B1 resolved, 4 in B1 of 2024
check "store: appeals" sh -c '
    "$1" appeal "$2" --member M03 --year 2025 --text "<script>alert(\"x\")</script> & '"'"'扣分'"'"' 有误" >/dev/null &&
    "$1" appeal "$2" --member M02 --year 2025 --text "B2 的异议" >/dev/null &&
    "$1" appeal "$2" --member M04 --year 2025 --text "已处理" >/dev/null &&
    "$1" appeal "$2" --resolve 3 --decision "维持" >/dev/null &&
    "$1" appeal "$2" --member M01 --year 2024 --text "去年的异议" >/dev/null' sh "$BIN" "$DB"

# ---- 2. the board of B1 --------------------------------------------------------------------------
export JIFEN_NOW=2026-01-10T09:00:00Z
before=$(fingerprint)
check "publish B1 2025" "$BIN" publish "$DB" --year 2025 --branch B1 -o "$OUT/board.html"
check "publishing stores nothing (database unchanged)" test "$before" = "$(fingerprint)"
B=$OUT/board.html
pycheck html "$B" "$SCHEME/members.csv" "$SCHEME/expected-2025.csv" B1
check "title: 党员积分公示 · branch name · year" has "$B" "<title>党员积分公示 · 机关第一党支部 · 2025年度</title>"
check "heading names the branch and year" has "$B" "<p>机关第一党支部 · 2025年度</p>"
hash12=$(sha256sum "$ROOT/rulesets/xianfeng.jf" | cut -c1-12)
check "policy name and first 12 hex of its hash ($hash12)" sh -c 'grep -F "xianfeng" "$1" | grep -qF "<code>$2</code>"' sh "$B" "$hash12"
check "scheme title from the policy" has "$B" "《党员“先锋指数”积分制管理》"
check "the newest run (run 2) and its date" has "$B" "第 2 号评定（run 2，范围 all），评定日期 2026年1月6日"
check "appeal window: 7 days from JIFEN_NOW" has "$B" "自 <strong>2026年1月10日</strong> 至 <strong>2026年1月16日</strong>"
check "how to object" has "$B" "对积分有异议的，请于公示期内向党支部提出"
check "the open appeal of B1 is listed, escaped" has "$B" "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;扣分&#39; 有误"
check "only the open 2025 appeals of B1 (not B2's, not resolved, not 2024)" sh -c \
    'test "$(grep -c "data-appeal=" "$1")" = 1 && grep -q "data-appeal=\"1\"" "$1" && ! grep -qF "B2 的异议" "$1" &&
     ! grep -qF "已处理" "$1" && ! grep -qF "去年的异议" "$1"' sh "$B"
check "no script, no external resource" sh -c \
    '! grep -qiE "<script|<link|<img|<iframe|src=|href=|url\(|@import|https?://" "$1"' sh "$B"
check "inline A4 print styles" sh -c 'grep -qF "@page{size:A4" "$1" && grep -qF "@media print" "$1"' sh "$B"
check "declared UTF-8, Chinese" sh -c 'grep -qF "<meta charset=\"utf-8\">" "$1" && grep -qF "<html lang=\"zh-CN\">" "$1"' sh "$B"

# B3: 93 and 93 share rank 1, 90 is 3rd, 89.995 is 4th (exact, not rounded to 90)
check "publish B3 2025" "$BIN" publish "$DB" --year 2025 --branch B3 -o "$OUT/b3.html"
pycheck html "$OUT/b3.html" "$SCHEME/members.csv" "$SCHEME/expected-2025.csv" B3

# ---- 3. dates of the window across month and year ends --------------------------------------------
check "window across February of a leap year" sh -c \
    'JIFEN_NOW=2028-02-25 "$1" publish "$2" --year 2025 --branch B1 -o "$3" 2>/dev/null &&
     grep -qF "自 <strong>2028年2月25日</strong> 至 <strong>2028年3月2日</strong>" "$3"' sh "$BIN" "$DB" "$OUT/leap.html"
check "window across the new year" sh -c \
    'JIFEN_NOW=2026-12-28T23:00:00Z "$1" publish "$2" --year 2025 --branch B1 -o "$3" 2>/dev/null &&
     grep -qF "至 <strong>2027年1月3日</strong>" "$3"' sh "$BIN" "$DB" "$OUT/newyear.html"

# ---- 4. errors: a clear message, exit 1, no file (and an existing file left as it was) ------------
mkdir -p "$OUT/err"
fails_cleanly() { # DESCRIPTION MESSAGE-PART ARGS...
    d=$1
    msg=$2
    shift 2
    echo "old board" >"$OUT/err/keep.html"
    "$BIN" publish "$@" -o "$OUT/err/new.html" >"$OUT/err.out" 2>"$OUT/err.txt"
    rc1=$?
    "$BIN" publish "$@" -o "$OUT/err/keep.html" >>"$OUT/err.out" 2>/dev/null
    rc2=$?
    if [ "$rc1" = 1 ] && [ "$rc2" = 1 ] && grep -qF -- "$msg" "$OUT/err.txt" && [ ! -s "$OUT/err.out" ] &&
        [ "$(ls "$OUT/err")" = keep.html ] && [ "$(cat "$OUT/err/keep.html")" = "old board" ]; then
        ok "$d: $(head -n 1 "$OUT/err.txt")"
    else
        echo "exit $rc1/$rc2; files: $(ls "$OUT/err" | tr '\n' ' ')" >>"$OUT/err.txt"
        bad "$d" "$OUT/err.txt"
    fi
    rm -f "$OUT/err"/*
}
fails_cleanly "no such branch" "no branch 'B9' in the store" "$DB" --year 2025 --branch B9
fails_cleanly "no run of the year" "no stored run of 2024 covers branch B1" "$DB" --year 2024 --branch B1
fails_cleanly "not a database" "" "$OUT/nothing.db" --year 2025 --branch B1
export JIFEN_NOW=yesterday
fails_cleanly "bad JIFEN_NOW" "JIFEN_NOW must start with a date" "$DB" --year 2025 --branch B1
export JIFEN_NOW=2026-01-10T09:00:00Z
"$BIN" publish "$DB" --year 2025 --branch B1 >/dev/null 2>&1
check "missing -o is a usage error (exit 2)" test $? = 2

# ---- 5. a real browser ------------------------------------------------------------------------------
find_chromium() {
    for c in chromium chromium-browser; do
        command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
    done
    return 1
}
has_cjk_font() { command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh family 2>/dev/null)" ]; }
CHROMIUM=$(find_chromium)
if { [ -z "$CHROMIUM" ] || ! has_cjk_font; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium and fonts-wqy-microhei with apt-get…"
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fontconfig fonts-wqy-microhei; } >"$OUT/apt.txt" 2>&1 ||
        sed 's/^/    /' "$OUT/apt.txt" | tail -n 5
    CHROMIUM=$(find_chromium)
fi
missing=""
[ -n "$CHROMIUM" ] || missing="chromium"
has_cjk_font || missing="$missing${missing:+ and }a CJK font (fonts-wqy-microhei)"
if [ -n "$missing" ]; then
    if [ "${CI:-}" = true ]; then
        bad "browser rendering: no $missing (install: apt-get install chromium fontconfig fonts-wqy-microhei)"
    else
        echo "SKIP: browser rendering: no $missing (install: apt-get install chromium fontconfig fonts-wqy-microhei)"
    fi
else
    # one fresh profile per run; no network, no first-run work
    browse() {
        profile=$(mktemp -d "$OUT/profile.XXXXXX")
        to=""
        command -v timeout >/dev/null 2>&1 && to="timeout 120"
        $to "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-background-networking \
            --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" "$@" 2>>"$OUT/chromium.txt"
    }
    browse --screenshot="$OUT/shot.png" --window-size=1240,1754 "file://$B" >/dev/null
    check "chromium: screenshot written" test -s "$OUT/shot.png"
    [ -s "$OUT/shot.png" ] && pycheck png "$OUT/shot.png" 1240 1754
    browse --dump-dom "file://$B" >"$OUT/dom.html"
    pycheck dom "$OUT/dom.html" B1 10
    browse --no-pdf-header-footer --print-to-pdf="$OUT/board.pdf" "file://$B" >/dev/null
    check "chromium: PDF printed" test -s "$OUT/board.pdf"
    [ -s "$OUT/board.pdf" ] && pycheck pdf "$OUT/board.pdf" 1
fi

if [ -n "${PUBLISH_KEEP:-}" ]; then
    mkdir -p "$PUBLISH_KEEP" && cp "$B" "$OUT/b3.html" "$PUBLISH_KEEP"/ && cp "$OUT"/shot.png "$OUT"/board.pdf "$PUBLISH_KEEP"/ 2>/dev/null
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
