package org.domainguard.http;

import static org.domainguard.http.AdminFixtures.OPERATOR;
import static org.domainguard.testing.Await.await;
import static org.domainguard.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.domainguard.check.CheckAbandonedException;
import org.domainguard.testing.HeldStatusApi;
import org.domainguard.testing.Await;
import org.domainguard.testing.TestDaemon;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Operator rechecks are bounded (http.admin.max-pending-rechecks, here 6) and a recheck whose
 * client has gone before its turn never reaches the provider. A stand-in provider that holds its
 * answers keeps the running rechecks in flight for as long as each test needs.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class RecheckQueueTest {
  private static final int MAX_PENDING = 6;
  private static final int RUNNING = RecheckQueue.MAX_RUNNING;

  private Vertx vertx;
  private HeldStatusApi provider;
  private TestDaemon d;
  private AdminClient api;
  private WebClient web;
  private NetClient net;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    provider = HeldStatusApi.start(vertx);
    String[] addresses = new String[MAX_PENDING + 2];
    for (int i = 0; i < addresses.length; i++) {
      addresses[i] = "a@d" + i + ".com";
    }
    d = AdminFixtures.daemonWithTokens(vertx, """
            max-pending-rechecks: %d
        provider:
          rate-per-second: 1000
          burst: 100
          response-timeout: 60s
        schedule:
          lease: 10m
        """.formatted(MAX_PENDING), Map.of(
            "DOMAINGUARD_PROVIDER", "fastly",
            "DOMAINGUARD_FASTLY_BASE_URL", provider.baseUrl(),
            "DOMAINGUARD_FASTLY_API_KEY", "test-key"), addresses);
    api = new AdminClient(vertx, d.daemon.httpPort());
    // One connection per recheck in flight: the default pool would queue some of them in the client.
    web = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(MAX_PENDING + 2));
    net = vertx.createNetClient();
    d.sweep("all");
  }

  @AfterEach
  void stop() {
    provider.release();
    api.close();
    web.close();
    await(net.close());
    d.stop();
    await(provider.close());
  }

  /** Sends a recheck of d{i}.com without waiting for its answer. */
  private Future<HttpResponse<Buffer>> recheckLater(int i) {
    return web.post(d.daemon.httpPort(), "127.0.0.1", "/admin/v1/rechecks")
        .putHeader("Authorization", "Bearer " + OPERATOR)
        .sendJsonObject(new JsonObject().put("domain", "d" + i + ".com"));
  }

  /** Holds the provider and fills the running slots with rechecks of d0..d{RUNNING-1}.com, all waiting on it. */
  private List<Future<HttpResponse<Buffer>>> runningRechecksHeldByTheProvider() {
    provider.hold();
    List<Future<HttpResponse<Buffer>>> running = new ArrayList<>();
    for (int i = 0; i < RUNNING; i++) {
      running.add(recheckLater(i));
    }
    await(provider.holding(RUNNING));
    return running;
  }

  /** How many rechecks wait for a running place, as /metrics tells. */
  private long waiting() {
    String metrics = api.get("/metrics", null).bodyAsString();
    String line = metrics.lines().filter(l -> l.startsWith(RecheckQueue.METRIC + "{state=\"waiting\"}")).findFirst().orElseThrow();
    return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }

  private void untilWaiting(long count) {
    until(count + " rechecks waiting", () -> waiting() == count);
  }

  private static void allAnswered200(List<Future<HttpResponse<Buffer>>> answers) {
    for (Future<HttpResponse<Buffer>> answer : answers) {
      HttpResponse<Buffer> response = await(answer);
      assertEquals(200, response.statusCode(), response::bodyAsString);
    }
  }

  @Test
  void rechecksPastTheBoundAre429WithRetryAfterUntilOneEnds() {
    List<Future<HttpResponse<Buffer>>> accepted = runningRechecksHeldByTheProvider();
    for (int i = RUNNING; i < MAX_PENDING; i++) {
      accepted.add(recheckLater(i));
    }
    untilWaiting(MAX_PENDING - RUNNING);

    HttpResponse<Buffer> refused = api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "d" + MAX_PENDING + ".com"));

    assertEquals(429, refused.statusCode(), refused::bodyAsString);
    assertEquals("application/json", refused.getHeader("Content-Type"));
    assertEquals("too_many_requests", refused.bodyAsJsonObject().getString("error"));
    assertTrue(Long.parseLong(refused.getHeader("Retry-After")) >= 1, refused.getHeader("Retry-After"));
    assertEquals(1, provider.asked("d" + MAX_PENDING + ".com"), "only the set-up sweep asked about it");
    String refusedRow = "SELECT count(*) FROM admin_actions WHERE action = 'recheck' AND status = 429 AND target = 'd" + MAX_PENDING + ".com'";
    // The audit row is written as the answer goes out, not before it.
    Await.until("the refused attempt's audit row", () -> d.count(refusedRow) > 0);
    assertEquals(1, d.count(refusedRow));

    provider.release();
    allAnswered200(accepted);
    assertEquals(200, api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", "d" + MAX_PENDING + ".com")).statusCode());
  }

  @Test
  void recheckWhoseClientLeftBeforeItsTurnNeverReachesTheProvider() {
    List<Future<HttpResponse<Buffer>>> running = runningRechecksHeldByTheProvider();
    String gone = "d" + RUNNING + ".com";
    NetSocket client = await(net.connect(d.daemon.httpPort(), "127.0.0.1"));
    String body = new JsonObject().put("domain", gone).encode();
    await(client.write("POST /admin/v1/rechecks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + OPERATOR
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body));
    List<Future<HttpResponse<Buffer>>> others = new ArrayList<>(running);
    for (int i = RUNNING + 1; i < MAX_PENDING; i++) {
      others.add(recheckLater(i));
    }
    untilWaiting(MAX_PENDING - RUNNING);

    await(client.close());
    untilWaiting(MAX_PENDING - RUNNING - 1);
    String droppedRow = "SELECT count(*) FROM admin_actions WHERE target = '" + gone + "' AND status = 499 AND outcome = 'client_closed'";
    Await.until("the dropped recheck's audit row", () -> d.count(droppedRow) > 0);
    assertEquals(1, d.count(droppedRow));
    provider.release();
    allAnswered200(others);

    assertEquals(1, provider.asked(gone), "only the set-up sweep asked about " + gone);
    assertEquals(1, d.count("SELECT count(*) FROM domain_checks c JOIN domains d ON d.id = c.domain_id WHERE d.name = '" + gone + "'"));
    assertEquals(200, api.post("/admin/v1/rechecks", OPERATOR, new JsonObject().put("domain", gone)).statusCode(), "no lease was left behind");
    assertEquals(2, provider.asked(gone));
  }

  @Test
  void recheckNoLongerWantedWhenItsCallIsDueGivesItsLeaseBackAndWritesNothing() {
    long checks = d.count("SELECT count(*) FROM domain_checks");

    RuntimeException abandoned = assertThrows(RuntimeException.class, () -> d.call(() -> d.daemon.rechecks().recheck("d0.com", () -> false)));

    assertInstanceOf(CheckAbandonedException.class, abandoned);
    assertEquals(1, provider.asked("d0.com"), "only the set-up sweep asked about it");
    assertEquals(checks, d.count("SELECT count(*) FROM domain_checks"));
    assertEquals(0, d.count("SELECT count(*) FROM domains WHERE lease_owner IS NOT NULL"), "the lease was given back");
  }
}
