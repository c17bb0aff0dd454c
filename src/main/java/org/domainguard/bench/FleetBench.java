package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.domainguard.config.ConfigException;
import org.domainguard.db.Database;
import org.domainguard.db.Migrations;

/**
 * {@code bench --daemons N}: N daemon processes on one database, the simulator in a process of its
 * own as their one provider. The daemons sweep on their own schedules, sharing the provider's limit;
 * the bench reports what the provider saw (the busiest one-second window, the sustained rate
 * against the set one), whether every domain was checked exactly once, and how many addresses the
 * mass-change guard let through against its limit. Exit 1 when a domain was missed or checked twice.
 */
final class FleetBench {
  static final Set<String> OPTIONS = Set.of("--daemons", "--rate", "--burst", "--domains", "--latency", "--max-changes");

  private final PrintStream out;

  FleetBench(PrintStream out) {
    this.out = out;
  }

  int run(Map<String, String> options, String externalUrl) throws IOException, InterruptedException {
    for (String o : options.keySet()) {
      if (!OPTIONS.contains(o)) {
        throw new ConfigException(o, "unknown option for 'bench --daemons' (options: " + String.join(", ", new java.util.TreeSet<>(OPTIONS)) + ")");
      }
    }
    int daemons = (int) whole(options, "--daemons", 3, 1, 16);
    double rate = whole(options, "--rate", 100, 1, 10_000);
    int burst = (int) whole(options, "--burst", Math.max(1, Math.round(rate / 10)), 1, 100_000);
    int domains = (int) whole(options, "--domains", Math.round(rate * 30), 10, 1_000_000);
    int maxChanges = (int) whole(options, "--max-changes", 50, 1, 1_000_000);
    Duration latency = Duration.ofMillis(whole(options, "--latency", 20, 0, 10_000));
    Path work = BenchCommand.WORK_DIR.resolve("fleet");
    Files.createDirectories(work);
    out.printf(Locale.ROOT, "domain-guard fleet bench: %d daemons, %,d domains, provider limit %.0f/s burst %d, guard max-changes %d%n",
        daemons, domains, rate, burst, maxChanges);

    Vertx vertx = Vertx.vertx();
    List<Process> processes = new ArrayList<>();
    try (BenchSetup setup = BenchSetup.start(vertx, latency, domains, externalUrl, work, out)) {
      Migrations.migrate(setup.target());
      Database db = Database.attach(vertx, setup.target(), 2);
      try {
        await(db.pool().query(seed(domains)).execute(), Duration.ofMinutes(5));
        setup.simulator().reset();
        long started = System.nanoTime();
        for (int i = 1; i <= daemons; i++) {
          processes.add(launch(work, i, setup, rate, burst, maxChanges));
        }
        long unchecked = awaitAllChecked(db, domains, Duration.ofMinutes(10), processes);
        double seconds = (System.nanoTime() - started) / 1e9;
        SimulatorProcess.SimStats stats = setup.simulator().stats();
        LimiterWindow window = LimiterWindow.of(stats.perSecond());
        Row checks = await(db.pool().query("SELECT count(*), count(DISTINCT domain_id) FROM domain_checks").execute(), Duration.ofMinutes(1))
            .iterator().next();
        long unverified = count(db, "SELECT count(*) FROM verification_events WHERE NOT new_verified");
        long held = count(db, "SELECT coalesce(sum(addresses), 0) FROM held_changes");
        long sweeps = count(db, "SELECT count(*) FROM sweeps");
        long sweptOnce = count(db, "SELECT count(*) FROM sweeps WHERE state = 'completed' AND total = done");
        boolean once = unchecked == 0 && checks.getLong(0) == domains && checks.getLong(1) == domains && stats.requests() == domains;

        out.println();
        out.printf(Locale.ROOT, "provider calls                        %,d for %,d domains (%s)%n", stats.requests(), domains,
            once ? "each domain exactly once" : "NOT each domain exactly once");
        out.printf(Locale.ROOT, "checks recorded                       %,d over %,d distinct domains; %d never checked%n",
            checks.getLong(0), checks.getLong(1), unchecked);
        out.printf(Locale.ROOT, "busiest 1 s window at the provider    %d (limit %.0f + burst %d = %.0f: %s)%n", stats.maxInAnySecond(),
            rate, burst, rate + burst, stats.maxInAnySecond() <= rate + burst ? "held" : "EXCEEDED");
        out.printf(Locale.ROOT, "busiest calendar second               %d%n", stats.maxPerSecond());
        out.printf(Locale.ROOT, "sustained rate at the provider        %.1f/s over %d whole seconds = %.3f x the set rate%n",
            window.sustainedRate(), window.interiorSeconds(), window.sustainedRate() / rate);
        out.printf(Locale.ROOT, "guard                                 %d addresses unverified, %d held (max-changes %d: %s)%n",
            unverified, held, maxChanges, unverified <= maxChanges ? "held" : "EXCEEDED");
        out.printf(Locale.ROOT, "sweeps                                %d recorded, %d completed with done = total (joined by every daemon)%n",
            sweeps, sweptOnce);
        out.printf(Locale.ROOT, "wall time                             %.1f s (daemons starting included)%n", seconds);
        return once ? 0 : 1;
      } finally {
        processes.forEach(Process::destroy);
        for (Process p : processes) {
          if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        }
        await(db.close(), Duration.ofSeconds(30));
        await(vertx.close(), Duration.ofSeconds(30));
      }
    }
  }

