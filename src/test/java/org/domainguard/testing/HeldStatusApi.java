package org.domainguard.testing;

import static org.domainguard.testing.Await.await;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for Fastly's status API on 127.0.0.1 that answers every domain "active" at once or,
 * while held, keeps each request unanswered until released. It remembers every domain asked about,
 * so a test can tell which checks reached the provider.
 */
public final class HeldStatusApi {
  private final HttpServer server;
  private final List<String> asked = new CopyOnWriteArrayList<>();
  /** Guarded by this: the answers kept while held, and who waits for how many of them. */
  private final List<Runnable> held = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private boolean holding;

  private record Waiter(int count, Promise<Void> reached) {}

  private HeldStatusApi(Vertx vertx) {
    this.server = vertx.createHttpServer().requestHandler(this::answer);
  }

  public static HeldStatusApi start(Vertx vertx) {
    HeldStatusApi api = new HeldStatusApi(vertx);
    await(api.server.listen(0, "127.0.0.1"));
    return api;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** From now on requests are kept unanswered. */
  public synchronized void hold() {
    holding = true;
  }

  /** Answers every kept request and stops holding. */
  public synchronized void release() {
    holding = false;
    held.forEach(Runnable::run);
    held.clear();
  }

  /** Completes once {@code count} requests are being held. */
  public synchronized Future<Void> holding(int count) {
    Promise<Void> reached = Promise.promise();
    waiters.add(new Waiter(count, reached));
    notifyWaiters();
    return reached.future();
  }

  /** How many requests asked about {@code domain}. */
  public long asked(String domain) {
    return asked.stream().filter(domain::equals).count();
  }

  public Future<Void> close() {
    return server.close();
  }

  private void answer(HttpServerRequest request) {
    String domain = request.getParam("domain");
    asked.add(domain);
    Context context = Vertx.currentContext();
    Runnable answer = () -> context.runOnContext(v -> request.response()
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("domain", domain).put("status", "active").encode()));
    synchronized (this) {
      if (!holding) {
        answer.run();
        return;
      }
      held.add(answer);
      notifyWaiters();
    }
  }

  private void notifyWaiters() {
    waiters.removeIf(w -> held.size() >= w.count() && w.reached().tryComplete());
  }
}
