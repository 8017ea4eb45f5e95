/**
 * @module adapters/redis/lua-scripts
 * The Lua scripts that change the shared cluster state atomically in Redis. Every script receives
 * the state key prefix as ARGV[1] and builds its keys from it (the set of keys a reap touches is
 * only known inside the script). On a Redis Cluster that prefix is the hash tag `{P}`, so every key
 * a script builds is in the slot of the key it declares (KEYS[1], see scripts.ts). Each change
 * returns its transition, so exactly one caller in the cluster sees it.
 *
 * Layout (P = key prefix, A = URI-encoded app id, C = channel name, N = node id):
 *   P app:A:conns        hash socket -> N                  connection counts
 *   P app:A:chans        set of occupied channels           channel listing
 *   P app:A:subs:C       hash socket -> N                  subscription counts
 *   P app:A:psock:C      hash socket -> JSON [user, N]     presence connections
 *   P app:A:pref:C       hash user -> connection count     unique users (HLEN)
 *   P app:A:pinfo:C      hash user -> user_info JSON       member list
 *   P node:N             set of JSON [kind, A, C, socket]  what node N owns, for reaping
 *   P nodes              sorted set N -> last heartbeat (Redis server time, ms)
 *   P pending:N          list of JSON change rows node N still has to report (see PENDING_CHANGES)
 *   P reaped:N           marker: node N was reaped by a survivor (expires, see REAPED_MARKER_TTL_MS)
 *   P resyncing:N        marker: node N's running resync reports every addition (see RESYNC_BEGIN)
 *   P rate:{A}:K         hash {w, n}: REST rate-limit units granted in window w (see RATE_QUOTA)
 */

/**
 * How long the marker of a reaped node lives: a node cut off for longer than this and then back
 * re-announces only what joined while it was cut off, not everything it holds.
 */
export const REAPED_MARKER_TTL_MS = 24 * 60 * 60 * 1000;

