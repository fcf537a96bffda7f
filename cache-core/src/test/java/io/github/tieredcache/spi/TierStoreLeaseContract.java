package io.github.tieredcache.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The load leases of {@link TierStore#lease}, part of {@link TierStoreContract}: every store that
 * keeps leases (both of this library's do) passes these.
 */
interface TierStoreLeaseContract {

  Duration LEASE = Duration.ofSeconds(30);
  Duration LONG = Duration.ofMinutes(5);

  /** The store under test. */
  TierStore contractStore();

  /** Lets at least {@code duration} pass for the store. */
  void elapseFor(Duration duration);

  private static Namespace ns() {
    return Namespace.of(
        "lease-" + UUID.randomUUID().toString().substring(0, 8), List.of("hot", "warm"));
  }

  private static byte[] k(String key) {
    return key.getBytes(UTF_8);
  }

  private Lease lease(Namespace ns, String key, long token, Duration time) {
    long generation = contractStore().read(ns, k(key)).join().generation();
    return contractStore().lease(ns, k(key), generation, token, time).join();
  }

  private boolean leasedWrite(Namespace ns, String key, String copy, long token) {
    long generation = contractStore().read(ns, k(key)).join().generation();
    return contractStore()
        .writeIfGeneration(ns, new Write(k(key), 0, k(copy), LONG, generation, token))
        .join();
  }

  @Test
  default void aLeaseIsGrantedToOneTokenAndHeldForAnother() {
    Namespace ns = ns();
    assertThat(lease(ns, "k", 11, LEASE)).isEqualTo(Lease.granted(11));
    assertThat(lease(ns, "k", 11, LEASE))
        .as("asked again by its holder")
        .isEqualTo(Lease.granted(11));

    Lease other = lease(ns, "k", 22, LEASE);
    assertThat(other.state()).isEqualTo(Lease.State.HELD);
    assertThat(other.heldForMillis()).isBetween(1L, LEASE.toMillis());
    assertThat(lease(ns, "other key", 22, LEASE)).as("per key").isEqualTo(Lease.granted(22));
  }

  @Test
  default void aLeaseAskedAtAGenerationThatMovedAnswersReadAgain() {
    Namespace ns = ns();
    long seen = contractStore().read(ns, k("k")).join().generation();
    contractStore().remove(ns, k("k")).join();

    assertThat(contractStore().lease(ns, k("k"), seen, 11, LEASE).join())
        .isEqualTo(Lease.readAgain());
  }

  @Test
  default void theHoldersWriteLandsAndThenARequestAnswersReadAgain() {
    Namespace ns = ns();
    lease(ns, "k", 11, LEASE);

    assertThat(leasedWrite(ns, "k", "loaded", 11)).isTrue();
    assertThat(contractStore().read(ns, k("k")).join().copy(0)).isEqualTo(k("loaded"));
    assertThat(lease(ns, "k", 22, LEASE))
        .as("an instance whose read missed just before the write reads again")
        .isEqualTo(Lease.readAgain());
    assertThat(leasedWrite(ns, "k", "late", 22))
        .as("a write under another token after the holder wrote is fenced off")
        .isFalse();
  }

  @Test
  default void aWriteUnderAnotherTokenIsFencedWhileTheLeaseIsHeld() {
    Namespace ns = ns();
    lease(ns, "k", 11, LEASE);

    assertThat(leasedWrite(ns, "k", "not the holder", 22)).isFalse();
    assertThat(contractStore().read(ns, k("k")).join().isHit()).isFalse();
    assertThat(leasedWrite(ns, "k", "the holder", 11)).isTrue();
  }

  @Test
  default void aWriteWithoutATokenIsNotFenced() {
    Namespace ns = ns();
    lease(ns, "k", 11, LEASE);

    assertThat(leasedWrite(ns, "k", "a load that asked no lease", 0)).isTrue();
  }

  @Test
  default void aReleasedLeaseIsGrantedToTheNextAskerButOnlyItsHolderReleasesIt() {
    Namespace ns = ns();
    lease(ns, "k", 11, LEASE);
    contractStore().releaseLease(ns, k("k"), 22).join();
    assertThat(lease(ns, "k", 22, LEASE).state()).as("not its holder").isEqualTo(Lease.State.HELD);

    contractStore().releaseLease(ns, k("k"), 11).join();
    assertThat(lease(ns, "k", 22, LEASE)).isEqualTo(Lease.granted(22));
  }

  @Test
  default void putAndRemoveEndTheLease() {
    Namespace ns = ns();
    lease(ns, "k", 11, LEASE);
    contractStore().remove(ns, k("k")).join();
    assertThat(lease(ns, "k", 22, LEASE)).isEqualTo(Lease.granted(22));

    contractStore().put(ns, new Write(k("k"), 1, k("put"), LONG, 0)).join();
    assertThat(lease(ns, "k", 33, LEASE)).isEqualTo(Lease.granted(33));
    assertThat(leasedWrite(ns, "k", "the old holder", 22))
        .as("the lease ended with the put, and another took it")
        .isFalse();
  }

  @Test
  default void aLeaseEndsAfterItsTime() {
    Namespace ns = ns();
    lease(ns, "k", 11, Duration.ofMillis(200));
    elapseFor(Duration.ofMillis(300));

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(lease(ns, "k", 22, LEASE)).isEqualTo(Lease.granted(22)));
  }
}
