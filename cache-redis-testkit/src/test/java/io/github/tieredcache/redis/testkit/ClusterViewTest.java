package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClusterViewTest {

  /** As redis-server 7.0.15 printed it, right after a replica's role changed. */
  private static final String REDIS_7 =
      """
      234189834b74753257de12a020ac3bc3c1422bd0 127.0.0.1:37825@47825 master - 0 1795814826524 2 connected 5461-10921
      63a53a7cac3064f6e9e7687473830c254ffc9cc2 127.0.0.1:40785@50785 master - 0 1795814826524 3 connected 10922-16383
      8e59a62851d57735719c933c6229cab94e0ba4d3 127.0.0.1:44467@54467 myself,master - 0 1795814826000 1 connected 0-5460
      8c0026e394fa05758b86b3685e24c584bed3b224 127.0.0.1:39159@49159 slave 8e59a62851d57735719c933c6229cab94e0ba4d3 0 1795814826119 4 connected
      02272dce3cf0a1ee527737374e69d7c2266ff802 127.0.0.1:43155@53155 slave 234189834b74753257de12a020ac3bc3c1422bd0 0 1795814826524 2 connected
      a25625a2a2b5023585de8108280c9347895103f6 127.0.0.1:39801@49801 slave 63a53a7cac3064f6e9e7687473830c254ffc9cc2 0 1795814826524 3 connected
      """;

  @Test
  void parsesAddressesRolesAndSlots() {
    ClusterView view = ClusterView.parse(REDIS_7);

    assertThat(view.entries()).hasSize(6);
    ClusterView.Entry me = view.myself().orElseThrow();
    assertThat(me.port()).isEqualTo(44467);
    assertThat(me.host()).isEqualTo("127.0.0.1");
    assertThat(me.isPrimary()).isTrue();
    assertThat(me.primaryId()).isNull();
    assertThat(me.slots()).containsExactly(new int[] {0, 5460});
    ClusterView.Entry replica = view.byPort(39159).orElseThrow();
    assertThat(replica.isPrimary()).isFalse();
    assertThat(replica.primaryId()).isEqualTo(me.id());
    assertThat(replica.connected()).isTrue();
    assertThat(replica.slots()).isEmpty();
  }

  @Test
  void everySlotHasAnOwnerWhenThreePrimariesShareThem() {
    int[] owners = ClusterView.parse(REDIS_7).slotOwnerPorts();

    assertThat(owners).hasSize(16384).doesNotContain(-1);
    assertThat(owners[0]).isEqualTo(44467);
    assertThat(owners[5461]).isEqualTo(37825);
    assertThat(owners[16383]).isEqualTo(40785);
  }

  @Test
  void slotsOfAFailedPrimaryHaveNoOwner() {
    String view =
        REDIS_7.replace("127.0.0.1:37825@47825 master", "127.0.0.1:37825@47825 master,fail");

    int[] owners = ClusterView.parse(view).slotOwnerPorts();

    assertThat(owners[5461]).isEqualTo(-1);
    assertThat(owners[10921]).isEqualTo(-1);
    assertThat(Arrays.stream(owners).filter(o -> o == -1).count()).isEqualTo(10921 - 5461 + 1);
    assertThat(ClusterView.parse(view).byPort(37825).orElseThrow().isTroubled()).isTrue();
  }

  @Test
  void readsHostnamesSingleSlotsAndSkipsMigrationMarks() {
    String line =
        "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001,node-a myself,master - 0 0"
            + " 1 connected 0-10 42 [43->-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1]\n"
            + "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 :0@0 master,noaddr,handshake - 0 0 0"
            + " disconnected\n";

    ClusterView view = ClusterView.parse(line);

    ClusterView.Entry me = view.byPort(30001).orElseThrow();
    assertThat(me.slots()).containsExactly(new int[] {0, 10}, new int[] {42, 42});
    ClusterView.Entry unknown = view.byId("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1").orElseThrow();
    assertThat(unknown.port()).isZero();
    assertThat(unknown.isTroubled()).isTrue();
    assertThat(unknown.connected()).isFalse();
  }
}
