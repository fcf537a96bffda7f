package io.github.tieredcache.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the quickstart small and checks the shape of what it reports; no timing assertions. */
class QuickstartTest {

  private static final String[] SMALL = {
    "--reads", "6000", "--threads", "2", "--posts", "2000", "--baseline-reads", "200", "--query-ms", "0-0.2"
  };

  @Test
  void simulationHasTheExpectedShape() throws Exception {
    Simulation.Result result = Simulation.run(Options.parse(SMALL));
    CacheStats stats = result.stats();

    assertThat(stats.requests()).isEqualTo(6000);
    assertThat(result.cached().reads()).isEqualTo(6000);
    assertThat(stats.tiers()).extracting(TierStats::tier).containsExactly("l0", "hot", "warm", "cold");
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
      assertThat(lines).as("row of " + tier).anyMatch(line -> line.matches("  " + tier + " +[0-9,]+ +[0-9.]+ % +.*"));
    }
    for (String row : List.of("loader calls", "promotions", "stale reads", "read latency p50", "read latency p99")) {
      assertThat(lines).as(row).anyMatch(line -> line.startsWith("  " + row));
    }
    assertThat(lines).anyMatch(line -> line.startsWith("Summary: ") && line.contains("of 6,000 reads reached the loader"));
    // Every percentage is a share: between 0 and 100.
    for (String line : lines) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+) %").matcher(line);
      while (m.find()) {
        assertThat(Double.parseDouble(m.group(1))).as(line).isBetween(0.0, 100.0);
      }
    }
  }

  @Test
  void redisStoreIsRefusedWithAClearMessage() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = Quickstart.run(new String[] {"--store", "redis"}, print(out), print(err));

    assertThat(status).isEqualTo(2);
    assertThat(text(err)).contains("--store redis is not available yet").contains("--store memory");
    assertThat(text(out)).isEmpty();
  }

  @Test
  void badArgumentsNameTheOption() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(Quickstart.run(new String[] {"--reads", "many"}, print(new ByteArrayOutputStream()), print(err)))
        .isEqualTo(2);
    assertThat(text(err)).contains("--reads: not a number: 'many'").contains("Options");

    assertThatThrownBy(() -> Options.parse("--threads")).hasMessageContaining("--threads needs a value");
    assertThatThrownBy(() -> Options.parse("--store", "disk")).hasMessageContaining("--store must be memory or redis");
    assertThatThrownBy(() -> Options.parse("--colour", "red")).hasMessageContaining("unknown option --colour");
    assertThatThrownBy(() -> Options.parse("--on-update", "ignore")).hasMessageContaining("--on-update must be");
  }

  @Test
  void parsesBothArgumentForms() {
    Options options = Options.parse("--reads=1_000", "--threads", "3", "--hours", "0.5", "--query-ms", "0.5-2");
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
    assertThat(Quickstart.run(new String[] {"--help"}, print(out), print(new ByteArrayOutputStream()))).isZero();
    assertThat(text(out)).contains("--reads N").contains("--store memory|redis");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, StandardCharsets.UTF_8);
  }

  private static String text(ByteArrayOutputStream bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
