package org.domainguard.check;

import java.util.function.LongSupplier;

/**
 * A token bucket that never blocks: {@link #reserve()} takes a token (possibly one that only
 * arrives later) and says how many nanoseconds the caller must wait before using it, so the caller
 * can wait on a timer instead of a thread. {@link #pause} stops refilling until a provider's
 * Retry-After has passed. In any one-second window at most {@code burst + rate} calls go out; the
 * {@link CallWindow} makes that hold as the provider counts too. With several daemons, each bucket
 * runs at its daemon's share of the limit ({@link #share}); with no share it lets nothing out.
 */
public final class TokenBucket {
  /** How soon a caller asks again while the bucket has no share: shares arrive with a heartbeat. */
  static final long UNSHARED_WAIT_NANOS = 200_000_000L;

  private double ratePerNano;
  private double burst;
  private final LongSupplier nanoClock;
  private double tokens;
  private long refilledAt;

  public TokenBucket(double ratePerSecond, int burst, LongSupplier nanoClock) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.refilledAt = nanoClock.getAsLong();
  }

  /** Takes one token and returns how long to wait before using it (0 when one is available now). */
  public synchronized long reserve() {
    long now = nanoClock.getAsLong();
    refill(now);
    tokens -= 1;
    long untilRefillStarts = Math.max(0, refilledAt - now);
    if (ratePerNano == 0) {
      return untilRefillStarts + UNSHARED_WAIT_NANOS;
    }
    long forDeficit = tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
    return untilRefillStarts + forDeficit;
  }

  /** How long until a token is available, taking none: 0 when {@link #reserve()} would not wait. */
  public synchronized long peek() {
    long now = nanoClock.getAsLong();
    refill(now);
    long untilRefillStarts = Math.max(0, refilledAt - now);
    if (ratePerNano == 0) {
      return untilRefillStarts + UNSHARED_WAIT_NANOS;
    }
    long forDeficit = tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerNano);
    return untilRefillStarts + forDeficit;
  }

  /** Gives back a reserved token that will not be used (its caller gave up waiting). */
  public synchronized void unreserve() {
    tokens = Math.min(burst, tokens + 1);
  }

  /**
   * Whether a pause is in force right now, or the bucket has no share: reserved calls should give
   * their token back and reserve again rather than go out.
   */
  public synchronized boolean isPaused() {
    return ratePerNano == 0 || refilledAt > nanoClock.getAsLong();
  }

  /**
   * Runs at a new rate and burst from now on. Tokens already there are kept up to the new burst;
   * a larger share adds none at once (they accrue at the new rate), so a daemon whose share grows
   * never adds a burst to the second in which the others' shares shrank.
   */
  public synchronized void share(double ratePerSecond, double burst) {
    refill(nanoClock.getAsLong());
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = burst;
    tokens = Math.min(tokens, burst);
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
