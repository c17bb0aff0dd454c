package org.domainguard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What one client can hold open on the API: a connection must deliver each request's headers
 * within http.header-timeout however slowly its bytes trickle, goes after http.idle-timeout of
 * silence, and past http.max-connections a new connection is closed at once. The limits are tiny
 * here so that every wait stays short and bounded.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class ConnectionLimitsTest {
  /** Far longer than any limit under test: a connection still open after this was never cut. */
  private static final Duration BOUND = Duration.ofSeconds(5);
  private static final String SLOW_HEADERS = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

  private TestDaemon d;

  private int start(Vertx vertx, String idleTimeout, String headerTimeout, int maxConnections) {
    d = TestDaemon.start(vertx, TestDatabase.migratedSchema(), """
        http:
          host: 127.0.0.1
          idle-timeout: %s
          header-timeout: %s
          max-connections: %d
          admin:
            insecure: true
        """.formatted(idleTimeout, headerTimeout, maxConnections), Map.of());
    return d.daemon.httpPort();
  }

  @AfterEach
  void stop() {
    d.stop();
  }

  @Test
  void aConnectionThatSendsNothingIsClosedAtTheHeaderDeadline(Vertx vertx) throws IOException {
    int port = start(vertx, "60s", "300ms", 100);
    try (RawConnection silent = new RawConnection(port)) {
      assertTrue(silent.closedWithin(BOUND), "a silent connection outlived the 300 ms header deadline");
    }
  }

  @Test
  void headersTrickledByteByByteAreCutAtTheDeadline(Vertx vertx) throws IOException {
    int port = start(vertx, "60s", "300ms", 100);
    try (RawConnection slow = new RawConnection(port)) {
      assertTrue(slow.closedWhileTrickling(SLOW_HEADERS, 'a', Duration.ofMillis(50), BOUND),
          "a byte every 50 ms kept unfinished headers open past the 300 ms deadline");
    }
  }

  @Test
  void everyRequestOnAKeptAliveConnectionGetsItsOwnHeaderDeadline(Vertx vertx) throws IOException, InterruptedException {
    int port = start(vertx, "60s", "1s", 100);
    try (RawConnection c = new RawConnection(port)) {
      for (int i = 0; i < 3; i++) {
        assertEquals(200, c.get("/health/live", BOUND), "a prompt request on a kept-alive connection");
        Thread.sleep(400);
      }
      assertTrue(c.closedWhileTrickling(SLOW_HEADERS, 'a', Duration.ofMillis(50), BOUND),
          "the next request's trickled headers were not cut");
    }
  }

  @Test
  void aRequestWhoseBodyNeverComesIsClosedAtTheIdleTimeout(Vertx vertx) throws IOException {
    int port = start(vertx, "300ms", "30s", 100);
    try (RawConnection stalled = new RawConnection(port)) {
      stalled.send("POST /admin/v1/rechecks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{");
      assertTrue(stalled.closedWithin(BOUND), "a request stalled mid-body outlived the 300 ms idle timeout");
    }
  }

  @Test
  void connectionsPastTheLimitAreClosedAtOnce(Vertx vertx) throws IOException, InterruptedException {
    int port = start(vertx, "60s", "30s", 3);
    List<RawConnection> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawConnection c = new RawConnection(port);
        held.add(c);
        assertEquals(200, c.get("/health/live", BOUND));
      }
      try (RawConnection extra = new RawConnection(port)) {
        assertTrue(extra.closedWithin(BOUND), "a fourth connection was kept with max-connections 3");
      }
      assertEquals(200, held.get(0).get("/health/live", BOUND), "the held connections keep working");
      held.remove(0).close();
      assertTrue(aNewConnectionIsServedWithin(port, BOUND), "a connection closed frees its place");
    } finally {
      for (RawConnection c : held) {
        c.close();
      }
    }
  }

  /** The server notices a closed connection asynchronously: retry a fresh one until it is served, within {@code bound}. */
  private static boolean aNewConnectionIsServedWithin(int port, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      try (RawConnection c = new RawConnection(port)) {
        if (c.get("/health/live", bound) == 200) {
          return true;
        }
      } catch (IOException refused) {
        Thread.sleep(50);
      }
    }
    return false;
  }
}
