-- The vote-night rush: each signed-in citizen (a session made beforehand) votes once, from one of
-- many networks, as the form on the entries page does. Each thread takes every T-th voter; when a
-- thread has sent its share and heard every answer, it stops and says so in a file, and the
-- harness ends the run (SIGINT), so wrk's duration is the rush's. (A request that fails at the
-- socket gets no answer: the harness then ends the run once the votes stop coming.) A redirect
-- is a vote counted; a 200 is the health check a connection sends if it raced past the end of
-- its share. Load after wrk-report.lua: `done` prints its line, then the threads' counts.
--
-- Environment: VIDAN_VOTERS (how many), VIDAN_ENTRIES (entry ids, comma separated),
-- VIDAN_THREADS (wrk's -t), VIDAN_DONE_FILE (where threads report), VIDAN_TOKEN_PREFIX.

local voters = tonumber(os.getenv("VIDAN_VOTERS"))
local threads = tonumber(os.getenv("VIDAN_THREADS"))
local done_file = os.getenv("VIDAN_DONE_FILE")
local prefix = os.getenv("VIDAN_TOKEN_PREFIX") or "bench-voter-"
local entries = {}
for id in string.gmatch(os.getenv("VIDAN_ENTRIES"), "%d+") do
  entries[#entries + 1] = id
end

local counter = 0
local all = {}
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  all[#all + 1] = thread
end

function done(summary, latency, requests)
  report(summary, latency)
  local a, r, x = 0, 0, 0
  for _, t in ipairs(all) do
    a = a + (t:get("accepted") or 0)
    r = r + (t:get("refused") or 0)
    x = x + (t:get("extra") or 0)
  end
  io.write(string.format('{"accepted":%d,"refused":%d,"extra":%d}\n', a, r, x))
end

local index, next_voter, sent, answered, reported = nil, nil, 0, 0, false
accepted, refused, extra = 0, 0, 0

function delay()
  if next_voter ~= nil and next_voter >= voters then
    return 100000000
  end
  return 0
end

function request()
  if index == nil then
    index = wrk.thread:get("index")
    next_voter = index
  end
  sent = sent + 1
  if next_voter >= voters then
    return wrk.format("GET", "/health")
  end
  local i = next_voter
  next_voter = next_voter + threads
  -- A popular few entries and a long tail, as on a real night.
  local pick = math.floor(((i * 7919) % #entries) * ((i * 104729) % #entries) / #entries) + 1
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "text/html",
    ["Cookie"] = "vidan_session=" .. prefix .. i,
    ["X-Forwarded-For"] = string.format("100.%d.%d.9", math.floor(i / 250) % 250, i % 250),
  }
  return wrk.format("POST", "/api/votes/cast", headers, "entry_id=" .. entries[pick])
end

function response(status, headers, body)
  answered = answered + 1
  if status == 303 or status == 302 then
    accepted = accepted + 1
  elseif status == 200 then
    extra = extra + 1
  else
    refused = refused + 1
  end
  if not reported and next_voter >= voters and answered == sent then
    reported = true
    local f = io.open(done_file, "a")
    f:write(string.format("%d %d %d %d\n", index, accepted, refused, extra))
    f:close()
    wrk.thread:stop()
  end
end
