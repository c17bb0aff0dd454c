package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The throughput sweep: every domain swept once by the real daemon with its limiter far above the
 * ceiling, started and followed through the admin API. Its duration is the daemon's own record of
 * the sweep; the pipeline's latencies and batch figures come from the daemon's metrics, the call
 * count from the simulator.
 */
final class SweepPhase {
  static final double FAST_RATE = 1_000_000;
  static final int FAST_BURST = 100_000;
  /** Performance targets for a 2-core machine. */
  static final double SWEEP_VS_RAW = 0.6;
  static final double SWEEP_SECONDS_AT_REFERENCE = 60;
  static final long REFERENCE_DOMAINS = 200_000;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final String CHECK_TIMER = "domainguard_check_duration_seconds";
  private static final String BATCH_TIMER = "domainguard_db_batch_duration_seconds";
  private static final String BATCH_ROWS = "domainguard_db_batch_rows";

  private final PrintStream out;
  private final BenchOptions o;

  SweepPhase(PrintStream out, BenchOptions o) {
    this.out = out;
    this.o = o;
  }

  /** What the sweep did and cost; the memory figures are the bench JVM's (VmHWM before and during, RSS and heap after). */
  record Result(String state, double seconds, long done, long failed, long unverified, long checksWritten,
      SimulatorProcess.SimStats calls, Percentiles.Buckets latency, Percentiles.Buckets batch, double batchRows, long batches,
      double batchMillis, CpuUsage.Split cpu, Double loadBefore, Double loadAfter,
      long peakRssBefore, long peakRss, boolean peakResettable, long rssAfter, long heapAfterGc) {

    /** Completed, with exactly one provider call per registrable domain. */
    boolean exact(long domains) {
      return "completed".equals(state) && calls.requests() == domains && done == domains;
    }

    void report(Report report, double rawCallsPerSecond, long domains, long watched, boolean seesDatabase) {
      report.put("machine", "loadAverageBeforeSweep", loadBefore);
      report.put("machine", "loadAverageAfterSweep", loadAfter);
      String s = "sweep";
      double domainsPerSecond = domains / seconds;
      report.text(s, "state", "state", state);
      double limit = scaledSweepLimit(domains);
      report.target(s, "seconds", "sweep time", seconds, 1, "s", new Report.Target("sweep_time", "<", limit,
          Report.format(limit, 1) + " s" + (Math.abs(limit - SWEEP_SECONDS_AT_REFERENCE) < 0.5 ? "" : " (60 s × domains/200k)")));
      report.target(s, "domainsPerSecond", "domains/s", domainsPerSecond, 0, "/s", new Report.Target("sweep_vs_raw", ">=",
          SWEEP_VS_RAW * rawCallsPerSecond, "0.6 × raw = " + Report.format(SWEEP_VS_RAW * rawCallsPerSecond, 0)));
      report.number(s, "ratioToRaw", "domains/s ÷ raw calls/s", domainsPerSecond / rawCallsPerSecond, 3, "");
      report.number(s, "addressesPerSecond", "addresses/s", watched / seconds, 0, "/s");
      report.target(s, "calls", "provider calls (at the simulator)", calls.requests(), 0, "",
          new Report.Target("calls_equal_domains", "==", domains, Report.format(domains, 0) + " domains"));
      report.number(s, "callsPerAddress", "calls per address", (double) calls.requests() / Math.max(1, watched), 4, "");
      report.count(s, "done", "domains done", done);
      report.count(s, "failed", "failed checks", failed);
      report.count(s, "unverified", "addresses unverified", unverified);
      report.count(s, "checksWritten", "domain_checks rows of the sweep", checksWritten);
      report.number(s, "p50Ms", "p50 check latency (pipeline)", latency.quantile(0.50), 2, "ms");
      report.number(s, "p99Ms", "p99 check latency (pipeline)", latency.quantile(0.99), 2, "ms");
      report.put(s, "latencySamples", latency.total());
      report.number(s, "dbRowsPerSecond", "database batch rows/s", batchRows / seconds, 0, "/s");
      report.count(s, "batches", "batches written", batches);
      report.number(s, "meanBatchRows", "mean batch size", batchRows / Math.max(1, batches), 0, "rows");
      report.number(s, "batchMeanMs", "mean batch write time", batchMillis / Math.max(1, batches), 1, "ms");
      report.number(s, "batchP50Ms", "p50 batch write time", batch.quantile(0.50), 1, "ms");
      report.number(s, "batchP99Ms", "p99 batch write time", batch.quantile(0.99), 1, "ms");
      report.number(s, "writerBusy", "writer busy (batch time ÷ sweep time)", 100 * batchMillis / 1000 / seconds, 0, "%");
      report.number(s, "simulatorMaxPerSecond", "busiest second at the simulator", calls.maxPerSecond(), 0, "calls");
      CpuLines.report(report, s, cpu, seesDatabase, domains, "domain");
      report.put(s, "exactlyOneCallPerDomain", exact(domains));
    }

    /**
     * The main figures of a sweep other than the measured first one, under {@code s}: the cold
     * one before it, or the re-sweep after it, where most checks see what the check before them saw.
     */
    void reportBrief(Report report, String s, double rawCallsPerSecond, long domains, boolean seesDatabase) {
      double domainsPerSecond = domains / seconds;
      report.text(s, "state", "state", state);
      report.number(s, "seconds", "sweep time", seconds, 1, "s");
      report.number(s, "domainsPerSecond", "domains/s", domainsPerSecond, 0, "/s");
      report.number(s, "ratioToRaw", "domains/s ÷ raw calls/s", domainsPerSecond / rawCallsPerSecond, 3, "");
      report.count(s, "checksWritten", "domain_checks rows of the sweep", checksWritten);
      report.number(s, "writerBusy", "writer busy (batch time ÷ sweep time)", 100 * batchMillis / 1000 / seconds, 0, "%");
      CpuLines.report(report, s, cpu, seesDatabase, domains, "domain");
    }
  }

