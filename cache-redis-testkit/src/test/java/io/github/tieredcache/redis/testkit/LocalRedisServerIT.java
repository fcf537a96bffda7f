package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;

class LocalRedisServerIT {

  @Test
  void servesCountsAndComesBackEmptyOnTheSamePortAfterRestartAndKill() {
    try (LocalRedisServer server = LocalRedisServer.start()) {
      assertThat(server.host()).isEqualTo("127.0.0.1");
      assertThat(server.port()).isNotEqualTo(6379);
      assertThat(server.uri()).isEqualTo("redis://127.0.0.1:" + server.port());
      int port = server.port();
      try (RedisClient client = RedisClient.create(server.uri())) {
        try (StatefulRedisConnection<String, String> c = client.connect()) {
          RedisCommands<String, String> redis = c.sync();
          redis.set("a", "1");
          server.resetStats();
          redis.get("a");
          redis.get("a");
          assertThat(server.commandStats()).containsEntry("get", 2L).doesNotContainKey("set");
          assertThat(server.info("server")).contains("tcp_port:" + port);
          server.flushAll();
          assertThat(redis.dbsize()).isZero();
          redis.set("b", "2");
        }

        server.restart();

        assertThat(server.port()).isEqualTo(port);
        assertThat(server.isAlive()).isTrue();
        try (StatefulRedisConnection<String, String> c = client.connect()) {
          assertThat(c.sync().get("b")).isNull();
          c.sync().set("c", "3");
        }

        server.kill();

        assertThat(server.isAlive()).isFalse();

        server.restart();

        try (StatefulRedisConnection<String, String> c = client.connect()) {
          assertThat(c.sync().ping()).isEqualTo("PONG");
          assertThat(c.sync().get("c")).isNull();
        }
        server.stop();
        assertThat(server.isAlive()).isFalse();
      }
    }
  }

  @Test
  void closeDestroysTheProcessAndDeletesItsDirectory() {
    LocalRedisServer server = LocalRedisServer.start();
    int port = server.port();

    server.close();

    assertThat(FreePorts.isListening(port)).isFalse();
    assertThat(server.logFile().getParent()).doesNotExist();
  }

  @Test
  void sharedServerIsOnePerJvmAndSurvivesClose() {
    LocalRedisServer server = LocalRedisServer.shared();

    server.close();

    assertThat(LocalRedisServer.shared()).isSameAs(server);
    assertThat(server.isAlive()).isTrue();
  }
}
