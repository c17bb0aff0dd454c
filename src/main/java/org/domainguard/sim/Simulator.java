package org.domainguard.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import org.domainguard.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in status-API simulator: a real HTTP server on 127.0.0.1 speaking the Fastly Domain
 * Research status format (and the legacy Domainr v2 one), answering deterministically per domain
 * (see {@link DomainStatuses}) with configurable latency and faults, plus {@code /_sim} control
 * endpoints for tests and benchmarks.
 *
 * <p>All mutable state lives on the server's single event loop, so it needs no locking.
 */
public final class Simulator {
  private static final Logger log = LoggerFactory.getLogger(Simulator.class);
  private static final String HOST = "127.0.0.1";

  private final HttpServer server;

  private Simulator(HttpServer server) {
    this.server = server;
  }

  /** Binds 127.0.0.1 on {@code settings.port()} (0 picks a free port); fails if the bind fails. */
  public static Future<Simulator> start(Vertx vertx, AppConfig.Simulator settings) {
    Router router = router(vertx, settings);
    return vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(settings.port()))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> log.info("simulator listening host={} port={} seed={}", HOST, s.actualPort(), settings.seed()))
        .map(Simulator::new);
  }

  private static Router router(Vertx vertx, AppConfig.Simulator settings) {
    Overrides overrides = new Overrides();
    SimulatorStats stats = new SimulatorStats(Clock.systemUTC());
    StatusRoutes status = new StatusRoutes(vertx, settings, overrides, stats);
    ControlRoutes control = new ControlRoutes(overrides, stats);

    Router router = Router.router(vertx);
    router.get("/domain-management/v1/tools/status").handler(status::fastly);
    router.get("/v2/status").handler(status::domainr);
    router.put("/_sim/domains/:name").handler(BodyHandler.create().setBodyLimit(4096)).handler(control::putOverride);
    router.delete("/_sim/domains").handler(control::clearOverrides);
    router.get("/_sim/stats").handler(control::stats);
    router.post("/_sim/reset").handler(control::reset);
    return router;
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    return "http://" + HOST + ":" + port();
  }

  public Future<Void> close() {
    return server.close();
  }
}
