-- GET the URL given to wrk, as a logged-in person: BENCH_COOKIE ("sessionid=…") for pages,
-- BENCH_AUTH ("Token …") for the API.
local cookie = os.getenv("BENCH_COOKIE") or ""
local auth = os.getenv("BENCH_AUTH") or ""
if cookie ~= "" then wrk.headers["Cookie"] = cookie end
if auth ~= "" then wrk.headers["Authorization"] = auth end
wrk.headers["Accept"] = "text/html,application/json"

dofile((os.getenv("BENCH_LUA") or "bench/lua") .. "/report.lua")
