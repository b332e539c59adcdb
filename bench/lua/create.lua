-- POST /api/tickets/ as the desk (BENCH_AUTH "Token …"): a phone call logged for BENCH_REQUESTER
-- on DEMO-DESKTOP, P3, hardware. Every request has its own title.
local auth = os.getenv("BENCH_AUTH") or ""
local requester = os.getenv("BENCH_REQUESTER") or "0"
local run = os.getenv("BENCH_RUN") or "run"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = auth

local threads = 0
function setup(thread)
   threads = threads + 1
   thread:set("tid", threads)
end

local n = 0
function request()
   n = n + 1
   local body = string.format(
      '{"contract": "DEMO-DESKTOP", "service_type": "hardware", "title": "压测工单 %s t%d #%d", '
      .. '"description": "wrk benchmark", "requester": %s, "priority": 3, "channel": "phone"}',
      run, tid or 0, n, requester)
   return wrk.format(nil, nil, nil, body)
end

dofile((os.getenv("BENCH_LUA") or "bench/lua") .. "/report.lua")
