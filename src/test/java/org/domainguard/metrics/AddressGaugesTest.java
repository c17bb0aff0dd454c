package org.domainguard.metrics;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(120)
class AddressGaugesTest {
  private static String metrics(TestDaemon d) {
    return await(d.http.get(d.daemon.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
  }

  @Test
  void watchedAndSkippedAddressesAreCountedFromTheDatabaseFromZero(Vertx vertx) throws InterruptedException {
    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), "", Map.of());
    try {
      String before = metrics(d);
      assertTrue(before.contains("domainguard_addresses{state=\"watched\"} 0.0"), before);
      assertTrue(before.contains("domainguard_addresses{state=\"skipped\"} 0.0"), before);

      d.insertVerified("a@example.com", "b@mail.example.com", "c@example.org", "not-an-address", "d@[10.0.0.1]");
      d.sweep("all");
      // The gauges are refreshed from the database as the sweep ends, asynchronously.
      String after = metrics(d);
      for (int i = 0; i < 50 && !after.contains("domainguard_addresses{state=\"watched\"} 3.0"); i++) {
        Thread.sleep(100);
        after = metrics(d);
      }
      assertTrue(after.contains("domainguard_addresses{state=\"watched\"} 3.0"), after);
      assertTrue(after.contains("domainguard_addresses{state=\"skipped\"} 2.0"), after);
    } finally {
      d.stop();
    }
  }
}
