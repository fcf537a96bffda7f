package io.github.tieredcache.examples;

import java.io.PrintStream;

/**
 * The quickstart: simulates a post workload through a {@code TieredCache<String, Post>} with the
 * default hot / warm / cold tiers placed by a post's age, next to the same reads without a cache, and
 * prints where reads were answered, how many reached the loader, and read latency.
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

  /** Runs the quickstart and returns the process status: 0, or 2 for bad arguments. */
  public static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
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
    if (options.store().equals("redis")) {
      err.println("quickstart: --store redis is not available yet: the Redis tier store (cache-redis) is"
          + " still being written. Run with --store memory (the default).");
      return 2;
    }
    out.println("Running " + options.reads() + " reads on " + options.threads() + " threads"
        + (options.baselineReads() > 0 ? ", then " + Math.min(options.baselineReads(), options.reads())
            + " reads without a cache" : "") + " ...");
    out.flush();
    Simulation.Result result = Simulation.run(options);
    out.println();
    out.print(Report.format(result));
    out.flush();
    return 0;
  }
}
