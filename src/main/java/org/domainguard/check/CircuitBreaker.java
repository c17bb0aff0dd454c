package org.domainguard.check;

import java.util.function.LongSupplier;
import org.domainguard.config.AppConfig;

/**
 * Stops calling a provider that is failing most calls. Over the last {@code window-calls} answers,
 * once at least {@code min-calls} are in and the share of failures (errors, timeouts, malformed
 * bodies; not 429s) passes {@code failure-ratio}, the breaker opens for {@code cool-down}; then one
 * probe call is let through: success closes it, failure opens it again. Callers wait rather than
 * fail, so domains stay due and are never marked failed because of the breaker.
 */
public final class CircuitBreaker {
  /** How often callers waiting behind a half-open probe look again. */
  static final long PROBE_POLL_NANOS = 200_000_000L;

  public enum State { CLOSED, OPEN, HALF_OPEN }

  private final AppConfig.Breaker config;
  private final LongSupplier nanoClock;
  private final boolean[] window;
  private int next;
  private int recorded;
  private int failures;
  private State state = State.CLOSED;
  private long openUntil;
  private boolean probing;

  public CircuitBreaker(AppConfig.Breaker config, LongSupplier nanoClock) {
    this.config = config;
    this.nanoClock = nanoClock;
    this.window = new boolean[config.windowCalls()];
  }

  /** 0 when a call may go now (a half-open probe included); otherwise how long to wait before asking again. */
  public synchronized long waitNanos() {
    long now = nanoClock.getAsLong();
    if (state == State.OPEN && now >= openUntil) {
      state = State.HALF_OPEN;
      probing = false;
    }
    return switch (state) {
      case CLOSED -> 0;
      case OPEN -> openUntil - now;
      case HALF_OPEN -> {
        if (probing) {
          yield PROBE_POLL_NANOS;
        }
        probing = true;
        yield 0;
      }
    };
  }

  /** As {@link #waitNanos()} but claims nothing: a half-open breaker's probe stays free for the next caller. */
  public synchronized long peekNanos() {
    long now = nanoClock.getAsLong();
    return switch (state) {
      case CLOSED -> 0;
      case OPEN -> Math.max(0, openUntil - now);
      case HALF_OPEN -> probing ? PROBE_POLL_NANOS : 0;
    };
  }

  public synchronized void record(Outcome outcome) {
    if (outcome == Outcome.RATE_LIMITED) {
      if (state == State.HALF_OPEN) {
        probing = false;
      }
      return;
    }
    boolean failed = outcome != Outcome.OK;
    if (state == State.HALF_OPEN) {
      if (failed) {
        open();
      } else {
        state = State.CLOSED;
        reset();
      }
      return;
    }
    if (recorded == window.length) {
      failures -= window[next] ? 1 : 0;
    } else {
      recorded++;
    }
    window[next] = failed;
    failures += failed ? 1 : 0;
    next = (next + 1) % window.length;
    if (state == State.CLOSED && recorded >= config.minCalls() && failures > config.failureRatio() * recorded) {
      open();
    }
  }

  public synchronized State state() {
    return state;
  }

  private void open() {
    state = State.OPEN;
    openUntil = nanoClock.getAsLong() + config.coolDown().toNanos();
    probing = false;
    reset();
  }

  private void reset() {
    next = 0;
    recorded = 0;
    failures = 0;
  }
}
