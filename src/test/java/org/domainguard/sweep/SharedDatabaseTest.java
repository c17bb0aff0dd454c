package org.domainguard.sweep;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.domainguard.app.VertxRuntime;
import org.domainguard.config.AppConfig;
import org.domainguard.db.DbTarget;
import org.domainguard.sim.Simulator;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Daemons sharing one database and one provider (a simulator in its own server on 127.0.0.1): one sweep, each domain once. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class SharedDatabaseTest {
  private Simulator provider;
  private WebClient client;
  private DbTarget target;

  @BeforeEach
  void start(Vertx vertx) {
    provider = await(Simulator.start(vertx, new AppConfig.Simulator(0, Duration.ofMillis(5), 0, 0, 0, 0, 1, 7)));
    client = WebClient.create(vertx);
    target = TestDatabase.emptySchema();
  }

  @AfterEach
  void stop() {
    await(provider.close());
  }

  private TestDaemon daemon(Vertx vertx, String yaml) {
    return TestDaemon.start(vertx, target, yaml, env());
  }

  private Map<String, String> env() {
    return Map.of(
        "DOMAINGUARD_PROVIDER", "fastly",
        "DOMAINGUARD_FASTLY_BASE_URL", provider.baseUrl(),
        "DOMAINGUARD_FASTLY_API_KEY", "test-key");
  }

  private static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private JsonObject stats() {
    return await(client.get(provider.port(), "127.0.0.1", "/_sim/stats").send()).bodyAsJsonObject();
  }

  @Test
  void twoDaemonsOnOneDatabaseShareOneSweepAndNeverCheckADomainTwice(Vertx vertx) {
    // 400 domains at 100 calls/s for both together: the sweep lasts seconds, long enough for B to join.
    String yaml = "provider:\n  rate-per-second: 100\n  burst: 10\n";
    TestDaemon a = daemon(vertx, yaml);
    PrometheusMeterRegistry bMetrics = VertxRuntime.newRegistry();
    TestDaemon b = TestDaemon.start(vertx, bMetrics, target, yaml, env());
    try {
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < 400; i++) {
        values.append(i == 0 ? "" : ",").append("('u', 'a@d").append(i).append(".com', true)");
      }
      TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES " + values);
      long sweep = a.sweep("due");
      // A's part has ended; the sweep ends when B's has too.
      long deadline = System.currentTimeMillis() + 60_000;
      while (a.count("SELECT count(*) FROM sweeps WHERE state = 'running'") > 0 && System.currentTimeMillis() < deadline) {
        pause();
      }

      JsonObject s = stats();
      assertEquals(400, s.getLong("requests"), "every domain checked exactly once across both daemons");
      s.getJsonObject("byDomain").forEach(e -> assertEquals(1, ((Number) e.getValue()).intValue(), e.getKey()));
      assertEquals(1, a.count("SELECT count(*) FROM sweeps"), "one sweep, which B joined rather than starting its own");
      assertEquals(400, a.count("SELECT total FROM sweeps WHERE id = " + sweep), "total counts both daemons' domains");
      assertEquals(400, a.count("SELECT done FROM sweeps WHERE id = " + sweep), "done counts both daemons' work");
      assertEquals(1, a.count("SELECT count(*) FROM sweeps WHERE state = 'completed' AND id = " + sweep), "completed by the last to finish");
      double byB = bMetrics.find("domainguard_checks_total").counters().stream().mapToDouble(c -> c.count()).sum();
      assertTrue(byB > 0 && byB < 400, "B checked part of the sweep: " + byB);
      assertEquals(0, a.count("SELECT count(*) FROM domains WHERE lease_owner IS NOT NULL"), "no lease left behind");
    } finally {
      a.stop();
      b.stop();
    }
  }

  @Test
  void expiredLeaseOfACrashedDaemonIsTakenOver(Vertx vertx) {
    TestDaemon d = daemon(vertx, "");
    try {
      d.insertVerified("a@taken.com", "b@free.com");
      d.call(() -> d.daemon.sweeps().start(Scope.DUE, Trigger.OPERATOR).mapEmpty());
      // Simulate a crashed daemon holding one lease that has expired, and one still valid.
      long deadline = System.currentTimeMillis() + 30_000;
      while (d.count("SELECT count(*) FROM sweeps WHERE state = 'running'") > 0 && System.currentTimeMillis() < deadline) {
        pause();
      }
      TestDatabase.jdbc(target, "UPDATE domains SET next_check_at = now() - interval '1 minute', lease_owner = 'crashed', "
          + "lease_expires_at = CASE name WHEN 'taken.com' THEN now() - interval '1 second' ELSE now() + interval '1 hour' END");
      await(client.post(provider.port(), "127.0.0.1", "/_sim/reset").send());
      d.sweep("due");
      assertEquals(1, stats().getLong("requests"));
      assertEquals(1, stats().getJsonObject("byDomain").getInteger("taken.com"), "the expired lease was taken over");
    } finally {
      d.stop();
    }
  }

  @Test
  void rateLimitIsNeverExceededAtTheProvider(Vertx vertx) {
    TestDaemon d = daemon(vertx, "provider:\n  rate-per-second: 40\n  burst: 5\n  max-in-flight: 32\n");
    try {
      StringBuilder values = new StringBuilder();
      for (int i = 0; i < 150; i++) {
        values.append(i == 0 ? "" : ",").append("('u', 'a@r").append(i).append(".org', true)");
      }
      TestDatabase.jdbc(target, "INSERT INTO email_addresses(user_id, address, verified) VALUES " + values);
      d.sweep("due");
      JsonObject s = stats();
      assertEquals(150, s.getLong("requests"));
      assertTrue(s.getLong("maxPerSecond") <= 45, "at most rate + burst in any second: " + s);
    } finally {
      d.stop();
    }
  }
}
