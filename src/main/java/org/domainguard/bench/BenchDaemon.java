package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.domainguard.app.DaemonVerticle;
import org.domainguard.config.AppConfig;

/**
 * The real daemon as the bench runs it: the simulator process as its Fastly provider, only the
 * sweeps the bench starts (through the admin API, with an operator token of its own), on 127.0.0.1.
 */
final class BenchDaemon implements AutoCloseable {
  private final Vertx vertx;
  private final String deployment;
  private final AdminClient admin;

  private BenchDaemon(Vertx vertx, String deployment, AdminClient admin) {
    this.vertx = vertx;
    this.deployment = deployment;
    this.admin = admin;
  }

  /** Deploys a daemon with {@code config} whose operator token is {@code adminToken}; blocks until it is up. */
  static BenchDaemon deploy(Vertx vertx, PrometheusMeterRegistry registry, AppConfig config, String adminToken) {
    DaemonVerticle daemon = new DaemonVerticle(config, registry, Clock.systemUTC());
    String deployment = await(vertx.deployVerticle(daemon), Duration.ofMinutes(5));
    return new BenchDaemon(vertx, deployment, new AdminClient(vertx, daemon.httpPort(), adminToken));
  }

  /** The configuration of a bench daemon calling the simulator at {@code rate} (burst {@code burst}). */
  static AppConfig config(BenchSetup setup, BenchOptions o, double rate, int burst, String adminToken) {
    return config(setup.dbUrl(), setup.target().schema(), setup.simulator().baseUrl(), o.concurrency(), rate, burst, o.batchSize(),
        adminToken, o.rdap());
  }

  /** The same with the simulator as Fastly. */
  static AppConfig config(String dbUrl, String schema, String simulatorUrl, int concurrency, double rate, int burst, int batchSize,
      String adminToken) {
    return config(dbUrl, schema, simulatorUrl, concurrency, rate, burst, batchSize, adminToken, false);
  }

  /**
   * The daemon's configuration for the bench: the simulator as Fastly (or, with {@code rdap}, its RDAP
   * servers through their bootstrap), only the bench's own sweeps, on 127.0.0.1.
   */
  static AppConfig config(String dbUrl, String schema, String simulatorUrl, int concurrency, double rate, int burst, int batchSize,
      String adminToken, boolean rdap) {
    JsonObject provider = rdap
        ? RdapProviderSettings.provider(simulatorUrl, rate, burst, concurrency)
        : new JsonObject()
            .put("name", "fastly")
            .put("rate-per-second", rate)
            .put("burst", burst)
            .put("max-in-flight", concurrency)
            .put("fastly", new JsonObject().put("base-url", simulatorUrl).put("api-key", "bench-" + UUID.randomUUID()));
    return AppConfig.from(new JsonObject()
        .put("db", new JsonObject().put("url", dbUrl).put("schema", schema))
        .put("provider", provider)
        .put("schedule", new JsonObject().put("sweep-interval", "1h").put("discovery-interval", "1h"))
        .put("discovery", new JsonObject().put("public-suffix-list", "bundled"))
        .put("writer", new JsonObject().put("batch-size", batchSize).put("max-delay", "200ms"))
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)
            .put("admin", new JsonObject().put("token", adminToken))));
  }

  AdminClient admin() {
    return admin;
  }

  /** Undeploys the daemon: in-flight checks finish and are written first. */
  @Override
  public void close() {
    admin.close();
    await(vertx.undeploy(deployment), Duration.ofMinutes(1));
  }
}
