-- wrk script for the deadline rush (tests/bench/rush.mjs): every line of
-- the input file is one bid, "cookie<TAB>form body", posted once. Threads
-- take every n-th line and idle when their lines are done. Each
-- answer's status, receipt number and bid hash go to one file per thread,
-- so the caller can match every receipt to a stored bid.
--   wrk -t N -c C -d 300s -s rush.lua URL -- BIDS_FILE N OUT_DIR PATH
local threads = {}
local counter = 0

function setup(thread)
	thread:set("tid", counter)
	counter = counter + 1
	table.insert(threads, thread)
end

local reqs = {}
local idx = 0
local out

function init(args)
	local file, n, dir, path = args[1], tonumber(args[2]), args[3], args[4]
	local i = 0
	for line in io.lines(file) do
		if i % n == tid then
			local cookie, body = line:match("^([^\t]*)\t(.*)$")
			reqs[#reqs + 1] = wrk.format("POST", path, {
				["Cookie"] = cookie,
				["Content-Type"] = "application/x-www-form-urlencoded",
				["Accept"] = "application/json" }, body)
		end
		i = i + 1
	end
	out = io.open(dir .. "/wrk-" .. tid .. ".txt", "w")
	donefile = dir .. "/done-" .. tid
end

-- Answers so far; when all of this thread's are in, a done-N file tells
-- the caller (cheaper for it than counting lines while the rush runs).
local got = 0

-- Once its bids are sent a connection idles (a cheap request a second)
-- until the caller, who counts the answers, interrupts wrk: stopping the
-- thread would drop the answers still in flight on its other connections.
function delay()
	if idx >= #reqs then
		return 1000
	end
	return 0
end

function request()
	idx = idx + 1
	if idx > #reqs then
		return wrk.format("GET", "/health/live")
	end
	return reqs[idx]
end

function response(status, headers, body)
	local no = body:match('"receipt_no":"([^"]*)"')
	if no == nil and status == 200 then
		return	-- the /health/live filler after the last bid
	end
	out:write(status, " ", no or "-", " ",
	    body:match('"bid_sha256":"([^"]*)"') or "-", "\n")
	out:flush()
	got = got + 1
	if got == #reqs then
		local f = io.open(donefile, "w")
		f:write(got, "\n")
		f:close()
	end
end

function done(summary, latency, requests)
	io.write(string.format("RUSH requests %d duration_us %d p50_us %d p99_us %d\n",
	    summary.requests, summary.duration, latency:percentile(50),
	    latency:percentile(99)))
end