/** Functions shared by every state script. */
const LIBRARY = `
local P = ARGV[1]
local function akey(app, suffix) return P .. 'app:' .. app .. ':' .. suffix end
local function ckey(app, kind, ch) return P .. 'app:' .. app .. ':' .. kind .. ':' .. ch end
local function nkey(node) return P .. 'node:' .. node end
local function entry(kind, app, ch, sock) return cjson.encode({kind, app, ch, sock}) end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function touch(app, ch)
  if redis.call('EXISTS', ckey(app, 'subs', ch)) == 1 or redis.call('EXISTS', ckey(app, 'pref', ch)) == 1 then
    redis.call('SADD', akey(app, 'chans'), ch)
  else
    redis.call('SREM', akey(app, 'chans'), ch)
  end
end
local function conn_add(app, sock, node)
  local k = akey(app, 'conns')
  local prev = redis.call('HGET', k, sock)
  if prev and prev ~= node then redis.call('SREM', nkey(prev), entry('c', app, '', sock)) end
  redis.call('HSET', k, sock, node)
  redis.call('SADD', nkey(node), entry('c', app, '', sock))
  return redis.call('HLEN', k)
end
local function conn_remove(app, sock)
  local k = akey(app, 'conns')
  local owner = redis.call('HGET', k, sock)
  if not owner then return -1 end
  redis.call('HDEL', k, sock)
  redis.call('SREM', nkey(owner), entry('c', app, '', sock))
  return redis.call('HLEN', k)
end
local function sub_add(app, ch, sock, node)
  local k = ckey(app, 'subs', ch)
  if redis.call('HEXISTS', k, sock) == 1 then return {redis.call('HLEN', k), 0} end
  redis.call('HSET', k, sock, node)
  redis.call('SADD', nkey(node), entry('s', app, ch, sock))
  local n = redis.call('HLEN', k)
  if n == 1 then redis.call('SADD', akey(app, 'chans'), ch) end
  if n == 1 then return {n, 1} end
  return {n, 0}
end
local function sub_remove(app, ch, sock)
  local k = ckey(app, 'subs', ch)
  local owner = redis.call('HGET', k, sock)
  if not owner then return false end
  redis.call('HDEL', k, sock)
  redis.call('SREM', nkey(owner), entry('s', app, ch, sock))
  local n = redis.call('HLEN', k)
  if n == 0 then
    touch(app, ch)
    return {0, 1}
  end
  return {n, 0}
end
local function member_add(app, ch, sock, node, user, info, max)
  local sk = ckey(app, 'psock', ch)
  local rk = ckey(app, 'pref', ch)
  local ik = ckey(app, 'pinfo', ch)
  local existing = redis.call('HGET', sk, sock)
  if existing then
    if cjson.decode(existing)[1] ~= user then return {-1} end
    return {redis.call('HLEN', rk), 0, redis.call('HGET', ik, user) or 'null'}
  end
  if max > 0 and redis.call('HEXISTS', rk, user) == 0 then
    local users = redis.call('HLEN', rk)
    if users >= max then return {-2, users} end
  end
  redis.call('HSET', sk, sock, cjson.encode({user, node}))
  redis.call('SADD', nkey(node), entry('m', app, ch, sock))
  local refs = redis.call('HINCRBY', rk, user, 1)
  if refs == 1 then redis.call('HSET', ik, user, info) end
  redis.call('SADD', akey(app, 'chans'), ch)
  local added = 0
  if refs == 1 then added = 1 end
  return {redis.call('HLEN', rk), added, redis.call('HGET', ik, user) or 'null'}
end
local function member_remove(app, ch, sock)
  local sk = ckey(app, 'psock', ch)
  local rk = ckey(app, 'pref', ch)
  local ik = ckey(app, 'pinfo', ch)
  local existing = redis.call('HGET', sk, sock)
  if not existing then return false end
  local decoded = cjson.decode(existing)
  local user, owner = decoded[1], decoded[2]
  redis.call('HDEL', sk, sock)
  redis.call('SREM', nkey(owner), entry('m', app, ch, sock))
  local refs = redis.call('HINCRBY', rk, user, -1)
  local info = redis.call('HGET', ik, user) or 'null'
  local removed = 0
  if refs <= 0 then
    redis.call('HDEL', rk, user)
    redis.call('HDEL', ik, user)
    touch(app, ch)
    removed = 1
  end
  return {user, info, redis.call('HLEN', rk), removed}
end
local function stash(node, out)
  for _, row in ipairs(out) do redis.call('RPUSH', P .. 'pending:' .. node, cjson.encode(row)) end
  return #out
end
local function remove_entry(e, out)
  local d = cjson.decode(e)
  local kind, app, ch, sock = d[1], d[2], d[3], d[4]
  if kind == 'c' then
    conn_remove(app, sock)
  elseif kind == 's' then
    local r = sub_remove(app, ch, sock)
    if r then table.insert(out, {'s', app, ch, sock, r[1], r[2], '', '', 'r'}) end
  elseif kind == 'm' then
    local r = member_remove(app, ch, sock)
    if r then table.insert(out, {'m', app, ch, sock, r[3], r[4], r[1], r[2], 'r'}) end
  end
end
`;

/** ARGV: P, app, socket, node -> cluster-wide connection count. */
export const ADD_CONNECTION = `${LIBRARY}
return conn_add(ARGV[2], ARGV[3], ARGV[4])`;

/** ARGV: P, app, socket -> count after, or -1 when unknown. */
export const REMOVE_CONNECTION = `${LIBRARY}
return conn_remove(ARGV[2], ARGV[3])`;

/** ARGV: P, app, channel, socket, node -> {count, transitioned}. */
export const ADD_SUBSCRIPTION = `${LIBRARY}
return sub_add(ARGV[2], ARGV[3], ARGV[4], ARGV[5])`;

/** ARGV: P, app, channel, socket -> {count, transitioned} or nil when not subscribed. */
export const REMOVE_SUBSCRIPTION = `${LIBRARY}
return sub_remove(ARGV[2], ARGV[3], ARGV[4])`;

/**
 * ARGV: P, app, channel, socket, node, user, info, maxMembers ('0': none) ->
 * {userCount, transitioned, info}, {-1} (socket is another user) or {-2, userCount} (limit reached:
 * a new user and the channel already has maxMembers users; nothing changed).
 */
export const ADD_MEMBER = `${LIBRARY}
return member_add(ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], tonumber(ARGV[8]) or 0)`;

/** ARGV: P, app, channel, socket -> {user, info, userCount, transitioned} or nil. */
export const REMOVE_MEMBER = `${LIBRARY}
return member_remove(ARGV[2], ARGV[3], ARGV[4])`;

/** ARGV: P, app, channel -> {subscriptionCount, userCount}. */
export const CHANNEL_STATE = `${LIBRARY}
return {redis.call('HLEN', ckey(ARGV[2], 'subs', ARGV[3])), redis.call('HLEN', ckey(ARGV[2], 'pref', ARGV[3]))}`;

