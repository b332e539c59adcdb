-- POST the portal's new-ticket form (/tickets/new/) as a logged-in end user: BENCH_COOKIE
-- ("sessionid=…; csrftoken=…") and BENCH_CSRF (the csrftoken, sent again as the form field, as
-- a browser does). Each request has its own submission key (a resubmitted key returns the
-- first ticket) and title; the answer is a 302 to the new ticket. DEMO-DESKTOP, hardware.
local cookie = os.getenv("BENCH_COOKIE") or ""
local csrf = os.getenv("BENCH_CSRF") or ""
local run = os.getenv("BENCH_RUN") or "run"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = cookie

local function urlencode(text)
   return (text:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("tid", threads)
end

function init(args)
   math.randomseed(os.time() * 1000 + (tid or 0))
end

local function uuid4()  -- random, version 4; 16-bit pieces (Lua numbers are doubles)
   local r = function(max) return math.random(0, max) end
   return string.format("%04x%04x-%04x-4%03x-%04x-%04x%04x%04x", r(0xffff), r(0xffff),
      r(0xffff), r(0xfff), math.random(0x8000, 0xbfff), r(0xffff), r(0xffff), r(0xffff))
end

local n = 0
function request()
   n = n + 1
   local body = "csrfmiddlewaretoken=" .. urlencode(csrf)
      .. "&submission_key=" .. uuid4()
      .. "&contract=DEMO-DESKTOP&kind=fault&service_type=hardware"
      .. "&title=" .. urlencode(string.format("压测工单 %s portal t%d #%d", run, tid or 0, n))
      .. "&description=" .. urlencode("wrk benchmark, portal form")
   return wrk.format(nil, nil, nil, body)
end

dofile((os.getenv("BENCH_LUA") or "bench/lua") .. "/report.lua")
