package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.domainguard.app.VertxRuntime;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigException;
import org.domainguard.db.Database;

/**
 * {@code bench}: sweep throughput, limiter accuracy and memory at scale, next to the raw ceiling,
 * on one machine in one run. PostgreSQL (embedded, or {@code DOMAINGUARD_DB_URL} with its own
 * schema) and the simulator in a process of its own ({@link BenchSetup}); a generated population
 * ({@link PopulationPhase}); the raw WebClient ceiling ({@link RawCeilingPhase}); a full sweep by
 * the real daemon with the limiter out of the way ({@link SweepPhase}); a limiter run at a set rate
 * ({@link LimiterPhase}); one table on stdout and {@code target/bench/result.json}. The daemons
 * are driven through their admin API; the bench reads the database through a pool of its own.
 *
 * <p>Exit 0 when it ran (missed targets are reported, not failures); 1 when the sweep did not
 * complete or did not call the provider exactly once per registrable domain.
 */
public final class BenchCommand {
  static final Path WORK_DIR = Path.of("target/bench");

  private final Map<String, String> env;
  private final PrintStream out;

  public BenchCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public int run(Map<String, String> options, List<String> arguments) {
    if (!arguments.isEmpty()) {
      throw new ConfigException("bench", "takes no arguments, got '" + arguments.get(0) + "'");
    }
    try {
      if (options.containsKey("--daemons")) {
        return new FleetBench(out).run(options, env.getOrDefault("DOMAINGUARD_DB_URL", "").trim());
      }
      return bench(BenchOptions.parse(options));
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
    out.printf(Locale.ROOT, "domain-guard bench (provider %s): %,d addresses over %,d registrable domains, concurrency %d, limiter %,.0f/s (burst %d) for %d s%n",
        o.provider(), o.addresses(), o.expectedDomains(), o.concurrency(), o.rate(), o.burst(), o.limiterSeconds());
    Files.createDirectories(WORK_DIR);

    PrometheusMeterRegistry registry = VertxRuntime.newRegistry();
    Vertx vertx = VertxRuntime.create(registry);
    BenchSetup setup = null;
    Database benchDb = null;
    boolean correct;
    try {
      setup = BenchSetup.start(vertx, o, externalUrl, WORK_DIR, out);
      boolean seesDatabase = setup.cpu().seesDatabase();
      String token = UUID.randomUUID().toString();
      PopulationPhase.Result population;
      Pass pass;
      AppConfig config = fastConfig(setup, o, token);
      // The daemon migrates the empty schema and settles its Public Suffix List before the population arrives.
      try (BenchDaemon daemon = BenchDaemon.deploy(vertx, registry, config, token)) {
        benchDb = Database.attach(vertx, setup.target(), 2);
        population = new PopulationPhase(out, o).run(vertx, benchDb.pool());
        pass = pass(o, config, vertx, registry, daemon, setup, benchDb, population, true);
      }
      // With --provider rdap the Fastly path is measured next, on the same population and machine, put
      // back as it was before its first sweep; each path's measured sweep follows a sweep of its own.
      Pass fastlyBaseline = null;
      if (o.rdap()) {
        unsweep(benchDb);
        BenchOptions fastly = o.asFastly();
        AppConfig fastlyConfig = fastConfig(setup, fastly, token);
        try (BenchDaemon daemon = BenchDaemon.deploy(vertx, registry, fastlyConfig, token)) {
          fastlyBaseline = pass(fastly, fastlyConfig, vertx, registry, daemon, setup, benchDb, population, false);
        }
      }
      RawCeilingPhase.Result raw = pass.raw();
      SweepPhase.Result sweep = pass.sweep();
      LimiterPhase.Result limiter = new LimiterPhase(out, o).run(vertx, registry, setup);
      MemoryFigures memory = MemoryFigures.atEnd(sweep, limiter);

      population.report(report);
      raw.report(report, seesDatabase);
      pass.cold().reportBrief(report, "sweep on a cold JVM (warm-up)", raw.callsPerSecond(), population.domains(), seesDatabase);
      sweep.report(report, raw.callsPerSecond(), population.domains(), population.watched(), seesDatabase);
      pass.resweep().reportBrief(report, "re-sweep (steady state)", raw.callsPerSecond(), population.domains(), seesDatabase);
      if (fastlyBaseline != null) {
        fastlyBaseline.compare(report, pass.ratio(population.domains()), population.domains());
      }
      limiter.report(report);
      memory.report(report);
      report.number("run", "seconds", "bench wall time", (System.nanoTime() - benchStarted) / 1e9, 1, "s");
      correct = sweep.exact(population.domains()) && pass.resweep().exact(population.domains())
          && pass.cold().exact(population.domains())
          && (fastlyBaseline == null || fastlyBaseline.sweep().exact(population.domains()));
    } finally {
      try {
        if (benchDb != null) {
          awaitQuietly(benchDb.close());
        }
        awaitQuietly(vertx.close());
      } finally {
        if (setup != null) {
          setup.close();
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

  /**
   * One provider's raw ceiling and full sweep, measured back to back, and a steady-state re-sweep
   * when asked for. {@code cold} is the same full sweep run once before on a cold JVM (while the JIT
   * compiles the path), as the raw ceiling has its warm-up.
   */
  record Pass(RawCeilingPhase.Result raw, SweepPhase.Result cold, SweepPhase.Result sweep, SweepPhase.Result resweep) {
    double ratio(long domains) {
      return domains / sweep.seconds() / raw.callsPerSecond();
    }

    /** This (Fastly) pass's figures beside the RDAP pass's ratio {@code rdapRatio}, and how close RDAP comes. */
    void compare(Report report, double rdapRatio, long domains) {
      String s = "fastly path (same run)";
      report.number(s, "rawCallsPerSecond", "raw ceiling calls/s", raw.callsPerSecond(), 0, "/s");
      report.number(s, "domainsPerSecond", "sweep domains/s", domains / sweep.seconds(), 0, "/s");
      report.number(s, "ratioToRaw", "domains/s ÷ raw calls/s", ratio(domains), 3, "");
      report.target(s, "rdapRatioVsFastly", "rdap ratio ÷ fastly ratio", rdapRatio / ratio(domains), 3, "",
          new Report.Target("rdap_vs_fastly", ">=", RDAP_VS_FASTLY, "within 10%: " + Report.format(RDAP_VS_FASTLY, 2)));
    }
  }

  /** The RDAP path's sweep ÷ raw ratio may be at most 10% below the Fastly path's. */
  static final double RDAP_VS_FASTLY = 0.9;

  /** Puts the population back as it was before its first sweep. */
  private void unsweep(Database benchDb) throws InterruptedException {
    out.println("putting the population back as before its first sweep...");
    await(benchDb.pool().query(BenchSql.UNSWEEP).execute(), Duration.ofMinutes(30));
    PopulationPhase.settle(out, benchDb.pool());
  }

  private static AppConfig fastConfig(BenchSetup setup, BenchOptions o, String token) {
    return BenchDaemon.config(setup, o, SweepPhase.FAST_RATE, SweepPhase.FAST_BURST, token);
  }

  /**
   * The raw ceiling with {@code config}'s HTTP client settings, then a full sweep by {@code daemon}
   * (running {@code config}) on a cold JVM, the population put back as before it and the measured
   * full sweep, and, with {@code resweep}, every domain made due again and swept by a
   * scheduled-style "due" sweep: the steady state, where most checks see what the check before saw.
   */
  private Pass pass(BenchOptions o, AppConfig config, Vertx vertx, PrometheusMeterRegistry registry, BenchDaemon daemon, BenchSetup setup,
      Database benchDb, PopulationPhase.Result population, boolean resweep) throws IOException, InterruptedException {
    RawCeilingPhase.Result raw = new RawCeilingPhase(out, o).run(vertx, config.provider(), setup, population.domains());
    SweepPhase.Result cold = new SweepPhase(out, o).run(daemon, registry, benchDb.pool(), setup, population.domains(), "all");
    unsweep(benchDb);
    SweepPhase.Result sweep = new SweepPhase(out, o).run(daemon, registry, benchDb.pool(), setup, population.domains(), "all");
    if (!resweep) {
      return new Pass(raw, cold, sweep, null);
    }
    await(benchDb.pool().query(BenchSql.MAKE_ALL_DUE).execute(), Duration.ofMinutes(30));
    PopulationPhase.settle(out, benchDb.pool());
    return new Pass(raw, cold, sweep, new SweepPhase(out, o).run(daemon, registry, benchDb.pool(), setup, population.domains(), "due"));
  }

  private static void parameters(Report report, BenchOptions o) {
    report.put("parameters", "provider", o.provider());
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

  /** The 1-minute load average: how busy the machine was besides the bench (other processes share its CPUs). */
  static Double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static void awaitQuietly(Future<?> future) {
    try {
      await(future, Duration.ofSeconds(60));
    } catch (RuntimeException e) {
      // shutting down: nothing more to do about it
    }
  }
}
