package io.github.tieredcache.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class HitCounterTest {

  @Test
  void countsEveryIncrementExactlyWithMoreThreadsThanSlots() throws Exception {
    HitCounter counter = new HitCounter();
    int threads = HitCounter.SLOTS * 2 + 7;
    int each = 20_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < each; i++) {
                  counter.increment();
                }
              });
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    assertThat(counter.sum()).isEqualTo((long) threads * each);
  }

  @Test
  void aDeadThreadsCountStaysInTheSum() throws Exception {
    HitCounter counter = new HitCounter();
    Thread once = new Thread(() -> counter.increment());
    once.start();
    once.join();
    counter.increment();
    assertThat(counter.sum()).isEqualTo(2);
  }
}
