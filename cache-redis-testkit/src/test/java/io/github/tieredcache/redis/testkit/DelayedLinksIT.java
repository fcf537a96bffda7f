package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DelayedLinksIT {

  @Test
  void aRoundTripThroughALinkTakesAtLeastTwiceItsDelayAndLosesNoByte() throws Exception {
    try (LocalRedisServer server = LocalRedisServer.start();
        DelayedLinks links =
            DelayedLinks.open(
                List.of(new InetSocketAddress("127.0.0.1", server.port())),
                Duration.ofMillis(20))) {
      int linkPort = links.ports().get(server.port());
      RedisClient client = RedisClient.create(RedisURI.create("redis://127.0.0.1:" + linkPort));
      try (StatefulRedisConnection<String, String> c = client.connect()) {
        c.sync().ping();
        long start = System.nanoTime();
        assertThat(c.sync().ping()).isEqualTo("PONG");
        long roundTrip = System.nanoTime() - start;
        assertThat(Duration.ofNanos(roundTrip)).isGreaterThanOrEqualTo(Duration.ofMillis(40));

        // A pipelined burst and a 1 MB value arrive whole and in order.
        byte[] big = new byte[1 << 20];
        new Random(7).nextBytes(big);
        String value = java.util.Base64.getEncoder().encodeToString(big);
        RedisAsyncCommands<String, String> async = c.async();
        List<RedisFuture<String>> sets = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
          sets.add(async.set("k" + i, "v" + i));
        }
        sets.add(async.set("big", value));
        for (RedisFuture<String> set : sets) {
          assertThat(set.get()).isEqualTo("OK");
        }
        String[] keys = new String[1_000];
        Arrays.setAll(keys, i -> "k" + i);
        List<String> read = c.sync().mget(keys).stream().map(kv -> kv.getValue()).toList();
        for (int i = 0; i < 1_000; i++) {
          assertThat(read.get(i)).isEqualTo("v" + i);
        }
        assertThat(c.sync().get("big")).isEqualTo(value);
      } finally {
        client.shutdown();
      }
    }
  }

  @Test
  void onlyLoopbackTargetsAndNoNegativeDelay() {
    assertThatThrownBy(
            () ->
                DelayedLinks.open(
                    List.of(new InetSocketAddress("127.0.0.1", 1)), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oneWay");
    assertThatThrownBy(
            () ->
                DelayedLinks.open(
                    List.of(new InetSocketAddress("192.0.2.1", 1)), Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("loopback");
  }
}
