-- wrk posts a comment form, each request with its own text, name and email.
-- Read from the environment (bench/ingest.py sets them):
--   WRK_FIELDS   the form's fixed fields, url-encoded (CSRF token, signed target...)
--   WRK_NAMES    the names of the text, name and email fields, comma-separated
--   WRK_COOKIE   the Cookie header (the CSRF cookie)
--   WRK_REFERER  the article's URL (Django's CSRF check on https wants it; harmless here)
--   WRK_FORWARD  "1": a different X-Forwarded-For per request (one address per reader,
--                behind a proxy the site trusts), so a flood check keyed on IP runs for real
--   WRK_ACCEPTED the status of an accepted comment (303 ours, 302 the peer)
--   WRK_TEXTS    a file of texts, one per line
--   WRK_RUN      this run's number (0-15), so that no two runs post as the same reader

local fields = os.getenv("WRK_FIELDS")
local names = {}
for name in string.gmatch(os.getenv("WRK_NAMES"), "[^,]+") do
  names[#names + 1] = name
end
local accepted_status = tonumber(os.getenv("WRK_ACCEPTED"))
local forward = os.getenv("WRK_FORWARD") == "1"
local run = tonumber(os.getenv("WRK_RUN"))
local texts = {}
for line in io.lines(os.getenv("WRK_TEXTS")) do
  texts[#texts + 1] = line
end

local function encode(s)
  return (string.gsub(s, "[^%w%-_%.~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

function init(args)
  counter = 0
  accepted = 0
  refused = 0
end

function request()
  counter = counter + 1
  local n = run * 1000000 + id * 100000 + counter
  local text = texts[(n % #texts) + 1] .. " [" .. n .. "]"
  local body = fields .. "&" .. names[1] .. "=" .. encode(text) .. "&" .. names[2] .. "="
    .. encode("Lettore " .. n) .. "&" .. names[3] .. "=" .. encode("lettore" .. n .. "@example.org")
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = os.getenv("WRK_COOKIE"),
    ["Referer"] = os.getenv("WRK_REFERER"),
  }
  if forward then
    local a, b = math.floor(n / 65536), math.floor(n / 256) % 256
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", a, b, n % 256)
  end
  return wrk.format("POST", nil, headers, body)
end

function response(status, headers, body)
  if status == accepted_status then
    accepted = accepted + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local a, r = 0, 0
  for _, thread in ipairs(threads) do
    a = a + thread:get("accepted")
    r = r + thread:get("refused")
  end
  io.write(string.format(
    "RESULT {\"accepted\": %d, \"refused\": %d, \"seconds\": %.3f, \"errors\": %d, \"p50_ms\": %.2f, \"p99_ms\": %.2f}\n",
    a, r, summary.duration / 1e6,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
