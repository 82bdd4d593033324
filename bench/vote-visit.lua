-- A whole vote as a citizen lives it: open the challenge's entries page signed in, cast the vote
-- as the page's form does (the answer sends the browser back to the entry), open the page it
-- sends back to, which confirms the vote. Then the next citizen.
--
-- Each wrk thread has one connection (run with -tN -cN), so a thread's requests go one after
-- the other and a step's time is from its request to its answer, read from the wall clock
-- (LuaJIT's FFI: wrk's own figures mix the three steps). Each thread takes every T-th voter;
-- when it has done its share it writes its counts, when it began and ended (the monotonic clock,
-- in ms) and every step's times to VIDAN_DONE_FILE.<thread> and stops, so the run lasts as long
-- as the visits do.
--
-- Environment: VIDAN_VOTERS (how many visit), VIDAN_SLUG, VIDAN_ENTRIES (entry ids, comma
-- separated), VIDAN_THREADS (wrk's -t), VIDAN_DONE_FILE, VIDAN_TOKEN_PREFIX.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } vidan_timespec;
  int clock_gettime(int clock, vidan_timespec *at);
]]
local clock = ffi.new("vidan_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local voters = tonumber(os.getenv("VIDAN_VOTERS"))
local threads = tonumber(os.getenv("VIDAN_THREADS"))
local slug = os.getenv("VIDAN_SLUG")
local done_file = os.getenv("VIDAN_DONE_FILE")
local prefix = os.getenv("VIDAN_TOKEN_PREFIX") or "bench-voter-"
local entries = {}
for id in string.gmatch(os.getenv("VIDAN_ENTRIES"), "%d+") do
  entries[#entries + 1] = id
end

local counter = 0
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

function done(summary, latency, requests)
  report(summary, latency)
end

local index, voter, step, sent_at, back, first_at = nil, nil, 1, 0, nil, nil
local times = { {}, {}, {} }
local visits, refused, unconfirmed, finished = 0, 0, 0, false

local function cookie()
  return "vidan_session=" .. prefix .. voter
end

function request()
  if index == nil then
    index = wrk.thread:get("index")
    voter = index
  end
  sent_at = now_ms()
  first_at = first_at or sent_at
  if finished then
    return wrk.format("GET", "/health")
  end
  if step == 1 then
    return wrk.format("GET", "/challenges/" .. slug .. "/entries", { ["Cookie"] = cookie() })
  elseif step == 2 then
    -- A popular few entries and a long tail, as on a real night.
    local pick = math.floor(((voter * 7919) % #entries) * ((voter * 104729) % #entries) / #entries) + 1
    local headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept"] = "text/html",
      ["Cookie"] = cookie(),
      ["X-Forwarded-For"] = string.format("101.%d.%d.9", math.floor(voter / 250) % 250, voter % 250),
    }
    return wrk.format("POST", "/api/votes/cast", headers, "entry_id=" .. entries[pick])
  else
    return wrk.format("GET", back, { ["Cookie"] = cookie() })
  end
end

local function next_voter()
  voter = voter + threads
  step = 1
  if voter >= voters then
    finished = true
    local f = io.open(done_file .. "." .. index, "w")
    f:write(string.format("%d %d %d %.3f %.3f\n", visits, refused, unconfirmed, first_at, now_ms()))
    for s = 1, 3 do
      f:write(table.concat(times[s], " ") .. "\n")
    end
    f:close()
    wrk.thread:stop()
  end
end

function response(status, headers, body)
  if finished then
    return
  end
  local took = now_ms() - sent_at
  times[step][#times[step] + 1] = string.format("%.3f", took)
  if step == 1 then
    step = 2
  elseif step == 2 then
    local location = headers["Location"] or headers["location"]
    if (status == 303 or status == 302) and location then
      back = string.gsub(location, "#.*$", "")
      step = 3
    else
      refused = refused + 1
      next_voter()
    end
  else
    visits = visits + 1
    -- The confirmation: the page now shows the vote as this citizen's own.
    if status ~= 200 or not string.find(body, "class=\"vote-done\"", 1, true) then
      unconfirmed = unconfirmed + 1
    end
    next_voter()
  end
end
