-- GET /v1/me with 'Authorization: Bearer <token>' for a random seeded victim.
local C = dofile((os.getenv("WRK_DIR") or "wrk") .. "/common.lua")
local tokens, cases, n
function setup(thread) C.setup(thread) end
function init(args)
  tokens, cases, n = C.load_targets()
  C.install_strict()
end
function request()
  return wrk.format("GET", C.base_path() .. "/v1/me", { ["Authorization"] = tokens[math.random(n)] })
end
function done(s, l, r) C.done(s, l, r) end
