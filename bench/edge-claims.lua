-- wrk script: workers leasing tasks through POST /edge/v1/tasks/next.
-- Credentials come from the file named by CREDENTIALS (one per line), round-robin; every
-- leased task id is written to "<LEASED>.<thread>", one per line, for the double-claim check.
local credentials = {}
local counter = 0
local threads = {}
local out = nil
leased, empty, failed = 0, 0, 0

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("CREDENTIALS")) do
    if line ~= "" then table.insert(credentials, line) end
  end
  counter = offset * 7919
  out = io.open(os.getenv("LEASED") .. "." .. offset, "w")
end

function request()
  counter = counter + 1
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. credentials[(counter % #credentials) + 1],
  }
  return wrk.format("POST", "/edge/v1/tasks/next", headers, "{}")
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    return
  end
  local id = body:match('"task":{"id":"([%x%-]+)"')
  if id then
    leased = leased + 1
    out:write(id, "\n")
    out:flush()
  else
    empty = empty + 1
  end
end

function done(summary, latency, requests)
  local totals = { leased = 0, empty = 0, failed = 0 }
  for _, thread in ipairs(threads) do
    totals.leased = totals.leased + thread:get("leased")
    totals.empty = totals.empty + thread:get("empty")
    totals.failed = totals.failed + thread:get("failed")
  end
  io.write(string.format("RESULT %d %d %d %.2f %.2f\n", totals.leased, totals.empty,
    totals.failed, summary.duration / 1e6, latency:percentile(99) / 1000))
end
