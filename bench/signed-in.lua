-- Pages as signed-in people open them: each request carries one of many sessions made beforehand
-- (VIDAN_TOKEN_PREFIX followed by 0 … VIDAN_SESSIONS-1), in turn, so that every answer is
-- rendered for its own person (their name, their vote, their unread count). Load after
-- wrk-report.lua.
--
-- Environment: VIDAN_PATH, VIDAN_SESSIONS, VIDAN_TOKEN_PREFIX, VIDAN_THREADS (wrk's -t).

local path = os.getenv("VIDAN_PATH")
local sessions = tonumber(os.getenv("VIDAN_SESSIONS"))
local prefix = os.getenv("VIDAN_TOKEN_PREFIX")
local threads = tonumber(os.getenv("VIDAN_THREADS"))

local counter = 0
function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
end

local index, n = nil, 0

function request()
  if index == nil then
    index = wrk.thread:get("index")
  end
  local i = (index + n * threads) % sessions
  n = n + 1
  return wrk.format("GET", path, { ["Cookie"] = "vidan_session=" .. prefix .. i })
end
