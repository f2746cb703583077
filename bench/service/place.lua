-- wrk script for bench/service/wrk_load.sh: every request places a new VM (unique ids).
-- Each request places a new VM: unique ids per thread and request.
local counter = 0
local tid = 0
local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end
function request()
  counter = counter + 1
  local body = string.format('{"id":"w%d-%d","requests":{"cpu":%g,"mem":%d}}', tid, counter, 0.5 + (counter % 4) * 0.5, 1 + counter % 8)
  return wrk.format(nil, "/v1/placements", nil, body)
end
