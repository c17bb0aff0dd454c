package org.domainguard.check;

import java.util.function.LongSupplier;

/**
 * A token bucket that never blocks: {@link #reserve()} takes a token (possibly one that only
 * arrives later) and says how many nanoseconds the caller must wait before using it, so the caller
 * can wait on a timer instead of a thread. {@link #pause} stops refilling until a provider's
 * Retry-After has passed.
 *
 * <p>The bucket alone lets {@code burst + rate} calls go out in any one-second window, but the
 * provider sees them later, and not all equally later: calls of the opening burst wait for new
 * connections while later ones reuse them, so they bunch up at the provider. A window of the last
 * {@code rate + burst} calls therefore also spans a little more than a second ({@link #slackNanos}),
 * so the limit holds as the provider counts, first second included, for connection set-up delays
 * up to that slack. The slack stays under {@code burst / rate}, so the sustained rate is unchanged.
 */
public final class TokenBucket {
  /** Most a connection set-up is allowed for. */
  static final long MAX_SLACK_NANOS = 250_000_000L;
  /** Limits above this many calls a second are no provider's quota: no window is kept for them. */
  static final int MAX_WINDOW_CALLS = 65_536;
  private static final long SECOND = 1_000_000_000L;

  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private double tokens;
  private long refilledAt;
  /** When each of the last {@code rate + burst} reserved calls goes out (a ring), or null when no window is kept. */
  private final long[] sendTimes;
  private final long windowNanos;
  private int oldest;

  public TokenBucket(double ratePerSecond, int burst, LongSupplier nanoClock) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.refilledAt = nanoClock.getAsLong();
    long calls = (long) Math.floor(ratePerSecond + burst);
    this.sendTimes = calls > MAX_WINDOW_CALLS ? null : new long[(int) Math.max(1, calls)];
    if (sendTimes != null) {
      java.util.Arrays.fill(sendTimes, Long.MIN_VALUE / 2);
    }
    this.windowNanos = SECOND + slackNanos(ratePerSecond, burst);
  }

  /** Time allowed for connection set-up: under burst/rate, so that rate + burst calls per window never slow the rate. */
  static long slackNanos(double ratePerSecond, int burst) {
    return Math.min(MAX_SLACK_NANOS, (long) (0.9 * burst / ratePerSecond * SECOND));
  }

  /** Takes one token and returns how long to wait before using it (0 when one is available now). */
  public synchronized long reserve() {
    long now = nanoClock.getAsLong();
    refill(now);
    tokens -= 1;
    long untilRefillStarts = Math.max(0, refilledAt - now);
    long forDeficit = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
    long wait = untilRefillStarts + forDeficit;
    if (sendTimes != null) {
      // The call rate + burst places back must be a whole window earlier.
      long at = Math.max(now + wait, sendTimes[oldest] + windowNanos);
      sendTimes[oldest] = at;
      oldest = (oldest + 1) % sendTimes.length;
      wait = at - now;
    }
    return wait;
  }

  /** Gives back a reserved token that will not be used (its caller gave up waiting). */
  public synchronized void unreserve() {
    tokens = Math.min(burst, tokens + 1);
  }

  /** Whether a pause is in force right now: reserved calls should re-reserve rather than go out. */
  public synchronized boolean isPaused() {
    return refilledAt > nanoClock.getAsLong();
  }

  /** Stops all calls for {@code nanos}: no tokens remain and refilling resumes only afterwards. */
  public synchronized void pause(long nanos) {
    long now = nanoClock.getAsLong();
    refill(now);
    tokens = Math.min(tokens, 0);
    refilledAt = Math.max(refilledAt, now + nanos);
  }

  private void refill(long now) {
    if (now > refilledAt) {
      tokens = Math.min(burst, tokens + (now - refilledAt) * ratePerNano);
      refilledAt = now;
    }
  }
}
