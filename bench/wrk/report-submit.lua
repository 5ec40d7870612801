-- wrk script for bench/report-submit.sh: anonymous POST /v1/reports, each body a little
-- different (description and reporter email carry a per-thread counter), spread over the
-- forces in $FORCES (space-separated codes, default "kent"). No Idempotency-Key is sent.
local forces = {}
for code in string.gmatch(os.getenv("FORCES") or "kent", "%S+") do table.insert(forces, code) end

local threads = {}
local next_thread = 1

function setup(thread)
  thread:set("tid", next_thread)
  table.insert(threads, thread)
  next_thread = next_thread + 1
end

local counter = 0
status_ok, status_other = 0, 0 -- globals: done() reads them with thread:get

request = function()
  counter = counter + 1
  local force = forces[(counter % #forces) + 1]
  local body = string.format(
    '{"force":"%s","category":"bicycle-theft","description":"Bicycle taken from the station rack (bench %d-%d).",' ..
    '"occurred_from":"2026-11-30T08:00:00Z","occurred_to":"2026-11-30T17:30:00Z",' ..
    '"location":{"description":"Station car park","postcode":"ct1 2rb","latitude":51.2743,"longitude":1.0757},' ..
    '"reporter":{"name":"Bench Reporter","email":"bench-%d-%d@example.com","phone":"07700 900123"},' ..
    '"property":[{"kind":"stolen","category":"bicycle","description":"Blue road bike","estimated_value_pence":85000}],' ..
    '"not_an_emergency":true}', force, tid, counter, tid, counter)
  return wrk.format("POST", "/v1/reports", { ["Content-Type"] = "application/json" }, body)
end

response = function(status, headers, body)
  if status == 201 then status_ok = status_ok + 1 else status_other = status_other + 1 end
end

done = function(summary, latency, requests)
  local created, other = 0, 0
  for _, t in ipairs(threads) do
    created = created + (t:get("status_ok") or 0)
    other = other + (t:get("status_other") or 0)
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT requests=%d created=%d other_status=%d socket_errors=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
    summary.requests, created, other,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    seconds, summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
