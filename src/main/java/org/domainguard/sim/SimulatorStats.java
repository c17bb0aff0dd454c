package org.domainguard.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts status requests as they arrive, so tests and benchmarks can check how hard the daemon
 * pushed the provider: total, per domain, and per epoch second. Confined to the server's event loop.
 */
final class SimulatorStats {
  static final int WINDOW_SECONDS = 120;
  /** byDomain is for tests and benchmarks; past this many distinct names only the totals grow. */
  static final int MAX_DISTINCT_DOMAINS = 1_000_000;

  private final Clock clock;
  private final long[] bucketSecond = new long[WINDOW_SECONDS];
  private final long[] bucketCount = new long[WINDOW_SECONDS];
  private final Map<String, Long> byDomain = new HashMap<>();
  private long total;
  private long maxPerSecond;
  /** Arrival times (ms) of the last second's requests, and the most seen in any one second, wherever it starts. */
  private final ArrayDeque<Long> lastSecond = new ArrayDeque<>();
  private long maxInAnySecond;
  /** Per simulated RDAP server: requests, and the HTTP statuses answered (held requests have none). */
  private final Map<String, ServerCounts> rdap = new TreeMap<>();

  private static final class ServerCounts {
    long requests;
    final Map<String, Long> answers = new TreeMap<>();
  }

  SimulatorStats(Clock clock) {
    this(clock, List.of());
  }

  /** {@code rdapServers}: the simulated RDAP servers, listed in the statistics even before their first request. */
  SimulatorStats(Clock clock, List<String> rdapServers) {
    this.clock = clock;
    rdapServers.forEach(name -> rdap.put(name, new ServerCounts()));
    reset();
  }

  /** Records an RDAP request to {@code server} (the status request itself is counted by {@link #record}). */
  void recordRdap(String server) {
    rdap.computeIfAbsent(server, k -> new ServerCounts()).requests++;
  }

  /** Records the HTTP status {@code server} answered with. */
  void recordRdapAnswer(String server, int status) {
    rdap.computeIfAbsent(server, k -> new ServerCounts()).answers.merge(Integer.toString(status), 1L, Long::sum);
  }

  /** Records one status request; {@code domain} is null when the request named no valid domain. */
  void record(String domain) {
    total++;
    long second = Math.floorDiv(clock.millis(), 1000L);
    int i = (int) Math.floorMod(second, (long) WINDOW_SECONDS);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      bucketCount[i] = 0;
    }
    maxPerSecond = Math.max(maxPerSecond, ++bucketCount[i]);
    long now = clock.millis();
    lastSecond.addLast(now);
    while (lastSecond.peekFirst() <= now - 1000) {
      lastSecond.pollFirst();
    }
    maxInAnySecond = Math.max(maxInAnySecond, lastSecond.size());
    if (domain != null && (byDomain.size() < MAX_DISTINCT_DOMAINS || byDomain.containsKey(domain))) {
      byDomain.merge(domain, 1L, Long::sum);
    }
  }

  void reset() {
    Arrays.fill(bucketSecond, Long.MIN_VALUE);
    Arrays.fill(bucketCount, 0);
    byDomain.clear();
    total = 0;
    maxPerSecond = 0;
    lastSecond.clear();
    maxInAnySecond = 0;
    rdap.replaceAll((name, counts) -> new ServerCounts());
  }

  /**
   * {@code maxPerSecond} is the most requests in one calendar second, {@code maxInAnySecond} in any
   * one-second window (sliding, by the millisecond); {@code perSecond} lists the last 120 seconds, oldest first, ending with the current second;
   * {@code rdap} has per simulated server {@code {"requests": N, "answers": {"200": N, "429": N, ...}}}.
   */
  JsonObject toJson() {
    long now = Math.floorDiv(clock.millis(), 1000L);
    JsonArray perSecond = new JsonArray();
    for (long s = now - WINDOW_SECONDS + 1; s <= now; s++) {
      int i = (int) Math.floorMod(s, (long) WINDOW_SECONDS);
      perSecond.add(bucketSecond[i] == s ? bucketCount[i] : 0L);
    }
    return new JsonObject()
        .put("requests", total)
        .put("byDomain", new JsonObject(new HashMap<>(byDomain)))
        .put("maxPerSecond", maxPerSecond)
        .put("maxInAnySecond", maxInAnySecond)
        .put("perSecond", perSecond)
        .put("rdap", rdapJson());
  }

  private JsonObject rdapJson() {
    JsonObject servers = new JsonObject();
    rdap.forEach((name, counts) -> servers.put(name, new JsonObject()
        .put("requests", counts.requests)
        .put("answers", new JsonObject(new HashMap<>(counts.answers)))));
    return servers;
  }
}
