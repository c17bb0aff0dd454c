package org.domainguard.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP listener for health, metrics and admin routes. A failed bind fails start-up. */
public final class ApiServer {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private ApiServer() {}

  public static Future<HttpServer> listen(Vertx vertx, String host, int port, Router router) {
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> log.info("HTTP API listening host={} port={}", host, s.actualPort()));
  }
}
