package org.domainguard.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.domainguard.config.AppConfig;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  private final AtomicLong now = new AtomicLong();
  private final CircuitBreaker breaker = new CircuitBreaker(new AppConfig.Breaker(10, 4, 0.5, Duration.ofSeconds(30)), now::get);

  @Test
  void staysClosedBelowTheMinimumNumberOfCalls() {
    for (int i = 0; i < 3; i++) {
      breaker.record(Outcome.ERROR);
    }
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertEquals(0, breaker.waitNanos());
  }

  @Test
  void opensWhenMostCallsFailAndMakesCallersWaitTheCoolDown() {
    breaker.record(Outcome.OK);
    breaker.record(Outcome.TIMEOUT);
    breaker.record(Outcome.MALFORMED);
    breaker.record(Outcome.ERROR);
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    assertEquals(Duration.ofSeconds(30).toNanos(), breaker.waitNanos());
  }

  @Test
  void rateLimitsDoNotCountAsFailures() {
    for (int i = 0; i < 10; i++) {
      breaker.record(Outcome.RATE_LIMITED);
    }
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
  }

  @Test
  void halfOpenLetsOneProbeThroughThenClosesOnSuccess() {
    for (int i = 0; i < 4; i++) {
      breaker.record(Outcome.ERROR);
    }
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    assertEquals(0, breaker.waitNanos(), "the probe goes");
    assertEquals(CircuitBreaker.State.HALF_OPEN, breaker.state());
    assertTrue(breaker.waitNanos() > 0, "others wait for the probe");
    breaker.record(Outcome.OK);
    assertEquals(CircuitBreaker.State.CLOSED, breaker.state());
    assertEquals(0, breaker.waitNanos());
  }

  @Test
  void aFailedProbeOpensAgain() {
    for (int i = 0; i < 4; i++) {
      breaker.record(Outcome.ERROR);
    }
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    breaker.waitNanos();
    breaker.record(Outcome.ERROR);
    assertEquals(CircuitBreaker.State.OPEN, breaker.state());
    assertEquals(Duration.ofSeconds(30).toNanos(), breaker.waitNanos());
  }
}
