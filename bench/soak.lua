-- wrk script of bench/soak.py: every request takes the next path of the list
-- in the file named by the first script argument (one path a line, the mix
-- of list, detail, search and export requests already shuffled in).
local paths = {}
local position = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      paths[#paths + 1] = line
    end
  end
  -- Threads start at different places in the list.
  position = math.random(#paths)
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end
