package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Drives a daemon's sweeps as an operator does, through its admin API on 127.0.0.1
 * ({@code POST /admin/v1/sweeps}, {@code GET /admin/v1/sweeps/{id}}, {@code POST .../cancel}).
 * The sweep views are the API's JSON (see {@code openapi.yaml}, schema {@code Sweep}).
 */
public final class AdminClient implements AutoCloseable {
  private static final String HOST = "127.0.0.1";

  private final WebClient client;
  private final int port;
  private final String token;

  /** {@code token}: an operator's bearer token, or null for a daemon whose admin API takes none. */
  public AdminClient(Vertx vertx, int port, String token) {
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("domain-guard-tools"));
    this.port = port;
    this.token = token;
  }

  /** Starts a sweep of {@code scope} ("due" or "all"); completes with its id once it is recorded. */
  public Future<Long> startSweep(String scope) {
    return expect(202, request(client.post(port, HOST, "/admin/v1/sweeps")).sendJsonObject(new JsonObject().put("scope", scope)))
        .map(body -> body.getLong("id"));
  }

  public Future<JsonObject> sweep(long id) {
    return expect(200, request(client.get(port, HOST, "/admin/v1/sweeps/" + id)).send());
  }

  /**
   * Asks the running sweep to stop taking domains; what is in flight is still checked and written.
   * Completes with false when the sweep was no longer running.
   */
  public Future<Boolean> cancelSweep(long id) {
    return request(client.post(port, HOST, "/admin/v1/sweeps/" + id + "/cancel")).send().compose(r -> switch (r.statusCode()) {
      case 202 -> Future.succeededFuture(true);
      case 409 -> Future.succeededFuture(false);
      default -> Future.failedFuture(refused(r));
    });
  }

  /**
   * Blocks until sweep {@code id} is no longer running, looking every {@code every}; each look
   * while it runs goes to {@code whileRunning}. Returns the sweep as it ended. Call it from a
   * command's thread, never an event loop.
   */
  public JsonObject awaitEnd(long id, Duration every, Consumer<JsonObject> whileRunning) {
    while (true) {
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for sweep " + id, e);
      }
      JsonObject view = await(sweep(id), Duration.ofMinutes(1));
      if (!"running".equals(view.getString("state"))) {
        return view;
      }
      whileRunning.accept(view);
    }
  }

  /** How long an ended sweep ran, by the daemon's own record (started to finished). */
  public static double seconds(JsonObject sweep) {
    Instant started = Instant.parse(sweep.getString("startedAt"));
    Instant finished = Instant.parse(sweep.getString("finishedAt"));
    return Duration.between(started, finished).toNanos() / 1e9;
  }

  @Override
  public void close() {
    client.close();
  }

  private HttpRequest<Buffer> request(HttpRequest<Buffer> request) {
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  private static Future<JsonObject> expect(int status, Future<HttpResponse<Buffer>> response) {
    return response.compose(r -> r.statusCode() == status
        ? Future.succeededFuture(r.bodyAsJsonObject())
        : Future.failedFuture(refused(r)));
  }

  private static IllegalStateException refused(HttpResponse<Buffer> r) {
    return new IllegalStateException("admin API answered HTTP " + r.statusCode() + ": " + r.bodyAsString());
  }
}