  /** One verified address on each of {@code domains} registrable domains. */
  private static String seed(int domains) {
    return """
        INSERT INTO email_addresses (user_id, address, verified)
        SELECT 'u' || d, 'user@fleet' || d || '.' || (ARRAY['com', 'org', 'net', 'io'])[1 + d %% 4], true
        FROM generate_series(1, %d) AS d""".formatted(domains);
  }

  private Process launch(Path work, int n, BenchSetup setup, double rate, int burst, int maxChanges) throws IOException {
    Path config = work.resolve("daemon-" + n + ".yaml");
    Files.writeString(config, """
        # Written by 'bench --daemons': one of the fleet, the simulator as its Fastly provider.
        provider:
          name: fastly
          rate-per-second: %s
          burst: %d
          max-in-flight: 32
          fastly:
            base-url: %s
            api-key: bench
        schedule:
          sweep-interval: 2s
          discovery-interval: 1s
        guard:
          max-changes: %d
          max-change-ratio: 1.0
        discovery:
          public-suffix-list: bundled
        http:
          host: 127.0.0.1
          port: %d
          admin:
            insecure: true
        """.formatted(Double.toString(rate), burst, setup.simulator().baseUrl(), maxChanges, freePort()));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "org.domainguard.cli.Main", "run", "--config", config.toString())
        .redirectOutput(work.resolve("daemon-" + n + ".stdout.log").toFile())
        .redirectError(work.resolve("daemon-" + n + ".stderr.log").toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("DOMAINGUARD_"));
    env.put("DOMAINGUARD_DB_URL", setup.dbUrl());
    env.put("DOMAINGUARD_DB_SCHEMA", setup.target().schema());
    return builder.start();
  }

  /** Waits until every seeded domain has been discovered and checked; returns how many were not. */
  private long awaitAllChecked(Database db, int domains, Duration timeout, List<Process> processes) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long unchecked = domains;
    while (System.nanoTime() < deadline) {
      if (processes.stream().noneMatch(Process::isAlive)) {
        throw new IllegalStateException("every daemon exited; see " + BenchCommand.WORK_DIR.resolve("fleet"));
      }
      long found = count(db, "SELECT count(*) FROM domains");
      unchecked = domains - found + count(db, "SELECT count(*) FROM domains WHERE last_checked_at IS NULL");
      if (unchecked == 0) {
        return 0;
      }
      Thread.sleep(250);
    }
    return unchecked;
  }

  private static long count(Database db, String sql) {
    return await(db.pool().query(sql).execute(), Duration.ofMinutes(1)).iterator().next().getLong(0);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static long whole(Map<String, String> options, String name, long fallback, long min, long max) {
    String text = options.get(name);
    if (text == null) {
      return fallback;
    }
    try {
      long v = Long.parseLong(text.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException(name, "must be a whole number from " + min + " to " + max + ", got '" + text + "'");
  }
}
