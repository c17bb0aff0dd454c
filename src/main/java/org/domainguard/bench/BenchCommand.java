package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.domainguard.app.DaemonVerticle;
import org.domainguard.app.VertxRuntime;
import org.domainguard.check.Providers;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigException;
import org.domainguard.db.BenchSql;
import org.domainguard.db.Database;
import org.domainguard.db.DbTarget;
import org.domainguard.db.EmbeddedDatabase;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.sweep.Scope;
import org.domainguard.sweep.SweepService;
import org.domainguard.sweep.Trigger;

/**
 * {@code bench}: sweep throughput, limiter accuracy and memory at scale, next to the raw ceiling,
 * on one machine in one run. PostgreSQL (embedded, or {@code DOMAINGUARD_DB_URL} with its own
 * schema) and the simulator in a process of its own; a generated population; the raw WebClient
 * ceiling; a full sweep by the real daemon with the limiter out of the way; a limiter run at a set
 * rate; one table on stdout and {@code target/bench/result.json}.
 *
 * <p>Exit 0 when it ran (missed targets are reported, not failures); 1 when the sweep did not
 * complete or did not call the provider exactly once per registrable domain.
 */
public final class BenchCommand {
  static final Path DATA_DIR = Path.of("data/bench-pg");
  static final Path WORK_DIR = Path.of("target/bench");
  static final String EXTERNAL_SCHEMA = "domainguard_bench";
  /** As the daemon's own discovery (DaemonVerticle.DISCOVERY_CHUNK). */
  static final int DISCOVERY_CHUNK = 2_000;
  static final double FAST_RATE = 1_000_000;
  static final int FAST_BURST = 100_000;
  /** Performance targets for a 2-core machine. */
  static final double SWEEP_VS_RAW = 0.6;
  static final double SWEEP_SECONDS_AT_REFERENCE = 60;
  static final long REFERENCE_DOMAINS = 200_000;
  static final double LIMITER_ACHIEVED = 0.97;
  static final double PEAK_RSS_MIB = 400;

  private final Map<String, String> env;
  private final PrintStream out;
  /** The largest VmHWM seen before the last reset of it. */
  private long peakRssBefore = -1;
  private long sweepPeakRss = -1;
  private boolean sweepPeakResettable;
  private long sweepRssAfter = -1;
  private long sweepHeapAfterGc = -1;
  private CpuUsage cpu = new CpuUsage(-1, -1);

