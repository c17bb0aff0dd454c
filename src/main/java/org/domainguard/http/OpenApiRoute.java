package org.domainguard.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import org.domainguard.config.DataText;

/** {@code GET /openapi.yaml}: this API as an OpenAPI 3 document, read from the classpath once, off the event loop. */
final class OpenApiRoute {
  private static final String RESOURCE = "/openapi.yaml";
  private final String document;

  private OpenApiRoute(String document) {
    this.document = document;
  }

  static Future<OpenApiRoute> load(Vertx vertx) {
    return vertx.executeBlocking(() -> new OpenApiRoute(DataText.bundled(OpenApiRoute.class, RESOURCE)), false);
  }

  void mount(Router router) {
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(document));
  }
}
