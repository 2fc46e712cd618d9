#!/usr/bin/env python3
"""tests/publish/check.py — the checks of tests/publish/run.sh that need parsing (standard library only).

  check.py html BOARD.html MEMBERS.csv EXPECTED.csv BRANCH   every member row of the branch, with
                                                             the expected score and tier, ranked
  check.py dom  DOM.html BRANCH N                            the rendered DOM holds N member rows
  check.py png  SHOT.png WIDTH HEIGHT                        size, and not blank (rows with ink)
  check.py pdf  BOARD.pdf PAGES                              A4 pages

Prints one line per check, 'ok: …' or 'FAIL: …' (run.sh counts them). Scores are compared as
exact decimals (decimal.Decimal), never as floats.
"""
import csv
import struct
import sys
import zlib
from decimal import Decimal
from html.parser import HTMLParser


def report(good, what):
    print(("ok: " if good else "FAIL: ") + what)


class Rows(HTMLParser):
    """Collects the cells of every <tr data-member=…> and <tr data-appeal=…>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = []      # (member id, [cell texts])
        self.appeals = []   # (appeal id, [cell texts])
        self.title = ""
        self.cur = None
        self.cell = None
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and ("data-member" in a or "data-appeal" in a):
            self.cur = []
            (self.rows if "data-member" in a else self.appeals).append((a.get("data-member") or a.get("data-appeal"), self.cur))
        elif tag == "td" and self.cur is not None:
            self.cell = []
        elif tag == "title":
            self.in_title = True

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.cur.append("".join(self.cell))
            self.cell = None
        elif tag == "tr":
            self.cur = None
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.in_title:
            self.title += data


def parse(path):
    p = Rows()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def check_html(board, members_csv, expected_csv, branch):
    with open(members_csv, encoding="utf-8") as f:
        members = {r["member_id"]: r for r in csv.DictReader(f)}
    with open(expected_csv, encoding="utf-8") as f:
        expected = [r for r in csv.DictReader(f) if members[r["member_id"]]["branch_id"] == branch]
    # competition ranks of the expected scores: 1 + how many score strictly more
    scores = [Decimal(r["score"]) for r in expected]
    p = parse(board)
    got = {mid: cells for mid, cells in p.rows}
    for r in expected:
        mid = r["member_id"]
        rank = 1 + sum(1 for s in scores if s > Decimal(r["score"]))
        want = [str(rank), members[mid]["name"], mid, r["score"], r["tier"]]
        cells = got.get(mid)
        report(cells is not None and cells[:5] == want,
               "%s row %s: rank %s, %s, score %s, tier %s%s" % (branch, mid, rank, want[1], r["score"], r["tier"],
                                                               "" if cells is not None and cells[:5] == want
                                                               else " (got %r)" % (cells,)))
    extra = sorted(set(got) - {r["member_id"] for r in expected})
    report(not extra and len(p.rows) == len(expected),
           "%s: %d member rows, none from another branch%s" % (branch, len(expected), " (extra: %s)" % extra if extra else ""))
    ranks = [int(cells[0]) for _, cells in p.rows]
    report(ranks == sorted(ranks), "%s: rows in rank order %s" % (branch, ranks))


def check_dom(dom, branch, n):
    p = parse(dom)
    report(len(p.rows) == int(n) and all(len(c) >= 5 for _, c in p.rows),
           "rendered DOM: %d member rows of %s (want %s)" % (len(p.rows), branch, n))
    report(p.title.startswith("党员积分公示"), "rendered DOM: title %r" % p.title)


def png_rows(path):
    """Decodes an 8-bit RGB/RGBA PNG (no interlace) into rows of bytes."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    w, h, depth, ctype, _, _, interlace = ihdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG: depth %d, colour type %d, interlace %d" % (depth, ctype, interlace))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        ftype = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def check_png(path, width, height):
    try:
        w, h, bpp, rows = png_rows(path)
    except (OSError, ValueError, zlib.error, TypeError, struct.error) as e:
        report(False, "screenshot decodes: %s" % e)
        return
    report((w, h) == (int(width), int(height)), "screenshot is %dx%d (want %sx%s)" % (w, h, width, height))
    nonwhite = ink = 0
    for line in rows:
        px = [line[i:i + 3] for i in range(0, len(line), bpp)]
        if any(p != b"\xff\xff\xff" for p in px):
            nonwhite += 1
        if any(max(p) < 110 for p in px):  # dark text
            ink += 1
    report(nonwhite > h // 2, "screenshot is not blank: %d of %d rows not white" % (nonwhite, h))
    report(ink >= 150, "screenshot has text: %d rows with dark ink (want >= 150)" % ink)


def check_pdf(path, pages):
    import re
    data = open(path, "rb").read()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    n = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
    a4 = all(abs(Decimal(x.decode()) - 595) < 3 and abs(Decimal(y.decode()) - 842) < 3 for x, y in boxes)
    report(bool(boxes) and a4, "printed PDF pages are A4 (MediaBox %s)" % [b" ".join(b).decode() for b in boxes[:2]])
    report(n == int(pages), "printed PDF has %d page(s) (want %s)" % (n, pages))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"html": check_html, "dom": check_dom, "png": check_png, "pdf": check_pdf}[cmd](*args)
