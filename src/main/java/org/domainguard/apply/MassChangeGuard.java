package org.domainguard.apply;

import static org.domainguard.db.Unnest.Type.BIGINT;
import static org.domainguard.db.Unnest.Type.BOOL;
import static org.domainguard.db.Unnest.Type.TEXT;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.domainguard.config.AppConfig;
import org.domainguard.db.Timestamps;
import org.domainguard.db.Unnest;

/**
 * Caps how much one sweep started by an operator (or one hour of continuous checking: scheduled
 * sweeps and rechecks) may unverify: at most
 * {@code guard.max-changes} addresses and at most {@code guard.max-change-ratio} of the domains it
 * checks. What is past either limit is held for an operator instead of applied, so a provider that
 * suddenly calls everything "inactive" cannot unverify a whole user base.
 *
 * <p>The windows live in the database (guard_windows), shared by every daemon on it: each write
 * transaction locks the rows of the windows its batch falls in, counts and splits against them and
 * saves them, so the writes of all daemons serialise on a window's row for the rest of their
 * transaction, and a transaction that does not commit leaves the counts as they were.
 */
public final class MassChangeGuard {
  private static final Unnest<Window> WINDOWS = Unnest.<Window>of()
      .column("window_key", TEXT, w -> w.key)
      .column("checked", BIGINT, w -> w.checked)
      .column("addresses", BIGINT, w -> w.addresses)
      .column("domains", BIGINT, w -> w.domains)
      .column("holding", BOOL, w -> w.holding);

  static final String OPEN_SWEEP_WINDOW = """
      INSERT INTO guard_windows (window_key, total) VALUES ($1, $2)
      ON CONFLICT (window_key) DO UPDATE SET total = EXCLUDED.total""";

  /** Hourly windows past their hour and the windows of sweeps no longer running. */
  static final String DROP_STALE_WINDOWS = """
      DELETE FROM guard_windows g
      WHERE (g.window_key LIKE 'hour:%' AND g.created_at < $1)
         OR (g.window_key LIKE 'sweep:%' AND NOT EXISTS (
                SELECT 1 FROM sweeps s WHERE g.window_key = 'sweep:' || s.id AND s.state = 'running'))""";

  static final String CLOSE_SWEEP_WINDOW = "DELETE FROM guard_windows WHERE window_key = $1";

  /**
   * Locks the windows a batch falls in, in key order (so two writers never deadlock), creating the
   * hourly one if new: $1 lists the hourly key and the batch's sweeps' keys, of which only those
   * with a window of their own (an operator's sweep) are returned.
   */
  static final String LOCK_WINDOWS = """
      INSERT INTO guard_windows (window_key)
      SELECT k FROM unnest($1::text[]) AS k
      WHERE k LIKE 'hour:%' OR EXISTS (SELECT 1 FROM guard_windows g WHERE g.window_key = k)
      ORDER BY k
      ON CONFLICT (window_key) DO UPDATE SET window_key = EXCLUDED.window_key
      RETURNING window_key, total, checked, addresses, domains, holding""";

  /** A batch's checked domains in one window. */
  private static final Unnest<Map.Entry<String, Long>> CHECKED = Unnest.<Map.Entry<String, Long>>of()
      .column("k", TEXT, Map.Entry::getKey)
      .column("n", BIGINT, Map.Entry::getValue);

  /**
   * Adds a batch that acts on nothing to its windows' checked counts (a sweep without a window of
   * its own counts in the hourly one, the last parameter): an increment that needs no lock held
   * while the batch is written, taken as the batch's last statement.
   */
  static final String COUNT_CHECKED = """
      INSERT INTO guard_windows (window_key, checked)
      SELECT k, sum(n) FROM (
          SELECT CASE WHEN t.k = $3 OR EXISTS (SELECT 1 FROM guard_windows g WHERE g.window_key = t.k) THEN t.k ELSE $3 END AS k, t.n
          FROM\s""" + CHECKED.from("t") + """
      ) c
      GROUP BY k ORDER BY k
      ON CONFLICT (window_key) DO UPDATE SET checked = guard_windows.checked + EXCLUDED.checked""";

  static final String SAVE_WINDOWS = "UPDATE guard_windows g SET checked = t.checked, addresses = t.addresses, domains = t.domains,"
      + " holding = t.holding\nFROM " + WINDOWS.from("t") + "\nWHERE g.window_key = t.window_key";

  private final Pool pool;
  private final int maxChanges;
  private final double maxRatio;
  private final Clock clock;

  /** What one sweep or hour has applied so far. */
  private static final class Window {
    final String key;
    long total;
    long checked;
    long addresses;
    long domains;
    boolean holding;

    Window(Row row) {
      key = row.getString("window_key");
      total = row.getLong("total");
      checked = row.getLong("checked");
      addresses = row.getLong("addresses");
      domains = row.getLong("domains");
      holding = row.getBoolean("holding");
    }
  }

