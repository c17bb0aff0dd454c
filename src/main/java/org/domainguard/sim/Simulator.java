package org.domainguard.sim;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.ArrayList;
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
 * {@code GET /rdap/srvK/domain/{name}}, with their RFC 9224 bootstrap at {@code /_sim/rdap/dns.json}
 * and per-server faults under {@code /_sim/rdap/servers}. Each RDAP server also listens on a port
 * of its own, which its bootstrap entry names, so that a client keying servers by host and port
 * sees distinct servers; every port serves every route (the path names the server).
 *
 * <p>All mutable state lives on the server's single event loop, so it needs no locking.
 */
public final class Simulator {
  private static final Logger log = LoggerFactory.getLogger(Simulator.class);
  private static final String HOST = "127.0.0.1";

  private final HttpServer server;
  /** One per simulated RDAP server, in order: its own port, so that each has an authority of its own. */
  private final List<HttpServer> rdapServers;

  private Simulator(HttpServer server, List<HttpServer> rdapServers) {
    this.server = server;
    this.rdapServers = rdapServers;
  }

  /**
   * Binds 127.0.0.1 on {@code settings.port()} (0 picks a free port), and one free port per
   * simulated RDAP server; fails if a bind fails. All of them on one event loop.
   */
  public static Future<Simulator> start(Vertx vertx, AppConfig.Simulator settings) {
    Context context = vertx.getOrCreateContext();
    Promise<Simulator> started = Promise.promise();
    context.runOnContext(v -> listenAll(vertx, settings).onComplete(started));
    return started.future();
  }

  private static Future<Simulator> listenAll(Vertx vertx, AppConfig.Simulator settings) {
    RdapRoutes[] rdap = new RdapRoutes[1];
    Router router = router(vertx, settings, rdap);
    HttpServer main = vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(settings.port())).requestHandler(router);
    List<HttpServer> perServer = new ArrayList<>();
    for (int i = 0; i < settings.rdap().servers(); i++) {
      perServer.add(vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(0)).requestHandler(router));
    }
    List<Future<HttpServer>> listening = new ArrayList<>();
    listening.add(main.listen());
    perServer.forEach(s -> listening.add(s.listen()));
    return Future.join(listening)
        .recover(e -> Future.all(listening.stream().map(f -> f.succeeded() ? f.result().close() : Future.succeededFuture()).toList())
            .transform(ignored -> Future.failedFuture(e)))
        .map(all -> {
          rdap[0].usePorts(perServer.stream().map(HttpServer::actualPort).toList());
          log.info("simulator listening host={} port={} seed={} rdapPorts={}", HOST, main.actualPort(), settings.seed(),
              perServer.stream().map(HttpServer::actualPort).toList());
          return new Simulator(main, perServer);
        });
  }

  private static Router router(Vertx vertx, AppConfig.Simulator settings, RdapRoutes[] rdapOut) {
    Overrides overrides = new Overrides();
    RdapServers servers = new RdapServers(settings.rdap().servers());
    List<String> names = IntStream.range(0, servers.count()).mapToObj(RdapServers::name).toList();
    SimulatorStats stats = new SimulatorStats(Clock.systemUTC(), names);
    StatusRoutes status = new StatusRoutes(vertx, settings, overrides, stats);
    ControlRoutes control = new ControlRoutes(overrides, stats);
    RdapRoutes rdap = new RdapRoutes(vertx, Clock.systemUTC(), settings.seed(), servers,
        new RdapServerFaults(settings, servers.count()), overrides, stats);
    rdapOut[0] = rdap;

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
    List<Future<Void>> closing = new ArrayList<>();
    closing.add(server.close());
    rdapServers.forEach(s -> closing.add(s.close()));
    return Future.join(closing).mapEmpty();
  }
}
