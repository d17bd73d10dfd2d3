-- wrk prints p50/p75/p90/p99; the API goal is stated at p95, so report it.
-- WRK_INTERVAL_MS paces each connection (a client polling every N ms)
-- instead of sending the next request as soon as an answer arrives; the
-- pause varies by +-50 % so clients do not all ask in the same instant.
local interval = tonumber(os.getenv("WRK_INTERVAL_MS") or "0")
if interval > 0 then
  delay = function() return interval * (0.5 + math.random()) end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors))
end
