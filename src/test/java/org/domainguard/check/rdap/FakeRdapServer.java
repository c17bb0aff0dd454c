package org.domainguard.check.rdap;

import static org.domainguard.testing.Await.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An RDAP server on 127.0.0.1 under its own base path. Answers each {@code domain/NAME} lookup with
 * what {@link #answer} says for NAME (a domain object by default) and records every arrival, in order.
 */
public final class FakeRdapServer {
  /** What to send: status code, headers, body (null: none). */
  public record Reply(int status, Map<String, String> headers, String body) {
    public static Reply json(JsonObject body) {
      return new Reply(200, Map.of(), body.encode());
    }
  }

  public record Arrival(String domain, long nanos, String accept) {}

  private final HttpServer server;
  private final String basePath;
  private final List<Arrival> arrivals = new CopyOnWriteArrayList<>();
  private final Map<String, Function<Integer, Reply>> answers = new ConcurrentHashMap<>();
  private volatile Function<String, Reply> fallback = name -> Reply.json(domain(name, List.of("active")));

  private FakeRdapServer(HttpServer server, String basePath) {
    this.server = server;
    this.basePath = basePath;
  }

  public static FakeRdapServer start(Vertx vertx, String basePath) {
    FakeRdapServer[] self = new FakeRdapServer[1];
    HttpServer http = vertx.createHttpServer().requestHandler(req -> self[0].handle(req));
    self[0] = new FakeRdapServer(http, basePath);
    await(http.listen(0, "127.0.0.1"));
    return self[0];
  }

  public String base() {
    return "http://127.0.0.1:" + server.actualPort() + basePath;
  }

  public String host() {
    return "127.0.0.1:" + server.actualPort();
  }

  /** {@code reply} gets the number of earlier lookups of {@code name} (0 for the first). */
  public void answer(String name, Function<Integer, Reply> reply) {
    answers.put(name, reply);
  }

  public void answer(String name, Reply reply) {
    answers.put(name, n -> reply);
  }

  public void otherwise(Function<String, Reply> reply) {
    fallback = reply;
  }

  public List<Arrival> arrivals() {
    return List.copyOf(arrivals);
  }

  public long count() {
    return arrivals.size();
  }

  public Future<Void> close() {
    return server.close();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    String prefix = basePath + "domain/";
    if (!path.startsWith(prefix)) {
      req.response().setStatusCode(400).end();
      return;
    }
    String name = path.substring(prefix.length());
    long earlier = arrivals.stream().filter(a -> a.domain().equals(name)).count();
    arrivals.add(new Arrival(name, System.nanoTime(), req.getHeader("Accept")));
    Function<Integer, Reply> answer = answers.get(name);
    Reply reply = answer != null ? answer.apply((int) earlier) : fallback.apply(name);
    var response = req.response().setStatusCode(reply.status());
    reply.headers().forEach(response::putHeader);
    if (reply.body() == null) {
      response.end();
    } else {
      response.putHeader("Content-Type", "application/rdap+json").end(reply.body());
    }
  }

  /** An RFC 9083 domain object with these statuses and no events. */
  public static JsonObject domain(String name, List<String> statuses) {
    return new JsonObject()
        .put("objectClassName", "domain")
        .put("ldhName", name.toUpperCase())
        .put("rdapConformance", new JsonArray().add("rdap_level_0"))
        .put("status", new JsonArray(statuses))
        .put("events", new JsonArray())
        .put("notices", new JsonArray().add(new JsonObject().put("title", "Terms of Use")
            .put("description", new JsonArray().add("Service subject to terms of use."))));
  }

  public static JsonObject event(String action, String date) {
    return new JsonObject().put("eventAction", action).put("eventDate", date);
  }
}
