package org.domainguard.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private static final long SECOND = 1_000_000_000L;

  @Test
  void burstIsAvailableAtOnceThenOneTokenPerInterval() {
    TokenBucket bucket = new TokenBucket(10, 3, now::get);
    assertEquals(0, bucket.reserve());
    assertEquals(0, bucket.reserve());
    assertEquals(0, bucket.reserve());
    assertEquals(SECOND / 10, bucket.reserve());
    assertEquals(2 * SECOND / 10, bucket.reserve());
  }

  @Test
  void refillsOverTimeUpToTheBurst() {
    TokenBucket bucket = new TokenBucket(10, 2, now::get);
    bucket.reserve();
    bucket.reserve();
    now.addAndGet(10 * SECOND);
    assertEquals(0, bucket.reserve());
    assertEquals(0, bucket.reserve());
    assertTrue(bucket.reserve() > 0, "never more than the burst saved up");
  }

  @Test
  void neverMoreThanRatePlusBurstInAnyOneSecondWindow() {
    TokenBucket bucket = new TokenBucket(50, 5, now::get);
    long start = now.get();
    int inFirstSecond = 0;
    for (int i = 0; i < 500; i++) {
      long sendAt = now.get() + bucket.reserve();
      if (sendAt <= start + SECOND) {
        inFirstSecond++;
      }
    }
    assertEquals(55, inFirstSecond);
  }

  @Test
  void pauseStopsEverythingUntilRetryAfterHasPassed() {
    TokenBucket bucket = new TokenBucket(10, 10, now::get);
    bucket.pause(5 * SECOND);
    assertTrue(bucket.isPaused());
    long wait = bucket.reserve();
    assertTrue(wait >= 5 * SECOND, "waits out the pause: " + wait);
    now.addAndGet(6 * SECOND);
    assertFalse(bucket.isPaused());
  }

  @Test
  void aShorterSecondPauseDoesNotShortenTheFirst() {
    TokenBucket bucket = new TokenBucket(10, 10, now::get);
    bucket.pause(5 * SECOND);
    bucket.pause(SECOND);
    now.addAndGet(2 * SECOND);
    assertTrue(bucket.isPaused());
  }

  @Test
  void theLastRatePlusBurstCallsSpanMoreThanASecondYetTheSustainedRateHolds() {
    TokenBucket bucket = new TokenBucket(50, 10, now::get);
    long start = now.get();
    long[] sendAt = new long[1_000];
    for (int i = 0; i < sendAt.length; i++) {
      sendAt[i] = now.get() + bucket.reserve();
    }
    long window = SECOND + TokenBucket.slackNanos(50, 10);
    assertEquals(180_000_000L, window - SECOND, "slack: 0.9 x burst / rate");
    for (int i = 60; i < sendAt.length; i++) {
      assertTrue(sendAt[i] - sendAt[i - 60] >= window, "call " + i + " is a whole window after the one 60 places back");
    }
    double seconds = (sendAt[sendAt.length - 1] - start) / 1e9;
    assertEquals((1_000 - 10) / 50.0, seconds, 0.05, "still 50 calls a second once the burst is spent");
  }

  @Test
  void limitsNoProviderGrantsKeepNoWindow() {
    TokenBucket bucket = new TokenBucket(1_000_000, 100_000, now::get);
    for (int i = 0; i < 100_000; i++) {
      assertEquals(0, bucket.reserve());
    }
  }
}
