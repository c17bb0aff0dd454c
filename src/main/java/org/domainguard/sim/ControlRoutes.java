package org.domainguard.sim;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * The {@code /_sim} endpoints tests and benchmarks drive over real HTTP: per-domain overrides,
 * statistics and their reset.
 */
final class ControlRoutes {
  private final Overrides overrides;
  private final SimulatorStats stats;

  ControlRoutes(Overrides overrides, SimulatorStats stats) {
    this.overrides = overrides;
    this.stats = stats;
  }

  /** {@code PUT /_sim/domains/{name}} with {@code {"status": "..."}} and/or {@code {"fail": kind, "times": N}}. */
  void putOverride(RoutingContext ctx) {
    String domain = DomainNames.normalise(ctx.pathParam("name"));
    JsonObject body = jsonBody(ctx);
    if (domain == null || body == null) {
      badRequest(ctx, "expected a valid domain name and a JSON object body");
      return;
    }
    Object status = body.getValue("status");
    Object fail = body.getValue("fail");
    if (status == null && fail == null) {
      badRequest(ctx, "give 'status' and/or 'fail'");
      return;
    }
    if (status != null && !(status instanceof String tokens && !tokens.isBlank())) {
      badRequest(ctx, "'status' must be space-separated tokens");
      return;
    }
    Optional<Fault> fault = fail == null ? Optional.of(Fault.NONE) : Fault.named(String.valueOf(fail));
    if (fault.isEmpty()) {
      badRequest(ctx, "'fail' must be error, rate_limited, timeout, malformed or errors_body");
      return;
    }
    if (!(body.getValue("times", 1) instanceof Integer times) || times < 1) {
      badRequest(ctx, "'times' must be a positive integer");
      return;
    }
    overrides.put(domain, (String) status, fault.get(), times);
    ctx.response().setStatusCode(204).end();
  }

  void clearOverrides(RoutingContext ctx) {
    overrides.clear();
    ctx.response().setStatusCode(204).end();
  }

  void stats(RoutingContext ctx) {
    Replies.json(ctx, 200, stats.toJson());
  }

  void reset(RoutingContext ctx) {
    stats.reset();
    ctx.response().setStatusCode(204).end();
  }

  private static JsonObject jsonBody(RoutingContext ctx) {
    try {
      return ctx.body().asJsonObject();
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static void badRequest(RoutingContext ctx, String message) {
    Replies.json(ctx, 400, ApiFormat.FASTLY.errors(400, "Bad request", message));
  }
}
