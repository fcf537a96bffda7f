package io.github.tieredcache.redis.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerLocatorTest {

  @TempDir Path tmp;

  private final Map<String, String> properties = new HashMap<>();
  private final Map<String, String> environment = new HashMap<>();
  private ClassLoader classLoader = new URLClassLoader(new URL[0], null);
  private final List<String> dockerCalls = new ArrayList<>();
  private @Nullable NodeLauncher dockerLauncher;

  @BeforeEach
  void linuxOnly() {
    // The fakes are shell scripts.
    assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
  }

  private RedisServerLocator locator() {
    return new RedisServerLocator(
        properties::get,
        environment::get,
        classLoader,
        "Linux",
        "amd64",
        (image, tried) -> {
          dockerCalls.add(image);
          if (dockerLauncher == null) {
            tried.add("fake: no Docker");
          }
          return dockerLauncher;
        });
  }

  private Path fakeRedisServer(Path dir, String version) throws IOException {
    Files.createDirectories(dir);
    Path script = dir.resolve("redis-server");
    Files.writeString(
        script,
        "#!/bin/sh\necho \"Redis server v="
            + version
            + " sha=00000000:0 malloc=libc bits=64 build=0\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  @Test
  void systemPropertyWinsOverEnvironmentAndPath() throws IOException {
    Path fromProperty = fakeRedisServer(tmp.resolve("prop"), "7.2.4");
    Path fromEnv = fakeRedisServer(tmp.resolve("env"), "7.2.4");
    Path onPath = fakeRedisServer(tmp.resolve("path"), "7.2.4");
    properties.put(RedisServerLocator.BINARY_PROPERTY, fromProperty.toString());
    environment.put(RedisServerLocator.BINARY_ENV, fromEnv.toString());
    environment.put("PATH", onPath.getParent().toString());

    NodeLauncher launcher = locator().locate();

    assertThat(launcher).isInstanceOf(ProcessLauncher.class);
    assertThat(((ProcessLauncher) launcher).binary()).isEqualTo(fromProperty);
    assertThat(launcher.version()).isEqualTo(new RedisVersion(7, 2, 4));
    assertThat(launcher.description()).contains(RedisServerLocator.BINARY_PROPERTY);
  }

  @Test
  void environmentVariableWinsOverPath() throws IOException {
    Path fromEnv = fakeRedisServer(tmp.resolve("env"), "7.0.15");
    environment.put(RedisServerLocator.BINARY_ENV, fromEnv.toString());
    environment.put("PATH", fakeRedisServer(tmp.resolve("path"), "7.2.4").getParent().toString());

    assertThat(((ProcessLauncher) locator().locate()).binary()).isEqualTo(fromEnv);
  }

  @Test
  void explicitPathThatIsNotExecutableIsAnErrorNotAFallback() throws IOException {
    environment.put("PATH", fakeRedisServer(tmp.resolve("path"), "7.2.4").getParent().toString());
    properties.put(
        RedisServerLocator.BINARY_PROPERTY, tmp.resolve("missing/redis-server").toString());

    assertThatThrownBy(() -> locator().locate())
        .isInstanceOf(LocalRedisException.class)
        .hasMessageContaining("system property " + RedisServerLocator.BINARY_PROPERTY)
        .hasMessageContaining("not an executable file");
  }

  @Test
  void explicitBinaryTooOldIsAnError() throws IOException {
    properties.put(
        RedisServerLocator.BINARY_PROPERTY,
        fakeRedisServer(tmp.resolve("old"), "5.0.7").toString());

    assertThatThrownBy(() -> locator().locate())
        .isInstanceOf(LocalRedisException.class)
        .hasMessageContaining("Redis 5.0.7, older than 6.2.0");
  }

  @Test
  void findsRedisServerOnThePathSkippingOldOnes() throws IOException {
    Path old = fakeRedisServer(tmp.resolve("a"), "6.0.9");
    Path current = fakeRedisServer(tmp.resolve("b"), "7.0.15");
    environment.put(
        "PATH", tmp.resolve("nowhere") + ":" + old.getParent() + ":" + current.getParent());

    ProcessLauncher launcher = (ProcessLauncher) locator().locate();

    assertThat(launcher.binary()).isEqualTo(current);
    assertThat(launcher.version()).isEqualTo(new RedisVersion(7, 0, 15));
    assertThat(dockerCalls).isEmpty();
  }

  @Test
  void extractsTheEmbeddedBinaryFromTheClasspathWhenThePathHasNone() throws IOException {
    Path jarRoot = tmp.resolve("jar");
    Path resource = fakeRedisServer(jarRoot, "6.2.11");
    Files.move(resource, jarRoot.resolve("redis-server-6.2.6-v5-linux-amd64"));
    Files.setPosixFilePermissions(
        jarRoot.resolve("redis-server-6.2.6-v5-linux-amd64"),
        PosixFilePermissions.fromString("rw-r--r--"));
    classLoader = new URLClassLoader(new URL[] {jarRoot.toUri().toURL()}, null);
    environment.put("PATH", tmp.resolve("empty").toString());

    ProcessLauncher launcher = (ProcessLauncher) locator().locate();

    assertThat(launcher.version()).isEqualTo(new RedisVersion(6, 2, 11));
    assertThat(launcher.binary())
        .isExecutable()
        .isNotEqualTo(jarRoot.resolve("redis-server-6.2.6-v5-linux-amd64"));
    assertThat(launcher.description()).contains("embedded-redis");
  }

  @Test
  void fallsBackToDockerWithTheConfiguredImage() {
    NodeLauncher fake = new ContainerLauncher("redis:7.4.1");
    dockerLauncher = fake;
    properties.put(RedisServerLocator.IMAGE_PROPERTY, "redis:7.4.1");
    environment.put("PATH", tmp.toString());

    assertThat(locator().locate()).isSameAs(fake);
    assertThat(dockerCalls).containsExactly("redis:7.4.1");
  }

  @Test
  void dockerKeywordForcesTheDockerBackendEvenWithARedisServerOnThePath() throws IOException {
    dockerLauncher = new ContainerLauncher(ContainerLauncher.DEFAULT_IMAGE);
    environment.put("PATH", fakeRedisServer(tmp.resolve("path"), "7.2.4").getParent().toString());
    environment.put(RedisServerLocator.BINARY_ENV, "docker");

    assertThat(locator().locate()).isSameAs(dockerLauncher);
    assertThat(dockerCalls).containsExactly(ContainerLauncher.DEFAULT_IMAGE);
  }

  @Test
  void dockerKeywordWithoutDockerIsAnError() {
    properties.put(RedisServerLocator.BINARY_PROPERTY, "docker");

    assertThatThrownBy(() -> locator().locate())
        .isInstanceOf(LocalRedisException.class)
        .hasMessageContaining("does not work here")
        .hasMessageContaining("fake: no Docker");
  }

  @Test
  void nothingFoundSaysWhatWasTriedAndWhatToInstallOrSet() {
    environment.put("PATH", tmp.toString());

    assertThatThrownBy(() -> locator().locate())
        .isInstanceOf(LocalRedisException.class)
        .hasMessageContaining("no redis-server on the PATH")
        .hasMessageContaining(RedisServerLocator.EMBEDDED_ARTIFACT + " is not on the classpath")
        .hasMessageContaining("fake: no Docker")
        .hasMessageContaining("apt-get install redis-server")
        .hasMessageContaining("brew install redis")
        .hasMessageContaining(RedisServerLocator.BINARY_PROPERTY)
        .hasMessageContaining(RedisServerLocator.BINARY_ENV)
        .hasMessageContaining("org.testcontainers:testcontainers");
  }

  @Test
  void embeddedBinaryNamesFollowTheEmbeddedRedisJarLayout() {
    assertThat(RedisServerLocator.embeddedResource("Linux", "amd64"))
        .isEqualTo("redis-server-6.2.6-v5-linux-amd64");
    assertThat(RedisServerLocator.embeddedResource("Linux", "aarch64"))
        .isEqualTo("redis-server-6.2.7-linux-arm64");
    assertThat(RedisServerLocator.embeddedResource("Mac OS X", "aarch64"))
        .isEqualTo("redis-server-6.2.6-v5-darwin-arm64");
    assertThat(RedisServerLocator.embeddedResource("Mac OS X", "x86_64"))
        .isEqualTo("redis-server-6.2.6-v5-darwin-amd64");
    assertThat(RedisServerLocator.embeddedResource("Windows 11", "amd64")).isNull();
    assertThat(RedisServerLocator.embeddedResource("Linux", "s390x")).isNull();
  }

  @Test
  void testcontainersBackendAnswersWhetherDockerRunsWithoutThrowing() {
    List<String> tried = new ArrayList<>();

    NodeLauncher launcher = RedisServerLocator.testcontainers("redis:7.2", tried);

    if (launcher == null) {
      assertThat(tried).singleElement().asString().contains("Docker engine");
    } else {
      assertThat(launcher).isInstanceOf(ContainerLauncher.class);
    }
  }

  @Test
  void parsesVersionsFromVersionOutputAndImageTags() {
    assertThat(
            RedisVersion.fromVersionOutput(
                "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0"))
        .contains(new RedisVersion(7, 0, 15));
    assertThat(RedisVersion.fromVersionOutput("Valkey server v=8.0.2 sha=0"))
        .contains(new RedisVersion(8, 0, 2));
    assertThat(RedisVersion.fromVersionOutput("garbage")).isEmpty();
    assertThat(RedisVersion.fromImageTag("7.2.5-alpine")).contains(new RedisVersion(7, 2, 5));
    assertThat(RedisVersion.fromImageTag("8")).contains(new RedisVersion(8, 0, 0));
    assertThat(RedisVersion.fromImageTag("latest")).isEmpty();
    assertThat(new RedisVersion(6, 2, 11).isAtLeast(RedisVersion.MINIMUM)).isTrue();
    assertThat(new RedisVersion(6, 0, 20).isAtLeast(RedisVersion.MINIMUM)).isFalse();
  }
}
