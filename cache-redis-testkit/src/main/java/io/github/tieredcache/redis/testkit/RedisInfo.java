package io.github.tieredcache.redis.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the text that INFO and CLUSTER INFO return. */
final class RedisInfo {

  private static final String COMMAND_STATS_PREFIX = "cmdstat_";

  private RedisInfo() {}

  /**
   * Returns the {@code field:value} lines of INFO output, in order; section headers are skipped.
   */
  static Map<String, String> fields(String info) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String line : info.split("\r?\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon > 0) {
        fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
      }
    }
    return fields;
  }

  /**
   * Returns the calls per command of {@code INFO commandstats} output: {@code
   * cmdstat_get:calls=3,...} becomes {@code get -> 3}; subcommands keep Redis's name ({@code
   * cluster|slots}).
   */
  static Map<String, Long> commandCalls(String commandStats) {
    Map<String, Long> calls = new LinkedHashMap<>();
    fields(commandStats)
        .forEach(
            (field, value) -> {
              if (!field.startsWith(COMMAND_STATS_PREFIX)) {
                return;
              }
              for (String part : value.split(",")) {
                if (part.startsWith("calls=")) {
                  calls.put(
                      field.substring(COMMAND_STATS_PREFIX.length()),
                      Long.parseLong(part.substring("calls=".length())));
                }
              }
            });
    return calls;
  }
}
