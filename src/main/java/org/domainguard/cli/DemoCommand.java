package org.domainguard.cli;

import static org.domainguard.app.Blocking.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.domainguard.app.DaemonVerticle;
import org.domainguard.app.VertxRuntime;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigLoader;
import org.domainguard.db.DemoSql;
import org.domainguard.db.EmbeddedDatabase;
import org.domainguard.sweep.Scope;
import org.domainguard.sweep.SweepService;
import org.domainguard.sweep.Trigger;

/**
 * {@code demo}: no set-up needed. A fresh embedded PostgreSQL, the in-process simulator and a
 * generated population; one sweep of everything with a progress line, a summary, then the daemon
 * keeps serving its API and metrics (or exits with {@code --once}).
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
    cmd.allow(Set.of("--config", "--once"), 0, 0);
    PrometheusMeterRegistry registry = VertxRuntime.newRegistry();
    Vertx vertx = VertxRuntime.create(registry);
    DaemonVerticle daemon;
    try {
      AppConfig config = await(config(vertx, env));
      out.println("domain-guard demo: starting embedded PostgreSQL (" + DATA_DIR + ") and the simulator...");
      await(vertx.executeBlocking(() -> {
        EmbeddedDatabase.wipe(DATA_DIR);
        return null;
      }, false));
      daemon = new DaemonVerticle(config, registry, Clock.systemUTC());
      await(vertx.deployVerticle(daemon));
      Pool pool = daemon.database().pool();
      out.printf("seeding %,d addresses over ~%,d domains...%n", ADDRESSES, TAIL_DOMAINS + 8);
      await(pool.preparedQuery(DemoSql.SEED).execute(Tuple.of(ADDRESSES, TAIL_DOMAINS)));
      out.println("discovering registrable domains, then sweeping every domain:");
      long sweepId = await(daemon.call(() -> sweepAll(vertx, daemon.sweeps())));
      printSummary(pool, sweepId);
      out.printf("HTTP API and metrics: http://127.0.0.1:%d/metrics  (admin API under /admin/v1)%n", daemon.httpPort());
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
    if (cmd.flag("--once")) {
      await(vertx.close());
      return Main.OK;
    }
    out.println("serving; Ctrl-C (SIGINT) or SIGTERM stops the demo");
    return Main.serveUntilTerminated(vertx);
  }

  /** The demo's configuration: its own defaults over {@code conf/config.yaml} (if any), under the environment it honours. */
  static Future<AppConfig> config(Vertx vertx, Map<String, String> env) {
    return ConfigLoader.load(vertx, Main.DEFAULT_CONFIG, false, demoDefaults(), demoEnvironment(env));
  }

  /** The demo's own defaults: fast enough to sweep ~20k domains in seconds, still under the limiter. */
  private static JsonObject demoDefaults() {
    return new JsonObject()
        .put("db", new JsonObject().put("url", "").put("schema", "public").put("embedded-data-dir", DATA_DIR.toString()))
        .put("provider", new JsonObject().put("name", "simulator").put("rate-per-second", 5000).put("burst", 500).put("max-in-flight", 64))
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

  /** Starts a sweep of everything and prints progress every second until it ends. */
  private Future<Long> sweepAll(Vertx vertx, SweepService sweeps) {
    Promise<Long> finished = Promise.promise();
    long ticker = vertx.setPeriodic(1000, id -> sweeps.running().ifPresent(r -> {
      var p = r.progress();
      out.printf("  sweep %d: %,d/%,d domains  %,.0f/s  failed %d  unverified %d  ETA %ss%n",
          r.id(), p.done(), p.total(), p.ratePerSecond(), p.failed(), p.changed(), p.etaSeconds() == null ? "?" : p.etaSeconds());
    }));
    return sweeps.start(Scope.ALL, Trigger.OPERATOR).compose(id -> {
      sweeps.onSweepFinished(ended -> {
        if (ended.equals(id)) {
          vertx.cancelTimer(ticker);
          finished.tryComplete(id);
        }
      });
      return finished.future();
    });
  }

  private void printSummary(Pool pool, long sweepId) {
    Row sweep = await(pool.preparedQuery(DemoSql.SWEEP_SUMMARY)
        .execute(Tuple.of(sweepId))).iterator().next();
    double seconds = sweep.getNumeric("seconds").doubleValue();
    out.printf("%nsweep %d %s: %,d domains in %.1f s (%,.0f domains/s), %d failed checks, %d addresses unverified%n",
        sweepId, sweep.getString("state"), sweep.getInteger("done"), seconds, sweep.getInteger("done") / Math.max(seconds, 0.001),
        sweep.getInteger("failed"), sweep.getInteger("changed"));
    out.printf("skipped addresses (invalid): %d%n%n", await(pool.query(DemoSql.SKIPPED).execute()).iterator().next().getLong(0));
    out.printf("%-16s %10s%n", "phase", "domains");
    await(pool.query(DemoSql.PHASE_SUMMARY).execute()).forEach(r -> out.printf("%-16s %,10d%n", r.getString(0), r.getLong(1)));
    out.printf("%n%-24s %10s%n", "unverified because", "addresses");
    var changes = await(pool.preparedQuery(DemoSql.CHANGE_SUMMARY).execute(Tuple.of(sweepId)));
    if (changes.size() == 0) {
      out.printf("%-24s %10d%n", "(none)", 0);
    }
    changes.forEach(r -> out.printf("%-24s %,10d%n", r.getString(0), r.getLong(1)));
    out.println();
  }
}