  public BenchCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public int run(Map<String, String> options, List<String> arguments) {
    if (!arguments.isEmpty()) {
      throw new ConfigException("bench", "takes no arguments, got '" + arguments.get(0) + "'");
    }
    BenchOptions o = BenchOptions.parse(options);
    try {
      return bench(o);
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private int bench(BenchOptions o) throws IOException, InterruptedException {
    Report report = new Report();
    parameters(report, o);
    String externalUrl = env.getOrDefault("DOMAINGUARD_DB_URL", "").trim();
    report.put("parameters", "database", externalUrl.isEmpty() ? "embedded" : "external");
    long benchStarted = System.nanoTime();
    out.printf(Locale.ROOT, "domain-guard bench: %,d addresses over %,d registrable domains, concurrency %d, limiter %,.0f/s (burst %d) for %d s%n",
        o.addresses(), o.expectedDomains(), o.concurrency(), o.rate(), o.burst(), o.limiterSeconds());
    Files.createDirectories(WORK_DIR);

    PrometheusMeterRegistry registry = VertxRuntime.newRegistry();
    Vertx vertx = VertxRuntime.create(registry);
    SimulatorProcess sim = null;
    EmbeddedDatabase embedded = null;
    Database benchDb = null;
    boolean correct;
    try {
      out.printf("starting the simulator process (latency %d ms) and PostgreSQL...%n", o.latency().toMillis());
      sim = SimulatorProcess.start(o.latency(), WORK_DIR, o.expectedDomains() <= 250_000 ? 256 : 1024);
      DbTarget target;
      String dbUrl;
      if (externalUrl.isEmpty()) {
        EmbeddedDatabase.wipe(DATA_DIR);
        embedded = EmbeddedDatabase.start(DATA_DIR);
        target = embedded.target("public");
        dbUrl = "postgresql://postgres:postgres@127.0.0.1:" + target.port() + "/postgres";
      } else {
        target = DbTarget.fromUrl(externalUrl, EXTERNAL_SCHEMA);
        dbUrl = externalUrl;
        Database dropper = Database.attach(vertx, target, 1);
        try {
          await(dropper.pool().query(BenchSql.DROP_SCHEMA).execute(), Duration.ofMinutes(5));
        } finally {
          await(dropper.close(), Duration.ofSeconds(30));
        }
      }
      cpu = new CpuUsage(sim.pid(), embedded == null ? -1 : CpuUsage.findPostmaster(DATA_DIR));
      out.printf("simulator pid %d at %s; database %s%n", sim.pid(), sim.baseUrl(), target);

      AppConfig fast = config(dbUrl, target.schema(), sim.baseUrl(), o.concurrency(), FAST_RATE, FAST_BURST, o.batchSize());
      DaemonVerticle daemon = new DaemonVerticle(fast, registry, Clock.systemUTC());
      String deployment = await(vertx.deployVerticle(daemon), Duration.ofMinutes(5));
      benchDb = Database.attach(vertx, target, 2);
      Pool pool = benchDb.pool();

      populate(report, o, daemon, vertx, pool);
      long domains = report.json().getJsonObject("population").getLong("domains");
      long watched = report.json().getJsonObject("population").getLong("watchedAddresses");

      rawCeiling(report, o, vertx, fast, sim, domains);
      correct = sweep(report, o, daemon, registry, pool, sim, domains, watched);
      await(vertx.undeploy(deployment), Duration.ofMinutes(1));

      limiter(report, o, vertx, registry, dbUrl, target.schema(), sim);
      memory(report);
      report.number("run", "seconds", "bench wall time", (System.nanoTime() - benchStarted) / 1e9, 1, "s");
    } finally {
      try {
        if (benchDb != null) {
          awaitQuietly(benchDb.close());
        }
        awaitQuietly(vertx.close());
        if (embedded != null) {
          embedded.close();
        }
      } finally {
        if (sim != null) {
          sim.close();
        }
      }
    }

    out.println();
    out.print(report.table("domain-guard bench results"));
    Path json = o.json();
    if (json.toAbsolutePath().getParent() != null) {
      Files.createDirectories(json.toAbsolutePath().getParent());
    }
    Files.writeString(json, report.json().encodePrettily() + "\n");
    out.println();
    out.println("written to " + json);
    if (!correct) {
      out.println("FAILED: the sweep did not complete with exactly one provider call per registrable domain");
      return 1;
    }
    return 0;
  }

  private static void parameters(Report report, BenchOptions o) {
    report.put("parameters", "addresses", o.addresses());
    report.put("parameters", "tailDomains", o.domains());
    report.put("parameters", "concurrency", o.concurrency());
    report.put("parameters", "rate", o.rate());
    report.put("parameters", "burst", o.burst());
    report.put("parameters", "limiterSeconds", o.limiterSeconds());
    report.put("parameters", "rawSeconds", o.rawSeconds());
    report.put("parameters", "simulatorLatencyMs", o.latency().toMillis());
    report.put("parameters", "quick", o.quick());
    report.put("parameters", "writerBatchSize", o.batchSize());
    report.put("machine", "cpus", Runtime.getRuntime().availableProcessors());
    report.put("machine", "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    report.put("machine", "os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    report.put("machine", "maxHeapMiB", Math.round(Memory.mib(Memory.maxHeap())));
    report.put("run", "startedAt", Instant.now().toString());
    report.put("machine", "loadAverageAtStart", loadAverage());
  }

  /** The daemon's configuration for the bench: the simulator as Fastly, only the bench's own sweeps, on 127.0.0.1. */
  static AppConfig config(String dbUrl, String schema, String simulatorUrl, int concurrency, double rate, int burst, int batchSize) {
    return AppConfig.from(new JsonObject()
        .put("db", new JsonObject().put("url", dbUrl).put("schema", schema))
        .put("provider", new JsonObject()
            .put("name", "fastly")
            .put("rate-per-second", rate)
            .put("burst", burst)
            .put("max-in-flight", concurrency)
            .put("fastly", new JsonObject().put("base-url", simulatorUrl).put("api-key", "bench-" + UUID.randomUUID())))
        .put("schedule", new JsonObject().put("sweep-interval", "1h").put("discovery-interval", "1h"))
        .put("discovery", new JsonObject().put("public-suffix-list", "bundled"))
        .put("writer", new JsonObject().put("batch-size", batchSize).put("max-delay", "200ms"))
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)
            .put("admin", new JsonObject().put("token", UUID.randomUUID().toString()))));
  }

  // ---- population ----

  private void populate(Report report, BenchOptions o, DaemonVerticle daemon, Vertx vertx, Pool pool) {
    Population population = new Population(o.addresses(), o.domains(), o.bigAddresses());
    out.printf(Locale.ROOT, "seeding %,d addresses...%n", o.addresses());
    long start = System.nanoTime();
    await(population.seed(pool, done -> {
      if (done % 1_000_000 == 0 || done == o.addresses()) {
        out.printf(Locale.ROOT, "  %,d addresses in %.1f s%n", done, (System.nanoTime() - start) / 1e9);
      }
    }), Duration.ofMinutes(60));
    double seedSeconds = (System.nanoTime() - start) / 1e9;

    out.println("discovering registrable domains (a one-off backfill, not part of the sweep)...");
    long discoveryStart = System.nanoTime();
    DiscoveryService discovery = new DiscoveryService(vertx, daemon.database().pool(), DISCOVERY_CHUNK);
    long discovered = 0;
    while (true) {
      discovered += await(daemon.call(discovery::discover), Duration.ofMinutes(60));
      if (count(pool, BenchSql.QUEUED_CHANGES) == 0) {
        break;
      }
    }
    double discoverySeconds = (System.nanoTime() - discoveryStart) / 1e9;
    out.println("settling the database (VACUUM ANALYZE, CHECKPOINT)...");
    long settleStart = System.nanoTime();
    await(pool.query(BenchSql.SETTLE).execute(), Duration.ofMinutes(30));
    await(pool.query(BenchSql.CHECKPOINT).execute(), Duration.ofMinutes(10));
    double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
    long addresses = count(pool, BenchSql.COUNT_ADDRESSES);
    long domains = count(pool, BenchSql.COUNT_DOMAINS);
    Row watched = await(pool.query(BenchSql.WATCHED_SUMMARY).execute(), Duration.ofMinutes(5)).iterator().next();
    Row skew = await(pool.query(BenchSql.SKEW).execute(), Duration.ofMinutes(5)).iterator().next();
    out.printf(Locale.ROOT, "  %,d addresses discovered in %.1f s: %,d registrable domains%n", discovered, discoverySeconds, domains);

    String s = "population";
    report.count(s, "addresses", "addresses", addresses);
    report.count(s, "watchedAddresses", "addresses under watch", watched.getLong("watched"));
    report.count(s, "skippedAddresses", "addresses skipped (invalid)", watched.getLong("skipped"));
    report.count(s, "domains", "registrable domains (distinct)", domains);
    report.put(s, "expectedDomains", o.expectedDomains());
    report.count(s, "largestDomain", "addresses on the largest domain", skew.getLong("largest"));
    report.number(s, "top10Share", "share on the 10 largest domains", 100.0 * skew.getLong("top10") / Math.max(1, watched.getLong("watched")), 1, "%");
    report.count(s, "singletonDomains", "domains with one address", skew.getLong("singletons"));
    report.number(s, "seedSeconds", "seed time (INSERT ... SELECT)", seedSeconds, 1, "s");
    report.number(s, "discoverySeconds", "discovery time (one-off backfill)", discoverySeconds, 1, "s");
    report.number(s, "settleSeconds", "VACUUM ANALYZE + CHECKPOINT", settleSeconds, 1, "s");
    report.number(s, "discoveryAddressesPerSecond", "discovery rate", discovered / Math.max(0.001, discoverySeconds), 0, "addr/s");
    if (domains != o.expectedDomains()) {
      out.printf(Locale.ROOT, "warning: %,d registrable domains, expected %,d%n", domains, o.expectedDomains());
    }
  }

  // ---- raw ceiling ----

  private void rawCeiling(Report report, BenchOptions o, Vertx vertx, AppConfig config, SimulatorProcess sim, long domains)
      throws IOException, InterruptedException {
    out.printf("raw ceiling: WebClient loop, %d in flight, %d s warm-up + %d s...%n", o.concurrency(), warmUpSeconds(o), o.rawSeconds());
    sim.reset();
    WebClient client = Providers.webClient(vertx, config.provider());
    RawCeiling.Result raw;
    CpuUsage.Sample[] cpuWindow = new CpuUsage.Sample[1];
    try {
      Future<RawCeiling.Result> running = new RawCeiling(vertx, client, sim.baseUrl(), o.concurrency(), domains)
          .run(Duration.ofSeconds(warmUpSeconds(o)), Duration.ofSeconds(o.rawSeconds()));
      Thread.sleep(TimeUnit.SECONDS.toMillis(warmUpSeconds(o)));
      cpuWindow[0] = cpu.sample();
      raw = await(running, Duration.ofMinutes(5));
    } finally {
      client.close();
    }
    CpuUsage.Split rawCpu = cpu.between(cpuWindow[0], cpu.sample());
    String s = "raw ceiling";
    report.number(s, "callsPerSecond", "calls/s", raw.callsPerSecond(), 0, "/s");
    report.count(s, "calls", "calls measured", raw.calls());
    report.number(s, "seconds", "measured for", raw.seconds(), 1, "s");
    report.number(s, "p50Ms", "p50 call latency", raw.p50Millis(), 2, "ms");
    report.number(s, "p99Ms", "p99 call latency", raw.p99Millis(), 2, "ms");
    report.count(s, "errors", "errors", raw.errors());
    cpuLines(report, s, rawCpu, raw.calls(), "call");
  }

  private static int warmUpSeconds(BenchOptions o) {
    return o.quick() ? 2 : 5;
  }

  // ---- throughput sweep ----

  private boolean sweep(Report report, BenchOptions o, DaemonVerticle daemon, PrometheusMeterRegistry registry, Pool pool,
      SimulatorProcess sim, long domains, long watched) throws IOException, InterruptedException {
    out.printf(Locale.ROOT, "full sweep of %,d domains (rate %,.0f/s, burst %,d: far above the ceiling)...%n", domains, FAST_RATE, FAST_BURST);
    sim.reset();
    HistogramSnapshot latencyBefore = snapshot(registry, "domainguard_check_duration_seconds");
    HistogramSnapshot batchBefore = snapshot(registry, "domainguard_db_batch_duration_seconds");
    double rowsBefore = batchRowsTotal(registry);
    long batchesBefore = batchCount(registry);
    double batchMillisBefore = totalMillis(registry, "domainguard_db_batch_duration_seconds");
    report.put("machine", "loadAverageBeforeSweep", loadAverage());
    boolean peakReset = resetPeakRss();

    CpuUsage.Sample cpuBefore = cpu.sample();
    long start = System.nanoTime();
    Sweep run = startSweep(daemon);
    long id = run.id();
    long finishedAt = waitForSweep(daemon, run, o.sweepTimeout(), start);
    double seconds = (finishedAt - start) / 1e9;
    CpuUsage.Split sweepCpu = cpu.between(cpuBefore, cpu.sample());
    long peakSweep = Memory.peakRss();
    report.put("machine", "loadAverageAfterSweep", loadAverage());
    long rssAfter = Memory.rss();
    long heapAfterGc = Memory.heapAfterGc();

    SimulatorProcess.SimStats stats = sim.stats();
    Row row = await(pool.preparedQuery(BenchSql.SWEEP).execute(Tuple.of(id)), Duration.ofMinutes(1)).iterator().next();
    long checks = await(pool.preparedQuery(BenchSql.CHECKS_OF_SWEEP).execute(Tuple.of(id)), Duration.ofMinutes(5)).iterator().next().getLong(0);
    Percentiles.Buckets latency = Percentiles.between(latencyBefore, snapshot(registry, "domainguard_check_duration_seconds"));
    Percentiles.Buckets batch = Percentiles.between(batchBefore, snapshot(registry, "domainguard_db_batch_duration_seconds"));
    double rows = batchRowsTotal(registry) - rowsBefore;
    long batches = batchCount(registry) - batchesBefore;
    double batchMillis = totalMillis(registry, "domainguard_db_batch_duration_seconds") - batchMillisBefore;
    String state = row.getString("state");
    long done = row.getInteger("done");

    String s = "sweep";
    double rawCeiling = report.json().getJsonObject("raw ceiling").getDouble("callsPerSecond");
    double domainsPerSecond = domains / seconds;
    report.text(s, "state", "state", state);
    double limit = scaledSweepLimit(domains);
    report.target(s, "seconds", "sweep time", seconds, 1, "s", new Report.Target("sweep_time", "<", limit,
        Report.format(limit, 1) + " s" + (Math.abs(limit - SWEEP_SECONDS_AT_REFERENCE) < 0.5 ? "" : " (60 s × domains/200k)")));
    report.target(s, "domainsPerSecond", "domains/s", domainsPerSecond, 0, "/s",
        new Report.Target("sweep_vs_raw", ">=", SWEEP_VS_RAW * rawCeiling, "0.6 × raw = " + Report.format(SWEEP_VS_RAW * rawCeiling, 0)));
    report.number(s, "ratioToRaw", "domains/s ÷ raw calls/s", domainsPerSecond / rawCeiling, 3, "");
    report.number(s, "addressesPerSecond", "addresses/s", watched / seconds, 0, "/s");
    report.target(s, "calls", "provider calls (at the simulator)", stats.requests(), 0, "",
        new Report.Target("calls_equal_domains", "==", domains, Report.format(domains, 0) + " domains"));
    report.number(s, "callsPerAddress", "calls per address", (double) stats.requests() / Math.max(1, watched), 4, "");
    report.count(s, "done", "domains done", done);
    report.count(s, "failed", "failed checks", row.getInteger("failed"));
    report.count(s, "unverified", "addresses unverified", row.getInteger("changed"));
    report.count(s, "checksWritten", "domain_checks rows of the sweep", checks);
    report.number(s, "p50Ms", "p50 check latency (pipeline)", latency.quantile(0.50), 2, "ms");
    report.number(s, "p99Ms", "p99 check latency (pipeline)", latency.quantile(0.99), 2, "ms");
    report.put(s, "latencySamples", latency.total());
    report.number(s, "dbRowsPerSecond", "database batch rows/s", rows / seconds, 0, "/s");
    report.count(s, "batches", "batches written", batches);
    report.number(s, "meanBatchRows", "mean batch size", rows / Math.max(1, batches), 0, "rows");
    report.number(s, "batchMeanMs", "mean batch write time", batchMillis / Math.max(1, batches), 1, "ms");
    report.number(s, "batchP50Ms", "p50 batch write time", batch.quantile(0.50), 1, "ms");
    report.number(s, "batchP99Ms", "p99 batch write time", batch.quantile(0.99), 1, "ms");
    report.number(s, "writerBusy", "writer busy (batch time ÷ sweep time)", 100 * batchMillis / 1000 / seconds, 0, "%");
    report.number(s, "simulatorMaxPerSecond", "busiest second at the simulator", stats.maxPerSecond(), 0, "calls");
    cpuLines(report, s, sweepCpu, domains, "domain");

    sweepPeakRss = peakSweep;
    sweepPeakResettable = peakReset;
    sweepRssAfter = rssAfter;
    sweepHeapAfterGc = heapAfterGc;

    boolean exact = "completed".equals(state) && stats.requests() == domains && done == domains;
    report.put(s, "exactlyOneCallPerDomain", exact);
    return exact;
  }

  /** CPU seconds per consumer over a phase, as a share of the machine and per unit of work. */
  private void cpuLines(Report report, String section, CpuUsage.Split split, long units, String unit) {
    report.put(section, "cpuSeconds", Report.round(split.seconds(), 2));
    cpuLine(report, section, "cpuBench", "CPU share: bench JVM", split.self(), split, units, unit);
    cpuLine(report, section, "cpuSimulator", "CPU share: simulator process", split.simulator(), split, units, unit);
    if (cpu.seesDatabase()) {
      cpuLine(report, section, "cpuDatabase", "CPU share: PostgreSQL", split.database(), split, units, unit);
    }
    cpuLine(report, section, "cpuOthers", "CPU share: other processes (noise)", split.others(), split, units, unit);
    report.put(section, "cpuIdleSeconds", Report.round(split.idle(), 2));
    report.number(section, "cpuIdleShare", "CPU share: idle", 100 * split.idle() / Math.max(1e-9, split.capacity()), 1, "%");
    if (split.steal() > 0) {
      cpuLine(report, section, "cpuSteal", "CPU share: stolen by the hypervisor", split.steal(), split, units, unit);
    }
  }

  private static void cpuLine(Report report, String section, String key, String label, double cpuSeconds, CpuUsage.Split split,
      long units, String unit) {
    double share = 100 * cpuSeconds / Math.max(1e-9, split.capacity());
    double micros = 1e6 * cpuSeconds / Math.max(1, units);
    report.put(section, key + "Seconds", Report.round(cpuSeconds, 2));
    report.put(section, key + "MicrosPer" + Character.toUpperCase(unit.charAt(0)) + unit.substring(1), Report.round(micros, 1));
    report.noted(section, key + "Share", label, share, 1, "%", String.format(Locale.ROOT, "%.1f µs CPU per %s", micros, unit));
  }

  /** The sweep-time target is for 200k domains; other populations are held to the same domains/s. */
  static double scaledSweepLimit(long domains) {
    return SWEEP_SECONDS_AT_REFERENCE * Math.max(1, domains) / REFERENCE_DOMAINS;
  }

  /** Resets VmHWM so the next phase's peak can be told apart, keeping the peak so far. */
  private boolean resetPeakRss() {
    peakRssBefore = Math.max(peakRssBefore, Memory.peakRss());
    return Memory.resetPeakRss();
  }

  private void memory(Report report) {
    String m = "memory";
    long wholeRun = Math.max(peakRssBefore, Memory.peakRss());
    report.target(m, "peakRssMiB", "peak RSS (VmHWM, whole run)", Memory.mib(wholeRun), 0, "MiB",
        new Report.Target("peak_rss", "<=", PEAK_RSS_MIB, "400 MiB"));
    report.number(m, "peakRssSweepMiB", "peak RSS during the sweep" + (sweepPeakResettable ? "" : " (not resettable: whole run)"),
        Memory.mib(sweepPeakRss), 0, "MiB");
    report.number(m, "rssAfterSweepMiB", "RSS at the end of the sweep", Memory.mib(sweepRssAfter), 0, "MiB");
    report.number(m, "heapAfterGcMiB", "heap after GC (end of the sweep)", Memory.mib(sweepHeapAfterGc), 1, "MiB");
    report.number(m, "maxHeapMiB", "max heap (-Xmx)", Memory.mib(Memory.maxHeap()), 0, "MiB");
  }

  // ---- limiter run ----

  private void limiter(Report report, BenchOptions o, Vertx vertx, PrometheusMeterRegistry registry, String dbUrl, String schema,
      SimulatorProcess sim) throws IOException, InterruptedException {
    out.printf(Locale.ROOT, "limiter run: %,.0f/s, burst %d, for %d s...%n", o.rate(), o.burst(), o.limiterSeconds());
    AppConfig limited = config(dbUrl, schema, sim.baseUrl(), o.concurrency(), o.rate(), o.burst(), o.batchSize());
    DaemonVerticle daemon = new DaemonVerticle(limited, registry, Clock.systemUTC());
    String deployment = await(vertx.deployVerticle(daemon), Duration.ofMinutes(5));
    resetPeakRss();
    try {
      sim.reset();
      long start = System.nanoTime();
      Sweep run = startSweep(daemon);
      long launched = System.nanoTime();
      long deadline = launched + TimeUnit.SECONDS.toNanos(o.limiterSeconds());
      while (!run.finished().isComplete() && System.nanoTime() < deadline) {
        Thread.sleep(Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
      }
      long cancelledAt = System.nanoTime();
      await(daemon.call(() -> Future.succeededFuture(daemon.sweeps().cancel(run.id()))), Duration.ofSeconds(30));
      waitForSweep(daemon, run, Duration.ofMinutes(2), start);
      SimulatorProcess.SimStats stats = sim.stats();
      LimiterWindow window = LimiterWindow.of(stats.perSecond());
      double elapsed = (cancelledAt - launched) / 1e9;

      String s = "limiter";
      report.number(s, "setRate", "set rate", o.rate(), 0, "/s");
      report.count(s, "burst", "burst", o.burst());
      report.count(s, "calls", "calls", stats.requests());
      report.number(s, "overallRate", "calls ÷ elapsed (incl. initial burst)", stats.requests() / elapsed, 1, "/s");
      report.number(s, "sustainedRate", "achieved rate (whole seconds)", window.sustainedRate(), 1, "/s");
      report.put(s, "sustainedSeconds", window.interiorSeconds());
      report.target(s, "achievedRatio", "achieved ÷ set", window.sustainedRate() / o.rate(), 3, "",
          new Report.Target("limiter_achieved", ">=", LIMITER_ACHIEVED, "0.97"));
      report.target(s, "maxInOneSecond", "largest count in any 1 s window", stats.maxPerSecond(), 0, "",
          new Report.Target("limiter_max_window", "<=", o.rate() + o.burst(), "rate + burst = " + Report.format(o.rate() + o.burst(), 0)));
      report.number(s, "peakRssMiB", "peak RSS during the limiter run", Memory.mib(Memory.peakRss()), 0, "MiB");
      report.put(s, "perSecond", new io.vertx.core.json.JsonArray(trim(stats.perSecond())));
    } finally {
      await(vertx.undeploy(deployment), Duration.ofMinutes(1));
    }
  }

  private static List<Long> trim(long[] perSecond) {
    int first = 0;
    while (first < perSecond.length && perSecond[first] == 0) {
      first++;
    }
    int last = perSecond.length - 1;
    while (last >= first && perSecond[last] == 0) {
      last--;
    }
    return java.util.Arrays.stream(perSecond, first, last + 1).boxed().toList();
  }

  // ---- sweeps ----

  /** A started sweep and when it finished (System.nanoTime on the daemon's event loop). */
  private record Sweep(long id, Future<Long> finished) {}

  private static Sweep startSweep(DaemonVerticle daemon) {
    Promise<Long> finished = Promise.promise();
    long id = await(daemon.call(() -> {
      SweepService sweeps = daemon.sweeps();
      return sweeps.start(Scope.ALL, Trigger.OPERATOR).map(started -> {
        sweeps.onSweepFinished(ended -> {
          if (ended.equals(started)) {
            finished.tryComplete(System.nanoTime());
          }
        });
        return started;
      });
    }), Duration.ofMinutes(10));
    return new Sweep(id, finished.future());
  }

  /** Waits for the sweep, printing progress; past {@code timeout} cancels it and waits a little more. Returns when it finished. */
  private long waitForSweep(DaemonVerticle daemon, Sweep run, Duration timeout, long started) throws InterruptedException {
    long deadline = started + timeout.toNanos();
    long lastPrint = System.nanoTime();
    while (true) {
      try {
        return run.finished().toCompletionStage().toCompletableFuture().get(500, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        long now = System.nanoTime();
        if (now > deadline) {
          out.println("  the sweep did not finish in " + timeout.toMinutes() + " min: cancelling it");
          await(daemon.call(() -> Future.succeededFuture(daemon.sweeps().cancel(run.id()))), Duration.ofSeconds(30));
          return await(run.finished(), Duration.ofMinutes(2));
        }
        if (now - lastPrint >= TimeUnit.SECONDS.toNanos(5)) {
          lastPrint = now;
          daemon.call(() -> Future.succeededFuture(daemon.sweeps().running())).onSuccess(r -> r.ifPresent(p -> out.printf(Locale.ROOT,
              "  %,d/%,d domains  %,.0f/s  %.0f s%n", p.progress().done(), p.progress().total(), p.progress().ratePerSecond(),
              (System.nanoTime() - started) / 1e9)));
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("the sweep failed", e.getCause());
      }
    }
  }

  // ---- metrics ----

  private static HistogramSnapshot snapshot(PrometheusMeterRegistry registry, String timer) {
    Timer t = registry.find(timer).timer();
    return t == null ? null : t.takeSnapshot();
  }

  private static double totalMillis(PrometheusMeterRegistry registry, String timer) {
    Timer t = registry.find(timer).timer();
    return t == null ? 0 : t.totalTime(TimeUnit.MILLISECONDS);
  }

  /** The 1-minute load average: how busy the machine was besides the bench (other processes share its CPUs). */
  static Double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static double batchRowsTotal(PrometheusMeterRegistry registry) {
    DistributionSummary s = registry.find("domainguard_db_batch_rows").summary();
    return s == null ? 0 : s.totalAmount();
  }

  private static long batchCount(PrometheusMeterRegistry registry) {
    DistributionSummary s = registry.find("domainguard_db_batch_rows").summary();
    return s == null ? 0 : s.count();
  }

  // ---- helpers ----

  private static long count(Pool pool, String sql) {
    return await(pool.query(sql).execute(), Duration.ofMinutes(5)).iterator().next().getLong(0);
  }

  private static void awaitQuietly(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down: nothing more to do about it
    }
  }
}
