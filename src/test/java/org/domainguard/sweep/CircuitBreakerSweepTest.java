package org.domainguard.sweep;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class CircuitBreakerSweepTest {

  @Test
  void aFailingProviderTripsTheBreakerAndDomainsStayDueUnfailed(Vertx vertx) throws InterruptedException {
    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), """
        provider:
          max-in-flight: 2
          retries: 0
          simulator:
            error-rate: 1.0
          breaker:
            window-calls: 10
            min-calls: 4
            failure-ratio: 0.5
            cool-down: 1s
        """, Map.of());
    try {
      for (int i = 0; i < 30; i++) {
        d.insertVerified("a@down" + i + ".com");
      }
      long id = d.call(() -> d.daemon.sweeps().start(Scope.DUE, Trigger.OPERATOR));
      Thread.sleep(1_500);

      long calls = d.simulatorStats().getLong("requests");
      assertTrue(calls <= 8, "the breaker stopped calling after the first failures: " + calls);
      JsonObject ready = await(d.http.get(d.daemon.httpPort(), "127.0.0.1", "/health/ready").send()).bodyAsJsonObject();
      assertTrue(ready.getJsonObject("provider").getString("circuit").matches("open|half_open"), ready::encode);
      String metrics = await(d.http.get(d.daemon.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
      assertTrue(metrics.contains("domainguard_provider_circuit_open{provider=\"simulator\"} 1.0"));
      assertTrue(d.count("SELECT count(*) FROM domains WHERE failure_count = 0 AND next_check_at <= now()") >= 20,
          "domains waiting behind the breaker are still due and not failed");
      assertEquals(0, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"));

      d.call(() -> io.vertx.core.Future.succeededFuture(d.daemon.sweeps().cancel(id)));
    } finally {
      d.stop();
    }
  }
}
