package org.domainguard.sweep;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import org.domainguard.apply.DomainState;
import org.domainguard.check.Phase;
import org.domainguard.db.Sql;
import org.domainguard.db.Timestamps;

/**
 * Hands out due domains under a lease: a leased domain is checked by its owner only, and a
 * crashed owner's leases simply expire. {@code FOR UPDATE SKIP LOCKED} lets several daemons share
 * one database without ever taking the same domain at once.
 */
public final class DueSource {
  /**
   * Inside a result's write: locks, in id order (so two writers never deadlock), those of the
   * batch's domains still leased to this daemon ($2); the ids returned are the results that may be
   * written. Writing a result frees its domain (see apply/ChangeWriter), in the same transaction.
   */
  static final String LOCK_OWN_FOR_WRITE = """
      SELECT id FROM domains WHERE id = ANY($1::bigint[]) AND lease_owner = $2 ORDER BY id FOR UPDATE""";

  private final Pool pool;
  private final String owner;
  private final Duration lease;
  private final Clock clock;

  public DueSource(Pool pool, String owner, Duration lease, Clock clock) {
    this.pool = pool;
    this.owner = owner;
    this.lease = lease;
    this.clock = clock;
  }

  /**
   * Where a sweep's claims have reached in claim order: the last claimed domain's last check (null
   * for never), next check and id. {@link #START} is before every domain.
   */
  public record Position(Instant lastCheckedAt, Instant nextCheckAt, long id) implements Comparable<Position> {
    public static final Position START = new Position(null, null, 0);

    private static final Comparator<Position> ORDER = Comparator
        .comparing(Position::lastCheckedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Position::nextCheckAt, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparingLong(Position::id);

    @Override
    public int compareTo(Position other) {
      return ORDER.compare(this, other);
    }
  }

  /** A page of leased domains and the position its last domain holds in claim order. */
  public record Page(List<DomainState> domains, Position reached) {}

  /**
   * Leases up to {@code limit} domains due at {@code cutoff} that come after {@code after} in claim
   * order: never-checked first, then oldest check first.
   */
  public Future<Page> claim(Instant cutoff, int limit, Position after) {
    Instant now = clock.instant();
    Tuple args = Tuple.of(at(cutoff), at(now), limit, owner, at(now.plus(lease)))
        .addValue(at(after.lastCheckedAt())).addValue(at(after.nextCheckAt())).addValue(after.id());
    return pool.preparedQuery(Sql.CLAIM_DUE).execute(args).map(rows -> {
      List<DomainState> due = new ArrayList<>(rows.size());
      Position reached = after;
      for (Row row : rows) {
        DomainState state = state(row);
        due.add(state);
        Position at = new Position(Timestamps.instant(row.getOffsetDateTime("last_checked_at")), Timestamps.instant(row.getOffsetDateTime("next_check_at")), state.id());
        reached = at.compareTo(reached) > 0 ? at : reached;
      }
      return new Page(due, reached);
    });
  }

  /** Leases one domain by name: null when it is not watched; fails with {@link DomainBusyException} while another check holds it. */
  public Future<DomainState> claimOne(String name) {
    Instant now = clock.instant();
    return pool.preparedQuery(Sql.CLAIM_ONE).execute(Tuple.of(name, owner, at(now), at(now.plus(lease))))
        .compose(rows -> {
          if (rows.size() == 1) {
            return Future.succeededFuture(state(rows.iterator().next()));
          }
          return pool.preparedQuery(Sql.DOMAIN_EXISTS).execute(Tuple.of(name))
              .compose(found -> found.size() == 0
                  ? Future.succeededFuture(null)
                  : Future.failedFuture(new DomainBusyException(name)));
        });
  }

  /** Gives back leases of domains taken but not checked (a cancelled or failed sweep). */
  public Future<Void> release(List<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    // Built explicitly: Tuple.of(owner, array) would spread the array as varargs.
    return pool.preparedQuery(Sql.RELEASE_LEASES).execute(Tuple.tuple().addValue(owner).addValue(ids.toArray(Long[]::new))).mapEmpty();
  }

  /** Inside the caller's transaction: locks those of {@code ids} still leased here and says which they are. */
  Future<Set<Long>> lockOwnForWrite(SqlConnection conn, List<Long> ids) {
    return conn.preparedQuery(LOCK_OWN_FOR_WRITE).execute(Tuple.tuple().addValue(ids.toArray(Long[]::new)).addValue(owner)).map(rows -> {
      Set<Long> own = new HashSet<>();
      rows.forEach(row -> own.add(row.getLong(0)));
      return own;
    });
  }

  public Future<Long> countDue(Instant cutoff) {
    return pool.preparedQuery(Sql.COUNT_DUE).execute(Tuple.of(at(cutoff))).map(rows -> rows.iterator().next().getLong(0));
  }

  /** Makes every domain due at {@code cutoff}, for a sweep of scope "all". */
  public Future<Void> makeAllDue(Instant cutoff) {
    return pool.preparedQuery(Sql.MAKE_ALL_DUE).execute(Tuple.of(at(cutoff))).mapEmpty();
  }

  private static DomainState state(Row row) {
    return new DomainState(
        row.getLong("id"),
        row.getString("name"),
        Phase.parse(row.getString("phase")),
        Phase.parse(row.getString("lapse_phase")),
        Timestamps.instant(row.getOffsetDateTime("lapse_seen_at")),
        row.getInteger("failure_count"),
        row.getLong("last_seen"));
  }


  private static OffsetDateTime at(Instant instant) {
    return Timestamps.utc(instant);
  }
}
