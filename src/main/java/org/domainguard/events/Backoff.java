package org.domainguard.events;

import java.time.Duration;
import java.time.Instant;

/**
 * When a failed delivery is tried again: 10 s after the first failure, doubling after each one,
 * and a last time at {@code since + maxAge}; a failure after that leaves the delivery dead.
 */
public final class Backoff {
  static final Duration FIRST = Duration.ofSeconds(10);

  private Backoff() {}

  /** The next attempt after {@code failures} failed ones, the last at {@code now}; null when the delivery is dead. */
  public static Instant next(int failures, Instant since, Instant now, Duration maxAge) {
    Instant deadline = since.plus(maxAge);
    if (!now.isBefore(deadline)) {
      return null;
    }
    // 10 s x 2^(failures - 1); past 2^40 the deadline has long been reached anyway.
    Duration delay = FIRST.multipliedBy(1L << Math.min(Math.max(failures - 1, 0), 40));
    Instant next = now.plus(delay);
    return next.isAfter(deadline) ? deadline : next;
  }
}