  /** One acting record and the number of addresses it would change. */
  public record Candidate(CheckRecord record, int addresses) {}

  /**
   * {@code startedHolding}: this batch is the first in its window to hold anything (worth one
   * warning). {@link #NOTHING}: there was nothing to weigh, so the windows were neither locked nor
   * counted; {@link #countChecked} counts the batch at its end.
   */
  public record Split(List<Candidate> apply, List<Candidate> hold, boolean startedHolding) {
    static final Split NOTHING = new Split(List.of(), List.of(), false);
  }

  public MassChangeGuard(Pool pool, AppConfig.Guard config, Clock clock) {
    this.pool = pool;
    this.maxChanges = config.maxChanges();
    this.maxRatio = config.maxChangeRatio();
    this.clock = clock;
  }

  /**
   * Gives an operator's sweep a window of its own, sized from the start so its ratio limit does
   * not grow as it goes. Scheduled sweeps share the hourly window.
   */
  public Future<Void> sweepStarted(long sweepId, long total) {
    return pool.preparedQuery(OPEN_SWEEP_WINDOW).execute(Tuple.of(sweepKey(sweepId), total)).mapEmpty();
  }

  /** Forgets hourly windows past their hour and the windows of sweeps no longer running (whichever daemon left them). */
  public Future<Void> dropStaleWindows() {
    return pool.preparedQuery(DROP_STALE_WINDOWS).execute(Tuple.of(Timestamps.utc(clock.instant().minus(Duration.ofHours(2))))).mapEmpty();
  }

  public Future<Void> sweepEnded(long sweepId) {
    return pool.preparedQuery(CLOSE_SWEEP_WINDOW).execute(Tuple.of(sweepKey(sweepId))).mapEmpty();
  }

  /**
   * Inside the write transaction: counts the batch's checked domains and splits the acting records
   * into what may be applied now and what is held, against the windows as every daemon left them.
   */
  Future<Split> split(SqlConnection conn, List<CheckRecord> batch, List<Candidate> candidates) {
    if (candidates.isEmpty()) {
      // Nothing to weigh: the windows are not locked for the rest of the transaction (countChecked, last).
      return Future.succeededFuture(Split.NOTHING);
    }
    String hour = hourKey();
    TreeSet<String> keys = new TreeSet<>();
    keys.add(hour);
    batch.forEach(r -> {
      if (r.sweepId() != null) {
        keys.add(sweepKey(r.sweepId()));
      }
    });
    return conn.preparedQuery(LOCK_WINDOWS).execute(Tuple.tuple().addValue(keys.toArray(String[]::new))).compose(rows -> {
      Map<String, Window> windows = new HashMap<>();
      rows.forEach(row -> windows.put(row.getString("window_key"), new Window(row)));
      Split split = split(batch, candidates, r -> {
        Window own = r.sweepId() == null ? null : windows.get(sweepKey(r.sweepId()));
        return own != null ? own : windows.get(hour);
      });
      return conn.preparedQuery(SAVE_WINDOWS).execute(WINDOWS.bind(new ArrayList<>(windows.values()))).map(split);
    });
  }

  /** Inside the write transaction, as its last statement: counts a batch the split did not weigh ({@link Split#NOTHING}). */
  Future<Void> countChecked(SqlConnection conn, List<CheckRecord> batch, Split split) {
    if (split != Split.NOTHING || batch.isEmpty()) {
      return Future.succeededFuture();
    }
    String hour = hourKey();
    Map<String, Long> counts = new TreeMap<>();
    batch.forEach(r -> counts.merge(r.sweepId() == null ? hour : sweepKey(r.sweepId()), 1L, Long::sum));
    return conn.preparedQuery(COUNT_CHECKED).execute(CHECKED.bind(new ArrayList<>(counts.entrySet())).addValue(hour)).mapEmpty();
  }

  /** An operator's sweep's own window. */
  private static String sweepKey(long sweepId) {
    return "sweep:" + sweepId;
  }

  private String hourKey() {
    return "hour:" + clock.instant().getEpochSecond() / 3600;
  }

  private Split split(List<CheckRecord> batch, List<Candidate> candidates, java.util.function.Function<CheckRecord, Window> window) {
    batch.forEach(r -> window.apply(r).checked++);
    List<Candidate> apply = new ArrayList<>();
    List<Candidate> hold = new ArrayList<>();
    boolean startedHolding = false;
    for (Candidate c : candidates) {
      Window w = window.apply(c.record());
      // At least one domain per window, or a lone recheck of a lapsed domain could never act.
      long domainLimit = Math.max(1, (long) Math.floor(maxRatio * Math.max(w.total, w.checked)));
      if (w.addresses + c.addresses() > maxChanges || w.domains + 1 > domainLimit) {
        hold.add(c);
        startedHolding |= !w.holding;
        w.holding = true;
      } else {
        w.addresses += c.addresses();
        w.domains++;
        apply.add(c);
      }
    }
    return new Split(apply, hold, startedHolding);
  }
}
