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
}
