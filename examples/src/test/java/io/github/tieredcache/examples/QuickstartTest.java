package io.github.tieredcache.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.tieredcache.redis.testkit.LocalRedisException;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the quickstart small on the in-memory store and checks the shape of what it reports, and its
 * options; no timing assertions. {@code QuickstartRedisIT} runs it on Redis.
 */
class QuickstartTest {

  private static final String[] SIZE = {
    "--reads",
    "6000",
    "--threads",
    "2",
    "--posts",
    "2000",
    "--baseline-reads",
    "200",
    "--query-ms",
    "0-0.2"
  };

  private static final String[] SMALL = concat(SIZE, "--store", "memory");

  @Test
  void simulationHasTheExpectedShape() throws Exception {
    Simulation.Result result = Simulation.run(Options.parse(SMALL));
    CacheStats stats = result.stats();

    assertThat(stats.requests()).isEqualTo(6000);
    assertThat(result.cached().reads()).isEqualTo(6000);
    assertThat(stats.tiers())
        .extracting(TierStats::tier)
        .containsExactly("l0", "hot", "warm", "cold");
    assertThat(result.tiers().names()).containsExactly("hot", "warm", "cold");

    // The cache saves loader calls, and counts them as the database does.
    assertThat(stats.loads()).isPositive().isLessThan(result.cached().reads());
    assertThat(stats.loads()).isEqualTo(result.cached().loaderCalls());
    assertThat(stats.loadFailures()).isZero();
    assertThat(stats.tier("l0").orElseThrow().hits()).isPositive();
    assertThat(stats.hitRatio()).isBetween(0.0, 1.0).isPositive();

    double served = 0;
    for (TierStats tier : stats.tiers()) {
      assertThat(tier.hitRatio()).as(tier.tier()).isBetween(0.0, 1.0);
      assertThat(tier.requests()).as(tier.tier()).isPositive();
      assertThat(stats.servedShare(tier.tier())).as(tier.tier()).isBetween(0.0, 1.0);
      served += stats.servedShare(tier.tier());
    }
    assertThat(served).isLessThanOrEqualTo(1.0 + 1e-9);

    // The in-memory store expires copies on the simulated clock, so it hardly ever returns one the
    // cache does not serve (only within the millisecond an envelope's instants round away). With
    // those taken off the tiers' hits, every read is answered by a tier, a load, or a concurrent
    // read's load.
    long lookups = stats.tier("hot").orElseThrow().requests();
    assertThat(result.outOfDateTotal()).isLessThanOrEqualTo(Math.max(5, lookups / 100));
    assertThat(result.redis()).isNull();
    long answered = stats.tiers().stream().mapToLong(t -> result.served(t.tier())).sum();
    assertThat(answered + stats.loads() + stats.coalesced())
        .isCloseTo(stats.requests(), within(5L));

    // Updates happened and went through cache.put; the simulated clock covered the run.
    assertThat(result.cached().updates()).isPositive();
    assertThat(stats.puts()).isGreaterThanOrEqualTo(result.cached().updates());
    assertThat(result.cached().simulatedTime()).isEqualTo(Duration.ofHours(3));
    assertThat(result.newPosts()).isEqualTo(360);

    // Without a cache every read calls the loader.
    assertThat(result.baseline()).isNotNull();
    assertThat(result.baseline().reads()).isEqualTo(200);
    assertThat(result.baseline().loaderCalls()).isEqualTo(200);
    assertThat(result.baseline().staleReads()).isZero();
  }

  @Test
  void printsEveryTierRowAndASummary() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Quickstart.run(SMALL, print(out), print(err));

