package org.domainguard.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private static final Instant SINCE = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration THREE_DAYS = Duration.ofDays(3);

  @Test
  void waitsTenSecondsAfterTheFirstFailureAndDoublesAfterEachOne() {
    Instant now = SINCE;
    for (int failures = 1; failures <= 14; failures++) {
      Instant next = Backoff.next(failures, SINCE, now, THREE_DAYS);
      assertEquals(Duration.ofSeconds(10L << (failures - 1)), Duration.between(now, next), "after failure " + failures);
      now = next;
    }
  }

  @Test
  void theLastAttemptIsAtMaxAgeAndAFailureThenIsFinal() {
    // After 15 failures (about 1.9 days in) the next wait, 1.9 days, would pass max-age.
    Instant fifteenth = SINCE.plusSeconds(10L * ((1L << 15) - 1) / 2);
    assertEquals(SINCE.plus(THREE_DAYS), Backoff.next(15, SINCE, fifteenth, THREE_DAYS));
    assertNull(Backoff.next(16, SINCE, SINCE.plus(THREE_DAYS), THREE_DAYS));
    assertNull(Backoff.next(1, SINCE, SINCE.plus(THREE_DAYS).plusSeconds(1), THREE_DAYS), "an attempt already past max-age is the last");
  }

  @Test
  void neverOverflowsHoweverManyFailures() {
    assertEquals(SINCE.plus(Duration.ofDays(10_000)), Backoff.next(1_000, SINCE, SINCE.plusSeconds(1), Duration.ofDays(10_000)));
  }
}
