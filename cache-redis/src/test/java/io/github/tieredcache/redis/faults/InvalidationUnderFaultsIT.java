package io.github.tieredcache.redis.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.Freshness;
import io.github.tieredcache.redis.testkit.ClusterOptions;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The invalidation mode's promise under the faults the freshness issue measured: three instances
 * under load while one fault hits a private 3+3 cluster; no caller sees an exception and no read
 * starting more than the default max staleness (5 s) after a newer version's put or invalidate
 * returned answers the older version. Each scenario prints its figures ({@code fault suite |}).
 */
class InvalidationUnderFaultsIT {

  private static final Duration BOUND = Freshness.DEFAULT_MAX_STALENESS;
  private static final Duration STEADY = Duration.ofSeconds(3);

  private static LocalRedisCluster cluster;
  private FreshnessHarness harness;

  @BeforeAll
  static void startCluster() {
    cluster = LocalRedisCluster.start(ClusterOptions.defaults());
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @AfterEach
  void closeHarness() {
    if (harness != null) {
      harness.close();
    }
    cluster.awaitHealthy(Duration.ofSeconds(60));
  }

  private FreshnessHarness.Report run(String scenario, Runnable fault) throws Exception {
    harness = new FreshnessHarness(cluster, 3, BOUND);
    harness.start();
    FreshnessHarness.pause(STEADY);
    fault.run();
    cluster.awaitHealthy(Duration.ofSeconds(60));
    FreshnessHarness.pause(
        BOUND.plus(STEADY)); // recovered: trust regained after the bound, then steady again
    FreshnessHarness.Report report = harness.stop();
    System.out.println(report.line(scenario));
    assertThat(report.callerExceptions()).as("exceptions in callers").isEmpty();
    assertThat(report.staleBeyondBound())
        .as("reads beyond the %s bound (%s)", BOUND, report.line(scenario))
        .isZero();
    assertThat(report.reads()).isPositive();
    return report;
  }

  @Test
  void noFault() throws Exception {
    FreshnessHarness.Report report = run("no fault", () -> {});
    assertThat(report.staleReads()).as("stale reads with a healthy store").isZero();
  }

  @Test
  void primaryKilled() throws Exception {
    RedisNode victim = cluster.primaries().get(0);
    run(
        "kill -9 of a primary, restarted",
        () -> {
          victim.kill();
          cluster.awaitHealthy(Duration.ofSeconds(30));
          victim.restart();
        });
  }

  @Test
  void primarySuspendedFiveSeconds() throws Exception {
    RedisNode victim = cluster.primaries().get(1);
    FreshnessHarness.Report report =
        run(
            "SIGSTOP of a primary 5 s",
            () -> {
              victim.suspend();
              FreshnessHarness.pause(Duration.ofSeconds(5));
              victim.resume();
            });
    assertThat(report.maxMicros())
        .as("no get waits for the frozen node (command timeout 500 ms; frozen 5 s)")
        .isLessThan(Duration.ofSeconds(3).toNanos() / 1_000);
  }

  @Test
  void primaryClientPaused() throws Exception {
    RedisNode victim = cluster.primaries().get(2);
    run("CLIENT PAUSE of a primary 1.5 s", () -> victim.pause(Duration.ofMillis(1_500)));
  }

  @Test
  void shardDown() throws Exception {
    RedisNode victim = cluster.primaries().get(2);
    run(
        "one shard down 8 s, restarted",
        () -> {
          List<RedisNode> shard = cluster.killShard(victim);
          FreshnessHarness.pause(Duration.ofSeconds(8));
          shard.forEach(RedisNode::restart);
        });
  }

  @Test
  void allNodesStopped() throws Exception {
    run(
        "all nodes stopped 10 s",
        () -> {
          cluster.stopAll();
          FreshnessHarness.pause(Duration.ofSeconds(10));
          cluster.startAll();
        });
  }

  @Test
  void debugReload() throws Exception {
    RedisNode victim = cluster.primaries().get(0);
    run("DEBUG RELOAD of a primary", victim::debugReload);
  }

  @Test
  void coordinatedFailover() throws Exception {
    RedisNode replica = cluster.replicaOf(cluster.primaries().get(1));
    assertThat(replica).isNotNull();
    run("CLUSTER FAILOVER", replica::failover);
  }

  @Test
  void pubSubConnectionsKilled() throws Exception {
    AtomicLong killed = new AtomicLong();
    run("pub/sub connections killed", () -> killed.set(cluster.killPubSubClients()));
    assertThat(killed.get()).as("pub/sub connections killed").isPositive();
  }

  @Test
  void slotsMigratedUnderTraffic() throws Exception {
    RedisNode from = cluster.primaries().get(0);
    RedisNode to = cluster.primaries().get(1);
    run("100 slots resharded under traffic", () -> cluster.migrateSlots(from, to, 100));
  }
}
