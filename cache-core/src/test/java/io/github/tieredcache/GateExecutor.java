package io.github.tieredcache;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An executor for tests: runs tasks on a pool of its own while open, and queues them while held, so
 * a test can see what the cache hands it (a background refresh, say) and run it when it chooses.
 */
public final class GateExecutor implements Executor, AutoCloseable {

  private final ExecutorService pool = Executors.newCachedThreadPool();
  private final ArrayDeque<Runnable> held = new ArrayDeque<>();
  private boolean holding;
  private long executed;

  @Override
  public void execute(Runnable task) {
    synchronized (this) {
      executed++;
      if (holding) {
        held.add(task);
        return;
      }
    }
    pool.execute(task);
  }

  /** Queues tasks from now on instead of running them. */
  public synchronized void hold() {
    holding = true;
  }

  /** Returns how many tasks are queued. */
  public synchronized int heldCount() {
    return held.size();
  }

  /** Returns how many tasks were ever given to this executor. */
  public synchronized long executed() {
    return executed;
  }

  /** Runs the queued tasks on the calling thread, and stops queueing. */
  public void release() {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = held.poll();
        if (task == null) {
          holding = false;
          return;
        }
      }
      task.run();
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
