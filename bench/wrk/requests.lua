-- wrk script for bench/serve.sh. Cycles through a list of prepared requests, each thread from its
-- own starting point, with the bearer token $WRK_TOKEN when set:
--   $WRK_PATHS  a file listing request paths, one per line: GETs them in turn;
--   $WRK_FILES  a file listing image files, one per line: POSTs each as a raw body with its
--               Content-Type to $WRK_PATH (default /api/images).
-- Requests are built once per thread, so the client's own cost per request is one send. At the
-- end it prints one machine-readable line:
--   RESULT requests seconds non2xx socket_errors p50_us p99_us
local prepared = {}
local next_index = 0
local threads = 0

local function content_type(name)
  if name:match("%.png$") then return "image/png" end
  if name:match("%.webp$") then return "image/webp" end
  return "image/jpeg"
end

local function read_all(name)
  local f = assert(io.open(name, "rb"))
  local body = f:read("*a")
  f:close()
  return body
end

-- Runs in the main state once per thread: gives each thread its own starting point in the list.
function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

function init(args)
  local headers = {}
  local token = os.getenv("WRK_TOKEN")
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  local files = os.getenv("WRK_FILES")
  if files then
    local path = os.getenv("WRK_PATH") or "/api/images"
    for name in io.lines(files) do
      if name ~= "" then
        headers["Content-Type"] = content_type(name)
        prepared[#prepared + 1] = wrk.format("POST", path, headers, read_all(name))
      end
    end
  else
    local paths = assert(os.getenv("WRK_PATHS"), "set WRK_PATHS or WRK_FILES")
    for line in io.lines(paths) do
      if line ~= "" then prepared[#prepared + 1] = wrk.format("GET", line, headers) end
    end
  end
  assert(#prepared > 0, "the list names no requests")
  next_index = (thread_id or 0) * 7 % #prepared
end

function request()
  next_index = next_index % #prepared + 1
  return prepared[next_index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %.3f %d %d %d %d\n", summary.requests, summary.duration / 1e6,
    e.status, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(99)))
end
