package io.github.tieredcache.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * The Lua scripts behind every write, each run with {@code EVALSHA} and, when the node answers
 * {@code NOSCRIPT}, once more with {@code EVAL}.
 *
 * <p>Why the fallback: a failover, a restart or a new node empties a node's script cache, and
 * Lettuce does not retry {@code NOSCRIPT} for us. {@code EVAL} both runs the script and caches it
 * on the node that answered, so the next {@code EVALSHA} there succeeds; no {@code SCRIPT LOAD} on
 * "every node" (which a cluster connection can only do for the nodes it knows at that moment) is
 * needed.
 *
 * <p>Every script touches keys of one slot only (one key's tiers and generation, or one cache's
 * epoch key), so each runs on one node. Numbers travel as decimal text; generations are compared as
 * text, so an absent generation key ({@code false} in Lua) compares as {@code "0"}.
 *
 * <p><b>Deadlines: a write that times out never lands.</b> A command the client gave up on may
 * still reach the server: if the node was only stopped (SIGSTOP, a long pause, a full outage with
 * its sockets open), the bytes wait in its socket and run when it resumes, seconds or minutes after
 * the caller was told the write failed, perhaps over a newer value. So every script that writes a
 * copy takes a deadline (epoch milliseconds) as its last argument and, before it changes anything,
 * compares it with the server's own {@code TIME}: past it, it writes nothing and answers {@value
 * #LATE}. Removals take none: a late removal costs one miss and can hide no newer value.
 */
enum Script {

  /**
   * KEYS: target tier, generation, other tiers... ARGV: expected counter, copy, ttl ms, deadline.
   * Writes only while the generation is the expected one, and removes the other tiers. Returns 1 if
   * written, 0 if the generation moved, {@value #LATE} past the deadline.
   */
  WRITE_IF_GENERATION(
      """
      local t = redis.call('TIME')
      if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[4]) then
        return -1
      end
      if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
      if #KEYS > 2 then redis.call('DEL', unpack(KEYS, 3)) end
      redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
      return 1
      """),

  /**
   * KEYS: target tier, generation, lease, other tiers... ARGV: expected counter, copy, ttl ms,
   * deadline, lease token. {@link #WRITE_IF_GENERATION} fenced by the key's load lease: writes only
   * while the lease is held under the token or by no one (it ran out and no one took it since);
   * when it writes, the lease becomes the marker {@code done} for the lease's remaining time, at
   * most a quarter of the ttl, so a request that missed just before answers "read again". Returns 1
   * if written, 0 if not, {@value #LATE} past the deadline.
   */
  WRITE_LEASED(
      """
      local t = redis.call('TIME')
      if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[4]) then
        return -1
      end
      if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
      local l = redis.call('GET', KEYS[3])
      local left = 1000
      if l then
        if l ~= ARGV[5] then return 0 end
        left = redis.call('PTTL', KEYS[3])
      end
      if #KEYS > 3 then redis.call('DEL', unpack(KEYS, 4)) end
      redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
      local life = math.min(left, math.floor(tonumber(ARGV[3]) / 4))
      if life < 1 then life = 1 end
      redis.call('SET', KEYS[3], 'done', 'PX', life)
      return 1
      """),

  /**
   * KEYS: lease, generation. ARGV: counter the caller read, token, lease ms. Grants the key's load
   * lease under the token while the generation is the one read and no one holds it. Returns 1 if
   * granted (or already held under this token), 0 for "read again" (the generation moved, or a
   * holder wrote: the {@code done} marker), else minus the milliseconds the other holder's lease
   * has left. Takes no deadline: a grant that lands late only makes others wait for the lease.
   */
  LEASE(
      """
      if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
      local l = redis.call('GET', KEYS[1])
      if not l then
        redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
        return 1
      end
      if l == ARGV[2] then return 1 end
      if l == 'done' then return 0 end
      local left = redis.call('PTTL', KEYS[1])
      if left < 1 then left = 1 end
      return -left
      """),

  /** KEYS: lease. ARGV: token. Ends the lease if it is held under the token. Returns 0. */
  RELEASE(
      """
      if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
      return 0
      """),

