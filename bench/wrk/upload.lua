-- wrk script: POST the image files listed one per line in $WRK_FILES to $WRK_PATH (default
-- /api/images), in turn, as raw bodies with their Content-Type and the bearer token $WRK_TOKEN.
-- The requests are built once per thread, so the client's own cost per upload is one send.
-- At the end: RESULT requests seconds non2xx socket_errors p50_us p99_us (see paths.lua).
local requests_ready = {}
local next_index = 0

local function content_type(name)
  if name:match("%.png$") then return "image/png" end
  if name:match("%.webp$") then return "image/webp" end
  return "image/jpeg"
end

local threads = 0

-- Runs in the main state once per thread: gives each thread its own starting point in the list.
function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function init(args)
  local path = os.getenv("WRK_PATH") or "/api/images"
  local headers = { ["Authorization"] = "Bearer " .. assert(os.getenv("WRK_TOKEN"), "WRK_TOKEN") }
  for name in io.lines(os.getenv("WRK_FILES")) do
    if name ~= "" then
      local f = assert(io.open(name, "rb"))
      local body = f:read("*a")
      f:close()
      headers["Content-Type"] = content_type(name)
      requests_ready[#requests_ready + 1] = wrk.format("POST", path, headers, body)
    end
  end
  assert(#requests_ready > 0, "WRK_FILES lists no files")
  next_index = (thread_id or 0) * 7 % #requests_ready
end

function request()
  next_index = next_index % #requests_ready + 1
  return requests_ready[next_index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.3f %d %d %d %d\n", summary.requests, summary.duration / 1e6,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(99)))
end
