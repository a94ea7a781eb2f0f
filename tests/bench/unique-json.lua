-- wrk script: 1 KiB JSON POSTs, each with its own event id and path, to fill a store with
-- distinguishable captures.
local counter = 0
local filler = string.rep("x", 860)

request = function()
  counter = counter + 1
  local body = string.format('{"id":"evt_%d","object":"event","type":"invoice.paid","data":{"object":{"amount_paid":%d,"note":"%s"}}}', counter, counter % 9973, filler)
  return wrk.format("POST", "/webhooks/stripe/" .. counter, {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  io.write(string.format("req_per_s %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("p99_ms %.1f\n", latency:percentile(99) / 1000))
end