  /**
   * KEYS: target tier, generation, and for a move the source tier. ARGV: expected counter, copy,
   * ttl ms, deadline. Writes only while the generation is the expected one and the tier holds no
   * copy; when it writes, removes the source tier's copy, if one was given. Returns 1 if written, 0
   * if not, {@value #LATE} past the deadline.
   */
  PROMOTE(
      """
      local t = redis.call('TIME')
      if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[4]) then
        return -1
      end
      if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
      if redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3], 'NX') then
        if #KEYS > 2 then redis.call('DEL', KEYS[3]) end
        return 1
      end
      return 0
      """),

  /**
   * KEYS: target tier, generation, other tiers... ARGV: copy, ttl ms, generation retention ms,
   * deadline. Writes unconditionally, removes the other tiers, advances the generation. Returns the
   * new counter, or {@value #LATE} past the deadline (and then changes nothing). A generation key
   * holding something other than a counter is reset to 1.
   */
  PUT(
      """
      local t = redis.call('TIME')
      if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[4]) then
        return -1
      end
      redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
      if #KEYS > 2 then redis.call('DEL', unpack(KEYS, 3)) end
      local g = redis.pcall('INCR', KEYS[2])
      if type(g) == 'table' then redis.call('SET', KEYS[2], '1'); g = 1 end
      redis.call('PEXPIRE', KEYS[2], ARGV[3])
      return g
      """),

  /**
   * KEYS: generation, tiers... ARGV: generation retention ms. Removes every tier, advances the
   * generation. Returns the new counter.
   */
  REMOVE(
      """
      redis.call('DEL', unpack(KEYS, 2))
      local g = redis.pcall('INCR', KEYS[1])
      if type(g) == 'table' then redis.call('SET', KEYS[1], '1'); g = 1 end
      redis.call('PEXPIRE', KEYS[1], ARGV[1])
      return g
      """),

  /**
   * KEYS: epoch. ARGV: the epoch the caller knows. Moves the epoch past both the stored one and the
   * caller's (so a clear always retires what its caller could still be using, even if the stored
   * epoch was lost), and returns the new epoch.
   */
  CLEAR(
      """
      local e = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
      local known = tonumber(ARGV[1]) or 0
      if known > e then e = known end
      e = e + 1
      redis.call('SET', KEYS[1], tostring(e))
      return e
      """),

  /**
   * KEYS: epoch. ARGV: an epoch the caller saw. Raises the stored epoch to it if the stored one is
   * lower (it was lost, e.g. written just before a failover), and returns the stored epoch.
   */
  RAISE_EPOCH(
      """
      local e = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
      local seen = tonumber(ARGV[1]) or 0
      if seen > e then redis.call('SET', KEYS[1], ARGV[1]); return seen end
      return e
      """);

  /** What a write script answers when it reached the server after its deadline. */
  static final long LATE = -1;

  private final byte[] source;
  private final String sha;

  Script(String source) {
    this.source = source.getBytes(StandardCharsets.UTF_8);
    this.sha = sha1(this.source);
  }

  /** Returns the script's SHA-1, as {@code EVALSHA} takes it. */
  String sha() {
    return sha;
  }

  /** Returns the script's source. */
  String source() {
    return new String(source, StandardCharsets.UTF_8);
  }

  /**
   * Runs the script on the node owning {@code keys}' slot and completes with its integer answer:
   * {@code EVALSHA}, then {@code EVAL} if the node does not know the script.
   */
  CompletableFuture<Long> run(
      RedisClusterAsyncCommands<byte[], byte[]> commands, byte[][] keys, byte[]... args) {
    CompletableFuture<Long> first =
        commands.<Long>evalsha(sha, ScriptOutputType.INTEGER, keys, args).toCompletableFuture();
    return first.exceptionallyCompose(
        error -> {
          if (Refusals.unwrap(error) instanceof RedisNoScriptException) {
            return commands
                .<Long>eval(source, ScriptOutputType.INTEGER, keys, args)
                .toCompletableFuture();
          }
          return CompletableFuture.failedFuture(error);
        });
  }

  private static String sha1(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
