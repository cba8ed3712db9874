-- SPDX-License-Identifier: GPL-2.0
-- pipeline.lua - wrk script of the insn section (tools/bench/bench.py):
-- every write on a connection carries 16 requests for the URL's path;
-- wrk counts the 16 responses one by one.
local depth = 16

function init(args)
	local batch = {}
	for i = 1, depth do
		batch[i] = wrk.format()
	end
	requests = table.concat(batch)
end

function request()
	return requests
end
