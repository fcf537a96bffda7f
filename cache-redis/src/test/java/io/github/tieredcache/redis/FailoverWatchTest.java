package io.github.tieredcache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which topology changes count as a failover. */
class FailoverWatchTest {

  private static RedisClusterNode node(String id, int port, NodeFlag role, Integer... slots) {
    RedisClusterNode node = new RedisClusterNode();
    node.setNodeId(id);
    node.setUri(RedisURI.create("127.0.0.1", port));
    node.setFlags(Set.of(role));
    node.setSlots(List.of(slots));
    return node;
  }

  @Test
  void aReplicaThatBecomesAPrimaryIsAFailover() {
    List<RedisClusterNode> before =
        List.of(node("a", 1, NodeFlag.UPSTREAM, 0, 1), node("b", 2, NodeFlag.REPLICA));
    List<RedisClusterNode> after =
        List.of(node("a", 1, NodeFlag.REPLICA), node("b", 2, NodeFlag.UPSTREAM, 0, 1));

    assertThat(FailoverWatch.promoted(before, after)).isEqualTo("127.0.0.1:2");
  }

  @Test
  void slotsMovingBetweenPrimariesTheFirstViewAndAFailedReplicaAreNot() {
    List<RedisClusterNode> before =
        List.of(
            node("a", 1, NodeFlag.UPSTREAM, 0, 1),
            node("c", 3, NodeFlag.UPSTREAM, 2),
            node("b", 2, NodeFlag.REPLICA));
    List<RedisClusterNode> migrated =
        List.of(
            node("a", 1, NodeFlag.UPSTREAM, 0),
            node("c", 3, NodeFlag.UPSTREAM, 1, 2),
            node("b", 2, NodeFlag.FAIL));

    assertThat(FailoverWatch.promoted(before, migrated)).isNull();
    assertThat(FailoverWatch.promoted(List.of(), before)).as("the first view").isNull();
  }
}
