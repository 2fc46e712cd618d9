-- xianfeng.sql — the `xianfeng` scheme (党员“先锋指数”) as SQL over SQLite.
--
-- Run through xianfeng-sql.sh, which imports the CSVs into tables `members` and `events`
-- (columns named by the CSV header, all TEXT; a missing optional `qty` column is added
-- empty), creates `params(year)`, switches to `.mode list` and reads this file.
-- Prints exactly what `jifen run rulesets/xianfeng.jf … --year YEAR --format csv` prints.
-- Catalog: shared/schemes/xianfeng.md.
--
-- Exact arithmetic: points are INTEGERs scaled by 10^9 (a qty may have up to 9 decimals;
-- more stops the run at the guard below). Item deductions and reverse points are whole.
-- History: a recursive CTE walks the years from the earliest year with any event in the
-- log; last year's tier only matters through "was it 警示 or 不合格", which the 先锋 quota
-- never decides, so the loop carries 不合格 / 警示 / 合格 (合格 standing for 合格 and 先锋) and
-- the quota is applied in the evaluated year only.

-- A qty with more decimals than the 10^9 scale keeps would be silently cut: refuse it.
CREATE TEMP TABLE guard (n INTEGER CONSTRAINT qty_has_more_than_9_decimals CHECK (n = 0));
INSERT INTO guard
SELECT count(*) FROM events
WHERE instr(qty, '.') > 0 AND length(rtrim(substr(qty, instr(qty, '.') + 1), '0')) > 9;

-- the scheme's rule table: kind item (points off an item, floor 0), zero (item → 0),
-- edu, bonus, rev (reverse points), held, att; flag veto / force (不合格) / warn (警示情形)
CREATE TEMP TABLE codes (event TEXT PRIMARY KEY, kind TEXT, item INTEGER, pts INTEGER, flag TEXT);
INSERT INTO codes VALUES
  ('edu.session', 'edu', 0, 0, ''),
  ('superstition', 'item', 1, 10, ''),
  ('superstition.unreformed', 'zero', 1, 0, ''),
  ('belief.unfirm', 'zero', 1, 0, ''),
  ('political_rules.breach', 'zero', 1, 0, ''),
  ('rumor.minor', 'item', 2, 5, ''),
  ('rumor.severe', 'zero', 2, 0, ''),
  ('meeting.leave', 'item', 3, 1, ''),
  ('meeting.absent', 'item', 3, 2, ''),
  ('meeting.proxy', 'item', 3, 5, ''),
  ('dues.wrong_amount', 'item', 3, 3, ''),
  ('dues.overdue_3m', 'item', 3, 5, ''),
  ('directive.ignored', 'item', 4, 5, ''),
  ('discipline.minor', 'item', 4, 5, ''),
  ('eight_rules', 'item', 5, 5, ''),
  ('conduct.negative', 'item', 5, 10, ''),
  ('court.enforced', 'item', 5, 5, ''),
  ('credit.blacklist', 'item', 5, 5, ''),
  ('custom.unreformed', 'item', 5, 3, ''),
  ('filial.neglect', 'item', 5, 5, ''),
  ('vice', 'zero', 5, 0, ''),
  ('community.unreported', 'item', 6, 2, ''),
  ('contact.poor', 'item', 6, 2, ''),
  ('complaint.verified', 'item', 6, 5, ''),
  ('work.shirking', 'item', 7, 3, ''),
  ('vanguard.poor', 'item', 8, 5, ''),
  ('key_task.lagging', 'item', 8, 5, ''),
  ('obstruction', 'item', 8, 5, ''),
  ('bonus', 'bonus', 0, 0, ''),
  ('disunity', 'rev', 0, 5, ''),
  ('org_life.absent', 'rev', 0, 2, ''),
  ('org_life.left_early', 'rev', 0, 1, ''),
  ('notes.missing', 'rev', 0, 1, ''),
  ('session.held', 'held', 0, 0, ''),
  ('session.attended', 'att', 0, 0, ''),
  ('dues.late', 'rev', 0, 2, ''),
  ('mobile.unreported', 'rev', 0, 5, ''),
  ('petition.irregular', 'rev', 0, 5, ''),
  ('party.warning', 'rev', 0, 5, 'warn'),
  ('party.serious_warning', 'rev', 0, 10, 'warn'),
  ('party.removal', 'rev', 0, 15, 'warn'),
  ('party.probation', 'rev', 0, 20, 'force'),
  ('law.warning', 'rev', 0, 5, ''),
  ('law.fine', 'rev', 0, 10, ''),
  ('law.detention', 'rev', 0, 15, ''),
  ('conduct.improper', 'rev', 0, 5, ''),
  ('veto.doubt_ideals', 'flag', 0, 0, 'veto'),
  ('veto.political', 'flag', 0, 0, 'veto'),
  ('veto.fraud', 'flag', 0, 0, 'veto'),
  ('veto.refuse_duty', 'flag', 0, 0, 'veto'),
  ('veto.illegal_petition', 'flag', 0, 0, 'veto'),
  ('under_investigation', 'flag', 0, 0, 'force');

