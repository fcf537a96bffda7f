package io.github.tieredcache.resilience;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tieredcache.spi.Namespace;
import java.util.List;
import org.junit.jupiter.api.Test;

class InvalidationBacklogTest {

  private static final Namespace A = Namespace.of("a", List.of("hot"));
  private static final Namespace B = Namespace.of("b", List.of("hot"));

  private static byte[] k(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void keepsRemovalsOnceAndInOrder() {
    InvalidationBacklog backlog = new InvalidationBacklog(10);
    backlog.addRemove(A, k("1"));
    backlog.addRemove(B, k("1"));
    backlog.addRemove(A, k("2"));
    backlog.addRemove(A, k("1"));

    assertThat(backlog.take(10))
        .extracting(e -> e.namespace().cacheName() + ":" + new String(e.key().bytes(), UTF_8))
        .containsExactly("a:1", "b:1", "a:2");
    assertThat(backlog.isEmpty()).isTrue();
  }

  @Test
  void aClearReplacesItsNamespacesRemovalsAndAbsorbsLaterOnes() {
    InvalidationBacklog backlog = new InvalidationBacklog(10);
    backlog.addRemove(A, k("1"));
    backlog.addRemove(B, k("1"));
    backlog.addClear(A);
    backlog.addRemove(A, k("2"));

    List<InvalidationBacklog.Entry> entries = backlog.take(10);
    assertThat(entries).hasSize(2);
    assertThat(entries.get(0).namespace()).isEqualTo(B);
    assertThat(entries.get(1).isClear()).isTrue();
    assertThat(entries.get(1).namespace()).isEqualTo(A);
  }

  @Test
  void aFullBacklogTurnsTheNextRemovalIntoAClearOfItsNamespace() {
    InvalidationBacklog backlog = new InvalidationBacklog(3);
    backlog.addRemove(A, k("1"));
    backlog.addRemove(A, k("2"));
    backlog.addRemove(B, k("1"));
    backlog.addRemove(A, k("3"));

    assertThat(backlog.overflows()).isEqualTo(1);
    assertThat(backlog.size()).isEqualTo(2); // b:1 and clear(a)
    backlog.addRemove(B, k("2")); // room again
    assertThat(backlog.size()).isEqualTo(3);
    backlog.addRemove(B, k("3")); // full: b is cleared too
    assertThat(backlog.take(10)).allMatch(InvalidationBacklog.Entry::isClear).hasSize(2);
  }

  @Test
  void entriesPutBackAreKeptAgainAndKeysAreCopied() {
    InvalidationBacklog backlog = new InvalidationBacklog(10);
    byte[] key = k("1");
    backlog.addRemove(A, key);
    key[0] = 'X';
    List<InvalidationBacklog.Entry> taken = backlog.take(1);

    backlog.putBack(taken);

    assertThat(backlog.take(1).get(0).key().bytes()).isEqualTo(k("1"));
  }
}
