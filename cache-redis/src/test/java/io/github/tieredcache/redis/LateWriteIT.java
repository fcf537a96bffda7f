package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.redis.testkit.LocalRedisServer;
import io.github.tieredcache.spi.Lookup;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import io.lettuce.core.RedisCommandTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write whose caller was told it timed out never changes data later. The server holds every
 * command for longer than the command timeout ({@code CLIENT PAUSE}): the commands are already in
 * its socket and run when the pause ends, long after their callers gave up. The write scripts'
 * deadline makes them change nothing then; with an allowance longer than the pause, the same write
 * does land, which is what the deadline prevents.
 */
class LateWriteIT {

  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final Duration PAUSE = Duration.ofMillis(2500);

  private LocalRedisServer server;
  private RedisTierStore store;
  private final Namespace ns = TestRedis.uniqueNamespace("hot", "warm");

  @BeforeEach
  void start() {
    server = LocalRedisServer.start();
  }

  @AfterEach
  void stop() {
    if (store != null) {
      store.close();
    }
    server.close();
  }

  private RedisTierStore store(Duration allowance) {
    return RedisTierStore.standalone(server.uri())
        .options(
            RedisTierStoreOptions.builder()
                .commandTimeout(TIMEOUT)
                .clockSkewAllowance(allowance)
                .build())
        .build();
  }

  /**
   * Connects, learns the epoch and loads every write script on the server with writes to another
   * key, so the write under test is sent whole at once and would run as it is (a script not yet
   * cached would answer NOSCRIPT when it ran late, and prove nothing).
   */
  private long warmUp() {
    byte[] other = TestRedis.ascii("other");
    store.put(ns, new Write(other, 0, TestRedis.ascii("v"), Duration.ofMinutes(1), 0)).join();
    long seen = store.read(ns, other).join().generation();
    store
        .writeIfGeneration(
            ns, new Write(other, 1, TestRedis.ascii("v"), Duration.ofMinutes(1), seen))
        .join();
    return store.read(ns, TestRedis.ascii("k")).join().generation();
  }

  private Lookup readAfterThePause() {
    // Commands on one connection run in order: once this read answers, the held write has run.
    return await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> store.read(ns, TestRedis.ascii("k")).join(), l -> true);
  }

  @Test
  void aPutThatTimedOutWhileTheServerHeldItChangesNothingWhenTheServerResumes() {
    store = store(Duration.ZERO);
    long before = warmUp();
    server.pause(PAUSE);

    CompletableFuture<Void> late =
        store.put(ns, new Write(TestRedis.ascii("k"), 0, TestRedis.ascii("late"), TIMEOUT, 0));
    assertThatThrownBy(late::join).hasCauseInstanceOf(RedisCommandTimeoutException.class);

    Lookup after = readAfterThePause();
    assertThat(after.isHit()).as("the held put wrote no copy").isFalse();
    assertThat(after.generation()).as("nor moved the generation").isEqualTo(before);
  }

  @Test
  void aLoadsWriteBackThatTimedOutChangesNothingWhenTheServerResumes() {
    store = store(Duration.ZERO);
    long generation = warmUp();
    server.pause(PAUSE);

    CompletableFuture<Boolean> late =
        store.writeIfGeneration(
            ns,
            new Write(
                TestRedis.ascii("k"),
                1,
                TestRedis.ascii("late"),
                Duration.ofMinutes(1),
                generation));
    assertThatThrownBy(late::join).hasCauseInstanceOf(RedisCommandTimeoutException.class);

    assertThat(readAfterThePause().isHit()).isFalse();
  }

  @Test
  void withAnAllowanceLongerThanTheHoldTheSamePutLandsLate() {
    store = store(Duration.ofMinutes(1));
    warmUp();
    server.pause(PAUSE);

    CompletableFuture<Void> late =
        store.put(
            ns,
            new Write(
                TestRedis.ascii("k"), 0, TestRedis.ascii("late"), TIMEOUT.multipliedBy(100), 0));
    assertThatThrownBy(late::join).hasCauseInstanceOf(RedisCommandTimeoutException.class);

    assertThat(readAfterThePause().copy(0))
        .as("without the deadline, a write its caller saw fail lands seconds later")
        .isEqualTo(TestRedis.ascii("late"));
  }
}
