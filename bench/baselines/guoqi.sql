-- guoqi.sql — the `guoqi` scheme (国企党员积分管理办法) as SQL over SQLite.
--
-- Run through guoqi-sql.sh, which imports the CSVs into tables `members`, `events` and
-- `branches` (columns named by the CSV header, all TEXT, rowid = file row order; missing
-- optional columns `roles` and `qty` are added empty), creates `params(year)`, switches to
-- `.mode list` and reads this file. Prints exactly what `jifen run rulesets/guoqi.jf …
-- --branches … --year YEAR --format csv` prints. Catalog: shared/schemes/guoqi.md.
--
-- Exact arithmetic: points are INTEGERs scaled by 10^9. A deduction is
-- d = points × (10 + 2·repeat + officeholder) / 10 and a liability share d / 10 or d / 5;
-- all stay whole when a qty has at most 7 decimals (more stops the run at the guard).

CREATE TEMP TABLE guard (n INTEGER CONSTRAINT qty_has_more_than_7_decimals CHECK (n = 0));
INSERT INTO guard
SELECT count(*) FROM events
WHERE instr(qty, '.') > 0 AND length(rtrim(substr(qty, instr(qty, '.') + 1), '0')) > 7;

-- deduction codes (kind 'ded'; ded.other's points are its qty) and bonus codes
CREATE TEMP TABLE codes (event TEXT PRIMARY KEY, kind TEXT, pts INTEGER);
INSERT INTO codes VALUES
  ('ded.discipline', 'ded', 5),
  ('ded.duty', 'ded', 3),
  ('ded.post', 'ded', 2),
  ('ded.org_life', 'ded', 2),
  ('ded.study', 'ded', 1),
  ('ded.other', 'ded', NULL),
  ('bonus.suggestion', 'bonus', 2),
  ('bonus.merit', 'bonus', 5),
  ('bonus.honor.unit', 'bonus', 2),
  ('bonus.honor.company', 'bonus', 4),
  ('bonus.honor.local', 'bonus', 6),
  ('bonus.honor.national', 'bonus', 10),
  ('bonus.news.group', 'bonus', 1),
  ('bonus.news.provincial', 'bonus', 2),
  ('bonus.news.national', 'bonus', 4);

SELECT 'member_id,score,tier,rank,liability';

WITH RECURSIVE
scored AS (
  SELECT member_id, branch_id, roles FROM members
  WHERE status IN ('full', 'probationary', '正式党员', '预备党员')),
-- roles: ';'-separated words, spaces around a word ignored
role_words(member_id, word, rest) AS (
  SELECT member_id, NULL, coalesce(roles, '') || ';' FROM scored
  UNION ALL
  SELECT member_id, trim(substr(rest, 1, instr(rest, ';') - 1), ' '), substr(rest, instr(rest, ';') + 1)
  FROM role_words WHERE rest <> ''),
officeholder AS (SELECT DISTINCT member_id FROM role_words WHERE word = 'officeholder'),
-- scored members' events of the year; q = qty × 10^9 (empty: 1)
ev AS (
  SELECT e.rowid AS row, e.member_id, e.date, e.event, c.kind, c.pts,
         CASE WHEN coalesce(e.qty, '') = '' THEN 1000000000
              WHEN instr(e.qty, '.') = 0 THEN CAST(e.qty AS INTEGER) * 1000000000
              ELSE CAST(substr(e.qty, 1, instr(e.qty, '.') - 1) AS INTEGER) * 1000000000
                 + CAST(substr(substr(e.qty, instr(e.qty, '.') + 1) || '000000000', 1, 9) AS INTEGER)
         END AS q
  FROM events e
  JOIN scored s ON s.member_id = e.member_id
  JOIN codes c ON c.event = e.event
  WHERE CAST(substr(e.date, 1, 4) AS INTEGER) = (SELECT year FROM params)),
-- deduction rows: n occurrences of p points each (a ded.other row is one occurrence of
-- its qty); `before` = occurrences of the same code earlier in the year (date, file row)
occ AS (
  SELECT member_id, n, p, sum(n) OVER w - n AS before
  FROM (SELECT member_id, event, date, row,
               CASE WHEN pts IS NULL THEN 1 ELSE q / 1000000000 END AS n,
               CASE WHEN pts IS NULL THEN q ELSE pts * 1000000000 END AS p
        FROM ev WHERE kind = 'ded')
  WINDOW w AS (PARTITION BY member_id, event ORDER BY date, row ROWS UNBOUNDED PRECEDING)),
-- each row as k first occurrences (0 or 1) and k repeats, with d per occurrence:
-- d = p × (1 + 20 % if a repeat + 10 % if an office holder)
ded AS (
  SELECT o.member_id, k, p / 10 * (10 + 2 * rep + (oh.member_id IS NOT NULL)) AS d
  FROM (SELECT member_id, p, 0 AS rep, before = 0 AS k FROM occ
        UNION ALL
        SELECT member_id, p, 1 AS rep, n - (before = 0) AS k FROM occ) o
  LEFT JOIN officeholder oh ON oh.member_id = o.member_id
  WHERE k > 0),
own AS (SELECT member_id, sum(k * d) AS own FROM ded GROUP BY member_id),
-- joint liability of the deducting member's branch: secretary 10 % when d ≥ 3,
-- supervisor 20 % and liaison 10 % when d ≥ 5; never for one's own deduction, only
-- scored holders
shares AS (
  SELECT b.secretary AS holder, d.member_id AS m, d.k * (d.d / 10) AS amt
  FROM ded d JOIN scored s ON s.member_id = d.member_id JOIN branches b ON b.branch_id = s.branch_id
  WHERE d.d >= 3000000000
  UNION ALL
  SELECT b.supervisor, d.member_id, d.k * (d.d / 5)
  FROM ded d JOIN scored s ON s.member_id = d.member_id JOIN branches b ON b.branch_id = s.branch_id
  WHERE d.d >= 5000000000
  UNION ALL
  SELECT b.liaison, d.member_id, d.k * (d.d / 10)
  FROM ded d JOIN scored s ON s.member_id = d.member_id JOIN branches b ON b.branch_id = s.branch_id
  WHERE d.d >= 5000000000),
liab AS (
  SELECT holder AS member_id, sum(amt) AS liab
  FROM shares JOIN scored h ON h.member_id = shares.holder
  WHERE holder <> m GROUP BY holder),
bonus AS (
  SELECT member_id, min(sum(q / 1000000000 * pts), 20) * 1000000000 AS bonus
  FROM ev WHERE kind = 'bonus' GROUP BY member_id),
sc AS (
  SELECT s.member_id, s.branch_id, coalesce(l.liab, 0) AS liab,
         max(0, 100000000000 - coalesce(o.own, 0) - coalesce(l.liab, 0) + coalesce(b.bonus, 0)) AS score
  FROM scored s
  LEFT JOIN own o ON o.member_id = s.member_id
  LEFT JOIN liab l ON l.member_id = s.member_id
  LEFT JOIN bonus b ON b.member_id = s.member_id),
ranked AS (
  SELECT *, rank() OVER (PARTITION BY branch_id ORDER BY score DESC) AS rank,
         (abs(score) + 500) / 1000 AS s6, (abs(liab) + 500) / 1000 AS l6
  FROM sc)
-- number text: half away from zero at 6 decimals, no trailing zeros, never -0
SELECT CASE WHEN member_id GLOB '*[,"' || char(10) || char(13) || ']*'
            THEN '"' || replace(member_id, '"', '""') || '"' ELSE member_id END
       || ',' || CASE WHEN score < 0 AND s6 > 0 THEN '-' ELSE '' END || (s6 / 1000000)
       || CASE WHEN s6 % 1000000 = 0 THEN ''
               ELSE '.' || rtrim(substr('00000' || (s6 % 1000000), -6), '0') END
       || ',,' || rank
       || ',' || CASE WHEN liab < 0 AND l6 > 0 THEN '-' ELSE '' END || (l6 / 1000000)
       || CASE WHEN l6 % 1000000 = 0 THEN ''
               ELSE '.' || rtrim(substr('00000' || (l6 % 1000000), -6), '0') END
FROM ranked
ORDER BY branch_id, member_id;
