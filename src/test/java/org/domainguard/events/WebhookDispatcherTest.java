package org.domainguard.events;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.domainguard.config.AppConfig;
import org.domainguard.config.Secret;
import org.domainguard.db.DbTarget;
import org.domainguard.metrics.Metrics;
import org.domainguard.testing.Await;
import org.domainguard.testing.MovableClock;
import org.domainguard.testing.TestDatabase;
import org.domainguard.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The dispatcher against a real PostgreSQL and a real receiver that checks signatures with its own code. */
@ExtendWith(VertxExtension.class)
@Timeout(90)
class WebhookDispatcherTest {
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

  private Vertx vertx;
  private Context context;
  private DbTarget target;
  private Pool pool;
  private MovableClock clock;
  private SimpleMeterRegistry registry;
  private WebhookReceiver receiver;
  private final List<WebhookDispatcher> dispatchers = new ArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    context = vertx.getOrCreateContext();
    target = TestDatabase.migratedSchema();
    pool = TestDatabase.pool(vertx, target);
    // Events are stamped by the database's clock: the test's clock starts a little ahead so they are due.
    clock = new MovableClock(Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.MILLIS));
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() {
    dispatchers.forEach(d -> on(d::stop));
    if (receiver != null) {
      await(receiver.close());
    }
  }

  /** Runs {@code action} on one event loop context, as the daemon would. */
  private <T> T on(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(result));
    return await(result.future());
  }

  private WebhookDispatcher dispatcher(String secret, Duration maxAge, String owner) {
    AppConfig.Webhook hook = new AppConfig.Webhook(receiver.url(), Secret.of(secret), null, maxAge, Duration.ofSeconds(2));
    WebhookDispatcher d = new WebhookDispatcher(vertx, pool, List.of(hook), new Metrics(registry), clock, owner,
        new WebhookDispatcher.Settings(16, Duration.ofMillis(20)));
    on(d::start);
    dispatchers.add(d);
    return d;
  }

  private WebhookDispatcher dispatcher() {
    return dispatcher(SECRET, Duration.ofDays(3), "daemon-a");
  }

  /** Writes an event through the outbox's own statement, as a decision would; returns its webhook id. */
  private String event(String domain, String type) {
    TestDatabase.jdbc(target, "WITH " + EventOutbox.ctes("SELECT '" + type + "', '" + domain + "', jsonb_build_object('domain', '"
        + domain + "', 'n', (SELECT count(*) FROM events))") + " SELECT 1");
    return string("SELECT webhook_id FROM events ORDER BY id DESC LIMIT 1");
  }

  private Row row(String sql) {
    return await(pool.query(sql).execute()).iterator().next();
  }

  private String string(String sql) {
    return row(sql).getString(0);
  }

  private long count(String sql) {
    return row(sql).getLong(0);
  }

  private Row delivery(String webhookId) {
    return row("SELECT d.* FROM webhook_deliveries d JOIN events e ON e.id = d.event_id WHERE e.webhook_id = '" + webhookId + "'");
  }

  /** The delivery of {@code webhookId} to {@code to} (an event goes to every active endpoint). */
  private Row delivery(String webhookId, WebhookReceiver to) {
    return row("SELECT d.* FROM webhook_deliveries d JOIN events e ON e.id = d.event_id JOIN webhook_endpoints ep ON ep.id = d.endpoint_id"
        + " WHERE e.webhook_id = '" + webhookId + "' AND ep.url LIKE 'http://127.0.0.1:" + to.port() + "%'");
  }

  private void awaitAttempts(String webhookId, int attempts) {
    Await.until(webhookId + " attempted " + attempts + " times", () -> delivery(webhookId).getInteger("attempts") >= attempts);
  }

  private void awaitState(String webhookId, String state) {
    Await.until(webhookId + " " + state, () -> delivery(webhookId).getString("state").equals(state));
  }

  private double counted(String outcome) {
    return registry.get("domainguard_webhook_deliveries_total").tag("outcome", outcome).counter().count();
  }

  @Test
  void eachEventArrivesSignedTheStandardWebhooksWayWithTheBodyOfTheSpec() {
    receiver = WebhookReceiver.start(vertx, SECRET);
    dispatcher();
    String id = event("example.com", "domain.lapsed");
    awaitState(id, "delivered");

    List<WebhookReceiver.Received> got = receiver.received();
    assertEquals(1, got.size(), "one request");
    WebhookReceiver.Received r = got.get(0);
    assertTrue(r.signatureValid(), "the signature verifies under the whsec_ secret's decoded key");
    assertTrue(id.matches("evt_[0-9a-f]{32}"), "webhook-id: " + id);
    assertEquals(id, r.webhookId());
    assertEquals(clock.instant().getEpochSecond(), r.timestamp(), "webhook-timestamp is the attempt's Unix time");
    assertEquals(Set.of("type", "timestamp", "data"), r.json().fieldNames());
    assertEquals("domain.lapsed", r.type());
    assertEquals(row("SELECT created_at FROM events").getOffsetDateTime(0).toInstant().toString(), r.json().getString("timestamp"),
        "timestamp: when the event was written");
    assertEquals("example.com", r.data().getString("domain"));
    Row d = delivery(id);
    assertEquals(1, d.getInteger("attempts"));
    assertEquals(204, d.getInteger("last_status"));
    assertEquals(clock.instant(), d.getOffsetDateTime("delivered_at").toInstant());
    assertEquals(1.0, counted("delivered"));
  }

  @Test
  void aDaemonStartedWithoutAnEndpointNeitherRetiresItNorDropsItsEvents() {
    receiver = WebhookReceiver.start(vertx, SECRET);
    receiver.answer(r -> 503);
    dispatcher();
    String first = event("example.com", "domain.lapsed");
    awaitAttempts(first, 1);
    // Another daemon on the database, its webhook configuration missing (a host without the environment).
    WebhookDispatcher bare = new WebhookDispatcher(vertx, pool, List.of(), new Metrics(registry), clock, "daemon-b",
        new WebhookDispatcher.Settings(16, Duration.ofMillis(20)));
    on(bare::start);
    dispatchers.add(bare);
    assertEquals("pending", delivery(first).getString("state"), "still pending, not dead");
    String second = event("example.org", "domain.lapsed");
    receiver.answer(r -> 204);
    clock.advance(Duration.ofSeconds(11));
    awaitState(first, "delivered");
    awaitState(second, "delivered");
  }

  @Test
  void anyOtherSecretIsItsUtf8BytesAndAWrongSignatureIsRefusedByTheReceiver() {
    receiver = WebhookReceiver.start(vertx, "a plain shared secret");
    dispatcher("a plain shared secret", Duration.ofDays(3), "daemon-a");
    String id = event("plain.com", "domain.lapsed");
    awaitState(id, "delivered");
    assertTrue(receiver.received().get(0).signatureValid());

    WebhookReceiver strict = receiver;
    receiver = WebhookReceiver.start(vertx, "another secret entirely");
    try {
      dispatcher("a plain shared secret", Duration.ofDays(3), "daemon-b");
      String refused = event("plain.com", "domain.lapsed");
      WebhookReceiver other = receiver;
      Await.until("an attempt at the other receiver", () -> delivery(refused, other).getInteger("attempts") >= 1);
      assertFalse(receiver.received().get(0).signatureValid(), "a receiver with another key rejects the signature");
      assertEquals("pending", delivery(refused, other).getString("state"), "a 401 is retried, not delivered");
      assertEquals(401, delivery(refused, other).getInteger("last_status"));
    } finally {
      await(strict.close());
    }
  }

  @Test
  void aFailedDeliveryIsRetriedWithTheSameIdAndBodyAndNeverSentAgainAfterA2xx() {
    receiver = WebhookReceiver.start(vertx, SECRET);
    int[] calls = {0};
    receiver.answer(r -> ++calls[0] <= 2 ? 500 : 200);
    dispatcher();
    String id = event("retry.com", "address.unverified");
    awaitAttempts(id, 1);
    clock.advance(Duration.ofSeconds(10));
    awaitAttempts(id, 2);
    clock.advance(Duration.ofSeconds(20));
    awaitState(id, "delivered");

    // Another event of the same domain delivered proves later rounds ran; the first was not sent again.
    clock.advance(Duration.ofDays(4));
    String next = event("retry.com", "address.unverified");
    awaitState(next, "delivered");
    List<WebhookReceiver.Received> first = receiver.received().stream().filter(r -> r.webhookId().equals(id)).toList();
    assertEquals(List.of(500, 500, 200), first.stream().map(WebhookReceiver.Received::answered).toList(), "attempts of the first event");
    assertEquals(1, first.stream().map(WebhookReceiver.Received::body).distinct().count(), "the same body on every attempt");
    assertTrue(first.stream().allMatch(WebhookReceiver.Received::signatureValid));
    assertEquals(2.0, counted("failed"));
    assertEquals(2.0, counted("delivered"));
  }

  @Test
  void retriesWaitTenSecondsThenDoubleAndTheDeliveryIsDeadAfterMaxAge() {
    receiver = WebhookReceiver.start(vertx, SECRET);
    receiver.answer(r -> 503);
    dispatcher(SECRET, Duration.ofHours(1), "daemon-a");
    String id = event("down.com", "domain.lapsing");
    for (int attempt = 1; attempt <= 5; attempt++) {
      awaitAttempts(id, attempt);
      Row d = delivery(id);
      Duration wait = Duration.between(d.getOffsetDateTime("last_attempt_at").toInstant(), d.getOffsetDateTime("next_attempt_at").toInstant());
      assertEquals(Duration.ofSeconds(10L << (attempt - 1)), wait, "wait after attempt " + attempt);
      assertEquals("pending", d.getString("state"));
      assertEquals("HTTP 503", d.getString("last_error"));
      clock.advance(wait);
    }
    // The sixth attempt comes after max-age: its failure is final.
    clock.advance(Duration.ofHours(1));
    awaitState(id, "dead");
    assertEquals(1.0, counted("dead"));
    assertEquals(6, delivery(id).getInteger("attempts"));
    assertEquals(6, receiver.received().size(), "every attempt reached the receiver");
  }

  @Test
  void aLaterEventOfADomainWaitsUntilTheEarlierOneIsDeliveredWhileOtherDomainsFlow() {
    receiver = WebhookReceiver.start(vertx, SECRET);
    dispatcher();
    String[] blocked = {null};
    receiver.answer(r -> r.webhookId().equals(blocked[0]) ? 500 : 204);
    blocked[0] = "pending";
    String a1 = event("a.com", "domain.lapsing");
    blocked[0] = a1;
    String a2 = event("a.com", "domain.lapsed");
    String b1 = event("b.com", "domain.lapsed");
    awaitState(b1, "delivered");
    awaitAttempts(a1, 1);
    clock.advance(Duration.ofSeconds(10));
    awaitAttempts(a1, 2);
    assertTrue(receiver.received().stream().noneMatch(r -> r.webhookId().equals(a2)), "a.com's second event waits for its first");
    assertEquals(0, delivery(a2).getInteger("attempts"));

    blocked[0] = null;
    clock.advance(Duration.ofSeconds(20));
    awaitState(a2, "delivered");
    List<String> accepted = receiver.delivered().stream().map(WebhookReceiver.Received::webhookId).toList();
    assertTrue(accepted.indexOf(a1) >= 0 && accepted.indexOf(a1) < accepted.indexOf(a2), "a.com's events arrive in order: " + accepted);
  }

  @Test
  void eventsWrittenWhileTheReceiverIsDownArriveOnceItIsBack() {
    receiver = WebhookReceiver.start(vertx, SECRET);
    receiver.stop();
    dispatcher();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(event("d" + i + ".com", "address.unverified"));
    }
    ids.forEach(id -> awaitAttempts(id, 1));
    assertTrue(ids.stream().allMatch(id -> "connection refused".equals(delivery(id).getString("last_error"))),
        "refused while down");
    receiver.restart();
    clock.advance(Duration.ofSeconds(10));
    ids.forEach(id -> awaitState(id, "delivered"));
    Map<String, Long> times = receiver.delivered().stream().collect(Collectors.groupingBy(WebhookReceiver.Received::webhookId, Collectors.counting()));
    assertEquals(ids.stream().collect(Collectors.toMap(Function.identity(), id -> 1L)), times, "each event delivered exactly once");
  }

  @Test
  void twoDaemonsSharingTheDatabaseNeverSendTheSameDeliveryTwiceAndKeepEachDomainInOrder() {
    receiver = WebhookReceiver.start(vertx, SECRET);
    receiver.delay(5);
    dispatcher(SECRET, Duration.ofDays(3), "daemon-a");
    dispatcher(SECRET, Duration.ofDays(3), "daemon-b");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      ids.add(event("shared" + (i % 20) + ".com", "address.unverified"));
    }
    Await.until("all delivered", () -> count("SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'") == 200);
    List<WebhookReceiver.Received> got = receiver.received();
    assertEquals(200, got.size(), "no delivery sent twice");
    assertEquals(Set.copyOf(ids), got.stream().map(WebhookReceiver.Received::webhookId).collect(Collectors.toSet()));
    Map<String, List<Long>> byDomain = got.stream().collect(Collectors.groupingBy(r -> r.data().getString("domain"),
        Collectors.mapping(r -> r.data().getLong("n"), Collectors.toList())));
    byDomain.forEach((domain, order) -> assertEquals(order.stream().sorted().toList(), order, domain + " in order"));
    assertEquals(0, count("SELECT count(*) FROM webhook_deliveries WHERE lease_owner IS NOT NULL"), "every lease released");
  }
}
