package org.domainguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.domainguard.check.rdap.FakeRdapServer;
import org.domainguard.testing.Await;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** A sweep over names on two RDAP servers: one server's 429 holds up nothing on the other. */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class RdapSweepTest {
  private static final long PAUSE_SECONDS = 3;

  /**
   * Four workers, 5 calls a second per server, the provider-wide limit far above. Server a answers
   * its first lookup with a 429 asking for 3 s. Workers that would wait for a set their names aside
   * and go on with b's, which keeps being called at its own rate the whole time; a is not called
   * again before its pause ends, and every name on both servers is checked in the one sweep.
   */
  @Test
  void aServerPausedByA429HoldsUpNoNamesOnAnotherServer(Vertx vertx) {
    FakeRdapServer a = FakeRdapServer.start(vertx, "/a/");
    FakeRdapServer b = FakeRdapServer.start(vertx, "/b/");
    AtomicBoolean limited = new AtomicBoolean();
    a.otherwise(name -> limited.compareAndSet(false, true)
        ? new FakeRdapServer.Reply(429, Map.of("Retry-After", String.valueOf(PAUSE_SECONDS)), null)
        : FakeRdapServer.Reply.json(FakeRdapServer.domain(name, List.of("active"))));
    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), """
        provider:
          max-in-flight: 4
          rate-per-second: 1000
          burst: 1000
          retries: 0
          rdap:
            bootstrap-url: bundled
            rate-per-server: 5
            burst-per-server: 5
        """, Map.of("DOMAINGUARD_PROVIDER", "rdap", "DOMAINGUARD_RDAP_SERVERS", "aaa=" + a.base() + ",bbb=" + b.base()));
    try {
      for (int i = 0; i < 12; i++) {
        d.insertVerified("u@a" + i + ".aaa");
      }
      for (int i = 0; i < 40; i++) {
        d.insertVerified("u@b" + i + ".bbb");
      }
      d.sweep("all");

      assertEquals(52, d.count("SELECT count(*) FROM domains WHERE phase = 'ACTIVE' AND failure_count = 0"),
          "every name on both servers was checked in the sweep");
      List<FakeRdapServer.Arrival> atA = a.arrivals();
      assertEquals(13, atA.size(), "one 429, then each name on a once");
      long limitedAt = atA.get(0).nanos();
      // Lookups already sent when the 429 came back (a's in-flight cap is 4) still arrive just after it.
      long settled = limitedAt + Duration.ofMillis(300).toNanos();
      assertTrue(atA.stream().filter(x -> x.nanos() > limitedAt && x.nanos() < settled).count() <= 3,
          "only lookups already in flight arrived right after the 429");
      long resumedAt = atA.stream().mapToLong(FakeRdapServer.Arrival::nanos).filter(t -> t >= settled).min().orElseThrow();
      assertTrue(resumedAt - limitedAt >= Duration.ofSeconds(PAUSE_SECONDS).toNanos() - Duration.ofMillis(50).toNanos(),
          "a was not called again before its Retry-After had passed");
      long atBMeanwhile = b.arrivals().stream().filter(x -> x.nanos() > limitedAt && x.nanos() < resumedAt).count();
      // b's own limit allows 5 a second (plus its burst of 5): 15 or more in 3 s when nothing holds it up.
      assertTrue(atBMeanwhile >= 12, "b kept being called while a was paused: " + atBMeanwhile);
      assertEquals(40, b.count(), "each name on b once");
      assertTrue(maxInAnySecond(b.arrivals()) <= 10, "b never got more than its rate plus burst in one second");
    } finally {
      d.stop();
      Await.await(a.close());
      Await.await(b.close());
    }
  }

  private static long maxInAnySecond(List<FakeRdapServer.Arrival> arrivals) {
    long max = 0;
    for (FakeRdapServer.Arrival from : arrivals) {
      long start = from.nanos();
      max = Math.max(max, arrivals.stream().filter(x -> x.nanos() >= start && x.nanos() < start + 1_000_000_000L).count());
    }
    return max;
  }
}
