package org.domainguard.sim;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import org.domainguard.config.AppConfig;

/**
 * Answers status requests in either format: validates the domain, counts it, picks the fault
 * (override first, then the random draw) and replies after the configured latency.
 */
final class StatusRoutes {
  /** A held ("timeout") request is closed after this long so that nothing leaks. */
  static final long HOLD_MILLIS = 120_000;

  private final Vertx vertx;
  private final AppConfig.Simulator settings;
  private final DomainStatuses statuses;
  private final Overrides overrides;
  private final RandomFaults randomFaults;
  private final SimulatorStats stats;

  StatusRoutes(Vertx vertx, AppConfig.Simulator settings, Overrides overrides, SimulatorStats stats) {
    this.vertx = vertx;
    this.settings = settings;
    this.statuses = new DomainStatuses(settings.seed());
    this.overrides = overrides;
    this.randomFaults = new RandomFaults(settings);
    this.stats = stats;
  }

  void fastly(RoutingContext ctx) {
    handle(ctx, ApiFormat.FASTLY);
  }

  void domainr(RoutingContext ctx) {
    String clientId = ctx.request().getParam("client_id");
    if (clientId == null || clientId.isBlank()) {
      stats.record(null);
      Replies.json(ctx, 401, new JsonObject().put("message", "unauthorized: missing client ID"));
      return;
    }
    handle(ctx, ApiFormat.DOMAINR);
  }

  private void handle(RoutingContext ctx, ApiFormat format) {
    String domain = DomainNames.normalise(ctx.request().getParam("domain"));
    stats.record(domain);
    if (domain == null) {
      Replies.json(ctx, 400, format.errors(400, "Bad request", "missing or invalid domain"));
      return;
    }
    Fault fault = overrides.has(domain) ? overrides.takeFault(domain) : randomFaults.draw();
    if (fault == Fault.TIMEOUT) {
      hold(ctx);
      return;
    }
    Duration latency = settings.latency();
    if (latency.isZero()) {
      reply(ctx, format, domain, fault);
    } else {
      vertx.setTimer(latency.toMillis(), id -> reply(ctx, format, domain, fault));
    }
  }

  private void reply(RoutingContext ctx, ApiFormat format, String domain, Fault fault) {
    if (ctx.response().closed()) {
      return;
    }
    switch (fault) {
      case NONE -> Replies.json(ctx, 200, format.answer(domain, tokens(domain)));
      case ERROR -> Replies.json(ctx, 503, format.errors(503, "Service Unavailable", null));
      case RATE_LIMITED -> {
        ctx.response().putHeader("Retry-After", Integer.toString(settings.retryAfterSeconds()));
        Replies.json(ctx, 429, format.errors(429, "Too Many Requests", null));
      }
      case MALFORMED -> {
        String whole = format.answer(domain, tokens(domain)).encode();
        Replies.raw(ctx, 200, whole.substring(0, whole.length() / 2));
      }
      case ERRORS_BODY -> Replies.json(ctx, 200, format.errors(404, "Domain not found", domain));
      case TIMEOUT -> throw new IllegalStateException("held requests are never answered");
    }
  }

  private String tokens(String domain) {
    String fixed = overrides.status(domain);
    return fixed != null ? fixed : statuses.tokens(domain);
  }

  /** Never answers; the client's own timeout should fire first. Closing the connection cancels the timer. */
  private void hold(RoutingContext ctx) {
    hold(vertx, ctx);
  }

  static void hold(Vertx vertx, RoutingContext ctx) {
    long timer = vertx.setTimer(HOLD_MILLIS, id -> ctx.request().connection().close());
    ctx.response().closeHandler(v -> vertx.cancelTimer(timer));
  }
}
