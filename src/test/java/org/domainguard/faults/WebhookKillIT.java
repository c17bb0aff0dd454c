package org.domainguard.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.domainguard.testing.Await;
import org.domainguard.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * kill -9 of a daemon whose events are committed but not yet delivered (some of them in flight),
 * then a restart: every event still reaches the receiver, each webhook-id unchanged.
 */
class WebhookKillIT extends FaultScenario {
  private static final String SECRET = "whsec_c2VjcmV0LWtleS1vZi10aGUtZmF1bHQtdGVzdA==";

  private Vertx vertx;
  private WebhookReceiver receiver;

  @BeforeEach
  void startReceiver() {
    vertx = Vertx.vertx();
    receiver = WebhookReceiver.start(vertx, SECRET);
  }

  @AfterEach
  void stopReceiver() {
    Await.await(vertx.close());
  }

  @Override
  String yaml() {
    return super.yaml() + """
        webhooks:
          - url: %s
            secret: %s
            timeout: 5s
        """.formatted(receiver.url(), SECRET);
  }

  private long inFlight() {
    return count("SELECT count(*) FROM webhook_deliveries WHERE lease_owner IS NOT NULL");
  }

  private long pending() {
    return count("SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'");
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void killNineBetweenCommitAndDeliveryThenRestartDeliversEveryEvent() {
    // A slow receiver: deliveries trail the decisions, so the kill finds events committed and not delivered.
    receiver.delay(1_000);
    DaemonProcess first = startDaemon();
    Waits.until("events committed, some delivered, many waiting, some in flight", Duration.ofSeconds(60), Duration.ofMillis(50),
        () -> count("SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'") + "/" + pending() + "/" + inFlight(),
        s -> Long.parseLong(s.split("/")[0]) >= 10 && Long.parseLong(s.split("/")[1]) >= 50 && Long.parseLong(s.split("/")[2]) >= 1, first);
    first.kill();
    long eventsAtKill = count("SELECT count(*) FROM events");
    long pendingAtKill = pending();
    long leasedAtKill = inFlight();
    System.out.printf("kill -9: %d events committed, %d deliveries pending (%d in flight)%n", eventsAtKill, pendingAtKill, leasedAtKill);

    receiver.delay(0);
    DaemonProcess second = startDaemon();
    awaitAllChecked(Duration.ofSeconds(90), second);
    // In-flight deliveries of the killed daemon wait for their lease (2 x timeout + 30 s = 40 s) to expire.
    Waits.until("every event delivered", Duration.ofSeconds(90), Duration.ofMillis(250),
        () -> pending() + " pending of " + count("SELECT count(*) FROM webhook_deliveries"),
        s -> s.startsWith("0 pending") && !s.endsWith(" 0"), second);

    List<String> written = strings("SELECT webhook_id FROM events");
    assertEquals(written.size(), count("SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'"), "one delivery per event, all delivered");
    Set<String> received = receiver.delivered().stream().map(WebhookReceiver.Received::webhookId).collect(Collectors.toSet());
    Set<String> lost = new HashSet<>(written);
    lost.removeAll(received);
    Map<String, Long> times = receiver.delivered().stream().collect(Collectors.groupingBy(WebhookReceiver.Received::webhookId, Collectors.counting()));
    long again = times.values().stream().filter(n -> n > 1).count();
    System.out.printf("after restart: %d events written, %d received, events lost: %d, received more than once: %d%n",
        written.size(), received.size(), lost.size(), again);
    assertEquals(Set.of(), lost, "events lost");
    // At least once: every request the receiver saw is an attempt the daemons recorded, or one in flight at the kill.
    long attempts = count("SELECT sum(attempts) FROM webhook_deliveries");
    System.out.printf("attempts recorded: %d, requests received: %d%n", attempts, receiver.received().size());
    assertTrue(receiver.received().size() <= attempts + leasedAtKill,
        receiver.received().size() + " requests received, " + attempts + " attempts recorded, " + leasedAtKill + " in flight at the kill");
    assertTrue(receiver.received().stream().allMatch(WebhookReceiver.Received::signatureValid), "every request signed");
    assertTrue(count("SELECT count(*) FROM events WHERE type = 'address.unverified'")
        == count("SELECT count(*) FROM verification_events WHERE NOT new_verified"), "one address.unverified per unverification");
    assertInvariants();
  }

  private List<String> strings(String sql) {
    List<String> list = new java.util.ArrayList<>();
    query(sql, rs -> list.add(rs.getString(1)));
    return list;
  }
}
