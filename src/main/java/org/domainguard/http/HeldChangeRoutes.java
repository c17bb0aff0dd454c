package org.domainguard.http;

import static org.domainguard.http.Responses.reply;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.function.BiFunction;
import org.domainguard.apply.HeldChanges;
import org.domainguard.apply.SweepRevert;
import org.domainguard.http.AdminAudit.Action;
import org.domainguard.sweep.SweepStore;

/** The mass-change guard's queue (list, approve, reject) and the revert of a sweep's unverifications. */
final class HeldChangeRoutes implements RouteGroup {
  private static final Set<String> BODY_FIELDS = Set.of("domain", "all");
  private static final String APPROVE = "held_approve";
  private static final String REJECT = "held_reject";
  private static final String REVERT = "sweep_revert";

  private final HeldChanges held;
  private final SweepRevert revert;
  private final SweepStore sweeps;
  private final AdminAudit audit;
  private final Names names;

  HeldChangeRoutes(HeldChanges held, SweepRevert revert, SweepStore sweeps, AdminAudit audit, Names names) {
    this.names = names;
    this.held = held;
    this.revert = revert;
    this.sweeps = sweeps;
    this.audit = audit;
  }

  @Override
  public void mount(Router router) {
    router.get("/admin/v1/held-changes").handler(ctx -> list(Inputs.limit(ctx.queryParam("limit"), 100, 1000)).onComplete(reply(ctx, 200)));
    router.post("/admin/v1/held-changes/approve").handler(ctx -> decide(ctx, APPROVE, domainOrAll(ctx), held::approve).onComplete(reply(ctx, 200)))
        .failureHandler(audit.refusals(APPROVE));
    router.post("/admin/v1/held-changes/reject").handler(ctx -> decide(ctx, REJECT, domainOrAll(ctx), held::reject).onComplete(reply(ctx, 200)))
        .failureHandler(audit.refusals(REJECT));
    router.post("/admin/v1/sweeps/:id/revert").handler(ctx -> revert(ctx, Inputs.id(ctx.pathParam("id"))).onComplete(reply(ctx, 200)))
        .failureHandler(audit.refusals(REVERT));
  }

  private Future<JsonObject> list(int limit) {
    return held.list(limit).map(changes -> new JsonObject().put("heldChanges", changes));
  }

  /** {@code domain} null means all holds. Approvals and rejections are audited under the operator's name. */
  private Future<JsonObject> decide(RoutingContext ctx, String action, String domain, BiFunction<String, String, Future<JsonObject>> decision) {
    Action audited = new Action(action, domain == null ? "all" : domain, new JsonObject().put("domain", domain).put("all", domain == null));
    return audit.record(ctx, audited, 200, decision.apply(domain, "operator:" + Caller.of(ctx).name()));
  }

  /** 404 for a sweep that does not exist; 200 (with nothing re-verified) for one that left nothing to revert. */
  private Future<JsonObject> revert(RoutingContext ctx, long sweepId) {
    Future<JsonObject> result = sweeps.get(sweepId)
        .compose(sweep -> sweep == null
            ? Future.failedFuture(ApiException.notFound("no sweep with id " + sweepId))
            : revert.revert(sweepId, "operator:" + Caller.of(ctx).name()))
        .map(n -> new JsonObject().put("sweepId", sweepId).put("reverified", n));
    return audit.record(ctx, new Action(REVERT, Long.toString(sweepId), new JsonObject()), 200, result);
  }

  /** {@code {"domain": "example.com"}} or {@code {"all": true}}, exactly one of them. */
  private String domainOrAll(RoutingContext ctx) {
    JsonObject body = JsonBody.object(ctx, BODY_FIELDS);
    String domain = JsonBody.string(body, "domain");
    Object all = body.getValue("all");
    if (body.containsKey("all") && !(all instanceof Boolean)) {
      throw ApiException.badRequest("field 'all' must be true or false");
    }
    boolean everything = Boolean.TRUE.equals(all);
    if ((domain == null) == !everything) {
      throw ApiException.badRequest("give exactly one of {\"domain\": \"example.com\"} or {\"all\": true}");
    }
    return everything ? null : names.domain(domain);
  }
}
