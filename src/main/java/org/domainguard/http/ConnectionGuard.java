package org.domainguard.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
import java.util.Map;
import org.domainguard.config.AppConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the connections of the API server: at most {@code max} open at once (one more is closed
 * at once), and each must complete a request's headers within the header deadline, counted from
 * when it opened or its previous answer ended. The deadline is fixed when it starts, so bytes
 * trickled in do not extend it; the idle timeout of the server options covers silence once a
 * request is under way. Used on the server's event loop only, so it needs no locks.
 */
final class ConnectionGuard {
  private static final Logger log = LoggerFactory.getLogger(ConnectionGuard.class);

  private final Vertx vertx;
  private final long headerTimeoutMillis;
  private final int max;
  private final Map<HttpConnection, Tracked> open = new IdentityHashMap<>();
  private boolean refusing;

  ConnectionGuard(Vertx vertx, AppConfig.Connections limits) {
    this.vertx = vertx;
    this.headerTimeoutMillis = limits.headerTimeout().toMillis();
    this.max = limits.max();
  }

  /** The server's connection handler: refuses a connection past the limit, else starts its header deadline. */
  void connected(HttpConnection connection) {
    if (open.size() >= max) {
      if (!refusing) {
        log.warn("HTTP connection limit reached; closing new connections until one ends maxConnections={}", max);
        refusing = true;
      }
      connection.close();
      return;
    }
    Tracked tracked = new Tracked(connection);
    open.put(connection, tracked);
    connection.closeHandler(v -> {
      tracked.closed();
      open.remove(connection);
      refusing = false;
    });
    tracked.awaitHeaders();
  }

  /** The first route of the router: a request's headers are in, so its connection's deadline is met until it is answered. */
  void requestStarted(RoutingContext ctx) {
    Tracked tracked = open.get(ctx.request().connection());
    if (tracked != null) {
      tracked.requestStarted();
      ctx.addEndHandler(ended -> tracked.requestEnded());
    }
    ctx.next();
  }

  /** One open connection: its requests under way and, while it has none, its header deadline. */
  private final class Tracked {
    private final HttpConnection connection;
    private int inFlight;
    private long deadline = -1;
    private boolean closed;

    Tracked(HttpConnection connection) {
      this.connection = connection;
    }

    void awaitHeaders() {
      cancelDeadline();
      deadline = vertx.setTimer(headerTimeoutMillis, id -> {
        log.debug("HTTP request headers not complete in time; closing connection remote={}", connection.remoteAddress());
        connection.close();
      });
    }

    void requestStarted() {
      inFlight++;
      cancelDeadline();
    }

    void requestEnded() {
      inFlight--;
      if (inFlight == 0 && !closed) {
        awaitHeaders();
      }
    }

    void closed() {
      closed = true;
      cancelDeadline();
    }

    private void cancelDeadline() {
      if (deadline >= 0) {
        vertx.cancelTimer(deadline);
        deadline = -1;
      }
    }
  }
}