/** ARGV: P, app, prefix ('' for all) -> flat {channel, subscriptionCount, userCount, ...}. */
export const CHANNELS = `${LIBRARY}
local app, prefix = ARGV[2], ARGV[3]
local out = {}
for _, ch in ipairs(redis.call('SMEMBERS', akey(app, 'chans'))) do
  if prefix == '' or string.sub(ch, 1, #prefix) == prefix then
    table.insert(out, ch)
    table.insert(out, redis.call('HLEN', ckey(app, 'subs', ch)))
    table.insert(out, redis.call('HLEN', ckey(app, 'pref', ch)))
  end
end
return out`;

/** ARGV: P, app, channel -> flat {user, info, ...}. */
export const MEMBERS = `${LIBRARY}
return redis.call('HGETALL', ckey(ARGV[2], 'pinfo', ARGV[3]))`;

/**
 * ARGV: P, node, nodeTimeoutMs -> {wasRegistered, {deadNode, ...}}. Records the heartbeat with the
 * Redis server's clock (node clocks never matter) and lists nodes silent for longer than the timeout.
 */
export const HEARTBEAT = `${LIBRARY}
local now = now_ms()
local present = redis.call('ZSCORE', P .. 'nodes', ARGV[2])
redis.call('ZADD', P .. 'nodes', now, ARGV[2])
local dead = redis.call('ZRANGEBYSCORE', P .. 'nodes', '-inf', now - tonumber(ARGV[3]))
local registered = 0
if present then registered = 1 end
return {registered, dead}`;

/**
 * ARGV: P, deadNode, nodeTimeoutMs, force ('1' on clean leave), reporter -> number of changes, or
 * nil when the node is alive or another survivor already claimed it. Claiming (ZREM) and removing
 * happen in one script, so exactly one caller reaps each dead node. The changes are appended to the
 * reporter's pending list (not only returned), so a reply lost to a timeout loses nothing.
 * Change rows: {'s', app, channel, socket, count, transitioned, '', '', direction} or
 *              {'m', app, channel, socket, userCount, transitioned, user, info, direction}
 * with direction 'a' (added) or 'r' (removed; also assumed when a row has no direction).
 */
export const REAP_NODE = `${LIBRARY}
local dead = ARGV[2]
if ARGV[4] ~= '1' then
  local score = redis.call('ZSCORE', P .. 'nodes', dead)
  if not score then return false end
  if tonumber(score) > now_ms() - tonumber(ARGV[3]) then return false end
end
redis.call('ZREM', P .. 'nodes', dead)
if ARGV[4] ~= '1' then redis.call('SET', P .. 'reaped:' .. dead, '1', 'PX', ${REAPED_MARKER_TTL_MS}) end
local out = {}
for _, e in ipairs(redis.call('SMEMBERS', nkey(dead))) do remove_entry(e, out) end
redis.call('DEL', nkey(dead))
if ARGV[4] == '1' then
  redis.call('DEL', P .. 'pending:' .. dead)
  redis.call('DEL', P .. 'resyncing:' .. dead)
  return 0
end
return stash(ARGV[5], out)`;

/** Refreshes the heartbeat of a node that is still registered (never registers it). */
const REFRESH = `
local function refresh(node) redis.call('ZADD', P .. 'nodes', 'XX', now_ms(), node) end
`;

/**
 * A resynchronization is a sequence of bounded steps (see resync.ts): RESYNC_BEGIN, then
 * RESYNC_REMOVE and RESYNC_ADD calls of at most a few hundred KiB each, then RESYNC_FINISH. Each
 * step is atomic; together they rewrite what the node holds into Redis. Every step refreshes the
 * node's heartbeat (when it is registered), so no survivor reaps it halfway. Changes go to the
 * node's pending list (rows as REAP_NODE) and are reported after RESYNC_FINISH.
 *
 * RESYNC_BEGIN. ARGV: P, node -> 1 when every addition must be reported (the node was reaped while
 * cut off, so its removals were announced; remembered in `resyncing:N` until RESYNC_FINISH, so a
 * resync interrupted by another outage still reports them), else 0.
 */
export const RESYNC_BEGIN = `${LIBRARY}${REFRESH}
local node = ARGV[2]
local mark = P .. 'resyncing:' .. node
if redis.call('DEL', P .. 'reaped:' .. node) == 1 then
  redis.call('SET', mark, '1', 'PX', ${REAPED_MARKER_TTL_MS})
end
refresh(node)
return redis.call('EXISTS', mark)`;

