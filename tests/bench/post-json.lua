-- wrk script: POST a 1 KiB JSON webhook and report what the benchmark needs.
local payload = '{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","type":"invoice.paid","data":{"object":{"id":"in_1NG8Du2eZvKYlo2C","customer":"cus_9s6XKzkNRiz8i3","amount_paid":2000,"currency":"usd","lines":['
local items = {}
for i = 1, 12 do
  items[#items + 1] = string.format('{"id":"il_%04d","amount":%d,"description":"Line item number %d for the benchmark"}', i, i * 100, i)
end
payload = payload .. table.concat(items, ",") .. ']}}}'
payload = payload .. string.rep(" ", math.max(0, 1024 - #payload))

wrk.method = "POST"
wrk.body = payload
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Stripe-Signature"] = "t=1700000000,v1=92a67d03f3996371aee723f680b97033696bcd5bb8a1826c465e55a4d569d2c1"

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("ok_2xx %d\n", summary.requests - non2xx - failed))
  io.write(string.format("socket_errors %d\n", failed))
  io.write(string.format("req_per_s %.0f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("p50_ms %.3f\n", latency:percentile(50) / 1000))
  io.write(string.format("p99_ms %.3f\n", latency:percentile(99) / 1000))
end
