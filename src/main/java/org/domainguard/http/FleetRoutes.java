package org.domainguard.http;

import static org.domainguard.http.Responses.reply;

import io.vertx.ext.web.Router;
import org.domainguard.fleet.FleetView;

/** The daemons sharing the database: heartbeats, leases held, shares of the provider's limit. */
final class FleetRoutes implements RouteGroup {
  private final FleetView fleet;

  FleetRoutes(FleetView fleet) {
    this.fleet = fleet;
  }

  @Override
  public void mount(Router router) {
    router.get("/admin/v1/fleet").handler(ctx -> fleet.daemons().onComplete(reply(ctx, 200)));
  }
}
