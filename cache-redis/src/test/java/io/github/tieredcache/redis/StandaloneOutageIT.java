package io.github.tieredcache.redis;

import static io.github.tieredcache.redis.TestRedis.ascii;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.github.tieredcache.redis.testkit.LocalRedisServer;
import io.github.tieredcache.spi.Invalidation;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A store built, used and subscribed while its private standalone server is down. */
@SuppressWarnings("try") // subscriptions held open by try-with-resources
class StandaloneOutageIT {

  private static final Duration LONG = Duration.ofMinutes(5);
  private LocalRedisServer server;

  @BeforeEach
  void open() {
    server = LocalRedisServer.start();
  }

  @AfterEach
  void close() {
    server.close();
  }

  @Test
  void aStoreBuiltWhileRedisIsDownFailsFastThenWorksAndSubscribesOnceRedisIsUp() throws Exception {
    server.stop();
    try (RedisTierStore store = RedisTierStore.standalone(server.uri()).build()) {
      Namespace ns = TestRedis.uniqueNamespace("hot");
      PubSubIT.Recorder recorder = new PubSubIT.Recorder();
      try (AutoCloseable subscription = store.subscribe(ns, recorder)) {
        // Fails rather than queueing the command until Redis is back.
        java.util.concurrent.CompletableFuture<?> read = store.read(ns, ascii("k"));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(3)).until(read::isDone);
        assertThatThrownBy(read::join).isInstanceOf(CompletionException.class);
        assertThat(recorder.subscriptions.get()).isZero();

        server.restart();

        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.subscriptions.get() >= 1);
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(
                () ->
                    store
                        .put(ns, new Write(ascii("k"), 0, ascii("v"), LONG, 0))
                        .thenApply(v -> true)
                        .join());
        assertThat(store.read(ns, ascii("k")).join().copy()).isEqualTo(ascii("v"));
        store.publish(ns, Invalidation.ofAll("me")).join();
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> recorder.messages.contains(Invalidation.ofAll("me")));
      }
    }
  }

  @Test
  void aRestartedServerIsReconnectedAndResubscribed() throws Exception {
    try (RedisTierStore store = RedisTierStore.standalone(server.uri()).build()) {
      Namespace ns = TestRedis.uniqueNamespace("hot");
      PubSubIT.Recorder recorder = new PubSubIT.Recorder();
      try (AutoCloseable subscription = store.subscribe(ns, recorder)) {
        await().atMost(Duration.ofSeconds(5)).until(() -> recorder.subscriptions.get() == 1);

        server.kill();
        server.restart();

        await().atMost(Duration.ofSeconds(20)).until(() -> recorder.subscriptions.get() >= 2);
        await()
            .atMost(Duration.ofSeconds(10))
            .ignoreExceptions()
            .until(
                () -> store.publish(ns, Invalidation.ofAll("again")).thenApply(v -> true).join());
        await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> recorder.messages.contains(Invalidation.ofAll("again")));
      }
    }
  }
}
