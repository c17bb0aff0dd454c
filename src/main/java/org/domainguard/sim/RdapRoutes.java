package org.domainguard.sim;

import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.domainguard.config.AppConfig.SimulatedServerFaults;

/**
 * The simulated RDAP servers: {@code GET /rdap/{server}/domain/{name}} (RFC 9082) answered with
 * RFC 9083 JSON by {@link RdapAnswers}, each server with its own latency and faults
 * ({@link RdapServerFaults}); and their bootstrap, {@code GET /_sim/rdap/dns.json} (RFC 9224).
 * A per-domain fault override ({@code PUT /_sim/domains/{name}}) wins over the server's random faults,
 * as in the Fastly format.
 */
final class RdapRoutes {
  private final Vertx vertx;
  private final Clock clock;
  private final RdapServers servers;
  private final RdapServerFaults faults;
  private final DomainStatuses statuses;
  private final RdapAnswers answers;
  private final Overrides overrides;
  private final SimulatorStats stats;

  RdapRoutes(Vertx vertx, Clock clock, long seed, RdapServers servers, RdapServerFaults faults, Overrides overrides, SimulatorStats stats) {
    this.vertx = vertx;
    this.clock = clock;
    this.servers = servers;
    this.faults = faults;
    this.statuses = new DomainStatuses(seed);
    this.answers = new RdapAnswers(seed);
    this.overrides = overrides;
    this.stats = stats;
  }

  /** Each server's own port, in order; set once they listen. */
  private List<Integer> ports = List.of();

  void usePorts(List<Integer> ports) {
    this.ports = List.copyOf(ports);
  }

  /** {@code GET /_sim/rdap/dns.json}: each server's base URL on its own port. */
  void bootstrap(RoutingContext ctx) {
    int here = ctx.request().localAddress().port();
    Replies.json(ctx, 200, servers.bootstrap(i -> "http://127.0.0.1:" + (i < ports.size() ? ports.get(i) : here)));
  }

  /** {@code GET /rdap/{server}/domain/{name}}. */
  void domain(RoutingContext ctx) {
    Optional<Integer> found = servers.index(ctx.pathParam("server"));
    if (found.isEmpty()) {
      Replies.rdap(ctx, 404, RdapAnswers.error(404, "Not Found", "no such simulated RDAP server").encode());
      return;
    }
    int server = found.get();
    String name = RdapServers.name(server);
    String domain = DomainNames.normalise(ctx.pathParam("name"));
    stats.record(domain);
    stats.recordRdap(name);
    if (domain == null) {
      reply(ctx, name, 400, RdapAnswers.error(400, "Bad Request", "not a domain name").encode());
      return;
    }
    Fault fault = overrides.has(domain) ? overrides.takeFault(domain) : faults.draw(server);
    if (fault == Fault.TIMEOUT) {
      StatusRoutes.hold(vertx, ctx);
      return;
    }
    SimulatedServerFaults knobs = faults.knobs(server);
    Duration latency = knobs.latency();
    String self = "http://127.0.0.1:" + ctx.request().localAddress().port() + "/rdap/" + name + "/domain/" + domain;
    if (latency.isZero()) {
      answer(ctx, server, domain, fault, knobs, self);
    } else {
      vertx.setTimer(latency.toMillis(), id -> answer(ctx, server, domain, fault, knobs, self));
    }
  }

  private void answer(RoutingContext ctx, int server, String domain, Fault fault, SimulatedServerFaults knobs, String self) {
    if (ctx.response().closed()) {
      return;
    }
    String name = RdapServers.name(server);
    switch (fault) {
      case NONE -> {
        RdapAnswers.Answer a = lookup(server, domain, self);
        reply(ctx, name, a.status(), a.body().encode());
      }
      case ERROR -> reply(ctx, name, 503, RdapAnswers.error(503, "Service Unavailable", "try again later").encode());
      case RATE_LIMITED -> {
        ctx.response().putHeader("Retry-After", Integer.toString(knobs.retryAfterSeconds()));
        reply(ctx, name, 429, RdapAnswers.error(429, "Too Many Requests", "query rate exceeded").encode());
      }
      case MALFORMED -> {
        String whole = lookup(server, domain, self).body().encode();
        reply(ctx, name, 200, whole.substring(0, whole.length() / 2));
      }
      // An answer that is not a domain object.
      case ERRORS_BODY -> reply(ctx, name, 200, RdapAnswers.error(500, "Internal Server Error", domain).encode());
      case TIMEOUT -> throw new IllegalStateException("held requests are never answered");
    }
  }

  private RdapAnswers.Answer lookup(int server, String domain, String self) {
    if (!servers.serves(server, DomainNames.zone(domain))) {
      return new RdapAnswers.Answer(404, RdapAnswers.notFound(domain));
    }
    String fixed = overrides.status(domain);
    String tokens = fixed != null ? fixed : statuses.tokens(domain);
    return answers.answer(domain, tokens, servers.dialect(server), LocalDate.now(clock.withZone(ZoneOffset.UTC)), self);
  }

  private void reply(RoutingContext ctx, String server, int status, String body) {
    stats.recordRdapAnswer(server, status);
    Replies.rdap(ctx, status, body);
  }

  /** {@code GET /_sim/rdap/servers}: every server's TLDs and current knobs. */
  void describe(RoutingContext ctx) {
    JsonObject all = new JsonObject();
    for (int i = 0; i < servers.count(); i++) {
      all.put(RdapServers.name(i), faults.toJson(i).put("tlds", new JsonArray(servers.tlds(i))));
    }
    Replies.json(ctx, 200, all);
  }

  /**
   * {@code PUT /_sim/rdap/servers/{server}} with some of latency (ms or "250ms"), error-rate,
   * rate-limit-rate, timeout-rate, malformed-rate, retry-after-seconds: a server made slow,
   * 429-ing or failing. The knobs not named keep their values. 200 with the server's knobs.
   */
  void putServer(RoutingContext ctx) {
    Optional<Integer> server = servers.index(ctx.pathParam("server"));
    if (server.isEmpty()) {
      Replies.json(ctx, 404, ApiFormat.FASTLY.errors(404, "Not found", "no such simulated RDAP server"));
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      body = null;
    }
    if (body == null) {
      Replies.json(ctx, 400, ApiFormat.FASTLY.errors(400, "Bad request", "expected a JSON object of fault knobs"));
      return;
    }
    try {
      faults.update(server.get(), body);
    } catch (IllegalArgumentException e) {
      Replies.json(ctx, 400, ApiFormat.FASTLY.errors(400, "Bad request", e.getMessage()));
      return;
    }
    Replies.json(ctx, 200, faults.toJson(server.get()));
  }

  /** {@code DELETE /_sim/rdap/servers}: every server back to its configured knobs. */
  void resetServers(RoutingContext ctx) {
    faults.reset();
    ctx.response().setStatusCode(204).end();
  }
}
