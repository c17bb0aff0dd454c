package org.domainguard.sweep;

import static org.domainguard.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.domainguard.apply.DomainState;
import org.domainguard.db.DbTarget;
import org.domainguard.testing.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(60)
class DueSourceTest {
  private DbTarget target;
  private DueSource source;
  private DueSource other;
  private final Instant cutoff = Instant.now().plusSeconds(1);

  @BeforeEach
  void setUp(Vertx vertx) {
    target = TestDatabase.migratedSchema();
    Pool pool = TestDatabase.pool(vertx, target);
    source = new DueSource(pool, "this-daemon", Duration.ofMinutes(5), Clock.systemUTC());
    other = new DueSource(pool, "another-daemon", Duration.ofMinutes(5), Clock.systemUTC());
    // Checked long ago, checked yesterday, never checked (two, tied on the next check): claim order is n1, n2, old, recent.
    TestDatabase.jdbc(target, "INSERT INTO domains (name, last_checked_at, next_check_at) VALUES "
        + "('recent.com', now() - interval '1 day', now() - interval '1 hour'), "
        + "('old.com', now() - interval '30 days', now() - interval '1 hour'), "
        + "('n1.com', NULL, '2026-01-01'), ('n2.com', NULL, '2026-01-01'), "
        + "('later.com', NULL, now() + interval '1 day')");
  }

  private static List<String> names(DueSource.Page page) {
    return page.domains().stream().map(DomainState::name).toList();
  }

  @Test
  void pagesFollowClaimOrderAndContinueAfterThePositionReached() {
    DueSource.Page first = await(source.claim(cutoff, 2, DueSource.Position.START));
    assertEquals(List.of("n1.com", "n2.com"), names(first).stream().sorted().toList());
    DueSource.Page second = await(source.claim(cutoff, 2, first.reached()));
    assertEquals(List.of("old.com", "recent.com"), names(second).stream().sorted().toList());
    assertTrue(second.reached().compareTo(first.reached()) > 0);
    assertEquals(List.of(), names(await(source.claim(cutoff, 2, second.reached()))), "nothing due after the last; later.com is not due");
  }

  @Test
  void aLeaseGivenBackBehindThePositionIsFoundFromTheStartOnly() {
    DueSource.Page taken = await(other.claim(cutoff, 1, DueSource.Position.START));
    DueSource.Page mine = await(source.claim(cutoff, 4, DueSource.Position.START));
    assertEquals(3, mine.domains().size(), "the other daemon's lease is skipped");
    await(other.release(List.of(taken.domains().get(0).id())));
    assertEquals(List.of(), names(await(source.claim(cutoff, 4, mine.reached()))), "behind the position: not read again");
    assertEquals(names(taken), names(await(source.claim(cutoff, 4, DueSource.Position.START))), "a pass from the start finds it");
  }

  @Test
  void positionsOrderNeverCheckedFirst() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    DueSource.Position never = new DueSource.Position(null, t.plusSeconds(60), 9);
    DueSource.Position checked = new DueSource.Position(t, t, 1);
    assertTrue(DueSource.Position.START.compareTo(never) < 0);
    assertTrue(never.compareTo(checked) < 0);
    assertTrue(checked.compareTo(new DueSource.Position(t, t, 2)) < 0, "ties broken by id");
  }
}