/**
 * RESYNC_REMOVE. ARGV: P, node, then groups of four (kind, app, channel, socket) naming entries
 * the node no longer holds -> number of changes. Each entry Redis still has for the node is removed
 * and its removal reported (direction 'r').
 */
export const RESYNC_REMOVE = `${LIBRARY}${REFRESH}
local node = ARGV[2]
local out = {}
for i = 3, #ARGV, 4 do
  local e = entry(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])
  if redis.call('SISMEMBER', nkey(node), e) == 1 then remove_entry(e, out) end
end
refresh(node)
return stash(node, out)`;

/**
 * RESYNC_ADD. ARGV: P, node, then groups of seven (kind, app, channel, socket, user, info,
 * unannounced) describing entries the node holds -> number of changes. Entries Redis lacks are
 * added back. Additions (direction 'a') are reported when the cluster never heard of them: entries
 * flagged unannounced (joined while the node was cut off) or, when the node was reaped meanwhile
 * (see RESYNC_BEGIN), all of them. A plain restore after Redis lost its data is silent. Each
 * reported change carries the transition it caused cluster-wide (a user already present through
 * another node is none). Presence limits do not apply: those joins were already accepted.
 */
export const RESYNC_ADD = `${LIBRARY}${REFRESH}
local node = ARGV[2]
local reaped = redis.call('EXISTS', P .. 'resyncing:' .. node) == 1
local out = {}
for i = 3, #ARGV, 7 do
  local kind, app, ch, sock = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local report = reaped or ARGV[i + 6] == '1'
  if kind == 'c' then
    conn_add(app, sock, node)
  elseif kind == 's' then
    if redis.call('HEXISTS', ckey(app, 'subs', ch), sock) == 0 then
      local r = sub_add(app, ch, sock, node)
      if report then table.insert(out, {'s', app, ch, sock, r[1], r[2], '', '', 'a'}) end
    end
  elseif kind == 'm' then
    local user = ARGV[i + 4]
    if redis.call('HEXISTS', ckey(app, 'psock', ch), sock) == 0 then
      local r = member_add(app, ch, sock, node, user, ARGV[i + 5], 0)
      if report and r[1] >= 0 then
        table.insert(out, {'m', app, ch, sock, r[1], r[2], user, r[3], 'a'})
      end
    end
  end
end
refresh(node)
return stash(node, out)`;

/**
 * RESYNC_FINISH. ARGV: P, node -> 1 when the node is registered again, or 0 (nothing changed) when
 * a survivor reaped it while it resynchronized: the caller starts over, reporting everything.
 */
export const RESYNC_FINISH = `${LIBRARY}
local node = ARGV[2]
if redis.call('EXISTS', P .. 'reaped:' .. node) == 1 then return 0 end
redis.call('DEL', P .. 'resyncing:' .. node)
redis.call('ZADD', P .. 'nodes', now_ms(), node)
return 1`;

/** ARGV: P, node -> the node's pending change rows (JSON), oldest first; removal is LTRIM. */
export const PENDING_CHANGES = `${LIBRARY}
return redis.call('LRANGE', P .. 'pending:' .. ARGV[2], 0, -1)`;

/**
 * How long a rate window's hash outlives its last grant: past the end of its one-second window,
 * so a window is never forgotten while it runs, and gone soon after.
 */
export const RATE_WINDOW_TTL_MS = 2000;

/**
 * RATE_QUOTA, the one script that declares its key: KEYS[1] = `P rate:{A}:kind` (hash-tagged by
 * app), a hash {w = window, n = units granted in it}. ARGV: units wanted, limit ->
 * {granted, window, ms until the window ends}. The window is Redis's clock's current second, so
 * every node counts in the same windows whatever its own clock says. Nothing is written when
 * nothing is granted.
 */
export const RATE_QUOTA = `
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = math.floor(ms / 1000)
local stored = redis.call('HMGET', KEYS[1], 'w', 'n')
local used = 0
if tonumber(stored[1]) == window then used = tonumber(stored[2]) or 0 end
local granted = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if granted > 0 then
  redis.call('HSET', KEYS[1], 'w', window, 'n', used + granted)
  redis.call('PEXPIRE', KEYS[1], ${RATE_WINDOW_TTL_MS})
else
  granted = 0
end
return {granted, window, 1000 - (ms % 1000)}`;
