package org.domainguard.testing;

import static org.domainguard.testing.Await.await;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToIntFunction;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on 127.0.0.1, as a host application would run one: it checks every request's
 * Standard Webhooks signature with its own HMAC code (not domain-guard's), keeps what arrived, and
 * answers what the test says (a status per request, after an optional delay). It can be stopped
 * and started again on the same port.
 */
public final class WebhookReceiver {
  /** One request as received: its headers, its body, whether its signature verified, and what was answered. */
  public record Received(String webhookId, long timestamp, String signature, String body, boolean signatureValid, int answered) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String type() {
      return json().getString("type");
    }

    public JsonObject data() {
      return json().getJsonObject("data");
    }
  }

  private final Vertx vertx;
  private final byte[] key;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile ToIntFunction<Received> answer = r -> 204;
  private volatile long delayMs;
  private HttpServer server;
  private int port;

  private WebhookReceiver(Vertx vertx, byte[] key) {
    this.vertx = vertx;
    this.key = key;
  }

  /** Starts a receiver verifying with {@code secret}: {@code whsec_<base64>} is the decoded key, anything else its UTF-8 bytes. */
  public static WebhookReceiver start(Vertx vertx, String secret) {
    byte[] key = secret.startsWith("whsec_")
        ? Base64.getDecoder().decode(secret.substring(6))
        : secret.getBytes(StandardCharsets.UTF_8);
    WebhookReceiver receiver = new WebhookReceiver(vertx, key);
    receiver.listen(0);
    return receiver;
  }

  private void listen(int onPort) {
    server = await(vertx.createHttpServer().requestHandler(this::handle).listen(onPort, "127.0.0.1"));
    port = server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(buffer -> {
      String body = buffer.toString(StandardCharsets.UTF_8);
      String id = request.getHeader("webhook-id");
      String ts = request.getHeader("webhook-timestamp");
      String signature = request.getHeader("webhook-signature");
      long timestamp = ts == null || !ts.matches("[0-9]{1,12}") ? -1 : Long.parseLong(ts);
      boolean valid = id != null && timestamp >= 0 && signature != null && verifies(id + "." + ts + "." + body, signature);
      Received unanswered = new Received(id, timestamp, signature, body, valid, 0);
      int status = valid ? answer.applyAsInt(unanswered) : 401;
      received.add(new Received(id, timestamp, signature, body, valid, status));
      Runnable reply = () -> request.response().setStatusCode(status).end();
      if (delayMs > 0) {
        vertx.setTimer(delayMs, t -> reply.run());
      } else {
        reply.run();
      }
    });
  }

  /** One of the space-separated {@code v1,<base64>} signatures must match, compared in constant time. */
  private boolean verifies(String signed, String header) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] expected = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
      for (String candidate : header.split(" ")) {
        if (candidate.startsWith("v1,")
            && MessageDigest.isEqual(expected, Base64.getDecoder().decode(candidate.substring(3)))) {
          return true;
        }
      }
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port + "/hooks";
  }

  public int port() {
    return port;
  }

  /** What to answer each (validly signed) request from now on. */
  public void answer(ToIntFunction<Received> status) {
    this.answer = status;
  }

  public void delay(long ms) {
    this.delayMs = ms;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Requests answered with a 2xx. */
  public List<Received> delivered() {
    return received.stream().filter(r -> r.answered() / 100 == 2).toList();
  }

  public void stop() {
    await(server.close());
  }

  /** Listens again on the same port. */
  public void restart() {
    listen(port);
  }

  public Future<Void> close() {
    return server.close();
  }
}
