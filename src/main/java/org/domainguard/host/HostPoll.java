package org.domainguard.host;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import org.domainguard.db.Timestamps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code capture: poll}: finds the host table's changes with SELECT alone, once per discovery
 * interval (whichever daemon claims the scan). Two keyset walks in bounded pages, each page one
 * statement that reads the page and queues what differs in host_changes, so memory never holds
 * more than a page's position: the host table by its id, in the id's own order (numeric for an
 * integer id), queueing rows that are new or whose address or {@code verified} differ from the
 * mirror's last sight of them; and the mirror by its id, queueing rows the host no longer has.
 */
public final class HostPoll {
  private static final Logger log = LoggerFactory.getLogger(HostPoll.class);

  /** Takes the scan for this interval: only when the last one started at least $2 ago. */
  static final String CLAIM = """
      INSERT INTO host_scan (id, started_at) VALUES (1, $1)
      ON CONFLICT (id) DO UPDATE SET started_at = EXCLUDED.started_at WHERE host_scan.started_at <= $2
      RETURNING started_at""";

  static final String MIRROR_PAGE = """
      WITH page AS (
          SELECT id, host_id FROM email_addresses
          WHERE host_id IS NOT NULL AND id > $1
          ORDER BY id LIMIT $2),
      queued AS (
          INSERT INTO host_changes (host_id)
          SELECT p.host_id FROM page p WHERE NOT EXISTS (SELECT 1 FROM %s h WHERE %s = %s)
          RETURNING 1)
      SELECT (SELECT max(id) FROM page) AS last, (SELECT count(*) FROM page) AS rows, (SELECT count(*) FROM queued) AS queued""";

  private final Pool pool;
  private final Clock clock;
  private final Duration interval;
  private final int pageSize;
  private final String firstHostPage;
  private final String nextHostPage;
  private final String mirrorPage;

  public HostPoll(Pool pool, HostTable table, Clock clock, Duration interval, int pageSize) {
    this.pool = pool;
    this.clock = clock;
    this.interval = interval;
    this.pageSize = pageSize;
    this.firstHostPage = hostPage(table, false);
    this.nextHostPage = hostPage(table, true);
    this.mirrorPage = MIRROR_PAGE.formatted(table.name(), table.id("h"), table.asId("p.host_id"));
  }

  /** One page of the host table after $1 (the previous page's last id, as text), $2 rows at most. */
  static String hostPage(HostTable t, boolean after) {
    return "WITH page AS (\n"
        + "    SELECT " + t.id("h") + " AS id, " + t.addressText("h") + " AS address, " + t.verifiedOrFalse("h") + " AS verified\n"
        + "    FROM " + t.name() + " h\n"
        + (after ? "    WHERE " + t.id("h") + " > " + t.asId("$1") + "\n" : "")
        + "    ORDER BY " + t.id("h") + " LIMIT " + (after ? "$2" : "$1") + "),\n"
        + """
        queued AS (
            INSERT INTO host_changes (host_id)
            SELECT p.id::text FROM page p LEFT JOIN email_addresses m ON m.host_id = p.id::text
            WHERE m.id IS NULL OR m.address IS DISTINCT FROM p.address OR m.host_verified IS DISTINCT FROM p.verified
            RETURNING 1)
        SELECT (SELECT p.id::text FROM page p ORDER BY p.id DESC LIMIT 1) AS last, (SELECT count(*) FROM page) AS rows,
               (SELECT count(*) FROM queued) AS queued""";
  }

  /**
   * Scans unless a scan started less than half an interval ago (a sweep's own discovery right
   * after the scheduled one, or another daemon's scan); completes with the ids queued.
   */
  public Future<Integer> scanIfDue() {
    OffsetDateTime now = Timestamps.utc(clock.instant());
    return pool.preparedQuery(CLAIM).execute(Tuple.of(now, now.minus(interval.dividedBy(2))))
        .compose(claimed -> claimed.size() == 0 ? Future.succeededFuture(0) : scan());
  }

  /** One full scan, now: both walks. */
  public Future<Integer> scan() {
    long started = System.nanoTime();
    return walkHost(null, new Tally())
        .compose(host -> walkMirror(0, host))
        .onSuccess(t -> log.info("host table scanned hostRows={} mirrorRows={} queued={} ms={}",
            t.hostRows, t.mirrorRows, t.queued, (System.nanoTime() - started) / 1_000_000))
        .map(t -> (int) t.queued);
  }

  private Future<Tally> walkHost(String after, Tally tally) {
    Future<Row> page = after == null
        ? pool.preparedQuery(firstHostPage).execute(Tuple.of(pageSize)).map(rows -> rows.iterator().next())
        : pool.preparedQuery(nextHostPage).execute(Tuple.of(after, pageSize)).map(rows -> rows.iterator().next());
    return page.compose(r -> {
      long rows = r.getLong("rows");
      tally.hostRows += rows;
      tally.queued += r.getLong("queued");
      return rows < pageSize ? Future.succeededFuture(tally) : walkHost(r.getString("last"), tally);
    });
  }

  private Future<Tally> walkMirror(long after, Tally tally) {
    return pool.preparedQuery(mirrorPage).execute(Tuple.of(after, pageSize)).map(rows -> rows.iterator().next()).compose(r -> {
      long rows = r.getLong("rows");
      tally.mirrorRows += rows;
      tally.queued += r.getLong("queued");
      return rows < pageSize ? Future.succeededFuture(tally) : walkMirror(r.getLong("last"), tally);
    });
  }

  /** The statements of a page after the first, host side and mirror side ($1: after, $2: page size): for measuring them. */
  public java.util.List<String> pageStatements() {
    return java.util.List.of(nextHostPage, mirrorPage);
  }

  /** What one scan read and queued. */
  private static final class Tally {
    long hostRows;
    long mirrorRows;
    long queued;
  }
}
