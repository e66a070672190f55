-- wrk script for make bench: POSTs the catalog-request form, each request with its own
-- idempotency key (the same key would be answered from the first record, not stored again).
-- The values are obviously fictional. BENCH_SEED (a number) keeps parallel wrk processes
-- apart.
local counter = 0
local prefix

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) +
    1000003 * tonumber(os.getenv("BENCH_SEED") or "0"))
  prefix = string.format("%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
end

local body_rest = "&website=&models=" .. (os.getenv("BENCH_MODEL") or "sorane") ..
  "&name=%E8%A6%8B%E6%9C%AC+%E5%A4%AA%E9%83%8E&postal_code=100-0001&prefecture=13" ..
  "&address1=%E6%9E%B6%E7%A9%BA%E5%8C%BA%E8%A6%8B%E6%9C%AC%E7%94%BA1-2-3"

function request()
  counter = counter + 1
  local body = "idem=" .. prefix .. string.format("%016x", counter) .. body_rest
  return wrk.format("POST", "/request",
    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end

function done(summary, latency, requests)
  -- 4xx and 5xx answers (a 303 is the success here)
  io.write(string.format("errors %d\n", summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
end
