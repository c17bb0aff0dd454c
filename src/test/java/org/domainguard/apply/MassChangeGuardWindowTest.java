package org.domainguard.apply;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.domainguard.check.CheckResult;
import org.domainguard.check.Phase;
import org.domainguard.check.ProviderAnswer;
import org.domainguard.config.AppConfig;
import org.domainguard.testing.MovableClock;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guard's windows, kept in a real database, against a clock the test moves: scheduled checking
 * shares one window per clock hour; an operator's sweep has its own for as long as it runs; two
 * guards on one database (two daemons) share the same windows.
 */
@ExtendWith(VertxExtension.class)
@Timeout(60)
class MassChangeGuardWindowTest {
  private static final Instant TEN_PAST_NOON = Instant.parse("2026-11-22T12:10:00Z");

  private final MovableClock clock = new MovableClock(TEN_PAST_NOON);
  private Pool pool;
  /** At most 4 addresses per window; the ratio never binds (1.0 of the domains checked). */
  private MassChangeGuard guard;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = TestDatabase.pool(vertx, TestDatabase.migratedSchema());
    guard = new MassChangeGuard(pool, new AppConfig.Guard(4, 1.0), clock);
  }

  /** {@code count} released domains of two addresses each, from sweep {@code sweepId} (null: a recheck or scheduled sweep). */
  private List<MassChangeGuard.Candidate> released(int count, Long sweepId) {
    return IntStream.range(0, count).mapToObj(i -> {
      Instant at = clock.instant();
      DomainState state = new DomainState(i, "d" + i + ".com", Phase.ACTIVE, null, null, 0, null);
      CheckResult result = new CheckResult(state.name(), "simulator", at, at, ProviderAnswer.Statuses.parse("undelegated inactive"), 1);
      Decision decision = new Decision(Phase.RELEASED, Phase.RELEASED, at, 0, at.plus(Duration.ofDays(1)), new Decision.Unverify("domain_released", at));
      return new MassChangeGuard.Candidate(new CheckRecord(state, result, decision, sweepId), 2);
    }).toList();
  }

  private MassChangeGuard.Split split(List<MassChangeGuard.Candidate> candidates) {
    return split(guard, candidates);
  }

  /** One write transaction's split, committed. */
  private MassChangeGuard.Split split(MassChangeGuard by, List<MassChangeGuard.Candidate> candidates) {
    return await(pool.withTransaction(conn -> by.split(conn, candidates.stream().map(MassChangeGuard.Candidate::record).toList(), candidates)));
  }

  @Test
  void theHourlyWindowHoldsPastTheLimitUntilTheClockHourTurns() {
    MassChangeGuard.Split first = split(released(3, null));
    assertEquals(2, first.apply().size(), "two domains of two addresses reach guard.max-changes 4");
    assertEquals(1, first.hold().size());
    assertTrue(first.startedHolding());

    clock.advance(Duration.ofMinutes(49)); // 12:59:00, the same hour
    MassChangeGuard.Split sameHour = split(released(1, null));
    assertEquals(0, sameHour.apply().size());
    assertEquals(1, sameHour.hold().size(), "still held within the hour");
    assertFalse(sameHour.startedHolding(), "the window was already holding: no second warning");

    clock.advance(Duration.ofMinutes(1)); // 13:00:00, the next hour
    MassChangeGuard.Split nextHour = split(released(3, null));
    assertEquals(2, nextHour.apply().size(), "changes go through again in the next hour");
    assertEquals(1, nextHour.hold().size(), "up to the limit again");
    assertTrue(nextHour.startedHolding(), "a new window warns anew");
  }

  @Test
  void anOperatorsSweepKeepsItsOwnWindowAcrossTheHour() {
    await(guard.sweepStarted(7, 10));
    assertEquals(2, split(released(3, 7L)).apply().size());

    clock.advance(Duration.ofHours(1));
    MassChangeGuard.Split later = split(released(1, 7L));
    assertEquals(0, later.apply().size(), "the sweep's window does not reset with the hour");
    assertEquals(1, later.hold().size());
    assertEquals(2, split(released(3, null)).apply().size(), "scheduled checking has its own hourly window meanwhile");

    await(guard.sweepEnded(7));
    assertEquals(0, split(released(1, 7L)).apply().size(), "after the sweep, its late records fall into the hourly window, which is full");
  }

  @Test
  void twoDaemonsShareOneWindowAndARolledBackBatchCountsNothing() {
    MassChangeGuard other = new MassChangeGuard(pool, new AppConfig.Guard(4, 1.0), clock);
    assertEquals(1, split(released(1, null)).apply().size(), "this daemon applies two addresses");
    Future<MassChangeGuard.Split> rolledBack = pool.withTransaction(conn -> other.split(conn, List.of(), released(2, null))
        .compose(s -> Future.failedFuture(new IllegalStateException("the batch's transaction fails after the split"))));
    assertThrows(RuntimeException.class, () -> await(rolledBack));
    MassChangeGuard.Split theOther = split(other, released(2, null));
    assertEquals(1, theOther.apply().size(), "the other daemon may add only two more: the limit is 4 for both together");
    assertEquals(1, theOther.hold().size());
    assertEquals(0, split(released(1, null)).apply().size(), "and this one none");
  }

  @Test
  void batchesThatActOnNothingStillCountTowardsTheRatioWithoutLockingTheWindowEarly() {
    MassChangeGuard halfRatio = new MassChangeGuard(pool, new AppConfig.Guard(1000, 0.5), clock);
    List<CheckRecord> quiet = released(4, null).stream().map(MassChangeGuard.Candidate::record).toList();
    MassChangeGuard.Split nothing = await(pool.withTransaction(conn -> halfRatio.split(conn, quiet, List.of())
        .compose(s -> halfRatio.countChecked(conn, quiet, s).map(s))));
    assertSame(MassChangeGuard.Split.NOTHING, nothing, "no candidate: the split took no lock and counted nothing itself");
    // 4 quiet checks + 2 acting: half of 6 is 3 domains, so both apply (without the 4, half of 2 is 1).
    assertEquals(2, split(halfRatio, released(2, null)).apply().size(), "the quiet batch's 4 checks count in the hour's ratio");
    assertEquals(2, split(halfRatio, released(2, null)).apply().size(), "4 of 8 checked");
    assertEquals(1, split(halfRatio, released(2, null)).apply().size(), "5 of 10 checked, no more");
  }
}
