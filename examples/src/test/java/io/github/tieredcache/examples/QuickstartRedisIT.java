package io.github.tieredcache.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.TieredCache;
import io.github.tieredcache.Tiers;
import io.github.tieredcache.codec.JacksonValueCodec;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.LocalRedisServer;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.stats.CacheStats;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The quickstart on real Redis: the testkit's shared local cluster, a private one started by the
 * default command, the shared one named as an existing cluster, and a standalone server named by
 * URI. Shapes only, no timing.
 */
class QuickstartRedisIT {

  private static final String[] SMALL = {
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

  @Test
  void simulationOnTheSharedClusterHasTheExpectedShape() throws Exception {
    Simulation.Result result;
    try (RedisTarget redis =
        RedisTarget.onLocalCluster(LocalRedisCluster.shared(), uniquePrefix())) {
      result = Simulation.run(Options.parse(SMALL), redis);
    }
    CacheStats stats = result.stats();

    assertThat(result.options().store()).isEqualTo("redis");
    assertThat(result.storeDescription())
        .contains("RedisTierStore")
        .contains("local Redis Cluster");
    assertThat(stats.requests()).isEqualTo(6000);
    assertThat(stats.loads()).isPositive().isLessThan(result.cached().reads());
    assertThat(stats.loads()).isEqualTo(result.cached().loaderCalls());
    assertThat(stats.loadFailures()).isZero();

    // The remote tiers answer some reads; every read is answered by a tier or reaches the loader
    // (itself or through a concurrent read of the same key). Not exactly: a lookup that timed out
    // and completed late can be taken for one that found an out-of-date copy.
    long lookups = stats.tier("hot").orElseThrow().requests();
    assertThat(lookups).isPositive();
    long remote = result.served("hot") + result.served("warm") + result.served("cold");
    assertThat(remote).isPositive();
    for (String tier : List.of("l0", "hot", "warm", "cold")) {
      assertThat(result.served(tier)).as(tier).isBetween(0L, stats.requests());
    }
    long answered = result.served("l0") + remote;
    assertThat(answered + stats.loads() + stats.coalesced())
        .isCloseTo(stats.requests(), within(Math.max(10, lookups / 100)));

    // Puts keep every read current, on Redis too.
    assertThat(result.cached().updates()).isPositive();
    assertThat(result.cached().staleReads()).isZero();

    // What Redis reports for the run.
    Simulation.RedisRun redis = result.redis();
    assertThat(redis).isNotNull();
    assertThat(redis.local()).isTrue();
    assertThat(redis.primaries()).isEqualTo(3);
    assertThat(redis.usedMemory()).isPositive();
    assertThat(redis.keys()).isPositive();
    assertThat(redis.calls("mget")).isPositive().isLessThanOrEqualTo(lookups);
    assertThat(redis.calls("evalsha") + redis.calls("eval")).isPositive();
    assertThat(redis.calls("spublish") + redis.calls("publish"))
        .as("invalidation messages")
        .isPositive();
  }

  @Test
  void anOutOfDateCopyIsAMissAndIsOverwritten() throws Exception {
    SimulatedClock clock = new SimulatedClock();
    Instant created = clock.instant(); // a new post: the hot tier, fresh for 60 s (less jitter)
    long[] version = {1};
    int[] loads = {0};
    try (RedisTarget redis =
            RedisTarget.onLocalCluster(LocalRedisCluster.shared(), uniquePrefix());
        OutOfDateCopies store = new OutOfDateCopies(redis.newStore());
        TieredCache<String, Post> cache =
            TieredCache.<String, Post>builder()
                .name("posts")
                .store(store)
                .tiers(Tiers.hotWarmCold())
                .ageOf(Post::createdAt)
                .valueCodec(JacksonValueCodec.of(Post.class))
                .loader(
                    id -> {
                      loads[0]++;
                      return new Post(id, "a", "t", "b", created, clock.instant(), version[0], 0);
                    })
                .ticker(clock)
                .build()) {

      assertThat(cache.get("post-1").version()).isEqualTo(1);
      assertThat(loads[0]).isEqualTo(1);
      // The copy is written after the read returns; until then a caller joins the load itself.
      await().atMost(Duration.ofSeconds(10)).until(() -> cache.stats().puts() == 1);

      // 61 simulated seconds on: the L0 entry (30 s) and the hot copy's envelope (60 s) have ended,
      // while Redis, counting real milliseconds, still holds the copy. The row changed meanwhile.
      version[0] = 2;
      clock.advance(Duration.ofSeconds(61));
      assertThat(cache.get("post-1").version())
          .as("the out-of-date copy is not served")
          .isEqualTo(2);
      assertThat(loads[0]).isEqualTo(2);
      assertThat(store.counts()).containsEntry("hot", 1L);

      // 31 s later the L0 entry has ended again, but the reloaded copy is fresh: the load overwrote
      // the out-of-date one, so this read is a hot hit, with no load.
      clock.advance(Duration.ofSeconds(31));
      long hotHits = cache.stats().tier("hot").orElseThrow().hits();
      assertThat(cache.get("post-1").version()).isEqualTo(2);
      assertThat(loads[0]).isEqualTo(2);
      assertThat(cache.stats().tier("hot").orElseThrow().hits()).isEqualTo(hotHits + 1);
      assertThat(store.counts()).containsEntry("hot", 1L);
    }
  }

  @Test
  void theDefaultCommandStartsAPrivateClusterAndStopsIt() throws Exception {
    AtomicReference<LocalRedisCluster> started = new AtomicReference<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status =
        Quickstart.run(
            SMALL,
            print(out),
            print(err),
            () -> {
              LocalRedisCluster cluster = LocalRedisCluster.start();
              started.set(cluster);
              return cluster;
            });

    assertThat(status).isZero();
    assertThat(text(err)).isEmpty();
    String output = text(out);
    assertThat(output)
        .contains("Starting a local Redis Cluster")
        .contains(
            "  store    redis: RedisTierStore (resilient) on a local Redis Cluster started for the run")
        .contains("What the cached run did on Redis")
        .contains("one MGET round trip each")
        .containsPattern("  memory used +\\+[0-9.]+ (kB|MB) ")
        .contains("of 6,000 reads reached the loader")
        .doesNotContain("Falling back")
        .doesNotContain("Deleted the run's"); // a private cluster is thrown away, not cleaned
    for (String tier : List.of("l0", "hot", "warm", "cold", "loader")) {
      assertThat(output.lines())
          .as("row of " + tier)
          .anyMatch(line -> line.matches("  " + tier + " +[0-9,]+ +[0-9.]+ % +.*"));
    }
    assertThat(started.get()).isNotNull();
    assertThat(started.get().nodes()).noneMatch(RedisNode::isAlive);
  }

  @Test
  void pointedAtAnExistingClusterItDeletesOnlyItsOwnKeys() throws Exception {
    LocalRedisCluster cluster = LocalRedisCluster.shared();
    String seed = cluster.nodes().get(0).hostAndPort();
    String bystander = "bystander:" + UUID.randomUUID();
    RedisClusterClient client = RedisClusterClient.create(RedisURI.create(cluster.seedUri()));
    try (StatefulRedisClusterConnection<String, String> c = client.connect()) {
      c.setTimeout(Duration.ofSeconds(10));
      c.sync().set(bystander, "stays");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      int status =
          Quickstart.run(
              concat(SMALL, "--redis-nodes", seed),
              print(out),
              print(err),
              () -> {
                throw new AssertionError("no local cluster is started when a Redis is named");
              });

      assertThat(status).isZero();
      assertThat(text(err)).isEmpty();
      String output = text(out);
      assertThat(output)
          .contains("Using the Redis Cluster at " + seed)
          .contains("other clients' traffic included")
          .contains("What the cached run did on Redis");
      Matcher deleted =
          Pattern.compile("Deleted the run's ([0-9,]+) keys \\((quickstart:[a-z0-9]+):\\*\\)")
              .matcher(output);
      assertThat(deleted.find()).as(output).isTrue();
      assertThat(Long.parseLong(deleted.group(1).replace(",", ""))).isPositive();
      assertThat(c.sync().keys(deleted.group(2) + ":*")).isEmpty();
      assertThat(c.sync().get(bystander)).isEqualTo("stays");
      c.sync().del(bystander);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  @Test
  void runsOnAStandaloneRedisNamedByUri() throws Exception {
    try (LocalRedisServer server = LocalRedisServer.start()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();

      int status =
          Quickstart.run(
              concat(SMALL, "--redis-uri", server.uri(), "--keep-keys"),
              print(out),
              print(err),
              () -> {
                throw new AssertionError("no local cluster is started when a Redis is named");
              });

      assertThat(status).isZero();
      assertThat(text(err)).isEmpty();
      String output = text(out);
      assertThat(output)
          .contains("Using the standalone Redis at " + server.host() + ":" + server.port())
          .contains("used_memory summed over the 1 primary")
          .contains("Kept the run's keys (quickstart:");
      Matcher kept =
          Pattern.compile("Kept the run's keys \\((quickstart:[a-z0-9]+):\\*\\)").matcher(output);
      assertThat(kept.find()).as(output).isTrue();
      RedisClient client = RedisClient.create(RedisURI.create(server.uri()));
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        assertThat(c.sync().keys(kept.group(1) + ":*")).isNotEmpty();
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      }
    }
  }

  private static String uniquePrefix() {
    return "quickstart-it:" + UUID.randomUUID().toString().substring(0, 8);
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
