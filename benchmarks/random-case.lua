-- wrk script: each request asks for a case page chosen at random among the corpus's N cases
-- (wrk ... -s random-case.lua URL -- N), so the load run is not answered from the page cache alone.
local n = 1000

function init(args)
  n = tonumber(args[1]) or n
  math.randomseed(os.time() + math.random(1000))
end

function request()
  return wrk.format("GET", string.format("/id/case/synthetic-%05d", math.random(0, n - 1)))
end
