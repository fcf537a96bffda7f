package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;

class RedisInfoTest {

  @Test
  void commandStatsBecomeCallsPerCommandIncludingSubcommands() {
    String stats =
        "# Commandstats\r\n"
            + "cmdstat_get:calls=3,usec=12,usec_per_call=4.00,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_cluster|nodes:calls=16,usec=950,usec_per_call=59.38,rejected_calls=0,failed_calls=0\r\n"
            + "cmdstat_evalsha:calls=1,usec=5,usec_per_call=5.00\r\n";

    assertThat(RedisInfo.commandCalls(stats))
        .containsExactly(entry("get", 3L), entry("cluster|nodes", 16L), entry("evalsha", 1L));
  }

  @Test
  void emptyCommandStatsAreAnEmptyMap() {
    assertThat(RedisInfo.commandCalls("# Commandstats\r\n")).isEmpty();
  }

  @Test
  void fieldsSkipSectionHeadersAndKeepColonsInValues() {
    String info =
        "# Replication\r\n"
            + "role:slave\r\n"
            + "master_host:127.0.0.1\r\n"
            + "master_link_status:up\r\n\r\n"
            + "x:a:b\r\n";

    assertThat(RedisInfo.fields(info))
        .containsEntry("role", "slave")
        .containsEntry("master_link_status", "up")
        .containsEntry("x", "a:b")
        .hasSize(4);
  }
}
