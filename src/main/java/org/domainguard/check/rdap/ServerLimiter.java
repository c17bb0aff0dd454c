package org.domainguard.check.rdap;

import java.util.function.LongSupplier;
import org.domainguard.check.CircuitBreaker;
import org.domainguard.check.Outcome;
import org.domainguard.check.TokenBucket;
import org.domainguard.config.AppConfig;
import org.domainguard.fleet.SharedLimit;

/**
 * The limits of one RDAP server (by host): its own token bucket (paused by its 429s), in-flight cap
 * and circuit breaker. It never makes anyone wait: {@link #tryAcquire()} either takes a turn or
 * says how long until one could be had, so a caller can go and check a name on another server.
 */
final class ServerLimiter implements SharedLimit {
  /** How soon to ask again when the in-flight cap is reached (a call's end frees a slot, at no known time). */
  static final long BUSY_POLL_NANOS = 100_000_000L;

  private final String host;
  private final AppConfig.HostLimit limit;
  private final TokenBucket bucket;
  private final CircuitBreaker breaker;
  private final int maxInFlight;
  private int inFlight;

  ServerLimiter(String host, AppConfig.HostLimit limit, int maxInFlight, AppConfig.Breaker breaker, LongSupplier nanoClock) {
    this.host = host;
    this.limit = limit;
    this.bucket = new TokenBucket(limit.ratePerSecond(), limit.burst(), nanoClock);
    this.breaker = new CircuitBreaker(breaker, nanoClock);
    this.maxInFlight = maxInFlight;
  }

  String host() {
    return host;
  }

  /** How long before a call could go; 0 when one could go now. Takes nothing. */
  synchronized long waitNanos() {
    long wait = Math.max(bucket.peek(), breaker.peekNanos());
    return wait > 0 ? wait : inFlight >= maxInFlight ? BUSY_POLL_NANOS : 0;
  }

  /** Takes a turn (a token, an in-flight slot, the breaker's probe if half-open) and returns 0, or returns how long to wait, taking nothing. */
  synchronized long tryAcquire() {
    long wait = waitNanos();
    if (wait > 0) {
      return wait;
    }
    long tokenWait = bucket.reserve();
    if (tokenWait > 0) {
      bucket.unreserve();
      return tokenWait;
    }
    // Last, so a half-open breaker's probe is claimed only by a call that goes.
    long breakerWait = breaker.waitNanos();
    if (breakerWait > 0) {
      bucket.unreserve();
      return breakerWait;
    }
    inFlight++;
    return 0;
  }

  /** The call of an acquired turn ended with {@code outcome}. */
  synchronized void finished(Outcome outcome) {
    inFlight--;
    breaker.record(outcome);
  }

  /** A 429: no call to this server for {@code nanos}. */
  @Override
  public void pauseFor(long nanos) {
    bucket.pause(nanos);
  }

  /** The key of this server's limit, which every daemon on the database shares. */
  @Override
  public String key() {
    return SharedLimit.serverKey(host);
  }

  @Override
  public double rate() {
    return limit.ratePerSecond();
  }

  @Override
  public double burst() {
    return limit.burst();
  }

  @Override
  public void share(double rate, double burst) {
    bucket.share(rate, burst);
  }

  boolean circuitOpen() {
    return breaker.state() != CircuitBreaker.State.CLOSED;
  }

}
