package org.domainguard.sim;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.List;
import java.util.stream.IntStream;
import org.domainguard.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in status-API simulator: a real HTTP server on 127.0.0.1 speaking the Fastly Domain
 * Research status format (and the legacy Domainr v2 one), answering deterministically per domain
 * (see {@link DomainStatuses}) with configurable latency and faults, plus {@code /_sim} control
 * endpoints for tests and benchmarks. It also plays several RDAP servers ({@link RdapRoutes}):
 * {@code GET /rdap/srvK/domain/{name}} on the same port, with their RFC 9224 bootstrap at
 * {@code /_sim/rdap/dns.json} and per-server faults under {@code /_sim/rdap/servers}.
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
    RdapServers servers = new RdapServers(settings.rdap().servers());
    List<String> names = IntStream.range(0, servers.count()).mapToObj(RdapServers::name).toList();
    SimulatorStats stats = new SimulatorStats(Clock.systemUTC(), names);
    StatusRoutes status = new StatusRoutes(vertx, settings, overrides, stats);
    ControlRoutes control = new ControlRoutes(overrides, stats);
    RdapRoutes rdap = new RdapRoutes(vertx, Clock.systemUTC(), settings.seed(), servers,
        new RdapServerFaults(settings, servers.count()), overrides, stats);

    Router router = Router.router(vertx);
    router.get("/domain-management/v1/tools/status").handler(status::fastly);
    router.get("/v2/status").handler(status::domainr);
    router.put("/_sim/domains/:name").handler(BodyHandler.create().setBodyLimit(4096)).handler(control::putOverride);
    router.delete("/_sim/domains").handler(control::clearOverrides);
    router.get("/_sim/stats").handler(control::stats);
    router.post("/_sim/reset").handler(control::reset);
    router.get("/rdap/:server/domain/:name").handler(rdap::domain);
    router.get("/_sim/rdap/dns.json").handler(rdap::bootstrap);
    router.get("/_sim/rdap/servers").handler(rdap::describe);
    router.put("/_sim/rdap/servers/:server").handler(BodyHandler.create().setBodyLimit(4096)).handler(rdap::putServer);
    router.delete("/_sim/rdap/servers").handler(rdap::resetServers);
    return router;
  }

  public int port() {
    return server.actualPort();
  }

  public String baseUrl() {
    return "http://" + HOST + ":" + port();
  }

  /** Where the RFC 9224 bootstrap of the simulated RDAP servers is: for {@code provider.rdap.bootstrap-url}. */
  public String rdapBootstrapUrl() {
    return baseUrl() + BOOTSTRAP_PATH;
  }

  public static final String BOOTSTRAP_PATH = "/_sim/rdap/dns.json";

  public Future<Void> close() {
    return server.close();
  }
}
