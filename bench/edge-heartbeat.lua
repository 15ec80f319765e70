-- wrk script for bench/edge: heartbeats round-robin over every enrolled worker's credential.
--
-- Reads the credentials from the file named by $CREDENTIALS (one wk_live_… per line). Each
-- wrk thread walks the list with its own counter, starting at a different offset, so the
-- threads and their connections spread over all workers. With no credentials (the bare
-- axum baseline) it sends the same body without an Authorization header.
-- done() prints: RESULT <requests/s> <p99 ms> <errors (non-2xx, socket)>
local credentials = {}
local body = '{"sent_at":"2026-11-22T12:00:00Z","version":"0.1.0","platform":"linux",'
  .. '"arch":"x86_64","state":"idle","active_task":null,"uptime_seconds":5,"last_error":null}'
local counter = 0
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  local path = os.getenv("CREDENTIALS")
  if path and path ~= "" then
    for line in io.lines(path) do
      if line ~= "" then table.insert(credentials, line) end
    end
  end
  -- Threads start far apart in the list (7919 is prime, so offsets do not collide).
  counter = offset * 7919
end

function request()
  counter = counter + 1
  local headers = { ["Content-Type"] = "application/json" }
  if #credentials > 0 then
    headers["Authorization"] = "Bearer " .. credentials[(counter % #credentials) + 1]
  end
  return wrk.format("POST", "/edge/v1/heartbeat", headers, body)
end

function done(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000, errors))
end
