-- Shared by the bench scripts: at the end, one machine-readable line with the figures
-- (wrk --latency prints 50/75/90/99 only; this adds p95 and the error counts).
function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests": %d, "duration_s": %.3f, "rps": %.2f, "mean_ms": %.2f, '
      .. '"p50_ms": %.2f, "p75_ms": %.2f, "p90_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, '
      .. '"max_ms": %.2f, "bytes": %d, "errors_connect": %d, "errors_read": %d, '
      .. '"errors_write": %d, "errors_status": %d, "errors_timeout": %d}\n',
      summary.requests, secs, summary.requests / secs, latency.mean / 1000,
      latency:percentile(50) / 1000, latency:percentile(75) / 1000,
      latency:percentile(90) / 1000, latency:percentile(95) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout))
end
