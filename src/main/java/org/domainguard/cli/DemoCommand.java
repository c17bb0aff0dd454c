package org.domainguard.cli;

import static org.domainguard.app.Blocking.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.domainguard.app.VertxRuntime;
import org.domainguard.bench.AdminClient;
import org.domainguard.bench.RdapProviderSettings;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigLoader;
import org.domainguard.db.Database;
import org.domainguard.db.DbTarget;
import org.domainguard.db.EmbeddedDatabase;
import org.domainguard.sim.Simulator;

/**
 * {@code demo}: no set-up needed. A fresh embedded PostgreSQL of its own, the daemon with the
 * in-process simulator as its provider, and a generated population seeded as a host application
 * would; one sweep of everything started and followed through the admin API, a summary, then the
 * daemon keeps serving its API and metrics (or exits with {@code --once}).
 */
final class DemoCommand {
  static final Path DATA_DIR = Path.of("data/demo-pg");
  private static final int ADDRESSES = 100_000;
  private static final int TAIL_DOMAINS = 20_000;

  private final Map<String, String> env;
  private final PrintStream out;

  DemoCommand(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  int run(CommandLine cmd) {
    cmd.allow(Set.of("--config", "--once", "--provider"), 0, 0);
    boolean rdap = RdapProviderSettings.chosen(cmd.option("--provider", "simulator"), "simulator");
    PrometheusMeterRegistry registry = VertxRuntime.newRegistry();
    Vertx vertx = VertxRuntime.create(registry);
    Running demo = null;
    try {
      out.println("domain-guard demo: starting embedded PostgreSQL (" + DATA_DIR + ") and the simulator"
          + (rdap ? " (its RDAP servers as the provider)" : "") + "...");
      demo = start(vertx, registry, rdap);
      Pool pool = demo.db().pool();
      out.printf("seeding %,d addresses over ~%,d domains...%n", ADDRESSES, TAIL_DOMAINS + 8);
      await(pool.preparedQuery(DemoSql.SEED).execute(Tuple.of(ADDRESSES, TAIL_DOMAINS)));
      out.println("discovering registrable domains, then sweeping every domain:");
      JsonObject sweep = sweepAll(vertx, demo.daemon().httpPort());
      printSummary(pool, sweep);
      out.printf("HTTP API and metrics: http://127.0.0.1:%d/metrics  (admin API under /admin/v1)%n", demo.daemon().httpPort());
    } catch (RuntimeException e) {
      try {
        if (demo != null) {
          await(demo.stop(vertx));
        }
      } finally {
        await(vertx.close());
      }
      throw e;
    }
    Running started = demo;
    if (cmd.flag("--once")) {
      try {
        await(started.stop(vertx));
      } finally {
        await(vertx.close());
      }
      return Main.OK;
    }
    out.println("serving; Ctrl-C (SIGINT) or SIGTERM stops the demo");
    return Main.serveUntilTerminated(vertx, () -> started.stop(vertx));
  }

  /**
   * What the demo runs: its database (and a pool on it, as the host application's), the daemon,
   * and with {@code --provider rdap} the simulator whose RDAP servers the daemon calls.
   */
  private record Running(EmbeddedDatabase embedded, Database db, RunningDaemon daemon, Simulator rdapSimulator) {
    /** The daemon first (it finishes its in-flight checks), then the pool, the simulator, then PostgreSQL. */
    Future<Void> stop(Vertx vertx) {
      return (daemon == null ? Future.<Void>succeededFuture() : daemon.stop())
          .eventually(() -> db == null ? Future.succeededFuture() : db.close())
          .eventually(() -> rdapSimulator == null ? Future.succeededFuture() : rdapSimulator.close())
          .eventually(() -> vertx.executeBlocking(() -> {
            embedded.close();
            return null;
          }, false));
    }
  }

  private Running start(Vertx vertx, PrometheusMeterRegistry registry, boolean rdap) {
    EmbeddedDatabase embedded = await(vertx.executeBlocking(() -> {
      EmbeddedDatabase.wipe(DATA_DIR);
      return EmbeddedDatabase.start(DATA_DIR);
    }, false));
    DbTarget target = embedded.target("public");
    Running partial = new Running(embedded, null, null, null);
    try {
      AppConfig config = await(config(vertx, env, target));
      if (rdap) {
        // The simulator as configured (its faults included), started here; the daemon reaches its RDAP servers through their bootstrap.
        partial = new Running(embedded, null, null, await(Simulator.start(vertx, config.provider().simulator())));
        config = await(config(vertx, env, target, rdapProvider(partial.rdapSimulator().baseUrl())));
      }
      RunningDaemon daemon = RunningDaemon.start(vertx, config, registry);
      return new Running(embedded, Database.attach(vertx, target, 2), daemon, partial.rdapSimulator());
    } catch (RuntimeException e) {
      await(partial.stop(vertx));
      throw e;
    }
  }

  /**
   * The demo's configuration for its database {@code target}: its own defaults over
   * {@code conf/config.yaml} (if any), under the environment it honours.
   */
  static Future<AppConfig> config(Vertx vertx, Map<String, String> env, DbTarget target) {
    return ConfigLoader.load(vertx, Main.DEFAULT_CONFIG, false, demoDefaults(target), demoEnvironment(env));
  }

  /** The same with {@code provider} merged over the demo's provider section ({@code --provider rdap}). */
  static Future<AppConfig> config(Vertx vertx, Map<String, String> env, DbTarget target, JsonObject provider) {
    JsonObject defaults = demoDefaults(target);
    defaults.getJsonObject("provider").mergeIn(provider, true);
    return ConfigLoader.load(vertx, Main.DEFAULT_CONFIG, false, defaults, demoEnvironment(env));
  }

  /** {@code --provider rdap}: the demo's rates, per simulated RDAP server as well as in all. */
  static JsonObject rdapProvider(String simulatorBaseUrl) {
    return RdapProviderSettings.provider(simulatorBaseUrl, DEMO_RATE, DEMO_BURST, DEMO_IN_FLIGHT);
  }

  private static final int DEMO_RATE = 5000;
  private static final int DEMO_BURST = 500;
  private static final int DEMO_IN_FLIGHT = 64;

  /** The demo's own defaults: fast enough to sweep ~20k domains in seconds, still under the limiter. */
  private static JsonObject demoDefaults(DbTarget target) {
    String url = "postgresql://" + target.user() + ":" + target.password() + "@" + target.host() + ":" + target.port() + "/" + target.database();
    return new JsonObject()
        .put("db", new JsonObject().put("url", url).put("schema", target.schema()))
        // The database is the demo's own, wiped at every start: the simulator's made-up answers may change it.
        .put("provider", new JsonObject().put("name", "simulator").put("rate-per-second", DEMO_RATE).put("burst", DEMO_BURST).put("max-in-flight", DEMO_IN_FLIGHT)
            .put("simulator", new JsonObject().put("allow-external-db", true)))
        // Its admin API takes no token: serve it on loopback only, whatever the configuration file says.
        .put("http", new JsonObject().put("host", "127.0.0.1").put("admin", new JsonObject().put("insecure", true)))
        // Works offline and the same every time; DOMAINGUARD_PSL_URL still overrides it.
        .put("discovery", new JsonObject().put("public-suffix-list", "bundled"))
        // The simulated population lapses far more often than real ones: let the demo apply its changes.
        .put("guard", new JsonObject().put("max-changes", 1_000_000).put("max-change-ratio", 1.0));
  }

  /** The demo always runs on its own embedded database and the simulator, whatever the environment says. */
  private static Map<String, String> demoEnvironment(Map<String, String> env) {
    Map<String, String> e = new HashMap<>(env);
    e.remove("DOMAINGUARD_DB_URL");
    e.remove("DOMAINGUARD_DB_SCHEMA");
    e.remove("DOMAINGUARD_PROVIDER");
    return e;
  }

  /** Starts a sweep of everything through the admin API and prints its progress every second until it ends. */
  private JsonObject sweepAll(Vertx vertx, int port) {
    try (AdminClient admin = new AdminClient(vertx, port, null)) {
      long id = await(admin.startSweep("all"));
      return admin.awaitEnd(id, Duration.ofSeconds(1), p -> out.printf("  sweep %d: %,d/%,d domains  %,.0f/s  failed %d  unverified %d  ETA %ss%n",
          id, p.getLong("done"), p.getLong("total"), p.getDouble("ratePerSecond"), p.getLong("failed"), p.getLong("changed"),
          p.getValue("etaSeconds") == null ? "?" : p.getValue("etaSeconds")));
    }
  }

  private void printSummary(Pool pool, JsonObject sweep) {
    double seconds = AdminClient.seconds(sweep);
    long done = sweep.getLong("done");
    out.printf("%nsweep %d %s: %,d domains in %.1f s (%,.0f domains/s), %d failed checks, %d addresses unverified%n",
        sweep.getLong("id"), sweep.getString("state"), done, seconds, done / Math.max(seconds, 0.001),
        sweep.getLong("failed"), sweep.getLong("changed"));
    out.printf("skipped addresses (invalid): %d%n%n", await(pool.query(DemoSql.SKIPPED).execute()).iterator().next().getLong(0));
    out.printf("%-16s %10s%n", "phase", "domains");
    await(pool.query(DemoSql.PHASE_SUMMARY).execute()).forEach(r -> out.printf("%-16s %,10d%n", r.getString(0), r.getLong(1)));
    out.printf("%n%-24s %10s%n", "unverified because", "addresses");
    var changes = await(pool.preparedQuery(DemoSql.CHANGE_SUMMARY).execute(Tuple.of(sweep.getLong("id"))));
    if (changes.size() == 0) {
      out.printf("%-24s %10d%n", "(none)", 0);
    }
    changes.forEach(r -> out.printf("%-24s %,10d%n", r.getString(0), r.getLong(1)));
    out.println();
  }
}
