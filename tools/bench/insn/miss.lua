-- SPDX-License-Identifier: GPL-2.0
-- miss.lua - wrk script of the insn section (tools/bench/bench.py):
-- GET /fib/N with every N asked once, so that each is a cache miss that
-- khttpd computes: N = FIRST, FIRST + STRIDE, ... shared out among the
-- threads (thread k starts at FIRST + k * STRIDE / |STRIDE|).  The bench
-- counts down from 9,999 in one run and up from 10,000 in the next.
-- Usage: wrk -t T ... -s miss.lua URL -- STRIDE FIRST  (|STRIDE| = T)
local started = 0

function setup(thread)
	thread:set("id", started)
	started = started + 1
end

function init(args)
	stride = tonumber(args[1]) or 1
	n = (tonumber(args[2]) or 10000) + id * (stride < 0 and -1 or 1)
end

function request()
	local r = wrk.format(nil, "/fib/" .. n)
	n = n + stride
	return r
end
