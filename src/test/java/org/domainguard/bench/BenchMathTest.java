package org.domainguard.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.domainguard.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The bench's pure logic: percentiles, the limiter window, the population's shape, options, the report. */
class BenchMathTest {

  @Test
  void quantileInterpolatesInsideTheBucket() {
    double[] bounds = {1, 2, 4, 8};
    long[] counts = {0, 10, 0, 10};
    assertEquals(1.5, Percentiles.quantile(bounds, counts, 0.25), 1e-9);
    assertEquals(2.0, Percentiles.quantile(bounds, counts, 0.50), 1e-9);
    assertEquals(8.0, Percentiles.quantile(bounds, counts, 1.0), 1e-9);
    assertEquals(7.6, Percentiles.quantile(bounds, counts, 0.95), 1e-9);
    assertTrue(Double.isNaN(Percentiles.quantile(bounds, new long[4], 0.5)));
  }

  @Test
  void decumulateTurnsLeBucketsIntoCounts() {
    assertEquals(java.util.List.of(2L, 0L, 3L, 5L),
        java.util.Arrays.stream(Percentiles.decumulate(new double[] {2, 2, 5, 10})).boxed().toList());
  }

  @Test
  void timerSnapshotsGiveTheDifferenceBetweenThem() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer timer = Timer.builder("t").publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    for (int i = 0; i < 100; i++) {
      timer.record(500, TimeUnit.MILLISECONDS);
    }
    var before = timer.takeSnapshot();
    for (int i = 0; i < 99; i++) {
      timer.record(10, TimeUnit.MILLISECONDS);
    }
    timer.record(2, TimeUnit.SECONDS);
    Percentiles.Buckets between = Percentiles.between(before, timer.takeSnapshot());
    assertEquals(100, between.total());
    double p50 = between.quantile(0.5);
    assertTrue(p50 > 8 && p50 <= 11, "p50 near 10 ms, got " + p50);
    double p995 = between.quantile(0.995);
    assertTrue(p995 > 1_000 && p995 <= 2_300, "the one slow call shows at the top, got " + p995);
  }

  @Test
  void latencyHistogramIsWithinTwoPercent() {
    LatencyHistogram h = new LatencyHistogram();
    for (int i = 1; i <= 1000; i++) {
      h.record(TimeUnit.MICROSECONDS.toNanos(i * 10L));
    }
    assertEquals(1000, h.count());
    assertEquals(5.0, h.quantileMillis(0.5), 5.0 * 0.021);
    assertEquals(9.9, h.quantileMillis(0.99), 9.9 * 0.021);
  }

  @Test
  void limiterWindowLeavesOutThePartialFirstAndLastSeconds() {
    LimiterWindow w = LimiterWindow.of(new long[] {0, 0, 320, 500, 499, 501, 500, 120, 0});
    assertEquals(2440, w.calls());
    assertEquals(6, w.activeSeconds());
    assertEquals(4, w.interiorSeconds());
    assertEquals(500.0, w.sustainedRate(), 1e-9);
    assertEquals(501, w.maxInOneSecond());
    assertEquals(0, LimiterWindow.of(new long[5]).calls());
    assertTrue(Double.isNaN(LimiterWindow.of(new long[] {0, 7, 3}).sustainedRate()));
  }

  @Test
  void multiplierIsCoprimeSoSlotsArePermutation() {
    for (long n : new long[] {1_000, 50_000, 1_000_000, 999_983, 5_000_000}) {
      long m = Population.multiplier(n);
      assertEquals(1, BigInteger.valueOf(m).gcd(BigInteger.valueOf(n)).longValue(), "n=" + n);
    }
    long n = 10_000;
    long m = Population.multiplier(n);
    BitSet seen = new BitSet((int) n);
    for (long i = 1; i <= n; i++) {
      seen.set((int) ((i - 1) * m % n));
    }
    assertEquals(n, seen.cardinality());
  }

  @Test
  void subdomainShareIsOfAllAddresses() {
    assertEquals(77, Population.subdomainPerMille(1_000_000, 350_000, 0.05));
    assertEquals(0, Population.subdomainPerMille(10, 10, 0.05));
  }

  @Test
  void optionsHaveDefaultsQuickModeAndLimits() {
    BenchOptions d = BenchOptions.parse(Map.of());
    assertEquals(1_000_000, d.addresses());
    assertEquals(200_000, d.domains());
    assertEquals(200_010, d.expectedDomains());
    assertEquals(128, d.concurrency());
    assertEquals(500, d.rate());
    assertEquals(50, d.burst());
    assertEquals(30, d.limiterSeconds());
    BenchOptions q = BenchOptions.parse(Map.of("--quick", "true"));
    assertEquals(50_000, q.addresses());
    assertEquals(10_000, q.domains());
    assertEquals(5, q.limiterSeconds());
    BenchOptions big = BenchOptions.parse(Map.of("--addresses", "5M", "--domains", "1_000_000", "--latency", "5ms"));
    assertEquals(5_000_000, big.addresses());
    assertEquals(1_000_000, big.domains());
    assertEquals(Duration.ofMillis(5), big.latency());
    assertThrows(ConfigException.class, () -> BenchOptions.parse(Map.of("--addresses", "100k", "--domains", "90k")));
    assertThrows(ConfigException.class, () -> BenchOptions.parse(Map.of("--concurrency", "lots")));
    assertThrows(ConfigException.class, () -> BenchOptions.parse(Map.of("--limiter-seconds", "500")));
    assertThrows(ConfigException.class, () -> BenchOptions.parse(Map.of("--frobnicate", "1")));
  }

  @Test
  void reportHasTheTableAndTheJsonWithTargets() {
    Report r = new Report();
    r.count("sweep", "calls", "provider calls", 200_010);
    r.number("sweep", "p50Ms", "p50", 2.345, 2, "ms");
    assertTrue(r.target("sweep", "domainsPerSecond", "domains/s", 5_000, 0, "/s", new Report.Target("sweep_vs_raw", ">=", 6_000, "6,000")) == false);
    assertTrue(r.target("memory", "peakRssMiB", "peak RSS", 300, 0, "MiB", new Report.Target("peak_rss", "<=", 400, "400 MiB")));
    r.number("sweep", "nothing", "n/a figure", Double.NaN, 1, "");

    var json = r.json();
    assertEquals(200_010, json.getJsonObject("sweep").getLong("calls"));
    assertEquals(2.35, json.getJsonObject("sweep").getDouble("p50Ms"), 1e-9);
    assertTrue(json.getJsonObject("sweep").containsKey("nothing"));
    assertEquals(null, json.getJsonObject("sweep").getValue("nothing"));
    assertEquals(2, json.getJsonArray("targets").size());
    assertFalse(json.getBoolean("targetsMet"));
    assertFalse(json.getJsonArray("targets").getJsonObject(0).getBoolean("pass"));

    String table = r.table("title");
    assertTrue(table.startsWith("title\n"));
    assertTrue(table.contains("\nsweep\n"));
    assertTrue(table.contains("200,010"));
    assertTrue(table.lines().anyMatch(l -> l.contains("domains/s") && l.contains(">= 6,000") && l.endsWith("MISS")), table);
    assertTrue(table.lines().anyMatch(l -> l.contains("peak RSS") && l.contains("<= 400 MiB") && l.endsWith("PASS")), table);
    assertTrue(table.contains("n/a"));
    // The value column is right-aligned across sections.
    String calls = table.lines().filter(l -> l.contains("provider calls")).findFirst().orElseThrow();
    String p50 = table.lines().filter(l -> l.contains("p50")).findFirst().orElseThrow();
    assertEquals(calls.indexOf("200,010") + "200,010".length(), p50.indexOf("2.35") + "2.35".length());
  }

  @Test
  void targetComparisons() {
    assertTrue(new Report.Target("a", "==", 5, "5").met(5));
    assertFalse(new Report.Target("a", "==", 5, "5").met(6));
    assertTrue(new Report.Target("a", "<", 60, "60").met(59.9));
    assertFalse(new Report.Target("a", ">=", 1, "1").met(Double.NaN));
  }

  @Test
  void simulatorStatsAreReadWithoutByDomain() throws Exception {
    String body = """
        {"requests":12,"byDomain":{"a.com":3,"b.com":{"nested":[1,2]}},"maxPerSecond":7,"perSecond":[0,5,7,0]}""";
    SimulatorProcess.SimStats s = SimulatorProcess.parseStats(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    assertEquals(12, s.requests());
    assertEquals(7, s.maxPerSecond());
    assertEquals(4, s.perSecond().length);
    assertEquals(7, s.perSecond()[2]);
  }

  @Test
  void procParsing() {
    assertEquals(123456L * 1024, Memory.parseKb("Name:\tjava\nVmHWM:\t  123456 kB\nVmRSS:\t 1000 kB\n", "VmHWM"));
    assertEquals(-1, Memory.parseKb("Name:\tjava\n", "VmHWM"));
    assertEquals(15, CpuUsage.parseProcessTicks("14483 (ba sh) S 14482 14483 14483 0 -1 4194560 21852 1870871 2 64 5 10 19706 3376 20 0 1"));
    long[] m = CpuUsage.parseMachineTicks("cpu  100 1 20 300 4 0 5 6 0 0\ncpu0 1 2 3 4\n");
    assertEquals(126, m[0]);
    assertEquals(304, m[1]);
    assertEquals(6, m[2]);
  }

  @Test
  void sweepTimeTargetScalesWithDomains() {
    assertEquals(60.0, SweepPhase.scaledSweepLimit(200_000), 1e-9);
    assertEquals(3.0, SweepPhase.scaledSweepLimit(10_000), 1e-9);
  }
}
