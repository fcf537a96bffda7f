package io.github.tieredcache.redis.testkit;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Destroys, when the JVM exits, every server process the testkit started and that is still open:
 * the shared fixtures, and private ones a test forgot to close. Servers are child processes;
 * without this they would outlive the JVM and keep their ports.
 */
final class ExitCleanup {

  private static final Set<Runnable> PENDING = ConcurrentHashMap.newKeySet();
  private static boolean hookInstalled;

  private ExitCleanup() {}

  /** Runs {@code cleanup} at JVM exit unless {@link #unregister} removes it first. */
  static synchronized void register(Runnable cleanup) {
    if (!hookInstalled) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(ExitCleanup::runAll, "tieredcache-redis-testkit-cleanup"));
      hookInstalled = true;
    }
    PENDING.add(cleanup);
  }

  static void unregister(Runnable cleanup) {
    PENDING.remove(cleanup);
  }

  private static void runAll() {
    List<Runnable> all = new ArrayList<>(PENDING);
    PENDING.clear();
    for (Runnable cleanup : all) {
      try {
        cleanup.run();
      } catch (RuntimeException e) {
        // Best effort at exit: go on with the others.
      }
    }
  }

  /** Deletes {@code dir} and everything below it, ignoring what cannot be deleted. */
  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              deleteQuietly(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) {
              deleteQuietly(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // Ignored: a leftover temp directory is harmless.
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // Ignored, see deleteRecursively.
    }
  }
}
