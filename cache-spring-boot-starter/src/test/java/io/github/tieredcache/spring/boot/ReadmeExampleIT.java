package io.github.tieredcache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import io.github.tieredcache.redis.testkit.RedisNode;
import io.github.tieredcache.spring.boot.cache.TieredCacheManager;
import io.github.tieredcache.spring.boot.cache.TieredSpringCache;
import io.github.tieredcache.spring.boot.store.NamedTierStore;
import io.github.tieredcache.spring.boot.store.TierStores;
import io.github.tieredcache.stats.CacheStats;
import io.github.tieredcache.stats.TierStats;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.DefaultResourceLoader;

/**
 * Proves that the README's Spring Boot example works as written: the {@code application.yml} and
 * the {@code BlogApplication} source are read from the README's "Spring Boot" section (never copied
 * by hand), the source is compiled with {@code javac} against the test class path, and the
 * application is started with that YAML as its only configuration file against the local Redis
 * Cluster. The only settings that differ are the ones this machine forces: the cluster's seed nodes
 * and a random server port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeExampleIT {

  private static final Path README = Path.of("..", "README.md");

  private static final Pattern FENCE = Pattern.compile("(?ms)^```(\\w*)\\n(.*?)^```\\s*$");

  /** The Redis key prefix and the posts cache's own key prefix, as the README's YAML sets them. */
  private static final String POST_KEY = "myapp:posts:*:{v2:%d}:%s";

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir static Path work;

  private String readmeYaml;
  private String readmeJava;
  private URLClassLoader exampleLoader;
  private ClassLoader previousContextLoader;
  private ConfigurableApplicationContext context;
  private int port;
  private RedisClusterClient redis;
  private StatefulRedisClusterConnection<String, String> redisConnection;

  @BeforeAll
  void compileAndStartTheReadmeApplication() throws Exception {
    String section = springBootSection(Files.readString(README, StandardCharsets.UTF_8));
    readmeYaml = onlyBlock(section, "yaml", "");
    readmeJava = onlyBlock(section, "java", "class BlogApplication");

    exampleLoader = compile(readmeJava);
    // An application's classes are on its own class path, which is the thread's context class
    // loader;
    // Spring Boot resolves tiered-cache.caches.posts.value-type (com.example.Post) through it.
    previousContextLoader = Thread.currentThread().getContextClassLoader();
    Thread.currentThread().setContextClassLoader(exampleLoader);

    LocalRedisCluster cluster = LocalRedisCluster.shared();
    context = start(readmeYaml, nodes(cluster));
    port = ((WebServerApplicationContext) context).getWebServer().getPort();

    redis = RedisClusterClient.create(cluster.nodeUris().stream().map(RedisURI::create).toList());
    redisConnection = redis.connect();
  }

  @AfterAll
  void stop() throws IOException {
    try {
      if (redisConnection != null) {
        redisConnection.close();
      }
      if (redis != null) {
        redis.shutdown();
      }
      if (context != null) {
        context.close();
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previousContextLoader);
      if (exampleLoader != null) {
        exampleLoader.close();
      }
    }
  }

  @Test
  void theYamlBindsAsWritten() throws Exception {
    TieredCacheManager manager = context.getBean(TieredCacheManager.class);
    assertThat(manager.getCacheNames()).contains("posts", "users");
    NamedTierStore store = context.getBean(TierStores.class).defaultStore();
    assertThat(store.description()).startsWith("redis-cluster 127.0.0.1:");
    // The caches keep answering without Redis, so check that the cluster really answers (a login
    // the local cluster does not know, for one, would fail here).
    await("the default store answering")
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(store.probe().get()).succeedsWithin(Duration.ofSeconds(2)));

    JsonNode posts = getJson("/actuator/tieredcache/posts");
    assertThat(posts.path("circuitBreaker").asText()).isEqualTo("CLOSED");
    assertThat(posts.path("allowNullValues").asBoolean()).isTrue();
    assertThat(tier(posts, "hot").path("ttl").asText()).isEqualTo("PT1M");
    assertThat(tier(posts, "hot").path("maxAge").asText()).isEqualTo("PT1H");
    assertThat(tier(posts, "warm").path("ttl").asText()).isEqualTo("PT1H");
    assertThat(tier(posts, "warm").path("maxAge").asText()).isEqualTo("PT24H");
    assertThat(tier(posts, "warm").path("staleWindow").asText()).isEqualTo("PT5M");
    assertThat(tier(posts, "cold").path("ttl").asText()).isEqualTo("PT24H");
    assertThat(tier(posts, "cold").path("maxAge").asText(null)).isNull();

    JsonNode users = getJson("/actuator/tieredcache/users");
    assertThat(users.path("allowNullValues").asBoolean()).isFalse();
  }

  @Test
  void withoutItsYamlTheReadmeApplicationCachesTooAndGettingAPostTwiceLoadsItOnce()
      throws Exception {
    Path empty = Files.createTempFile(work, "application-", ".yml");
    Class<?> application = exampleLoader.loadClass("com.example.BlogApplication");
    try (ConfigurableApplicationContext bare =
        new SpringApplicationBuilder(application)
            .main(application)
            .resourceLoader(new DefaultResourceLoader(exampleLoader))
            .run("--spring.config.location=file:" + empty.toAbsolutePath(), "--server.port=0")) {
      int barePort = ((WebServerApplicationContext) bare).getWebServer().getPort();
      assertThat(bare.getBean(TierStores.class).defaultStore().isInProcess())
          .as("no Redis configured: the tiers are kept in the application")
          .isTrue();
      for (int i = 0; i < 2; i++) {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + barePort + "/posts/1"))
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
      }
      TieredSpringCache posts = bare.getBean(TieredCacheManager.class).getCache("posts");
      assertThat(posts).as("created on first use").isNotNull();
      assertThat(posts.getNativeCache().stats().loadSuccesses()).as("loads").isEqualTo(1);
    }
  }

  @Test
  void getPostTwiceLoadsItOnceAndTheSecondReadIsAnL0Hit() throws Exception {
    CacheStats before = postsStats();
    JsonNode l0Before = tier(getJson("/actuator/tieredcache/posts"), "l0");

    HttpResponse<String> first = get("/posts/1");
    HttpResponse<String> second = get("/posts/1");

    assertThat(first.statusCode()).isEqualTo(200);
    JsonNode post = json.readTree(first.body());
    assertThat(post.path("id").asLong()).isEqualTo(1);
    assertThat(post.path("title").asText()).isEqualTo("post 1");
    assertThat(Instant.parse(post.path("createdAt").asText()))
        .isBefore(Instant.now().plusSeconds(1));
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(json.readTree(second.body())).isEqualTo(post);

    CacheStats after = postsStats();
    assertThat(after.loadSuccesses() - before.loadSuccesses()).as("loads").isEqualTo(1);
    assertThat(hits(after, "l0") - hits(before, "l0")).as("L0 hits").isEqualTo(1);
    assertThat(after.remoteErrors()).as("remote errors").isZero();

    // What the README says to look at: the endpoint shows the L0 hit ...
    JsonNode l0After = tier(getJson("/actuator/tieredcache/posts"), "l0");
    assertThat(l0After.path("hits").asLong() - l0Before.path("hits").asLong()).isEqualTo(1);

    // ... and the post, created just now, went to the hot tier on the Redis Cluster.
    awaitKeys(1, "hot", 1);
    assertThat(keys(1, "warm")).isEmpty();
    assertThat(keys(1, "cold")).isEmpty();
  }

  @Test
  void prometheusShowsGetsPerTier() throws Exception {
    get("/posts/2");
    get("/posts/2");

    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body())
        .containsPattern("cache_gets_total\\{cache=\"posts\",result=\"hit\",tier=\"l0\"} [1-9]")
        .containsPattern("cache_gets_total\\{cache=\"posts\",result=\"miss\",tier=\"none\"} [1-9]")
        .doesNotContain("result=\"miss\",tier=\"hot\"")
        .contains(
            "cache_gets_total{cache=\"posts\",result=\"hit\",tier=\"warm\"}",
            "cache_gets_total{cache=\"posts\",result=\"hit\",tier=\"cold\"}",
            "resilience4j_circuitbreaker_state{");
    assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
  }

  @Test
  void theCustomizerPlacesPostsByAge() throws Exception {
    Instant now = Instant.now();
    Object fresh = newPost(101, "fresh", now.minus(Duration.ofMinutes(5)));
    Object hoursOld = newPost(102, "hours old", now.minus(Duration.ofHours(3)));
    Object daysOld = newPost(103, "days old", now.minus(Duration.ofDays(3)));
    for (Object post : List.of(fresh, hoursOld, daysOld)) {
      assertThat(callService("save", post)).isEqualTo(post);
    }

    awaitKeys(101, "hot", 1);
    awaitKeys(102, "warm", 1);
    awaitKeys(103, "cold", 1);
    assertThat(keys(101, "warm")).isEmpty();
    assertThat(keys(102, "hot")).isEmpty();
    assertThat(keys(102, "cold")).isEmpty();
    assertThat(keys(103, "hot")).isEmpty();
    assertThat(keys(103, "warm")).isEmpty();

    // @CachePut filled the cache: reading them back loads nothing.
    CacheStats before = postsStats();
    assertThat(json.readTree(get("/posts/103").body()).path("title").asText())
        .isEqualTo("days old");
    assertThat(postsStats().loadSuccesses()).isEqualTo(before.loadSuccesses());
  }

  @Test
  void cacheEvictRemovesThePostFromEveryTier() throws Exception {
    JsonNode first = json.readTree(get("/posts/301").body());
    awaitKeys(301, "hot", 1);

    callService("delete", 301L);
    assertThat(keys(301, "*")).isEmpty();

    CacheStats before = postsStats();
    JsonNode reloaded = json.readTree(get("/posts/301").body());
    assertThat(postsStats().loadSuccesses() - before.loadSuccesses()).isEqualTo(1);
    assertThat(reloaded.path("id").asLong()).isEqualTo(301);
    assertThat(reloaded.path("createdAt")).isNotEqualTo(first.path("createdAt"));
  }

  @Test
  void cacheEvictAllEntriesEmptiesTheCache() throws Exception {
    callService("save", newPost(401, "saved", Instant.now()));
    assertThat(json.readTree(get("/posts/401").body()).path("title").asText()).isEqualTo("saved");
    awaitKeys(401, "hot", 1);

    callService("deleteAll");
    // The database is empty too, so only a cache that still held the post would answer "saved".
    assertThat(json.readTree(get("/posts/401").body()).path("title").asText())
        .isEqualTo("post 401");
  }

  @Test
  void aBadValueFailsStartupWithTheMessageTheReadmeQuotes() throws Exception {
    String section = springBootSection(Files.readString(README, StandardCharsets.UTF_8));
    Matcher quoted = Pattern.compile("for example\\s+`([^`]+)`").matcher(section);
    assertThat(quoted.find()).as("the README quotes a startup failure").isTrue();
    String message = quoted.group(1).replaceAll("\\s+", " ");

    // The quoted failure: posts' own tiers with warm's max-age below hot's.
    assertThatThrownBy(
            () ->
                start(
                    readmeYaml,
                    nodes(LocalRedisCluster.shared()),
                    "--tiered-cache.caches.posts.tiers[0].name=hot",
                    "--tiered-cache.caches.posts.tiers[0].max-age=24h",
                    "--tiered-cache.caches.posts.tiers[1].name=warm",
                    "--tiered-cache.caches.posts.tiers[1].max-age=1h",
                    "--tiered-cache.caches.posts.tiers[2].name=cold"))
        .satisfies(failure -> assertThat(messages(failure)).contains(message));
  }

  // --- the README ---

  private static String springBootSection(String readme) {
    int start = readme.indexOf("\n## Spring Boot\n");
    int end = readme.indexOf("\n## Modules\n", start);
    assertThat(start).as("README has a '## Spring Boot' section").isNotNegative();
    assertThat(end).as("README has a '## Modules' section after it").isGreaterThan(start);
    return readme.substring(start, end);
  }

  /**
   * Returns the one fenced block of {@code language} in {@code section} that contains {@code text}.
   */
  private static String onlyBlock(String section, String language, String text) {
    List<String> blocks = new ArrayList<>();
    Matcher m = FENCE.matcher(section);
    while (m.find()) {
      if (m.group(1).equals(language) && m.group(2).contains(text)) {
        blocks.add(m.group(2));
      }
    }
    assertThat(blocks).as("```%s blocks containing '%s'", language, text).hasSize(1);
    return blocks.get(0);
  }

  // --- compiling and starting the example ---

  private URLClassLoader compile(String source) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's javac").isNotNull();
    Path classes = Files.createDirectories(work.resolve("classes"));
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    // -parameters, as Spring Boot's Maven parent and Gradle plugin compile: Spring reads
    // @PathVariable long id and #post in @CachePut(key = "#post.id") by their parameter names.
    List<String> options =
        List.of(
            "--release",
            "17",
            "-parameters",
            "-proc:none",
            "-Xlint:all",
            "-classpath",
            classPath,
            "-d",
            classes.toString());
    JavaFileObject unit =
        new SimpleJavaFileObject(
            URI.create("string:///com/example/BlogApplication.java"), JavaFileObject.Kind.SOURCE) {
          @Override
          public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return source;
          }
        };
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean compiled =
          javac.getTask(null, files, diagnostics, options, null, List.of(unit)).call();
      String report =
          diagnostics.getDiagnostics().stream()
              .map(
                  d ->
                      d.getKind() + " line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
              .collect(Collectors.joining("\n"));
      assertThat(compiled).as("the README's Java block compiles:\n%s", report).isTrue();
      assertThat(diagnostics.getDiagnostics())
          .as("javac -Xlint:all warnings:\n%s", report)
          .noneMatch(
              d ->
                  d.getKind() == Diagnostic.Kind.WARNING
                      || d.getKind() == Diagnostic.Kind.MANDATORY_WARNING);
    }
    assertThat(classes.resolve("com/example/BlogApplication.class")).exists();
    return new URLClassLoader(
        new URL[] {classes.toUri().toURL()}, ReadmeExampleIT.class.getClassLoader());
  }

  private static String nodes(LocalRedisCluster cluster) {
    // host:port, the form the README's tiered-cache.redis.cluster.nodes uses
    return cluster.nodes().stream().map(RedisNode::hostAndPort).collect(Collectors.joining(","));
  }

  /**
   * Starts com.example.BlogApplication with {@code yaml} as its only configuration file.
   * Command-line arguments take precedence over it: only the seed nodes and the port are
   * overridden, plus {@code extra}.
   */
  private ConfigurableApplicationContext start(String yaml, String nodes, String... extra)
      throws Exception {
    Path config = Files.createTempFile(work, "application-", ".yml");
    Files.writeString(config, yaml, StandardCharsets.UTF_8);
    List<String> args = new ArrayList<>();
    args.add("--spring.config.location=file:" + config.toAbsolutePath());
    args.add("--tiered-cache.redis.cluster.nodes=" + nodes);
    args.add("--server.port=0");
    args.addAll(List.of(extra));
    Class<?> application = exampleLoader.loadClass("com.example.BlogApplication");
    return new SpringApplicationBuilder(application)
        .main(application)
        .resourceLoader(new DefaultResourceLoader(exampleLoader))
        .run(args.toArray(String[]::new));
  }

  // --- the running example ---

  private Object newPost(long id, String title, Instant createdAt) throws Exception {
    Constructor<?> constructor =
        exampleLoader
            .loadClass("com.example.Post")
            .getDeclaredConstructor(long.class, String.class, Instant.class);
    constructor.setAccessible(true);
    return constructor.newInstance(id, title, createdAt);
  }

  /** Calls a PostService method on the bean from the context, so the caching proxy applies. */
  private Object callService(String name, Object... args) throws Exception {
    Class<?> type = exampleLoader.loadClass("com.example.PostService");
    Object service = context.getBean(type);
    Method method = null;
    for (Method candidate : type.getDeclaredMethods()) {
      if (candidate.getName().equals(name) && candidate.getParameterCount() == args.length) {
        method = candidate;
      }
    }
    assertThat(method).as("PostService.%s", name).isNotNull();
    method.setAccessible(true);
    try {
      return method.invoke(service, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private CacheStats postsStats() {
    TieredSpringCache posts = context.getBean(TieredCacheManager.class).getCache("posts");
    assertThat(posts).isNotNull();
    return posts.getNativeCache().stats();
  }

  private static long hits(CacheStats stats, String tier) {
    return stats.tier(tier).map(TierStats::hits).orElse(0L);
  }

  private static JsonNode tier(JsonNode cache, String name) {
    for (JsonNode tier : cache.path("tiers")) {
      if (tier.path("name").asText().equals(name)) {
        return tier;
      }
    }
    throw new AssertionError("no tier '" + name + "' in " + cache);
  }

  private List<String> keys(long id, String tier) {
    return redisConnection.sync().keys(String.format(Locale.ROOT, POST_KEY, id, tier));
  }

  private void awaitKeys(long id, String tier, int count) {
    await("post " + id + " in tier " + tier)
        .atMost(Duration.ofSeconds(10))
        .until(() -> keys(id, tier), found -> found.size() == count);
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response = get(path);
    assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static String messages(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t.getMessage()).append('\n');
    }
    return all.toString();
  }
}
