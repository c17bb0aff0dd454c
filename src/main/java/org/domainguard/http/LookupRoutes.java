package org.domainguard.http;

import static org.domainguard.http.Responses.reply;

import io.vertx.ext.web.Router;

/** Read-only look-ups for operators and support staff (viewer tokens suffice). */
final class LookupRoutes implements RouteGroup {
  private final Lookups lookups;
  private final Names names;

  LookupRoutes(Lookups lookups, Names names) {
    this.names = names;
    this.lookups = lookups;
  }

  @Override
  public void mount(Router router) {
    router.get("/admin/v1/domains/:name").handler(ctx -> lookups.domain(names.domain(ctx.pathParam("name"))).onComplete(reply(ctx, 200)));
    router.get("/admin/v1/emails/:address").handler(ctx -> lookups.email(ctx.pathParam("address")).onComplete(reply(ctx, 200)));
  }
}
