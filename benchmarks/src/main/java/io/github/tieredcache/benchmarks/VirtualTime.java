package io.github.tieredcache.benchmarks;

import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Time that moves only when the driver moves it: the ticker, wall clock and scheduler a cache (and
 * its {@code InMemoryTierStore}) are given in the effectiveness report, so 72 hours run in minutes
 * and every run of a seed is the same run. Scheduled tasks (the heartbeats of freshness by
 * invalidation) run on the driver's thread, in due order, as {@link #advanceTo} passes their time.
 *
 * <p>Not thread-safe: one driver thread.
 */
final class VirtualTime implements Ticker, Scheduler {

  private final Instant start;
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long nanos;
  private long sequence;

  VirtualTime(Instant start) {
    this.start = start;
  }

  @Override
  public long read() {
    return nanos;
  }

  /** Milliseconds since the start. */
  long millis() {
    return nanos / 1_000_000;
  }

  Instant start() {
    return start;
  }

  /** A clock reading the start plus the ticker. */
  Clock clock() {
    return new Clock() {
      @Override
      public long millis() {
        return start.toEpochMilli() + nanos / 1_000_000;
      }

      @Override
      public Instant instant() {
        return start.plusNanos(nanos);
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
  }

  @Override
  public Future<?> schedule(Executor executor, Runnable command, long delay, TimeUnit unit) {
    Task task = new Task(nanos + unit.toNanos(delay), sequence++, () -> executor.execute(command));
    tasks.add(task);
    return task.future;
  }

  /** Moves time to {@code target} nanos, running every task due on the way at its own time. */
  void advanceTo(long target) {
    Task next;
    while ((next = tasks.peek()) != null && next.due <= target) {
      tasks.poll();
      if (next.due > nanos) {
        nanos = next.due;
      }
      if (next.future.complete(null)) {
        next.command.run();
      }
    }
    if (target > nanos) {
      nanos = target;
    }
  }

  private record Task(long due, long order, Runnable command, CompletableFuture<Void> future)
      implements Comparable<Task> {
    Task(long due, long order, Runnable command) {
      this(due, order, command, new CompletableFuture<>());
    }

    @Override
    public int compareTo(Task other) {
      int byDue = Long.compare(due, other.due);
      return byDue != 0 ? byDue : Long.compare(order, other.order);
    }
  }
}
