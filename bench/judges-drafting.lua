-- Judges at a venue saving drafts at once: each request is one signed-in judge (a session made
-- beforehand) saving marks for one of their entries, as the score sheet does while they type.
--
-- Environment: VIDAN_JUDGES_FILE (one line per judge: "token entry,entry,..."),
-- VIDAN_CRITERIA (criterion ids, comma separated), VIDAN_SCALE ("min,max"), VIDAN_THREADS.

local judges = {}
for line in io.lines(os.getenv("VIDAN_JUDGES_FILE")) do
  local token, list = string.match(line, "^(%S+) (%S+)$")
  local mine = {}
  for id in string.gmatch(list, "%d+") do
    mine[#mine + 1] = id
  end
  judges[#judges + 1] = { token = token, entries = mine }
end
local criteria = {}
for id in string.gmatch(os.getenv("VIDAN_CRITERIA"), "%d+") do
  criteria[#criteria + 1] = id
end
local low, high = string.match(os.getenv("VIDAN_SCALE"), "^(%d+),(%d+)$")
low, high = tonumber(low), tonumber(high)
local threads = tonumber(os.getenv("VIDAN_THREADS"))

local counter = 0
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

local n = nil
function request()
  if n == nil then
    n = wrk.thread:get("index")
  end
  local judge = judges[(n % #judges) + 1]
  local entry = judge.entries[(math.floor(n / #judges) % #judge.entries) + 1]
  n = n + threads
  local body = { "entry_id=" .. entry }
  for k, id in ipairs(criteria) do
    -- Some criteria still blank, as in a draft.
    if (n + k) % 4 ~= 0 then
      body[#body + 1] = string.format("marks%%5Bvalues%%5D%%5B%s%%5D=%d", id, low + (n * k) % (high - low + 1))
    end
  end
  body[#body + 1] = "marks%5Boverall%5D=Nh%C3%B3m+c%E1%BA%A7n+l%C3%A0m+r%C3%B5+chi+ph%C3%AD"
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
    ["Cookie"] = "vidan_session=" .. judge.token,
  }
  return wrk.format("POST", "/api/judging/save", headers, table.concat(body, "&"))
end
