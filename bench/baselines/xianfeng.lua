-- xianfeng.lua — hand-written baseline for the `xianfeng` scheme (党员“先锋指数”).
--
--   lua5.4 xianfeng.lua members.csv events.csv [branches.csv] YEAR
--   luajit xianfeng.lua members.csv events.csv [branches.csv] YEAR
--
-- Prints what `jifen run rulesets/xianfeng.jf … --year YEAR --format csv` prints.
-- Catalog: shared/schemes/xianfeng.md. branches.csv is accepted and ignored.
--
-- Runs on Lua 5.4 and LuaJIT 2.1 (no //, no bitwise operators, no utf8, no goto).
-- Exact arithmetic: quantities are whole numbers scaled by 10^9 (exact in a double below
-- 2^53, i.e. up to about 9 000 000 points); a qty may have up to 9 decimals. Only exact
-- divisions are used; the output rounding works on the digits of the scaled value.
-- History: every year from the earliest year with any event in the log up to YEAR is
-- evaluated in full, each year seeing the previous year's final tier.
-- Assumes valid input (jifen does the checking).

local SCALE = 1000000000
local MAXDEC = 9

os.setlocale("C", "collate") -- string < is byte order
collectgarbage("setpause", 400) -- fewer GC cycles over the members' tables (default 200)

local function die(msg)
  io.stderr:write("xianfeng.lua: ", msg, "\n")
  os.exit(2)
end

-- ── CSV ───────────────────────────────────────────────────────────────────

-- Iterator over the records of a CSV file (RFC 4180: quoted fields with commas, doubled
-- quotes and line breaks; LF, CRLF or CR line ends; optional BOM), read in 1 MiB chunks and
-- matched in place (one string per field, no string per line). Blank lines are skipped.
-- After the header, a plain line with the header's number of fields is taken with one
-- anchored pattern match; anything else goes through the field-by-field reader, which asks
-- for the next chunk when a record runs past the end of the current one.
local function records(path)
  local f = io.open(path, "rb")
  if not f then die("cannot open " .. path) end
  local find, sub, byte, match = string.find, string.sub, string.byte, string.match
  local buf, pos, len, eof = "", 1, 0, false
  local function fill()
    local more = f:read(1048576)
    if more then
      buf = sub(buf, pos) .. more
    else
      buf = sub(buf, pos)
      eof = true
      f:close()
    end
    pos, len = 1, #buf
  end
  repeat fill() until len >= 3 or eof
  if sub(buf, 1, 3) == "\239\187\191" then pos = 4 end
  -- one record from pos: its fields and count, or nil when it runs past the chunk
  local function general()
    local rec, n, p = {}, 0, pos
    while true do
      local val
      if byte(buf, p) == 34 then -- '"'
        local parts, np, s = {}, 0, p + 1
        while true do
          local q = find(buf, '"', s, true)
          if not q or (q == len and not eof) then
            if not eof then return nil end
            np = np + 1; parts[np] = sub(buf, s); p = len + 1
            break
          end
          np = np + 1; parts[np] = sub(buf, s, q - 1)
          if byte(buf, q + 1) == 34 then
            np = np + 1; parts[np] = '"'; s = q + 2
          else
            p = q + 1
            break
          end
        end
        val = table.concat(parts)
        local e = find(buf, "[,\r\n]", p)
        if not e then
          if not eof then return nil end
          e = len + 1
        end
        if e > p then val = val .. sub(buf, p, e - 1) end
        p = e
      else
        local e = find(buf, "[,\r\n]", p)
        if not e then
          if not eof then return nil end
          e = len + 1
        end
        val = sub(buf, p, e - 1)
        p = e
      end
      n = n + 1
      rec[n] = val
      local d = byte(buf, p)
      if d == 44 then
        p = p + 1
      else
        if d == 13 then
          p = p + 1
          if byte(buf, p) == 10 then p = p + 1 end
        elseif d == 10 then
          p = p + 1
        end
        pos = p
        return rec, n
      end
    end
  end
  local fast -- the one-line pattern, set after the header
  return function()
    while true do
      if pos > len then
        if eof then return nil end
        fill()
      else
        local rec, n
        if fast then
          rec = { match(buf, fast, pos) }
          n = #rec
          if n > 0 then
            pos = rec[n]
            rec[n] = nil
            n = n - 1
          end
        end
        if not rec or n == 0 then rec, n = general() end
        if not rec then
          fill()
        else
          if not fast and n < 32 then
            fast = "^" .. string.rep('([^,"\r\n]*),', n - 1) .. '([^,"\r\n]*)\r?\n()'
          end
          if not (n == 1 and rec[1] == "") then return rec end
        end
      end
    end
  end
end

-- The header's column indices by name.
local function columns(header)
  local c = {}
  for i, name in ipairs(header) do c[name] = i end
  return c
end

-- ── numbers ───────────────────────────────────────────────────────────────

-- qty text → value × 10^9; empty → 1.
local function parse_qty(s)
  if s == nil or s == "" then return SCALE end
  if not s:find(".", 1, true) then return tonumber(s) * SCALE end -- whole number
  local ip, fp = s:match("^(%d+)%.?(%d*)$")
  if not ip then die("qty is not a plain decimal: " .. s) end
  fp = fp:gsub("0+$", "")
  if #fp > MAXDEC then die("qty has more decimals than this baseline keeps exactly: " .. s) end
  return tonumber(ip) * SCALE + tonumber(fp .. string.rep("0", 9 - #fp))
end

-- The contract's number text for a value × 10^9: rounded half away from zero at 6
-- decimals, no trailing zeros, never -0.
local function fmt(v)
  local neg = v < 0
  if neg then v = -v end
  local s = string.format("%.0f", v)
  if #s < 10 then s = string.rep("0", 10 - #s) .. s end
  local ip, f6 = s:sub(1, -10), s:sub(-9, -4)
  if tonumber(s:sub(-3)) >= 500 then
    local q = string.format("%.0f", tonumber(ip .. f6) + 1)
    if #q < 7 then q = string.rep("0", 7 - #q) .. q end
    ip, f6 = q:sub(1, -7), q:sub(-6)
  end
  f6 = f6:gsub("0+$", "")
  local out = f6 == "" and ip or ip .. "." .. f6
  if neg and out ~= "0" then out = "-" .. out end
  return out
end

local function cell(s)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

-- ── the scheme ────────────────────────────────────────────────────────────

-- items: 1 信念1 2 信念2 3 纪律1 4 纪律2 5 品行1 6 品行2 7 作为1 8 作为2
-- kind: item (points off an item), zero (item → 0), edu, bonus, rev (reverse points),
-- held, att; flag: veto, force (不合格), warn (警示情形)
local CODES = {}
local function def(code, kind, item, pts, flag)
  CODES[code] = { kind = kind, item = item, pts = pts, flag = flag }
end
def("edu.session", "edu")
def("superstition", "item", 1, 10)
def("superstition.unreformed", "zero", 1)
def("belief.unfirm", "zero", 1)
def("political_rules.breach", "zero", 1)
def("rumor.minor", "item", 2, 5)
def("rumor.severe", "zero", 2)
def("meeting.leave", "item", 3, 1)
def("meeting.absent", "item", 3, 2)
def("meeting.proxy", "item", 3, 5)
def("dues.wrong_amount", "item", 3, 3)
def("dues.overdue_3m", "item", 3, 5)
def("directive.ignored", "item", 4, 5)
def("discipline.minor", "item", 4, 5)
def("eight_rules", "item", 5, 5)
def("conduct.negative", "item", 5, 10)
def("court.enforced", "item", 5, 5)
def("credit.blacklist", "item", 5, 5)
def("custom.unreformed", "item", 5, 3)
def("filial.neglect", "item", 5, 5)
def("vice", "zero", 5)
def("community.unreported", "item", 6, 2)
def("contact.poor", "item", 6, 2)
def("complaint.verified", "item", 6, 5)
def("work.shirking", "item", 7, 3)
def("vanguard.poor", "item", 8, 5)
def("key_task.lagging", "item", 8, 5)
def("obstruction", "item", 8, 5)
def("bonus", "bonus")
def("disunity", "rev", nil, 5)
def("org_life.absent", "rev", nil, 2)
def("org_life.left_early", "rev", nil, 1)
def("notes.missing", "rev", nil, 1)
def("session.held", "held")
def("session.attended", "att")
def("dues.late", "rev", nil, 2)
def("mobile.unreported", "rev", nil, 5)
def("petition.irregular", "rev", nil, 5)
def("party.warning", "rev", nil, 5, "warn")
def("party.serious_warning", "rev", nil, 10, "warn")
def("party.removal", "rev", nil, 15, "warn")
def("party.probation", "rev", nil, 20, "force")
def("law.warning", "rev", nil, 5)
def("law.fine", "rev", nil, 10)
def("law.detention", "rev", nil, 15)
def("conduct.improper", "rev", nil, 5)
def("veto.doubt_ideals", "flag", nil, nil, "veto")
def("veto.political", "flag", nil, nil, "veto")
def("veto.fraud", "flag", nil, nil, "veto")
def("veto.refuse_duty", "flag", nil, nil, "veto")
def("veto.illegal_petition", "flag", nil, nil, "veto")
def("under_investigation", "flag", nil, nil, "force")

local STATUS = { full = 0, probationary = 1, activist = 2, exempt = 3,
  ["正式党员"] = 0, ["预备党员"] = 1, ["入党积极分子"] = 2, ["免于积分"] = 3 }

local function new_agg()
  return { ded = { 0, 0, 0, 0, 0, 0, 0, 0 }, zero = {}, edu = 0, bonus = 0, rev = 0,
    held = 0, att = 0 }
end
local NONE = new_agg()

local function main(args)
  if #args ~= 3 and #args ~= 4 then
    die("usage: xianfeng.lua members.csv events.csv [branches.csv] YEAR")
  end
  local year = tonumber(args[#args])

  -- members
  local ids, members = {}, {}
  local nextrec = records(args[1])
  local c = columns(nextrec())
  local c_id, c_br, c_st = c.member_id, c.branch_id, c.status
  for r in nextrec do
    local st = STATUS[r[c_st]]
    if not st then die("unknown status " .. tostring(r[c_st])) end
    local m = { id = r[c_id], branch = r[c_br], status = st, scored = st <= 1 }
    members[#members + 1] = m
    ids[m.id] = m
  end

  -- events → per (year, member) aggregates
  local byyear, minyear = {}, nil
  nextrec = records(args[2])
  c = columns(nextrec())
  local e_id, e_date, e_ev, e_qty = c.member_id, c.date, c.event, c.qty
  for r in nextrec do
    local y = tonumber(r[e_date]:sub(1, 4))
    if not minyear or y < minyear then minyear = y end
    if y <= year then
      local m = ids[r[e_id]]
      if not m then die("member not in members.csv: " .. r[e_id]) end
      if m.scored then
        local cd = CODES[r[e_ev]]
        if not cd then die("unknown event " .. r[e_ev]) end
        local ya = byyear[y]
        if not ya then ya = {}; byyear[y] = ya end
        local a = ya[m]
        if not a then a = new_agg(); ya[m] = a end
        local q = parse_qty(e_qty and r[e_qty])
        local n = math.floor(q / SCALE) -- occurrences of a count event
        local kind = cd.kind
        if kind == "item" then
          a.ded[cd.item] = a.ded[cd.item] + n * cd.pts
        elseif kind == "zero" then
          a.zero[cd.item] = true
        elseif kind == "edu" then
          a.edu = a.edu + n
        elseif kind == "bonus" then
          a.bonus = a.bonus + q
        elseif kind == "rev" then
          a.rev = a.rev + n * cd.pts
        elseif kind == "held" then
          a.held = a.held + q
        elseif kind == "att" then
          a.att = a.att + q
        end
        if cd.flag then a[cd.flag] = true end
      end
    end
  end

  -- scored members by (branch, id)
  local order = {}
  for _, m in ipairs(members) do
    if m.scored then order[#order + 1] = m end
  end
  table.sort(order, function(a, b)
    if a.branch ~= b.branch then return a.branch < b.branch end
    return a.id < b.id
  end)
  for _, m in ipairs(order) do m.prev = "合格" end

  local function cmp_cand(a, b)
    if a.score ~= b.score then return a.score > b.score end
    return a.base > b.base
  end

  local first = (minyear and minyear < year) and minyear or year
  for y = first, year do
    local ya = byyear[y] or {}
    local lo, ns = 1, #order
    while lo <= ns do
      local hi = lo
      while hi < ns and order[hi + 1].branch == order[lo].branch do hi = hi + 1 end
      local cands = {}
      for k = lo, hi do
        local m = order[k]
        local a = ya[m] or NONE
        local base = 0
        for i = 1, 8 do
          local v = 10 - a.ded[i]
          if i == 1 and a.edu < 2 then v = v - 2 * (2 - a.edu) end -- each session short of 2
          if a.zero[i] or v < 0 then v = 0 end
          base = base + v
        end
        local bonus = a.bonus
        if bonus > 20 * SCALE then bonus = 20 * SCALE end
        local rev = a.rev
        if a.held > 0 and a.att * 5 < a.held * 4 then rev = rev + 5 end
        local s = base * SCALE + bonus - rev * SCALE
        if s < 0 then s = 0 elseif s > 100 * SCALE then s = 100 * SCALE end
        local t
        if a.veto then
          s, t = 0, "不合格"
        elseif a.force then
          t = "不合格"
        elseif a.warn or s < 60 * SCALE then
          t = (m.prev == "警示" or m.prev == "不合格") and "不合格" or "警示"
        else
          t = "合格"
          if s >= 90 * SCALE and base >= 75 then cands[#cands + 1] = { m = m, score = s, base = base } end
        end
        m.score, m.tier = s, t
      end
      -- 先锋 quota: floor(20 % × N); ties at the edge all left out, places stay empty
      local quota = math.floor((hi - lo + 1) / 5)
      table.sort(cands, cmp_cand)
      local taken, i = 0, 1
      while i <= #cands do
        local j = i
        while j < #cands and cands[j + 1].score == cands[i].score and cands[j + 1].base == cands[i].base do
          j = j + 1
        end
        if taken + (j - i + 1) > quota then break end
        taken = taken + (j - i + 1)
        for g = i, j do cands[g].m.tier = "先锋" end
        i = j + 1
      end
      lo = hi + 1
    end
    for _, m in ipairs(order) do m.prev = m.tier end
  end

  local out, n = { "member_id,score,tier,outcome\n" }, 1
  for _, m in ipairs(order) do
    local t, o = m.tier, nil
    if t == "先锋" then
      o = "commend"
    elseif t == "合格" then
      o = "heart_talk"
    elseif t == "警示" then
      o = m.status == 1 and "talk;pair_help;extend_probation" or "talk;pair_help"
    else
      o = m.status == 1 and "cancel_probation" or "dispose"
    end
    n = n + 1
    out[n] = cell(m.id) .. "," .. fmt(m.score) .. "," .. t .. "," .. o .. "\n"
  end
  io.stdout:write(table.concat(out))
end

main({ ... })
