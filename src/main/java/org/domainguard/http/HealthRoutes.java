package org.domainguard.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.domainguard.db.Database;

/** {@code /health/live} (the process answers) and {@code /health/ready} (database reachable and migrated). */
public final class HealthRoutes {
  private final Database database;

  public HealthRoutes(Database database) {
    this.database = database;
  }

  public void mount(Router router) {
    router.get("/health/live").handler(ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/health/ready").handler(this::ready);
  }

  private void ready(RoutingContext ctx) {
    database.ping().onComplete(ar -> {
      JsonObject db = new JsonObject().put("status", ar.succeeded() ? "UP" : "DOWN");
      if (ar.failed()) {
        db.put("reason", "database unreachable or not migrated");
      }
      int status = ar.succeeded() ? 200 : 503;
      Responses.json(ctx, status, new JsonObject().put("status", ar.succeeded() ? "UP" : "DOWN").put("database", db));
    });
  }
}
