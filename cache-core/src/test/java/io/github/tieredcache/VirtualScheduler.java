package io.github.tieredcache;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A Caffeine {@link Scheduler} on a {@link FakeTicker}: tasks run when the test advances time past
 * them with {@link #advance}; a cancelled task never runs.
 */
final class VirtualScheduler implements Scheduler {
  private final FakeTicker ticker;
  private final List<Task> tasks = new ArrayList<>();

  VirtualScheduler(FakeTicker ticker) {
    this.ticker = ticker;
  }

  final class Task {
    final long dueNanos;
    final Runnable command;
    final CompletableFuture<Void> future = new CompletableFuture<>();

    Task(long dueNanos, Runnable command) {
      this.dueNanos = dueNanos;
      this.command = command;
    }
  }

  @Override
  public synchronized Future<?> schedule(
      java.util.concurrent.Executor executor, Runnable command, long delay, TimeUnit unit) {
    Task task = new Task(ticker.read() + unit.toNanos(delay), () -> executor.execute(command));
    tasks.add(task);
    return task.future;
  }

  synchronized List<Task> pending() {
    tasks.removeIf(t -> t.future.isDone());
    return List.copyOf(tasks);
  }

  /** Moves the ticker by {@code duration}, running each task when its time comes; how many ran. */
  int advance(Duration duration) {
    long end = ticker.read() + duration.toNanos();
    int ran = 0;
    while (true) {
      Task next = null;
      for (Task t : pending()) {
        if (t.dueNanos <= end && (next == null || t.dueNanos < next.dueNanos)) {
          next = t;
        }
      }
      if (next == null) {
        break;
      }
      ticker.advance(Duration.ofNanos(next.dueNanos - ticker.read()));
      if (next.future.complete(null)) {
        next.command.run();
        ran++;
      }
    }
    ticker.advance(Duration.ofNanos(end - ticker.read()));
    return ran;
  }
}