    assertThat(status).isZero();
    assertThat(text(err)).isEmpty();
    List<String> lines = text(out).lines().toList();
    for (String tier : List.of("l0", "hot", "warm", "cold", "loader")) {
      assertThat(lines)
          .as("row of " + tier)
          .anyMatch(line -> line.matches("  " + tier + " +[0-9,]+ +[0-9.]+ % +.*"));
    }
    for (String row :
        List.of(
            "loader calls", "promotions", "stale reads", "read latency p50", "read latency p99")) {
      assertThat(lines).as(row).anyMatch(line -> line.startsWith("  " + row));
    }
    assertThat(lines)
        .anyMatch(
            line ->
                line.startsWith("Summary: ") && line.contains("of 6,000 reads reached the loader"));
    // Every percentage is a share: between 0 and 100.
    for (String line : lines) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+) %").matcher(line);
      while (m.find()) {
        assertThat(Double.parseDouble(m.group(1))).as(line).isBetween(0.0, 100.0);
      }
    }
  }

  @Test
  void fallsBackToTheMemoryStoreWhenNoRedisServerCanBeFound() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    String why =
        "no redis-server on the PATH; com.github.codemonstur:embedded-redis:1.4.4 is not on the classpath";

    // The default store is redis; the cluster cannot start, as on a machine with only a JDK.
    int status =
        Quickstart.run(
            SIZE,
            print(out),
            print(err),
            () -> {
              throw new LocalRedisException(why);
            });

    assertThat(status).isZero();
    assertThat(text(err)).isEmpty();
    String output = text(out);
    assertThat(output)
        .contains("could not start a local Redis Cluster: " + why)
        .contains("run with --store memory to use the in-memory store")
        .contains("Falling back to the in-memory store (--store memory) for this run.")
        .contains("  store    memory: InMemoryTierStore")
        .contains("of 6,000 reads reached the loader")
        .doesNotContain("What the cached run did on Redis");
    assertThat(output.indexOf("Falling back")).isLessThan(output.indexOf("Running 6000 reads"));
  }

  @Test
  void anUnreachableRedisIsAnErrorNotAFallback() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    int status =
        Quickstart.run(
            concat(SIZE, "--redis-uri", "redis://user:secret@127.0.0.1:1"),
            print(out),
            print(err),
            () -> {
              throw new AssertionError("no local cluster is started when a Redis is named");
            });

    assertThat(status).isEqualTo(1);
    assertThat(text(err))
        .contains("quickstart: cannot use the Redis at redis://user:****@127.0.0.1:1")
        .doesNotContain("secret");
    assertThat(text(out)).doesNotContain("Running");
  }

  @Test
  void redisOptions() {
    Options options = Options.parse("--redis-nodes", "10.0.0.1:6379, 10.0.0.2:6380", "--keep-keys");
    assertThat(options.store()).isEqualTo("redis");
    assertThat(options.redisUris())
        .containsExactly("redis://10.0.0.1:6379", "redis://10.0.0.2:6380");
    assertThat(options.keepKeys()).isTrue();
    assertThat(Options.parse("--redis-uri=rediss://app:pw@cache.example.com:6380").redisUris())
        .containsExactly("rediss://app:pw@cache.example.com:6380");

    assertThat(Options.parse().store()).isEqualTo("redis");
    assertThat(Options.parse().reads())
        .isEqualTo(Options.parse("--store", "memory").reads())
        .isEqualTo(300_000);
    assertThat(Options.parse("--reads", "5").onMemoryStore())
        .satisfies(
            o -> {
              assertThat(o.store()).isEqualTo("memory");
              assertThat(o.reads()).isEqualTo(5);
            });

    assertThatThrownBy(() -> Options.parse("--store", "memory", "--redis-nodes", "h:1"))
        .hasMessageContaining("--redis-nodes and --redis-uri need --store redis");
    assertThatThrownBy(() -> Options.parse("--redis-nodes", "redis://h:1"))
        .hasMessageContaining("--redis-nodes takes host:port");
    assertThatThrownBy(() -> Options.parse("--redis-nodes", "h"))
        .hasMessageContaining("--redis-nodes takes host:port");
    assertThatThrownBy(() -> Options.parse("--redis-nodes", "h:x"))
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> Options.parse("--redis-uri", "h:1"))
        .hasMessageContaining("--redis-uri takes redis://");
    assertThatThrownBy(() -> Options.parse("--keep-keys=yes"))
        .hasMessageContaining("--keep-keys takes no value");
  }

  @Test
  void redactsPasswords() {
    assertThat(RedisTarget.redact("rediss://app:s3cret@h:6380"))
        .isEqualTo("rediss://app:****@h:6380");
    assertThat(RedisTarget.redact("redis://:s3cret@h:6379/0")).isEqualTo("redis://:****@h:6379/0");
    assertThat(RedisTarget.redact("redis://h:6379")).isEqualTo("redis://h:6379");
  }

  @Test
  void readsInfoFields() {
    String info =
        "# Memory\r\nused_memory:1977200\r\nused_memory_human:1.89M\r\n\r\n# Commandstats\r\n"
            + "cmdstat_mget:calls=25535,usec=1,usec_per_call=0.1,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_cluster|nodes:calls=3,usec=9\r\n";
    assertThat(RedisTarget.fields(info)).containsEntry("used_memory", "1977200");
    assertThat(RedisTarget.commandCalls(info))
        .containsEntry("mget", 25535L)
        .containsEntry("cluster|nodes", 3L)
        .hasSize(2);
  }

  @Test
  void badArgumentsNameTheOption() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(
            Quickstart.run(
                new String[] {"--reads", "many"}, print(new ByteArrayOutputStream()), print(err)))
        .isEqualTo(2);
    assertThat(text(err)).contains("--reads: not a number: 'many'").contains("Options");

    assertThatThrownBy(() -> Options.parse("--threads"))
        .hasMessageContaining("--threads needs a value");
    assertThatThrownBy(() -> Options.parse("--store", "disk"))
        .hasMessageContaining("--store must be memory or redis");
    assertThatThrownBy(() -> Options.parse("--colour", "red"))
        .hasMessageContaining("unknown option --colour");
    assertThatThrownBy(() -> Options.parse("--on-update", "ignore"))
        .hasMessageContaining("--on-update must be");
  }

  @Test
  void parsesBothArgumentForms() {
    Options options =
        Options.parse("--reads=1_000", "--threads", "3", "--hours", "0.5", "--query-ms", "0.5-2");
    assertThat(options.reads()).isEqualTo(1000);
    assertThat(options.threads()).isEqualTo(3);
    assertThat(options.simulated()).isEqualTo(Duration.ofMinutes(30));
    assertThat(options.minQueryTime()).isEqualTo(Duration.ofNanos(500_000));
    assertThat(options.maxQueryTime()).isEqualTo(Duration.ofMillis(2));
    assertThat(Options.parse("--on-update", "INVALIDATE").onUpdate()).isEqualTo("invalidate");
    assertThat(Options.parse()).isEqualTo(Options.DEFAULTS);
  }

  @Test
  void helpPrintsUsage() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(
            Quickstart.run(new String[] {"--help"}, print(out), print(new ByteArrayOutputStream())))
        .isZero();
    assertThat(text(out))
        .contains("--reads N")
        .contains("--store redis|memory")
        .contains("--redis-nodes");
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
