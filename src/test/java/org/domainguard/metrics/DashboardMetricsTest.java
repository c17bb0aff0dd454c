package org.domainguard.metrics;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every metric the Grafana dashboard and the alert rules query is one the daemon exposes, under Prometheus naming. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class DashboardMetricsTest {
  private static final Pattern METRIC = Pattern.compile("\\b((?:domainguard|jvm|process)_[a-z0-9_]*[a-z0-9])\\b");

  /** The rdap provider's per-server metrics: calls {server,outcome}, breaker state {server}, bucket wait {server} (histogram). */
  private static final Set<String> RDAP_METRICS =
      Set.of("domainguard_rdap_calls_total", "domainguard_rdap_circuit_open", "domainguard_rdap_wait_seconds");

  private static Set<String> namesIn(Path file) throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(Files.readString(file));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  @Test
  void everyMetricUsedByDashboardsAndAlertsIsExposed(Vertx vertx) throws IOException, InterruptedException {
    Set<String> used = new TreeSet<>(namesIn(Path.of("dashboards/domain-guard.json")));
    used.addAll(namesIn(Path.of("dashboards/alerts.yml")));
    assertTrue(used.size() > 10, "the dashboard queries domain-guard metrics: " + used);
    // The RDAP series exist only while the rdap provider runs (this daemon calls the simulator's
    // Fastly format): the dashboard must use exactly their agreed names.
    Set<String> rdap = new TreeSet<>(used.stream().filter(n -> n.startsWith("domainguard_rdap_")).toList());
    Set<String> rdapBases = new TreeSet<>(rdap.stream().map(n -> n.replaceFirst("_(bucket|count|sum)$", "")).toList());
    assertEquals(RDAP_METRICS, rdapBases, "the RDAP servers row and its alert use the rdap provider's metric names");
    used.removeAll(rdap);

    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "", Map.of());
    try {
      d.insertVerified("a@example.com");
      d.sweep("all");
      // GC metrics appear once the JVM reports a collection, which happens asynchronously.
      System.gc();
      String exposed = "";
      for (int i = 0; i < 50 && !exposed.contains("jvm_gc_pause_seconds_count"); i++) {
        Thread.sleep(100);
        exposed = await(d.http.get(d.daemon.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
      }
      Set<String> missing = new TreeSet<>();
      for (String name : used) {
        // A histogram is named in prose by its base name and exposed as _bucket, _count and _sum.
        if (!Pattern.compile("(?m)^" + name + "(_bucket|_count)?[{ ]").matcher(exposed).find()) {
          missing.add(name);
        }
      }
      assertTrue(missing.isEmpty(), "used by dashboards/ but not in /metrics: " + missing);
    } finally {
      d.stop();
    }
  }

  @Test
  void theSweepSizeIsTheGaugeSweepDomainsAndNoGaugeEndsInTotal(Vertx vertx) {
    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "", Map.of());
    try {
      d.insertVerified("a@example.com", "b@example.org", "c@example.net");
      d.sweep("all");
      String exposed = await(d.http.get(d.daemon.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();

      assertTrue(exposed.contains("# TYPE domainguard_sweep_domains gauge\n"), exposed);
      assertTrue(Pattern.compile("(?m)^domainguard_sweep_domains 3\\.0$").matcher(exposed).find(), "the last sweep's three domains: " + exposed);
      assertFalse(exposed.contains("domainguard_sweep_domains_total"), "no hand-written duplicate under a counter's suffix");
      Set<String> totalGauges = new TreeSet<>();
      Matcher gauge = Pattern.compile("(?m)^# TYPE (\\S+_total) gauge$").matcher(exposed);
      while (gauge.find()) {
        totalGauges.add(gauge.group(1));
      }
      assertEquals(Set.of(), totalGauges, "_total is for counters");
    } finally {
      d.stop();
    }
  }
}
