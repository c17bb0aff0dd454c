package org.domainguard.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SimulatorStatsTest {
  /** A clock the test moves by hand. */
  private static final class ManualClock extends Clock {
    private long millis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    void advanceMillis(long delta) {
      millis += delta;
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  private final ManualClock clock = new ManualClock();
  private final SimulatorStats stats = new SimulatorStats(clock);

  @Test
  void maxPerSecondIsTheBusiestEpochSecond() {
    record(3, "a.com");
    clock.advanceMillis(999);
    record(2, "b.com");
    clock.advanceMillis(1);
    record(4, "a.com");

    JsonObject json = stats.toJson();
    assertEquals(9, json.getLong("requests"));
    assertEquals(5, json.getLong("maxPerSecond"), "3 + 2 in the first second, 4 in the next");
    assertEquals(new JsonObject().put("a.com", 7L).put("b.com", 2L), json.getJsonObject("byDomain"));
    JsonArray perSecond = json.getJsonArray("perSecond");
    assertEquals(SimulatorStats.WINDOW_SECONDS, perSecond.size());
    assertEquals(5L, perSecond.getLong(118));
    assertEquals(4L, perSecond.getLong(119));
  }

  @Test
  void perSecondForgetsSecondsOutsideTheWindow() {
    record(3, "a.com");
    clock.advanceMillis(SimulatorStats.WINDOW_SECONDS * 1000L);
    record(1, "a.com");

    JsonObject json = stats.toJson();
    assertEquals(1L, json.getJsonArray("perSecond").stream().mapToLong(n -> (Long) n).sum());
    assertEquals(3, json.getLong("maxPerSecond"), "the maximum is kept until reset");
  }

  @Test
  void invalidDomainsCountOnlyInTheTotal() {
    stats.record(null);
    JsonObject json = stats.toJson();
    assertEquals(1, json.getLong("requests"));
    assertEquals(0, json.getJsonObject("byDomain").size());
  }

  @Test
  void resetZeroesEverything() {
    record(5, "a.com");
    stats.reset();
    JsonObject json = stats.toJson();
    assertEquals(0, json.getLong("requests"));
    assertEquals(0, json.getLong("maxPerSecond"));
    assertEquals(0, json.getJsonObject("byDomain").size());
    assertEquals(0L, json.getJsonArray("perSecond").stream().mapToLong(n -> (Long) n).sum());
  }

  private void record(int times, String domain) {
    for (int i = 0; i < times; i++) {
      stats.record(domain);
    }
  }
}