SELECT 'member_id,score,tier,outcome';

WITH RECURSIVE
items(item) AS (VALUES (1), (2), (3), (4), (5), (6), (7), (8)),
scored AS (
  SELECT member_id, branch_id, status IN ('probationary', '预备党员') AS prob
  FROM members WHERE status IN ('full', 'probationary', '正式党员', '预备党员')),
bounds AS (
  SELECT p.year AS year,
         min(p.year, coalesce((SELECT min(CAST(substr(date, 1, 4) AS INTEGER)) FROM events), p.year)) AS first
  FROM params p),
years(y) AS (
  SELECT first FROM bounds
  UNION ALL
  SELECT y + 1 FROM years WHERE y < (SELECT year FROM bounds)),
-- scored members' events of the evaluated years; q = qty × 10^9 (empty: 1), n = occurrences
ev AS (
  SELECT member_id, y, kind, item, pts, flag, q, q / 1000000000 AS n
  FROM (
    SELECT e.member_id, CAST(substr(e.date, 1, 4) AS INTEGER) AS y, c.kind, c.item, c.pts, c.flag,
           CASE WHEN coalesce(e.qty, '') = '' THEN 1000000000
                WHEN instr(e.qty, '.') = 0 THEN CAST(e.qty AS INTEGER) * 1000000000
                ELSE CAST(substr(e.qty, 1, instr(e.qty, '.') - 1) AS INTEGER) * 1000000000
                   + CAST(substr(substr(e.qty, instr(e.qty, '.') + 1) || '000000000', 1, 9) AS INTEGER)
           END AS q
    FROM events e
    JOIN scored s ON s.member_id = e.member_id
    JOIN codes c ON c.event = e.event)
  WHERE y BETWEEN (SELECT first FROM bounds) AND (SELECT year FROM bounds)),
agg AS (
  SELECT member_id, y,
         sum(CASE WHEN kind = 'edu' THEN n ELSE 0 END) AS edu,
         sum(CASE WHEN kind = 'bonus' THEN q ELSE 0 END) AS bonus,
         sum(CASE WHEN kind = 'rev' THEN n * pts ELSE 0 END) AS rev,
         sum(CASE WHEN kind = 'held' THEN q ELSE 0 END) AS held,
         sum(CASE WHEN kind = 'att' THEN q ELSE 0 END) AS att,
         max(flag = 'veto') AS veto, max(flag = 'force') AS force, max(flag = 'warn') AS warn
  FROM ev GROUP BY member_id, y),
item_ded AS (
  SELECT member_id, y, item, sum(CASE WHEN kind = 'item' THEN n * pts ELSE 0 END) AS ded,
         max(kind = 'zero') AS z
  FROM ev WHERE item > 0 GROUP BY member_id, y, item),
grid AS (SELECT s.member_id, s.branch_id, s.prob, years.y FROM scored s CROSS JOIN years),
-- 基本指数: eight items of 10, each floored at 0 or zeroed; 信念1 also loses 2 per
-- edu.session short of 2
base AS (
  SELECT g.member_id, g.y,
         sum(CASE WHEN coalesce(d.z, 0) THEN 0
                  ELSE max(0, 10 - coalesce(d.ded, 0)
                              - CASE WHEN i.item = 1 THEN 2 * max(0, 2 - coalesce(a.edu, 0)) ELSE 0 END)
             END) AS base
  FROM grid g CROSS JOIN items i
  LEFT JOIN item_ded d ON d.member_id = g.member_id AND d.y = g.y AND d.item = i.item
  LEFT JOIN agg a ON a.member_id = g.member_id AND a.y = g.y
  GROUP BY g.member_id, g.y),
