package org.domainguard.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;
import org.domainguard.check.CircuitBreaker;
import org.domainguard.db.Database;

/**
 * {@code /health/live} (the process answers) and {@code /health/ready} (database reachable and
 * migrated). The provider's circuit breaker is reported in the detail but does not make the daemon
 * unready: it keeps serving the API and resumes checking on its own.
 */
public final class HealthRoutes {
  private final Database database;
  private final Supplier<CircuitBreaker.State> circuit;

  public HealthRoutes(Database database, Supplier<CircuitBreaker.State> circuit) {
    this.database = database;
    this.circuit = circuit;
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
      JsonObject body = new JsonObject()
          .put("status", ar.succeeded() ? "UP" : "DOWN")
          .put("database", db)
          .put("provider", new JsonObject().put("circuit", circuit.get().name().toLowerCase()));
      Responses.json(ctx, ar.succeeded() ? 200 : 503, body);
    });
  }
}
