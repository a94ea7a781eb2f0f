-- wrk script: post-json.lua's webhook, each connection pausing HOOKSCOPE_DELAY_MS between
-- requests, so connections x 1000 / delay caps the rate (e.g. 20 connections, 2 ms: 10,000/s).
dofile(os.getenv("HOOKSCOPE_BENCH_DIR") .. "/post-json.lua")
local pause = tonumber(os.getenv("HOOKSCOPE_DELAY_MS") or "2")

function delay()
  return pause
end
