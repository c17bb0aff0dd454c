package org.domainguard.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import org.domainguard.apply.HeldChanges;
import org.domainguard.apply.SweepRevert;
import org.domainguard.config.AppConfig;
import java.util.function.Supplier;
import org.domainguard.discovery.PublicSuffixList;
import org.domainguard.events.Deliveries;
import org.domainguard.fleet.FleetView;
import org.domainguard.sweep.Rechecks;
import org.domainguard.sweep.SweepService;
import org.domainguard.sweep.SweepStore;

/**
 * The HTTP API beyond health and metrics: one failure handler for the whole router (also for what
 * vertx-web answers itself: 400, 404, 405, 413), {@code GET /openapi.yaml}, and the bearer-token
 * protected {@code /admin/v1} routes. Handlers run on the daemon's event loop, so they call its
 * services directly.
 */
public final class AdminApi {
  static final int BODY_LIMIT = 65_536;

  /** What the admin routes act on. */
  public record Services(
      Vertx vertx, AppConfig.Admin admin, SweepService sweeps, Rechecks rechecks, SweepStore sweepStore, HeldChanges held, SweepRevert revert,
      Deliveries deliveries, Pool pool, MeterRegistry registry, Clock clock, Supplier<PublicSuffixList> suffixes, FleetView fleet) {}

  private AdminApi() {}

  /**
   * Mounts the API on {@code router}. Fails with a ConfigException naming http.admin.token when
   * no token is configured and http.admin.insecure is off, and when openapi.yaml cannot be read.
   */
  public static Future<Void> mount(Router router, Services s) {
    AdminAuth auth;
    try {
      auth = AdminAuth.create(s.admin(), s.registry(), s.clock());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return OpenApiRoute.load(s.vertx()).map(openApi -> {
      ApiFailureHandler failures = new ApiFailureHandler();
      // Last, so an operator route's own failure handler (its audit of refused attempts) comes first.
      router.route().last().failureHandler(failures);
      List.of(400, 404, 405, 413, 500).forEach(status -> router.errorHandler(status, failures.forStatus(status)));
      openApi.mount(router);
      // Authenticate before reading a body: strangers cannot make the daemon buffer anything.
      router.route("/admin/*").handler(auth);
      router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
      routes(s).forEach(group -> group.mount(router));
      return null;
    });
  }

  /** Every group of admin routes; a new group is one line here. */
  private static List<RouteGroup> routes(Services s) {
    AdminAudit audit = new AdminAudit(s.pool());
    Names names = new Names(s.suffixes());
    return List.of(
        new RecheckRoutes(new RecheckQueue(s.rechecks()::recheck, s.admin().maxPendingRechecks(), s.registry()), audit, names),
        new SweepRoutes(s.sweeps(), s.sweepStore(), audit, s.clock()),
        new LookupRoutes(new Lookups(s.pool(), names), names),
        new HeldChangeRoutes(s.held(), s.revert(), s.sweepStore(), audit, names),
        new WebhookRoutes(s.deliveries(), audit),
        new FleetRoutes(s.fleet()));
  }
}
