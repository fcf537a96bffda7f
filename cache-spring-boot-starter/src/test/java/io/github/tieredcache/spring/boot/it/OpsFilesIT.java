package io.github.tieredcache.spring.boot.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.tieredcache.redis.testkit.LocalRedisCluster;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.yaml.snakeyaml.Yaml;

/**
 * The monitoring that ships in {@code ops/} names only what an application really exposes: a Spring
 * Boot application with the starter on the local cluster is scraped at {@code
 * /actuator/prometheus}, and every metric that the alert rules, the Grafana dashboard and the
 * prometheus-adapter rule query must be in that scrape, with every label they match on. The
 * HorizontalPodAutoscaler must scale on the adapter's metric, fast up and slow down. ({@code
 * promtool check rules} and {@code promtool test rules} run in {@code .ci/run}.)
 */
@SpringBootTest(
    classes = TieredCacheApplicationIT.App.class,
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "tiered-cache.cache-names=posts",
      "tiered-cache.allowed-packages=io.github.tieredcache.spring.boot.it",
      "tiered-cache.caches.posts.value-type=io.github.tieredcache.spring.boot.it.TieredCacheApplicationIT$Post",
      "tiered-cache.redis.key-prefix=opsit",
      "management.endpoints.web.exposure.include=prometheus",
      // What ops/prometheus/tiered-cache-rules.yml says the latency alert needs.
      "management.metrics.distribution.percentiles-histogram.cache.remote.latency=true"
    })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsFilesIT {

  private static final Path OPS = Path.of("..", "ops");

  /** A metric name followed by its matchers or a range: how every query here names a series. */
  private static final Pattern SELECTOR =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{([^}]*)}|\\[)");

  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");

  /** Labels Prometheus itself attaches to every scraped series. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance", "namespace", "pod");

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    registry.add(
        "tiered-cache.redis.cluster.nodes",
        () -> String.join(",", LocalRedisCluster.shared().nodeUris()));
  }

  @Autowired TieredCacheApplicationIT.Posts posts;
  @LocalServerPort int port;

  /** Each metric of the scrape, with the label names its series carry. */
  private final Map<String, Set<String>> exposed = new HashMap<>();

  @BeforeAll
  void scrape() throws Exception {
    posts.find(1); // a load, a write-back, remote calls: every meter has a series
    posts.find(1);
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/actuator/prometheus"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    for (String line : response.body().split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name = line.substring(0, brace >= 0 && brace < space ? brace : space);
      Set<String> labels = exposed.computeIfAbsent(name, n -> new HashSet<>());
      if (brace >= 0 && brace < space) {
        Matcher label =
            Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"").matcher(line.substring(brace));
        while (label.find()) {
          labels.add(label.group(1));
        }
      }
    }
    assertThat(exposed).containsKeys("cache_gets_total", "resilience4j_circuitbreaker_state");
  }

  /** Asserts every selector in {@code query} names an exposed metric and labels it carries. */
  private void assertExposed(String where, String query) {
    Matcher selector = SELECTOR.matcher(query);
    int found = 0;
    while (selector.find()) {
      String metric = selector.group(1);
      if (metric.contains(":")) {
        continue; // a recording rule's own series, defined in the rules file
      }
      found++;
      assertThat(exposed).as("%s queries %s", where, metric).containsKey(metric);
      if (selector.group(3) != null) {
        Matcher matcher = MATCHER.matcher(selector.group(3));
        while (matcher.find()) {
          String label = matcher.group(1);
          if (!TARGET_LABELS.contains(label)) {
            assertThat(exposed.get(metric))
                .as("%s matches label %s of %s", where, label, metric)
                .contains(label);
          }
        }
      }
    }
    assertThat(found).as("%s names a metric: %s", where, query).isPositive();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String file) throws Exception {
    return new Yaml().load(Files.readString(OPS.resolve(file)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyAlertAndRecordingRuleQueriesWhatTheApplicationExposes() throws Exception {
    List<Map<String, Object>> groups =
        (List<Map<String, Object>>) yaml("prometheus/tiered-cache-rules.yml").get("groups");
    List<String> alerts = new ArrayList<>();
    for (Map<String, Object> group : groups) {
      for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
        String name = String.valueOf(rule.getOrDefault("alert", rule.get("record")));
        if (rule.containsKey("alert")) {
          alerts.add(name);
        }
        String expr = String.valueOf(rule.get("expr"));
        if (!expr.startsWith("tieredcache:")) {
          assertExposed("rule " + name, expr);
        }
      }
    }
    assertThat(alerts)
        .as("the golden signals of the issue")
        .contains(
            "TieredCacheRemoteLatencyHigh",
            "TieredCacheRemoteErrors",
            "TieredCacheBreakerOpen",
            "TieredCacheDatabaseShareHigh",
            "TieredCacheL0Evictions");
  }

  @Test
  void everyDashboardQueryNamesAMeterTheLibraryRegisters() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(Files.readString(OPS.resolve("grafana/tiered-cache.json")));
    List<String> titles = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      titles.add(panel.get("title").asText());
      for (JsonNode target : panel.get("targets")) {
        assertExposed("panel '" + panel.get("title").asText() + "'", target.get("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.get("templating").get("list")) {
      if (variable.has("definition")) {
        String definition = variable.get("definition").asText();
        assertExposed(
            "variable " + variable.get("name").asText(),
            definition.replaceFirst("label_values\\((\\w+),", "$1{} ,"));
      }
    }
    assertThat(titles)
        .contains(
            "Served by level (share of reads)",
            "Reads reaching the database",
            "Redis latency p50 / p99",
            "Circuit breakers open");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theAutoscalerScalesOnTheAdaptersMetricFastUpAndSlowDown() throws Exception {
    Map<String, Object> rule =
        ((List<Map<String, Object>>) yaml("kubernetes/prometheus-adapter-rules.yaml").get("rules"))
            .get(0);
    assertExposed("the adapter's seriesQuery", String.valueOf(rule.get("seriesQuery")));
    String metric = String.valueOf(((Map<String, Object>) rule.get("name")).get("as"));

    Map<String, Object> hpa = yaml("kubernetes/hpa.yaml");
    assertThat(hpa).containsEntry("apiVersion", "autoscaling/v2");
    assertThat(hpa).containsEntry("kind", "HorizontalPodAutoscaler");
    Map<String, Object> spec = (Map<String, Object>) hpa.get("spec");
    Map<String, Object> pods =
        (Map<String, Object>) ((List<Map<String, Object>>) spec.get("metrics")).get(0).get("pods");
    assertThat(((Map<String, Object>) pods.get("metric")).get("name"))
        .as("the HPA scales on the adapter's metric")
        .isEqualTo(metric);
    Map<String, Object> behavior = (Map<String, Object>) spec.get("behavior");
    Map<String, Object> up = (Map<String, Object>) behavior.get("scaleUp");
    Map<String, Object> down = (Map<String, Object>) behavior.get("scaleDown");
    assertThat((Integer) up.get("stabilizationWindowSeconds")).as("up at once").isZero();
    assertThat((Integer) down.get("stabilizationWindowSeconds"))
        .as("down only after five minutes")
        .isGreaterThanOrEqualTo(300);
    int downPercent =
        (Integer) ((List<Map<String, Object>>) down.get("policies")).get(0).get("value");
    int upPercent = (Integer) ((List<Map<String, Object>>) up.get("policies")).get(0).get("value");
    assertThat(upPercent).as("up faster than down").isGreaterThan(downPercent);
  }
}
