-- wrk script for the scale-out runs (wrk ... -s mixed-pages.lua URL -- N): nine requests in ten ask
-- for a case page chosen at random among the corpus's N cases, the tenth for the case-timeline
-- saved query's page of a case chosen at random (a saved query runs in a query worker, with the
-- time limit). At the end it prints the latency percentiles wrk's own report leaves out (p95).
local n = 1000
local sent = 0
local threads = {}
statuses = {}  -- answers by HTTP status, in each thread (read by done)

-- each wrk thread has its own Lua state: give each its own seed, or they ask for the same pages
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  n = tonumber(args[1]) or n
  math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
  sent = sent + 1
  local slug = string.format("synthetic-%05d", math.random(0, n - 1))
  if sent % 10 == 0 then
    return wrk.format("GET", "/queries/case-timeline?case=" .. slug)
  end
  return wrk.format("GET", "/id/case/" .. slug)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  -- microseconds
  io.write(string.format("PERCENTILES p50=%d p95=%d p99=%d max=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
  io.write(string.format("ERRORS connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("STATUS %d=%d\n", status, count))
  end
end