sc AS (
  SELECT g.member_id, g.branch_id, g.prob, g.y, b.base, coalesce(a.veto, 0) AS veto,
         coalesce(a.force, 0) AS force, coalesce(a.warn, 0) AS warn,
         CASE WHEN coalesce(a.veto, 0) THEN 0
              ELSE max(0, min(100000000000,
                     b.base * 1000000000 + min(coalesce(a.bonus, 0), 20000000000)
                     - (coalesce(a.rev, 0)
                        + CASE WHEN coalesce(a.held, 0) > 0 AND a.att * 5 < a.held * 4 THEN 5 ELSE 0 END)
                       * 1000000000))
         END AS score
  FROM grid g
  JOIN base b ON b.member_id = g.member_id AND b.y = g.y
  LEFT JOIN agg a ON a.member_id = g.member_id AND a.y = g.y),
-- the tier rules before history and quota: F forced 不合格, W 警示情形, C 先锋 candidate, H 合格
cls AS (
  SELECT *, CASE WHEN veto OR force THEN 'F'
                 WHEN warn OR score < 60000000000 THEN 'W'
                 WHEN score >= 90000000000 AND base >= 75 THEN 'C'
                 ELSE 'H' END AS cls
  FROM sc),
-- the year loop: each year's tier from its own class and last year's tier
hist(member_id, y, tier) AS (
  SELECT member_id, y, CASE cls WHEN 'F' THEN '不合格' WHEN 'W' THEN '警示' ELSE '合格' END
  FROM cls WHERE y = (SELECT first FROM bounds) AND y < (SELECT year FROM bounds)
  UNION ALL
  SELECT c.member_id, c.y,
         CASE WHEN c.cls = 'F' THEN '不合格'
              WHEN c.cls = 'W' THEN CASE WHEN h.tier IN ('警示', '不合格') THEN '不合格' ELSE '警示' END
              ELSE '合格' END
  FROM hist h JOIN cls c ON c.member_id = h.member_id AND c.y = h.y + 1
  WHERE c.y < (SELECT year FROM bounds)),
fin AS (
  SELECT c.*, coalesce(h.tier, '合格') AS prev
  FROM cls c LEFT JOIN hist h ON h.member_id = c.member_id AND h.y = c.y - 1
  WHERE c.y = (SELECT year FROM bounds)),
-- 先锋 quota floor(20 % × N) per branch; candidates ranked by score, then base; a group tied
-- on both is in only when all of it fits (ties at the edge left out, places stay empty)
quota AS (SELECT branch_id, count(*) / 5 AS quota FROM scored GROUP BY branch_id),
cand AS (
  SELECT member_id,
         rank() OVER (PARTITION BY branch_id ORDER BY score DESC, base DESC) AS place,
         count(*) OVER (PARTITION BY branch_id, score, base) AS tied
  FROM fin WHERE cls = 'C'),
tiered AS (
  SELECT f.member_id, f.branch_id, f.prob, f.score,
         CASE WHEN f.cls = 'F' THEN '不合格'
              WHEN f.cls = 'W' THEN CASE WHEN f.prev IN ('警示', '不合格') THEN '不合格' ELSE '警示' END
              WHEN f.cls = 'C' AND c.place - 1 + c.tied <= q.quota THEN '先锋'
              ELSE '合格' END AS tier
  FROM fin f
  JOIN quota q ON q.branch_id = f.branch_id
  LEFT JOIN cand c ON c.member_id = f.member_id),
-- number text: half away from zero at 6 decimals, no trailing zeros, never -0
num AS (SELECT *, (abs(score) + 500) / 1000 AS q6 FROM tiered)
SELECT CASE WHEN member_id GLOB '*[,"' || char(10) || char(13) || ']*'
            THEN '"' || replace(member_id, '"', '""') || '"' ELSE member_id END
       || ',' || CASE WHEN score < 0 AND q6 > 0 THEN '-' ELSE '' END || (q6 / 1000000)
       || CASE WHEN q6 % 1000000 = 0 THEN ''
               ELSE '.' || rtrim(substr('00000' || (q6 % 1000000), -6), '0') END
       || ',' || tier || ','
       || CASE tier WHEN '先锋' THEN 'commend'
                    WHEN '合格' THEN 'heart_talk'
                    WHEN '警示' THEN CASE WHEN prob THEN 'talk;pair_help;extend_probation' ELSE 'talk;pair_help' END
                    ELSE CASE WHEN prob THEN 'cancel_probation' ELSE 'dispose' END END
FROM num
ORDER BY branch_id, member_id;
