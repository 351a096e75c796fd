-- wrk script: GET the request paths listed one per line in $WRK_PATHS, in turn, with an optional
-- bearer token from $WRK_TOKEN. At the end it prints one machine-readable line for bench/serve.sh:
--   RESULT requests seconds non2xx socket_errors p50_us p99_us
local paths = {}
local next_index = 0
local headers = {}

local threads = 0

-- Runs in the main state once per thread: gives each thread its own starting point in the list.
function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function init(args)
  for line in io.lines(os.getenv("WRK_PATHS")) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  assert(#paths > 0, "WRK_PATHS lists no paths")
  local token = os.getenv("WRK_TOKEN")
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  next_index = (thread_id or 0) * 7 % #paths
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.3f %d %d %d %d\n", summary.requests, summary.duration / 1e6,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(99)))
end
