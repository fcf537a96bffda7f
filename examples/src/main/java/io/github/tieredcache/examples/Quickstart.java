package io.github.tieredcache.examples;

import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.LocalRedisException;
import io.lettuce.core.RedisException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The quickstart: simulates a post workload through a {@code TieredCache<String, Post>} with the
 * default hot / warm / cold tiers placed by a post's age, next to the same reads without a cache,
 * and prints where reads were answered, how many reached the loader, and read latency.
 *
 * <p>By default the tiers live on a local Redis Cluster (3 primaries + 3 replicas) that the testkit
 * starts for the run and stops after it; {@code --redis-nodes} points the run at an existing
 * cluster instead, and {@code --store memory} uses the in-memory store. Where no redis-server can
 * be found, the default falls back to the in-memory store and says so.
 *
 * <p>Run it from the project root with {@code ./mvnw -q -pl examples -am package -DskipTests
 * -Pquickstart}; arguments go in {@code -Dexec.args="--reads 100000"}. See {@link Options#USAGE}.
 */
public final class Quickstart {

  private Quickstart() {}

  public static void main(String[] args) throws InterruptedException {
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /**
   * Runs the quickstart and returns the process status: 0, 1 if the named Redis cannot be used, or
   * 2 for bad arguments.
   */
  public static int run(String[] args, PrintStream out, PrintStream err)
      throws InterruptedException {
    return run(args, out, err, LocalRedisCluster::start);
  }

  /**
   * Runs the quickstart, starting a local cluster (when one is needed) with {@code localCluster}.
   */
  static int run(
      String[] args, PrintStream out, PrintStream err, Supplier<LocalRedisCluster> localCluster)
      throws InterruptedException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (Options.HelpRequested help) {
      out.print(Options.USAGE);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("quickstart: " + e.getMessage());
      err.print(Options.USAGE);
      return 2;
    }

    RedisTarget redis = null;
    if (options.store().equals("redis")) {
      if (options.redisUris().isEmpty()) {
        out.println("Starting a local Redis Cluster (3 primaries + 3 replicas) for the run ...");
        out.flush();
        long start = System.nanoTime();
        try {
          redis = RedisTarget.startLocalCluster(localCluster);
          out.printf(Locale.ROOT, "Started in %.1f s.%n", (System.nanoTime() - start) / 1e9);
        } catch (LocalRedisException e) {
          out.println("quickstart: could not start a local Redis Cluster: " + e.getMessage());
          out.println("quickstart: run with --store memory to use the in-memory store.");
          options = options.onMemoryStore();
          out.println("Falling back to the in-memory store (--store memory) for this run.");
        }
      } else {
        String where =
            options.redisUris().stream().map(RedisTarget::redact).collect(Collectors.joining(","));
        try {
          redis = RedisTarget.connect(options.redisUris());
        } catch (RedisException | IllegalArgumentException | IllegalStateException e) {
          err.println("quickstart: cannot use the Redis at " + where + ": " + e.getMessage());
          return 1;
        }
        out.println(
            "Using "
                + redis.description()
                + "; the run's keys go under "
                + redis.keyPrefix()
                + ":");
      }
    }

    try {
      out.println(
          "Running "
              + options.reads()
              + " reads on "
              + options.threads()
              + " threads"
              + (options.baselineReads() > 0
                  ? ", then "
                      + Math.min(options.baselineReads(), options.reads())
                      + " reads without a cache"
                  : "")
              + " ...");
      out.flush();
      Simulation.Result result = Simulation.run(options, redis);
      out.println();
      out.print(Report.format(result));
      if (redis != null && !redis.isLocal()) {
        cleanUp(redis, options.keepKeys(), out);
      }
      out.flush();
      return 0;
    } finally {
      if (redis != null) {
        redis.close(); // stops the local cluster if this run started it
      }
    }
  }

  /**
   * Deletes the run's keys from a Redis the quickstart did not start, unless asked to keep them.
   */
  private static void cleanUp(RedisTarget redis, boolean keep, PrintStream out) {
    String keys = redis.keyPrefix() + ":*";
    out.println();
    if (keep) {
      out.println(
          "Kept the run's keys ("
              + keys
              + "); Redis expires them by their TTLs, the last after 24 h.");
      return;
    }
    try {
      long deleted = redis.deleteRunKeys();
      out.printf(
          Locale.ROOT,
          "Deleted the run's %,d keys (%s) again; nothing else was touched.%n",
          deleted,
          keys);
    } catch (RuntimeException e) {
      out.println(
          "Could not delete the run's keys ("
              + keys
              + "): "
              + e.getMessage()
              + "; Redis expires them by their TTLs, the last after 24 h.");
    }
  }
}
