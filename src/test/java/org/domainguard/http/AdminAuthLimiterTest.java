package org.domainguard.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The per-address limit on failed authentications, on a clock the test moves. */
class AdminAuthLimiterTest {
  private final MovableClock clock = new MovableClock();

  @Test
  void anAddressIsBlockedAfterItsFailuresUntilTheMinuteEnds() {
    AuthFailureLimiter limiter = new AuthFailureLimiter(clock, 10, 100);
    for (int i = 0; i < 10; i++) {
      assertFalse(limiter.blocked("10.0.0.1"), "failure " + i);
      limiter.failed("10.0.0.1");
    }
    assertTrue(limiter.blocked("10.0.0.1"));
    assertFalse(limiter.blocked("10.0.0.2"), "other addresses are not affected");

    clock.advance(Duration.ofSeconds(45));
    assertTrue(limiter.blocked("10.0.0.1"));
    assertEquals(15, limiter.secondsLeft());

    clock.advance(Duration.ofSeconds(15));
    assertFalse(limiter.blocked("10.0.0.1"), "a new window forgets the old failures");
  }

  @Test
  void beyondItsCapacityNewAddressesShareOneCount() {
    AuthFailureLimiter limiter = new AuthFailureLimiter(clock, 3, 2);
    limiter.failed("a");
    limiter.failed("b");
    // The table is full: c, d and e are counted together, so a spread-out flood is still limited.
    limiter.failed("c");
    limiter.failed("d");
    limiter.failed("e");
    assertTrue(limiter.blocked("f"));
    assertFalse(limiter.blocked("a"), "tracked addresses keep their own counts");
  }

  /** A clock that moves only when told. */
  private static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
