package org.domainguard.testing;

import static org.domainguard.testing.Await.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.domainguard.sweep.Scope;
import org.domainguard.sweep.Trigger;
import org.domainguard.app.DaemonVerticle;
import org.domainguard.app.VertxRuntime;
import org.domainguard.config.AppConfig;
import org.domainguard.config.ConfigLoader;
import org.domainguard.db.DbTarget;
import org.domainguard.sim.Simulator;

/**
 * A whole daemon deployed against a test schema, configured from YAML as an operator would, with
 * helpers to seed addresses, drive sweeps and read the database. Sweep interval is long by default
 * so tests decide when sweeps run. With provider {@code simulator} (the default here) it starts the
 * simulator first and points the daemon at it, as {@code run} does.
 */
public final class TestDaemon {
  public final Vertx vertx;
  public final DbTarget target;
  public final DaemonVerticle daemon;
  public final Pool pool;
  public final WebClient http;
  private final String deployment;
  private final Simulator simulator;

  private TestDaemon(Vertx vertx, DbTarget target, DaemonVerticle daemon, String deployment, Simulator simulator) {
    this.vertx = vertx;
    this.target = target;
    this.daemon = daemon;
    this.deployment = deployment;
    this.simulator = simulator;
    this.pool = TestDatabase.pool(vertx, target);
    this.http = WebClient.create(vertx);
  }

  /** Starts a daemon on {@code target} with {@code yaml} overlaid on test defaults and {@code env} on top. */
  public static TestDaemon start(Vertx vertx, DbTarget target, String yaml, Map<String, String> env) {
    return start(vertx, VertxRuntime.newRegistry(), target, yaml, env);
  }

  /**
   * Like {@link #start(Vertx, DbTarget, String, Map)}, exposing {@code registry} on {@code /metrics}:
   * pass the registry of a Vert.x built by {@link VertxRuntime#create} to see its own metrics there.
   */
  public static TestDaemon start(Vertx vertx, PrometheusMeterRegistry registry, DbTarget target, String yaml, Map<String, String> env) {
    return start(vertx, registry, target, yaml, env, Clock.systemUTC());
  }

  /** Like {@link #start(Vertx, DbTarget, String, Map)}, on {@code clock} (a {@link MovableClock} to drive schedules). */
  public static TestDaemon start(Vertx vertx, DbTarget target, String yaml, Map<String, String> env, Clock clock) {
    return start(vertx, VertxRuntime.newRegistry(), target, yaml, env, clock);
  }

  private static TestDaemon start(Vertx vertx, PrometheusMeterRegistry registry, DbTarget target, String yaml, Map<String, String> env,
      Clock clock) {
    try {
      Path file = Files.createTempFile("domain-guard-test", ".yaml");
      Files.writeString(file, """
          provider:
            rate-per-second: 1000
            burst: 100
            max-in-flight: 16
            retry-backoff: 10ms
            response-timeout: 2s
          schedule:
            sweep-interval: 1h
            discovery-interval: 1h
          writer:
            max-delay: 20ms
          guard:
            max-changes: 100000
            max-change-ratio: 1.0
          """ + httpDefaults(yaml, env) + yaml);
      Map<String, String> all = new HashMap<>(Map.of(
          "DOMAINGUARD_DB_URL", TestDatabase.url(target),
          "DOMAINGUARD_DB_SCHEMA", target.schema(),
          "DOMAINGUARD_HTTP_PORT", "0",
          // Tests never reach the internet: the bundled Public Suffix List unless a test says otherwise.
          "DOMAINGUARD_PSL_URL", "bundled"));
      all.putAll(env);
      AppConfig config = await(ConfigLoader.load(vertx, file, true, simulatorOnTestSchema(), all));
      Files.delete(file);
      Simulator simulator = config.provider().name().equals("simulator") ? await(Simulator.start(vertx, config.provider().simulator())) : null;
      DaemonVerticle daemon = new DaemonVerticle(config, registry, clock, simulator == null ? null : simulator.baseUrl());
      try {
        return new TestDaemon(vertx, target, daemon, await(vertx.deployVerticle(daemon)), simulator);
      } catch (RuntimeException e) {
        if (simulator != null) {
          await(simulator.close());
        }
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The simulator is the provider (unless the environment names another), on a throw-away test schema. */
  private static JsonObject simulatorOnTestSchema() {
    return new JsonObject().put("provider", new JsonObject()
        .put("name", "simulator")
        .put("simulator", new JsonObject().put("allow-external-db", true)));
  }

  /**
   * The daemon refuses to start without an admin token, so a test that configures none runs the
   * admin API insecure (every request an operator). A test whose YAML has its own {@code http}
   * section (to list tokens) sets everything there, host included.
   */
  private static String httpDefaults(String yaml, Map<String, String> env) {
    if (yaml.lines().anyMatch(line -> line.startsWith("http:"))) {
      return "";
    }
    return "http:\n  host: 127.0.0.1\n  admin:\n    insecure: " + !env.containsKey("DOMAINGUARD_ADMIN_TOKEN") + "\n";
  }

  public void stop() {
    await(vertx.undeploy(deployment).eventually(() -> simulator == null ? Future.succeededFuture() : simulator.close()));
  }

  public <T> T call(Supplier<Future<T>> action) {
    return await(daemon.call(action));
  }

  /** Inserts verified addresses the way the host application does. */
  public void insertVerified(String... addresses) {
    for (String a : addresses) {
      TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES ('u', '" + a.replace("'", "''") + "', true)");
    }
  }

  /** Starts a sweep and waits for it to end; returns its id. */
  public long sweep(String scope) {
    long[] id = new long[1];
    Future<Long> finished = daemon.call(() -> {
      io.vertx.core.Promise<Long> done = io.vertx.core.Promise.promise();
      daemon.sweeps().onSweepFinished(ended -> {
        if (ended == id[0]) {
          done.tryComplete(ended);
        }
      });
      return daemon.sweeps().start(Scope.of(scope), Trigger.OPERATOR).compose(started -> {
        id[0] = started;
        return done.future();
      });
    });
    return await(finished);
  }

  public RowSet<Row> query(String sql) {
    return await(pool.query(sql).execute());
  }

  public long count(String sql) {
    return query(sql).iterator().next().getLong(0);
  }

  /** Sets the simulator's answer for one domain: {"status": ...} and/or {"fail": ..., "times": N}. */
  public void simulate(String domain, JsonObject behaviour) {
    int code = await(http.put(simulator.port(), "127.0.0.1", "/_sim/domains/" + domain).sendJsonObject(behaviour)).statusCode();
    if (code / 100 != 2) {
      throw new AssertionError("simulator refused override: HTTP " + code);
    }
  }

  public JsonObject simulatorStats() {
    return await(http.get(simulator.port(), "127.0.0.1", "/_sim/stats").send()).bodyAsJsonObject();
  }
}
