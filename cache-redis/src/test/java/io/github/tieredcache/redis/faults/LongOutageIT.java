package io.github.tieredcache.redis.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.Freshness;
import io.github.tieredcache.redis.testkit.ClusterOptions;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A 60 s outage of the whole cluster by freezing every node (SIGSTOP): their sockets stay open, so
 * nothing is refused, commands just go unanswered, and everything the clients wrote before and
 * during the freeze runs when the nodes resume. Under the fault suite's load: no caller exception,
 * no call waits longer than the command timeout and the breaker allow, the heap does not grow with
 * the outage, and after the nodes resume no read is stale beyond the bound (so no late write or
 * removal undid a newer one).
 */
class LongOutageIT {

  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final Duration BOUND = Freshness.DEFAULT_MAX_STALENESS;

  private LocalRedisCluster cluster;
  private FreshnessHarness harness;

  @BeforeEach
  void start() {
    cluster = LocalRedisCluster.start(ClusterOptions.defaults());
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
    cluster.nodes().forEach(RedisNode::resume);
    cluster.close();
  }

  @Test
  void aMinuteWithEveryNodeFrozenCostsNoExceptionNoWaitNoHeapAndNoStaleReadAfterIt()
      throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    harness = new FreshnessHarness(cluster, 3, BOUND);
    harness.start();
    FreshnessHarness.pause(Duration.ofSeconds(3));

    cluster.nodes().forEach(RedisNode::suspend);
    FreshnessHarness.pause(
        Duration.ofSeconds(10)); // the breakers are open, the backlogs have filled
    long heapEarly = usedAfterGc(memory);
    FreshnessHarness.pause(OUTAGE.minusSeconds(10));
    long heapLate = usedAfterGc(memory);
    cluster.nodes().forEach(RedisNode::resume);

    cluster.awaitHealthy(Duration.ofSeconds(60));
    FreshnessHarness.pause(BOUND.plusSeconds(5));
    FreshnessHarness.Report report = harness.stop();
    System.out.println(report.line("every node frozen 60 s"));
    System.out.printf(
        "fault suite | every node frozen 60 s: heap after GC 10 s in %.1f MB, at the end %.1f MB%n",
        heapEarly / 1e6, heapLate / 1e6);

    assertThat(report.callerExceptions()).as("exceptions in callers").isEmpty();
    assertThat(report.staleBeyondBound()).as("reads beyond the bound").isZero();
    assertThat(report.maxMicros())
        .as("no get waits for the frozen cluster (command timeout 500 ms)")
        .isLessThan(Duration.ofSeconds(3).toNanos() / 1_000);
    assertThat(report.slowestWriteMicros())
        .as("no put or invalidate waits for it either")
        .isLessThan(Duration.ofSeconds(3).toNanos() / 1_000);
    assertThat(heapLate - heapEarly)
        .as("heap growth over 50 s of outage, after GC")
        .isLessThan(64L << 20);
  }

  private static long usedAfterGc(MemoryMXBean memory) {
    System.gc();
    return memory.getHeapMemoryUsage().getUsed();
  }
}
