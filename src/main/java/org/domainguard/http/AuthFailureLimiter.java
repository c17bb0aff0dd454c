package org.domainguard.http;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts failed authentications per client address in fixed one-minute windows: past
 * {@code maxFailures} in a window the address is refused until the window ends, so tokens cannot
 * be guessed at speed. The map is emptied every window and holds at most {@code maxTracked}
 * addresses; beyond that, new addresses share one count, so a flood from many addresses is
 * limited together and memory stays bounded. Used on the event loop only.
 */
final class AuthFailureLimiter {
  static final long WINDOW_MILLIS = 60_000;
  private static final String OVERFLOW = "*";

  private final Clock clock;
  private final int maxFailures;
  private final int maxTracked;
  private final Map<String, Integer> failures = new HashMap<>();
  private long windowStart;

  AuthFailureLimiter(Clock clock, int maxFailures, int maxTracked) {
    this.clock = clock;
    this.maxFailures = maxFailures;
    this.maxTracked = maxTracked;
    this.windowStart = clock.millis();
  }

  /** True while {@code client} has used up its failures for this window. */
  boolean blocked(String client) {
    roll();
    return failures.getOrDefault(key(client), 0) >= maxFailures;
  }

  void failed(String client) {
    roll();
    failures.merge(key(client), 1, Integer::sum);
  }

  /** Whole seconds until the current window ends (for Retry-After). */
  long secondsLeft() {
    return Math.max(1, (windowStart + WINDOW_MILLIS - clock.millis() + 999) / 1000);
  }

  private String key(String client) {
    return failures.containsKey(client) || failures.size() < maxTracked ? client : OVERFLOW;
  }

  private void roll() {
    long now = clock.millis();
    if (now - windowStart >= WINDOW_MILLIS) {
      failures.clear();
      windowStart = now;
    }
  }
}
