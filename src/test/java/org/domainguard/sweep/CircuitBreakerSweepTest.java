package org.domainguard.sweep;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.domainguard.testing.Await;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class CircuitBreakerSweepTest {

  /**
   * One worker, no retries, every answer a 5xx: the breaker (at least 4 calls, over half failed)
   * opens on the 4th failure with nothing else in flight. Its 5 s cool-down keeps it open while the
   * test looks; then exactly one probe is let through, fails, and opens it again.
   */
  @Test
  void aFailingProviderTripsTheBreakerAndDomainsStayDueUnfailed(Vertx vertx) {
    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), """
        provider:
          max-in-flight: 1
          retries: 0
          simulator:
            error-rate: 1.0
          breaker:
            window-calls: 10
            min-calls: 4
            failure-ratio: 0.5
            cool-down: 5s
        """, Map.of());
    try {
      for (int i = 0; i < 30; i++) {
        d.insertVerified("a@down" + i + ".com");
      }
      long id = d.call(() -> d.daemon.sweeps().start(Scope.DUE, Trigger.OPERATOR));
      Await.until("the breaker to open and the four failed checks to be written",
          () -> circuit(d).equals("open") && d.count("SELECT count(*) FROM domains WHERE failure_count = 1") == 4);

      assertEquals(4, d.simulatorStats().getLong("requests"), "the breaker stopped calling after the 4th failure");
      String metrics = await(d.http.get(d.daemon.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
      assertTrue(metrics.contains("domainguard_provider_circuit_open{provider=\"simulator\"} 1.0"), metrics);
      assertEquals(26, d.count("SELECT count(*) FROM domains WHERE failure_count = 0 AND next_check_at <= now()"),
          "domains waiting behind the breaker are still due and not failed");
      assertEquals(1, d.count("SELECT count(*) FROM sweeps WHERE id = " + id + " AND state = 'running'"), "the sweep waits, it does not fail");

      // Stop taking domains: the one waiting behind the breaker is the probe once the cool-down is over.
      d.call(() -> Future.succeededFuture(d.daemon.sweeps().cancel(id)));
      Await.until("the cancelled sweep to end", () -> d.count("SELECT count(*) FROM sweeps WHERE id = " + id + " AND state = 'cancelled'") == 1);

      assertEquals(5, d.simulatorStats().getLong("requests"), "one probe after the cool-down, no more");
      assertEquals("open", circuit(d), "the failed probe opened the breaker again");
      assertEquals(5, d.count("SELECT count(*) FROM domains WHERE failure_count = 1 AND next_check_at > now()"));
      assertEquals(25, d.count("SELECT count(*) FROM domains WHERE failure_count = 0 AND next_check_at <= now()"));
      assertEquals(0, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"));
    } finally {
      d.stop();
    }
  }

  private static String circuit(TestDaemon d) {
    return await(d.http.get(d.daemon.httpPort(), "127.0.0.1", "/health/ready").send()).bodyAsJsonObject()
        .getJsonObject("provider").getString("circuit");
  }
}
