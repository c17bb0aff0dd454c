package org.domainguard.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.domainguard.testing.MovableClock;
import org.domainguard.testing.TestDaemon;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consecutive failed checks of a domain push its next check out by schedule.retry (1h) doubling
 * per failure up to schedule.retry-max (7d), both defaults, on a daemon whose clock the test moves.
 */
@ExtendWith(VertxExtension.class)
@Timeout(120)
class FailureBackoffTest {
  /** Later than the database's own now(), so the newly discovered domain is due at once. */
  private static final Instant START = Instant.parse("2030-01-07T09:00:00Z");

  @Test
  void failedChecksBackOffOneTwoFourHoursDoublingUpToSevenDays(Vertx vertx) {
    MovableClock clock = new MovableClock(START);
    // One call per check, and a breaker that never opens: this is about the schedule, not the breaker.
    TestDaemon d = TestDaemon.start(vertx, TestDatabase.emptySchema(), """
        provider:
          retries: 0
          breaker:
            failure-ratio: 1.0
        """, Map.of(), clock);
    try {
      d.simulate("flaky.com", new JsonObject().put("fail", "error").put("times", 1_000));
      d.insertVerified("a@flaky.com");
      List<Long> hours = List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 168L, 168L);

      for (int failures = 1; failures <= hours.size(); failures++) {
        Instant checkedAt = clock.instant();
        d.sweep("due");
        Instant next = checkedAt.plus(Duration.ofHours(hours.get(failures - 1)));
        Row domain = d.query("SELECT failure_count, extract(epoch FROM next_check_at)::bigint AS next FROM domains").iterator().next();
        assertEquals(failures, domain.getInteger("failure_count"));
        assertEquals(next, Instant.ofEpochSecond(domain.getLong("next")), "after failure " + failures);

        clock.advance(Duration.between(checkedAt, next).minusMinutes(1));
        d.sweep("due");
        assertEquals(failures, d.count("SELECT count(*) FROM domain_checks"), "not checked a minute before its next check");
        clock.advance(Duration.ofMinutes(1));
      }
      assertEquals(0, d.count("SELECT count(*) FROM email_addresses WHERE NOT verified"));
    } finally {
      d.stop();
    }
  }
}
