-- wrk reporter: one JSON line with requests/s and latency percentiles (microseconds).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    '{"rps":%.1f,"p50":%d,"p95":%d,"p99":%d,"requests":%d,"errors":%d,"non2xx":%d}\n',
    summary.requests / seconds,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
