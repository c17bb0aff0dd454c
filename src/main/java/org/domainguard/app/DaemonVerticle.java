package org.domainguard.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.domainguard.config.AppConfig;
import org.domainguard.db.Database;
import org.domainguard.discovery.DiscoveryService;
import org.domainguard.http.ApiServer;
import org.domainguard.http.HealthRoutes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the daemon on one event loop: database, discovery, the HTTP API. Everything it starts is
 * part of the returned Future, so any failure (a port in use, an unreachable database) fails start-up.
 */
public final class DaemonVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(DaemonVerticle.class);
  private static final int DISCOVERY_CHUNK = 2_000;

  private final AppConfig config;
  private Database database;
  private HttpServer server;

  public DaemonVerticle(AppConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    return Database.open(vertx, config.db())
        .compose(db -> {
          database = db;
          return wire(db).recover(e -> db.close().transform(ignored -> Future.failedFuture(e)));
        });
  }

  private Future<?> wire(Database db) {
    DiscoveryService discovery = new DiscoveryService(vertx, db.pool(), DISCOVERY_CHUNK);
    vertx.setPeriodic(0, config.schedule().discoveryInterval().toMillis(), id -> discovery.discover()
        .onFailure(e -> log.warn("discovery failed; retrying next interval", e)));

    Router router = Router.router(vertx);
    new HealthRoutes(db).mount(router);
    return ApiServer.listen(vertx, config.http().host(), config.http().port(), router)
        .onSuccess(s -> server = s);
  }

  /** The port the API listens on (useful when configured as 0). */
  public int httpPort() {
    return server.actualPort();
  }

  public Database database() {
    return database;
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> database == null ? Future.succeededFuture() : database.close());
  }
}