  /** The sweep-time target is for 200k domains; other populations are held to the same domains/s. */
  static double scaledSweepLimit(long domains) {
    return SWEEP_SECONDS_AT_REFERENCE * Math.max(1, domains) / REFERENCE_DOMAINS;
  }

  /** A sweep of {@code scope} ("all", or "due" once the bench made every domain due), followed to its end. */
  Result run(BenchDaemon daemon, PrometheusMeterRegistry registry, Pool pool, BenchSetup setup, long domains, String scope)
      throws IOException, InterruptedException {
    out.printf(Locale.ROOT, "sweep (%s) of %,d domains (rate %,.0f/s, burst %,d: far above the ceiling)...%n", scope, domains, FAST_RATE, FAST_BURST);
    setup.simulator().reset();
    Metrics before = Metrics.of(registry);
    Double loadBefore = BenchCommand.loadAverage();
    long peakBefore = Memory.peakRss();
    boolean peakReset = Memory.resetPeakRss();

    CpuUsage.Sample cpuBefore = setup.cpu().sample();
    long started = System.nanoTime();
    AdminClient admin = daemon.admin();
    long id = await(admin.startSweep(scope), Duration.ofMinutes(10));
    JsonObject sweep = admin.awaitEnd(id, POLL, new Progress(admin, id, started));
    CpuUsage.Split cpu = setup.cpu().between(cpuBefore, setup.cpu().sample());
    long peakSweep = Memory.peakRss();
    Double loadAfter = BenchCommand.loadAverage();
    long rssAfter = Memory.rss();
    long heapAfterGc = Memory.heapAfterGc();

    SimulatorProcess.SimStats calls = setup.simulator().stats();
    long checks = await(pool.preparedQuery(BenchSql.CHECKS_OF_SWEEP).execute(Tuple.of(id)), Duration.ofMinutes(5))
        .iterator().next().getLong(0);
    Metrics after = Metrics.of(registry);
    return new Result(sweep.getString("state"), AdminClient.seconds(sweep), sweep.getLong("done"), sweep.getLong("failed"),
        sweep.getLong("changed"), checks, calls,
        Percentiles.between(before.checks(), after.checks()), Percentiles.between(before.batches(), after.batches()),
        after.batchRows() - before.batchRows(), after.batchCount() - before.batchCount(), after.batchMillis() - before.batchMillis(),
        cpu, loadBefore, loadAfter, peakBefore, peakSweep, peakReset, rssAfter, heapAfterGc);
  }

  /** Prints progress every 5 s; past the sweep timeout, cancels the sweep (once) and keeps waiting for its end. */
  private final class Progress implements Consumer<JsonObject> {
    private final AdminClient admin;
    private final long id;
    private final long started;
    private long lastPrint = System.nanoTime();
    private boolean cancelled;

    Progress(AdminClient admin, long id, long started) {
      this.admin = admin;
      this.id = id;
      this.started = started;
    }

    @Override
    public void accept(JsonObject p) {
      long now = System.nanoTime();
      if (!cancelled && now - started > o.sweepTimeout().toNanos()) {
        cancelled = true;
        out.println("  the sweep did not finish in " + o.sweepTimeout().toMinutes() + " min: cancelling it");
        await(admin.cancelSweep(id), Duration.ofSeconds(30));
      }
      if (now - lastPrint >= TimeUnit.SECONDS.toNanos(5)) {
        lastPrint = now;
        out.printf(Locale.ROOT, "  %,d/%,d domains  %,.0f/s  %.0f s%n", p.getLong("done"), p.getLong("total"), p.getDouble("ratePerSecond"),
            (now - started) / 1e9);
      }
    }
  }

  /** The daemon's pipeline metrics at one moment (the registry is the bench's, shared with the daemon it deployed). */
  private record Metrics(HistogramSnapshot checks, HistogramSnapshot batches, double batchRows, long batchCount, double batchMillis) {
    static Metrics of(PrometheusMeterRegistry registry) {
      Timer checks = registry.find(CHECK_TIMER).timer();
      Timer batches = registry.find(BATCH_TIMER).timer();
      DistributionSummary rows = registry.find(BATCH_ROWS).summary();
      return new Metrics(checks == null ? null : checks.takeSnapshot(), batches == null ? null : batches.takeSnapshot(),
          rows == null ? 0 : rows.totalAmount(), rows == null ? 0 : rows.count(),
          batches == null ? 0 : batches.totalTime(TimeUnit.MILLISECONDS));
    }
  }
}
