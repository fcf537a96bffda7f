package io.github.tieredcache.redis.testkit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A redis-server version, as printed by {@code redis-server --version} or found in an image tag.
 */
record RedisVersion(int major, int minor, int patch) implements Comparable<RedisVersion> {

  /**
   * The oldest version the testkit drives: {@code repl-diskless-load swapdb} and cluster commands
   * it uses.
   */
  static final RedisVersion MINIMUM = new RedisVersion(6, 2, 0);

  private static final Pattern VERSION_OUTPUT = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");
  private static final Pattern TAG = Pattern.compile("^(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?");

  /** Parses the {@code v=7.0.15} part of {@code redis-server --version} output. */
  static Optional<RedisVersion> fromVersionOutput(String output) {
    Matcher m = VERSION_OUTPUT.matcher(output);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new RedisVersion(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3))));
  }

  /**
   * Parses the leading version of an image tag such as {@code 7.2}, {@code 7.2.5-alpine} or {@code
   * 8}.
   */
  static Optional<RedisVersion> fromImageTag(String tag) {
    Matcher m = TAG.matcher(tag);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new RedisVersion(
            Integer.parseInt(m.group(1)),
            m.group(2) == null ? 0 : Integer.parseInt(m.group(2)),
            m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
  }

  boolean isAtLeast(RedisVersion other) {
    return compareTo(other) >= 0;
  }

  /**
   * Redis 7 added CLUSTER ADDSLOTSRANGE and made DEBUG opt-in through {@code enable-debug-command}.
   */
  boolean isRedis7OrNewer() {
    return major >= 7;
  }

  @Override
  public int compareTo(RedisVersion o) {
    int c = Integer.compare(major, o.major);
    if (c == 0) {
      c = Integer.compare(minor, o.minor);
    }
    return c != 0 ? c : Integer.compare(patch, o.patch);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
