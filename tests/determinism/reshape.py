#!/usr/bin/env python3
"""reshape.py — rewrite a jifen input CSV without changing what it says.

  reshape.py rows SEED TABLE IN OUT   data rows shuffled (header first), each record's bytes kept
                                      as they are (quoted fields with newlines stay whole); for
                                      the events table, rows of the same (member_id, date) keep
                                      their relative order, since the data contract orders
                                      same-date events of a member by file row
  reshape.py cols SEED TABLE IN OUT   every column moved (a seeded permutation, never the
                                      identity when there are two columns or more), header
                                      included; fields re-quoted by the csv module

  reshape.py all OUT SCHEME_DIR...    for each scheme folder, OUT/NAME/rows1, rows2 (rows, seeds 1
                                      and 2), cols (columns, seed 1) and both (columns seed 1,
                                      then rows seed 3), every input file of the folder rewritten
                                      (one python start for the whole test)

TABLE is events, members or branches. The same SEED always gives the same file (random.Random
with an integer seed).
"""
import csv
import io
import os
import random
import sys


def records(text):
    """Splits CSV text into raw records (each ending with its newline), quotes respected."""
    out, start, quoted, i, n = [], 0, False, 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            quoted = not quoted  # "" inside a quoted field toggles twice
        elif c == '\n' and not quoted:
            out.append(text[start:i + 1])
            start = i + 1
        i += 1
    if start < n:
        out.append(text[start:] + '\n')  # a last record without its newline gets one
    return out


def fields(record):
    return next(csv.reader(io.StringIO(record)), [])


def shuffle_rows(text, seed, table):
    recs = records(text)
    if not recs:
        return text
    head, body = recs[0], recs[1:]
    rng = random.Random(seed)
    order = list(range(len(body)))
    rng.shuffle(order)
    if table == 'events':
        cols = fields(head)
        mi, di = cols.index('member_id'), cols.index('date')
        keys = []
        for r in body:
            f = fields(r)
            keys.append((f[mi], f[di]) if len(f) > max(mi, di) else (r,))
        # the positions each (member, date) group occupies after the shuffle get the group's
        # rows back in their original order
        groups = {}
        for src in range(len(body)):
            groups.setdefault(keys[src], []).append(src)  # original order within the group
        cursor = {k: 0 for k in groups}
        fixed = []
        for src in order:
            k = keys[src]
            fixed.append(groups[k][cursor[k]])
            cursor[k] += 1
        order = fixed
    return head + ''.join(body[i] for i in order)


def permute_cols(text, seed, table):
    rows = list(csv.reader(io.StringIO(text, newline='')))
    if not rows:
        return text
    n = len(rows[0])
    rng = random.Random(seed)
    perm = list(range(n))
    while n > 1 and perm == list(range(n)):
        rng.shuffle(perm)
    out = io.StringIO()
    w = csv.writer(out, lineterminator='\n')
    for r in rows:
        w.writerow([r[j] if j < len(r) else '' for j in perm])
    return out.getvalue()


VARIANTS = (  # name, [(mode, seed), ...] applied in turn to every file of a scheme
    ('rows1', [('rows', 1)]),
    ('rows2', [('rows', 2)]),
    ('cols', [('cols', 1)]),
    ('both', [('cols', 1), ('rows', 3)]),
)


TABLE_NO = {'members': 0, 'events': 1, 'branches': 2}


def reshape(mode, seed, table, text):
    seed = seed * 7 + TABLE_NO.get(table, 3)  # each table its own permutation
    return shuffle_rows(text, seed, table) if mode == 'rows' else permute_cols(text, seed, table)


def main():
    args = sys.argv[1:]
    if len(args) == 5 and args[0] in ('rows', 'cols'):
        mode, seed, table, src, dst = args[0], int(args[1]), args[2], args[3], args[4]
        with open(src, encoding='utf-8', newline='') as f:
            text = f.read()
        with open(dst, 'w', encoding='utf-8', newline='') as f:
            f.write(reshape(mode, seed, table, text))
        return 0
    if len(args) >= 2 and args[0] == 'all':
        # all OUT SCHEME_DIR...: OUT/NAME/{rows1,rows2,cols,both}/ for each scheme folder
        out = args[1]
        for d in args[2:]:
            name = os.path.basename(os.path.normpath(d))
            for vname, steps in VARIANTS:
                vdir = os.path.join(out, name, vname)
                os.makedirs(vdir, exist_ok=True)
                for table in ('members', 'events', 'branches'):
                    src = os.path.join(d, table + '.csv')
                    if not os.path.exists(src):
                        continue
                    with open(src, encoding='utf-8', newline='') as f:
                        text = f.read()
                    for mode, seed in steps:
                        text = reshape(mode, seed, table, text)
                    with open(os.path.join(vdir, table + '.csv'), 'w', encoding='utf-8',
                              newline='') as f:
                        f.write(text)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main())
