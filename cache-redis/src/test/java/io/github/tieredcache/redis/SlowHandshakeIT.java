package io.github.tieredcache.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.redis.testkit.LocalRedisServer;
import io.github.tieredcache.spi.Namespace;
import io.github.tieredcache.spi.Write;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The handshake is bounded by the connect timeout, not the command timeout: a server that answers
 * nothing for longer than the command timeout while a store connects (here {@code CLIENT PAUSE
 * ALL}) still gets connected to once it answers, and the store works.
 */
class SlowHandshakeIT {

  @Test
  void aHandshakeSlowerThanTheCommandTimeoutStillConnects() {
    try (LocalRedisServer server = LocalRedisServer.start()) {
      TestRedis.onNode(server.uri(), c -> c.sync().clientPause(1_200));
      long start = System.nanoTime();
      try (RedisTierStore store =
          RedisTierStore.standalone(server.uri())
              .options(
                  o ->
                      o.commandTimeout(Duration.ofMillis(300))
                          .connectTimeout(Duration.ofSeconds(5)))
              .build()) {
        Namespace ns = TestRedis.uniqueNamespace("hot");
        byte[] key = "k".getBytes(UTF_8);
        // A read waits for the connection (a write issued during the handshake would carry a
        // deadline that passes before it is sent, and be refused, as designed).
        assertThat(store.read(ns, key).join().isHit()).isFalse();
        store.put(ns, new Write(key, 0, "v".getBytes(UTF_8), Duration.ofMinutes(1), 0)).join();
        assertThat(store.read(ns, key).join().copy()).isEqualTo("v".getBytes(UTF_8));
      }
      System.out.printf(
          "slow handshake: connected and served after %d ms of CLIENT PAUSE 1200 with a 300 ms"
              + " command timeout%n",
          (System.nanoTime() - start) / 1_000_000);
    }
  }
}
