-- guoqi.lua — hand-written baseline for the `guoqi` scheme (国企党员积分管理办法).
--
--   lua5.4 guoqi.lua members.csv events.csv branches.csv YEAR
--   luajit guoqi.lua members.csv events.csv branches.csv YEAR
--
-- Prints what `jifen run rulesets/guoqi.jf … --branches … --year YEAR --format csv`
-- prints. Catalog: shared/schemes/guoqi.md. Whole organisation at once (joint liability
-- crosses branches).
--
-- Runs on Lua 5.4 and LuaJIT 2.1 (no //, no bitwise operators, no utf8, no goto).
-- Exact arithmetic: quantities are whole numbers scaled by 10^9 (exact in a double below
-- 2^53, i.e. up to about 9 000 000 points). d = points × (10 + 2·repeat + officeholder) / 10
-- and a liability share d × 1/10 or d × 2/10 stay whole at that scale when a qty has at most
-- 7 decimals (more is refused). Only exact divisions are used.
-- Repeats: occurrences ordered by date, then file row; only `ded.other` needs the order
-- (its points vary by row), every later occurrence of a count code costs the same.
-- Assumes valid input (jifen does the checking).

local SCALE = 1000000000
local MAXDEC = 7

os.setlocale("C", "collate") -- string < is byte order
collectgarbage("setpause", 400) -- fewer GC cycles over the members' tables (default 200)

local function die(msg)
  io.stderr:write("guoqi.lua: ", msg, "\n")
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

-- deduction codes (repeat counting is per code) and bonus codes with their points
local DED = { ["ded.discipline"] = 5, ["ded.duty"] = 3, ["ded.post"] = 2,
  ["ded.org_life"] = 2, ["ded.study"] = 1 }
local BONUS = { ["bonus.suggestion"] = 2, ["bonus.merit"] = 5, ["bonus.honor.unit"] = 2,
  ["bonus.honor.company"] = 4, ["bonus.honor.local"] = 6, ["bonus.honor.national"] = 10,
  ["bonus.news.group"] = 1, ["bonus.news.provincial"] = 2, ["bonus.news.national"] = 4 }

local STATUS = { full = 0, probationary = 1, activist = 2, exempt = 3,
  ["正式党员"] = 0, ["预备党员"] = 1, ["入党积极分子"] = 2, ["免于积分"] = 3 }

-- True when the ';'-separated list holds the word (spaces around words ignored).
local function has_role(roles, word)
  for w in (roles .. ";"):gmatch("([^;]*);") do
    if w:match("^ *(.-) *$") == word then return true end
  end
  return false
end

local function main(args)
  if #args ~= 4 then die("usage: guoqi.lua members.csv events.csv branches.csv YEAR") end
  local year = tonumber(args[4])

  -- members
  local ids, members = {}, {}
  local nextrec = records(args[1])
  local c = columns(nextrec())
  local c_id, c_br, c_st, c_ro = c.member_id, c.branch_id, c.status, c.roles
  for r in nextrec do
    local st = STATUS[r[c_st]]
    if not st then die("unknown status " .. tostring(r[c_st])) end
    local m = { id = r[c_id], branch = r[c_br], status = st, scored = st <= 1,
      officeholder = c_ro and has_role(r[c_ro], "officeholder") or false,
      own = 0, liab = 0, bonus = 0, nth = {} }
    members[#members + 1] = m
    ids[m.id] = m
  end

  -- branches: role holders as members (nil when empty)
  local branches = {}
  nextrec = records(args[3])
  c = columns(nextrec())
  local b_id, b_sec, b_sup, b_lia = c.branch_id, c.secretary, c.supervisor, c.liaison
  for r in nextrec do
    branches[r[b_id]] = { sec = b_sec and ids[r[b_sec]], sup = b_sup and ids[r[b_sup]],
      lia = b_lia and ids[r[b_lia]] }
  end

  local function charge(holder, m, amount)
    if holder and holder ~= m and holder.scored then holder.liab = holder.liab + amount end
  end

  -- k occurrences of deduction d (× 10^9) by member m: own points and joint liability
  local function deduct(m, d, k)
    m.own = m.own + k * d
    local b = branches[m.branch]
    if not b then return end
    if d >= 3 * SCALE then charge(b.sec, m, k * (d / 10)) end
    if d >= 5 * SCALE then
      charge(b.sup, m, k * (d / 5))
      charge(b.lia, m, k * (d / 10))
    end
  end

  -- d = points × (1 + 20 % if a repeat + 10 % if an office holder); exact (points × 10^9 is
  -- a multiple of 100)
  local function surcharged(pts, repeat_, officeholder)
    return math.floor(pts / 10) * (10 + (repeat_ and 2 or 0) + (officeholder and 1 or 0))
  end

  -- events of the year; ded.other rows wait until each member's first one is known
  local others, first_other = {}, {}
  nextrec = records(args[2])
  c = columns(nextrec())
  local e_id, e_date, e_ev, e_qty = c.member_id, c.date, c.event, c.qty
  for r in nextrec do
    local date = r[e_date]
    if tonumber(date:sub(1, 4)) == year then
      local m = ids[r[e_id]]
      if not m then die("member not in members.csv: " .. r[e_id]) end
      if m.scored then -- unscored members: no score, no liability created
        local code = r[e_ev]
        local q = parse_qty(e_qty and r[e_qty])
        local pts = DED[code]
        if pts then
          local n = math.floor(q / SCALE)
          local seen = m.nth[code] or 0
          m.nth[code] = seen + n
          local firsts = seen == 0 and 1 or 0
          if firsts == 1 then deduct(m, surcharged(pts * SCALE, false, m.officeholder), 1) end
          if n > firsts then deduct(m, surcharged(pts * SCALE, true, m.officeholder), n - firsts) end
        elseif code == "ded.other" then
          local row = { m = m, date = date, q = q }
          others[#others + 1] = row
          local f = first_other[m]
          if not f or date < f.date then first_other[m] = row end -- same date: earlier row stays
        elseif BONUS[code] then
          m.bonus = m.bonus + math.floor(q / SCALE) * BONUS[code] * SCALE
        else
          die("unknown event " .. code)
        end
      end
    end
  end
  for _, row in ipairs(others) do
    local m = row.m
    deduct(m, surcharged(row.q, first_other[m] ~= row, m.officeholder), 1)
  end

  -- scores, then competition ranks per branch
  local order = {}
  for _, m in ipairs(members) do
    if m.scored then
      local bonus = m.bonus
      if bonus > 20 * SCALE then bonus = 20 * SCALE end
      local s = 100 * SCALE - m.own - m.liab + bonus
      if s < 0 then s = 0 end
      m.score = s
      order[#order + 1] = m
    end
  end
  table.sort(order, function(a, b)
    if a.branch ~= b.branch then return a.branch < b.branch end
    return a.id < b.id
  end)
  local lo, ns = 1, #order
  while lo <= ns do
    local hi = lo
    while hi < ns and order[hi + 1].branch == order[lo].branch do hi = hi + 1 end
    local g = {}
    for k = lo, hi do g[#g + 1] = order[k] end
    table.sort(g, function(a, b) return a.score > b.score end)
    for i, m in ipairs(g) do
      m.rank = (i > 1 and m.score == g[i - 1].score) and g[i - 1].rank or i
    end
    lo = hi + 1
  end

  local out, n = { "member_id,score,tier,rank,liability\n" }, 1
  for _, m in ipairs(order) do
    n = n + 1
    out[n] = cell(m.id) .. "," .. fmt(m.score) .. ",," .. string.format("%d", m.rank) .. "," .. fmt(m.liab) .. "\n"
  end
  io.stdout:write(table.concat(out))
end

main({ ... })
