package io.github.tieredcache.redis.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Finds where redis-server processes come from. In order:
 *
 * <ol>
 *   <li>system property {@value #BINARY_PROPERTY}, else environment variable {@value #BINARY_ENV}:
 *       a path to a redis-server binary, or the word {@value #USE_CLASSPATH} or {@value
 *       #USE_DOCKER} to force one of the fallbacks below. A value that does not work is an error,
 *       never silently skipped;
 *   <li>{@code redis-server} on the {@code PATH}, if it is Redis {@link RedisVersion#MINIMUM} or
 *       newer;
 *   <li>the binary inside {@code com.github.codemonstur:embedded-redis} when that jar is on the
 *       classpath, extracted to a temporary directory (Redis 6.2, Linux and macOS);
 *   <li>a Docker engine through Testcontainers when it is on the classpath (image from {@value
 *       #IMAGE_PROPERTY} / {@value #IMAGE_ENV}, default {@value ContainerLauncher#DEFAULT_IMAGE}).
 * </ol>
 *
 * If none works, {@link #locate()} throws a {@link LocalRedisException} that says what was tried
 * and what to install or set.
 */
final class RedisServerLocator {

  static final String BINARY_PROPERTY = "tieredcache.redis-server";
  static final String BINARY_ENV = "TIEREDCACHE_REDIS_SERVER";
  static final String IMAGE_PROPERTY = "tieredcache.redis-image";
  static final String IMAGE_ENV = "TIEREDCACHE_REDIS_IMAGE";
  static final String USE_CLASSPATH = "classpath";
  static final String USE_DOCKER = "docker";
  static final String EMBEDDED_ARTIFACT = "com.github.codemonstur:embedded-redis:1.4.4";

  private static @Nullable NodeLauncher defaultLauncher;

  /** Creates the launcher for Docker, or says in {@code tried} why there is none. */
  @FunctionalInterface
  interface DockerBackend {
    @Nullable NodeLauncher create(String image, List<String> tried);
  }

  private final Function<String, @Nullable String> properties;
  private final Function<String, @Nullable String> environment;
  private final ClassLoader classLoader;
  private final String osName;
  private final String osArch;
  private final DockerBackend docker;

  RedisServerLocator(
      Function<String, @Nullable String> properties,
      Function<String, @Nullable String> environment,
      ClassLoader classLoader,
      String osName,
      String osArch,
      DockerBackend docker) {
    this.properties = properties;
    this.environment = environment;
    this.classLoader = classLoader;
    this.osName = osName;
    this.osArch = osArch;
    this.docker = docker;
  }

  /** Returns the launcher for this JVM, located once and then reused. */
  static synchronized NodeLauncher defaultLauncher() {
    if (defaultLauncher == null) {
      ClassLoader loader = RedisServerLocator.class.getClassLoader();
      defaultLauncher =
          new RedisServerLocator(
                  System::getProperty,
                  System::getenv,
                  loader,
                  System.getProperty("os.name", ""),
                  System.getProperty("os.arch", ""),
                  RedisServerLocator::testcontainers)
              .locate();
    }
    return defaultLauncher;
  }

  /** Finds the first backend that works; throws if none does. */
  NodeLauncher locate() {
    List<String> tried = new ArrayList<>();
    String fromProperty = blankToNull(properties.apply(BINARY_PROPERTY));
    String explicit =
        fromProperty != null ? fromProperty : blankToNull(environment.apply(BINARY_ENV));
    if (explicit != null) {
      String source =
          fromProperty != null
              ? "system property " + BINARY_PROPERTY
              : "environment variable " + BINARY_ENV;
      return explicit(explicit.trim(), source, tried);
    }
    NodeLauncher launcher = onPath(tried);
    if (launcher == null) {
      launcher = onClasspath(tried);
    }
    if (launcher == null) {
      launcher = docker.create(image(), tried);
    }
    if (launcher == null) {
      throw new LocalRedisException(nothingFound(tried));
    }
    return launcher;
  }

  private NodeLauncher explicit(String value, String source, List<String> tried) {
    NodeLauncher launcher;
    if (value.equalsIgnoreCase(USE_DOCKER)) {
      launcher = docker.create(image(), tried);
    } else if (value.equalsIgnoreCase(USE_CLASSPATH)) {
      launcher = onClasspath(tried);
    } else {
      Path binary;
      try {
        binary = Path.of(value);
      } catch (InvalidPathException e) {
        throw new LocalRedisException(source + " is '" + value + "', which is not a path");
      }
      if (!Files.isRegularFile(binary) || !Files.isExecutable(binary)) {
        throw new LocalRedisException(
            source
                + " is '"
                + value
                + "', which is not an executable file."
                + " Point it at a redis-server binary (Redis "
                + RedisVersion.MINIMUM
                + " or newer),"
                + " or set it to '"
                + USE_CLASSPATH
                + "' or '"
                + USE_DOCKER
                + "'.");
      }
      launcher = binary(binary, "from " + source, tried);
    }
    if (launcher == null) {
      throw new LocalRedisException(
          source + " is '" + value + "', but that does not work here: " + String.join("; ", tried));
    }
    return launcher;
  }

  private @Nullable NodeLauncher onPath(List<String> tried) {
    String path = environment.apply("PATH");
    String name =
        osName.toLowerCase(Locale.ROOT).startsWith("windows") ? "redis-server.exe" : "redis-server";
    boolean found = false;
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        if (entry.isBlank()) {
          continue;
        }
        Path candidate;
        try {
          candidate = Path.of(entry, name);
        } catch (InvalidPathException e) {
          continue;
        }
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          found = true;
          NodeLauncher launcher = binary(candidate, "from PATH", tried);
          if (launcher != null) {
            return launcher;
          }
        }
      }
    }
    if (!found) {
      tried.add("no " + name + " on the PATH");
    }
    return null;
  }

  private @Nullable NodeLauncher onClasspath(List<String> tried) {
    String resource = embeddedResource(osName, osArch);
    if (resource == null) {
      tried.add(EMBEDDED_ARTIFACT + " ships no usable binary for " + osName + "/" + osArch);
      return null;
    }
    URL url = classLoader.getResource(resource);
    if (url == null) {
      tried.add(EMBEDDED_ARTIFACT + " is not on the classpath");
      return null;
    }
    Path binary;
    try {
      binary = extract(url);
    } catch (IOException e) {
      tried.add("could not extract " + resource + " from the classpath: " + e);
      return null;
    }
    return binary(binary, "extracted from embedded-redis on the classpath", tried);
  }

  private @Nullable NodeLauncher binary(Path binary, String origin, List<String> tried) {
    String output;
    try {
      output = versionOutput(binary);
    } catch (IOException e) {
      tried.add(binary + " does not run here: " + e.getMessage());
      return null;
    }
    Optional<RedisVersion> version = RedisVersion.fromVersionOutput(output);
    if (version.isEmpty()) {
      tried.add(binary + " --version printed no Redis version: " + abbreviate(output));
      return null;
    }
    if (!version.get().isAtLeast(RedisVersion.MINIMUM)) {
      tried.add(binary + " is Redis " + version.get() + ", older than " + RedisVersion.MINIMUM);
      return null;
    }
    return new ProcessLauncher(binary, version.get(), origin);
  }

  private String image() {
    String image = blankToNull(properties.apply(IMAGE_PROPERTY));
    if (image == null) {
      image = blankToNull(environment.apply(IMAGE_ENV));
    }
    return image != null ? image.trim() : ContainerLauncher.DEFAULT_IMAGE;
  }

  /**
   * The resource name of embedded-redis 1.4.x's binary for this platform, or null if it has none.
   */
  static @Nullable String embeddedResource(String osName, String osArch) {
    String os = osName.toLowerCase(Locale.ROOT);
    String arch = osArch.toLowerCase(Locale.ROOT);
    boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
    boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
    if (os.contains("linux")) {
      return x64
          ? "redis-server-6.2.6-v5-linux-amd64"
          : arm64 ? "redis-server-6.2.7-linux-arm64" : null;
    }
    if (os.contains("mac") || os.contains("darwin")) {
      return x64
          ? "redis-server-6.2.6-v5-darwin-amd64"
          : arm64 ? "redis-server-6.2.6-v5-darwin-arm64" : null;
    }
    // Its Windows binary is Redis 5.0, too old for the options the testkit sets.
    return null;
  }

  private static Path extract(URL url) throws IOException {
    Path dir = Files.createTempDirectory("tieredcache-redis-bin-");
    Path binary = dir.resolve("redis-server");
    dir.toFile().deleteOnExit();
    binary.toFile().deleteOnExit();
    try (InputStream in = url.openStream()) {
      Files.copy(in, binary, StandardCopyOption.REPLACE_EXISTING);
    }
    try {
      Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (UnsupportedOperationException e) {
      if (!binary.toFile().setExecutable(true)) {
        throw new IOException("cannot make " + binary + " executable", e);
      }
    }
    return binary;
  }

  /** Runs {@code binary --version} and returns what it printed. */
  static String versionOutput(Path binary) throws IOException {
    Process process =
        new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
    try {
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new IOException("--version did not finish within 10 s");
      }
      if (process.exitValue() != 0) {
        throw new IOException(
            "--version exited with " + process.exitValue() + ": " + abbreviate(output));
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      process.destroyForcibly();
    }
  }

  /** The Docker backend through Testcontainers, if both it and a Docker engine are there. */
  static @Nullable NodeLauncher testcontainers(String image, List<String> tried) {
    ClassLoader loader = RedisServerLocator.class.getClassLoader();
    try {
      Class.forName("org.testcontainers.DockerClientFactory", false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      tried.add("Testcontainers (org.testcontainers:testcontainers) is not on the classpath");
      return null;
    }
    try {
      Class<?> type =
          Class.forName(
              RedisServerLocator.class.getPackageName() + ".ContainerLauncher", true, loader);
      if (!(Boolean) type.getDeclaredMethod("isDockerAvailable").invoke(null)) {
        tried.add("Testcontainers found no running Docker engine");
        return null;
      }
      return (NodeLauncher) type.getDeclaredConstructor(String.class).newInstance(image);
    } catch (ReflectiveOperationException | LinkageError | UncheckedIOException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      tried.add("Testcontainers could not be used: " + cause);
      return null;
    }
  }

  static String nothingFound(List<String> tried) {
    return "No redis-server found to start a local Redis. Tried: "
        + String.join("; ", tried)
        + ". Do one of: (1) install Redis "
        + RedisVersion.MINIMUM
        + " or newer so that redis-server is on the PATH (Debian/Ubuntu: apt-get install"
        + " redis-server; macOS: brew install redis); (2) set system property "
        + BINARY_PROPERTY
        + " or environment variable "
        + BINARY_ENV
        + " to the path of a redis-server binary; (3) add the test dependency "
        + EMBEDDED_ARTIFACT
        + " (Linux or macOS, x86_64 or arm64; it ships Redis 6.2); (4) add the test dependency"
        + " org.testcontainers:testcontainers and start a Docker engine on Linux (image from "
        + IMAGE_PROPERTY
        + ", default "
        + ContainerLauncher.DEFAULT_IMAGE
        + ").";
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String abbreviate(String s) {
    String oneLine = s.strip().replace('\n', ' ');
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }
}
