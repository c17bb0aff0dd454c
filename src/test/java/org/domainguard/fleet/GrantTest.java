package org.domainguard.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.domainguard.check.TokenBucket;
import org.domainguard.testing.MovableClock;
import org.junit.jupiter.api.Test;

/**
 * The share arithmetic on a clock that only moves when told: shares never add up to more than the
 * limit (what a daemon gave up included, while it is held), a newcomer starts with what is free, a
 * dead daemon's share is taken over once it lapses, and daemons whose token buckets run at their
 * shares make at most rate + burst calls in any one second, joins and deaths included.
 */
class GrantTest {
  private static final double RATE = 50;
  private static final double BURST = 10;
  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);

  private final MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));

  /** The fleet_grants rows of one limit, by daemon, as the database would hold them. */
  private final Map<String, Grant> stored = new LinkedHashMap<>();

  private Grant renew(String daemon) {
    Instant now = clock.instant();
    stored.values().removeIf(g -> !g.expiresAt().isAfter(now));
    List<Grant> others = new ArrayList<>();
    stored.forEach((d, g) -> {
      if (!d.equals(daemon)) {
        others.add(g);
      }
    });
    Grant next = Grant.next(RATE, BURST, others, stored.get(daemon), now, TTL);
    stored.put(daemon, next);
    return next;
  }

  private double countedRate() {
    Instant now = clock.instant();
    return stored.values().stream().filter(g -> g.expiresAt().isAfter(now)).mapToDouble(g -> g.countedRate(now)).sum();
  }

  @Test
  void aLoneDaemonGetsTheWholeLimit() {
    Grant g = renew("a");
    assertEquals(RATE, g.rate(), 1e-9);
    assertEquals(BURST, g.burst(), 1e-9);
    assertEquals(clock.instant().plus(TTL), g.expiresAt());
  }

  @Test
  void aNewcomerStartsWithNothingAndGetsItsFairPartOnceTheOthersGaveItUp() {
    renew("a");
    assertEquals(0, renew("b").rate(), 1e-9, "a holds the whole limit: nothing is free for b");
    Grant a = renew("a");
    assertEquals(RATE / 2, a.rate(), 1e-9, "a shrinks to its fair part at its next renewal");
    assertEquals(RATE, a.countedRate(clock.instant()), 1e-9, "what a gave up is still held");
    assertEquals(0, renew("b").rate(), 1e-9, "b cannot take it while it is held");
    assertTrue(countedRate() <= RATE + 1e-9);
    clock.advance(HEARTBEAT);
    renew("a");
    assertEquals(0, renew("b").rate(), 1e-9, "a second later a's old share is still held");
    clock.advance(HEARTBEAT);
    renew("a");
    assertEquals(RATE / 2, renew("b").rate(), 1e-9, "b has its fair part once a's old share is no longer held");
    assertEquals(RATE, countedRate(), 1e-9);
  }

  @Test
  void aDeadDaemonsShareIsTakenOverOnceItLapses() {
    renew("a");
    renew("b");
    for (int i = 0; i < 5; i++) {
      clock.advance(HEARTBEAT);
      renew("a");
      renew("b");
    }
    assertEquals(RATE / 2, stored.get("a").rate(), 1e-9);
    // b dies: its share lapses TTL after its last renewal.
    clock.advance(HEARTBEAT);
    assertEquals(RATE / 2, renew("a").rate(), 1e-9, "b's share is still in force");
    clock.advance(TTL.minus(HEARTBEAT));
    assertEquals(RATE, renew("a").rate(), 1e-9, "b's share lapsed: a has the whole limit");
  }

  /**
   * Three daemons renewing at their own offsets, spending every token they get; one joins late,
   * one dies, one joins after: in every 1 s window (10 ms steps) at most rate + burst calls, and the
   * whole limit used once shares have settled.
   */
  @Test
  void bucketsAtTheirSharesHoldTheLimitInEveryOneSecondWindowAsDaemonsComeAndGo() {
    Map<String, TokenBucket> buckets = new LinkedHashMap<>();
    Map<String, Long> offsets = Map.of("a", 0L, "b", 330L, "c", 670L, "d", 150L);
    List<Long> calls = new ArrayList<>();
    long start = clock.millis();
    for (long ms = 0; ms < 40_000; ms += 10) {
      if (ms == 0) {
        buckets.put("a", join());
      }
      if (ms == 5_000) {
        buckets.put("b", join());
      }
      if (ms == 12_000) {
        buckets.put("c", join());
      }
      if (ms == 20_000) {
        buckets.remove("b");
      }
      if (ms == 28_000) {
        buckets.put("d", join());
      }
      for (Map.Entry<String, TokenBucket> e : buckets.entrySet()) {
        if ((ms - offsets.get(e.getKey())) % HEARTBEAT.toMillis() == 0) {
          Grant g = renew(e.getKey());
          e.getValue().share(g.rate(), g.burst());
        }
        TokenBucket bucket = e.getValue();
        while (bucket.reserve() == 0) {
          calls.add(clock.millis() - start);
        }
        bucket.unreserve();
      }
      assertTrue(countedRate() <= RATE + 1e-6, "shares in force add up to " + countedRate() + " at " + ms + " ms");
      clock.advance(Duration.ofMillis(10));
    }
    ArrayDeque<Long> window = new ArrayDeque<>();
    int max = 0;
    for (long t : calls) {
      window.addLast(t);
      while (window.peekFirst() <= t - 1_000) {
        window.pollFirst();
      }
      max = Math.max(max, window.size());
    }
    assertTrue(max <= RATE + BURST, "calls in the busiest 1 s window: " + max);
    long settled = calls.stream().filter(t -> t >= 35_000 && t < 40_000).count();
    assertTrue(settled >= 0.95 * RATE * 5, "calls in the last 5 s, all shares settled: " + settled);
  }

  private TokenBucket join() {
    TokenBucket bucket = new TokenBucket(RATE, (int) BURST, () -> clock.millis() * 1_000_000L);
    bucket.share(0, 0);
    return bucket;
  }
}
