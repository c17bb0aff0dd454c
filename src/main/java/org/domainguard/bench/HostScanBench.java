package org.domainguard.bench;

import static org.domainguard.app.Blocking.await;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.domainguard.app.DaemonVerticle;
import org.domainguard.config.AppConfig;
import org.domainguard.db.Database;
import org.domainguard.db.DbTarget;
import org.domainguard.db.EmbeddedDatabase;
import org.domainguard.db.Migrations;
import org.domainguard.host.HostPoll;
import org.domainguard.host.HostSetup;
import org.domainguard.host.HostSync;
import org.domainguard.host.HostTable;

/**
 * What {@code capture: poll} costs the host's database: a PyPI-shaped {@code user_emails} of
 * {@code --rows} rows (default 1,000,000) in an embedded PostgreSQL (data under
 * target/bench/host-scan-pg, wiped first), mirrored once, then one full scan with nothing changed
 * and one after 1,000 changes and 100 deletes: wall time, pages, rows read from the host table,
 * its buffers (pg_statio), and EXPLAIN (ANALYZE, BUFFERS) of one page of each walk.
 * {@code java -cp target/domain-guard.jar org.domainguard.bench.HostScanBench [--rows N] [--page N]}
 */
public final class HostScanBench {
  private static final String HOST = "hostbench";
  private static final String SCHEMA = "domainguard_hostbench";

  private HostScanBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new java.util.HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i], args[i + 1]);
    }
    int rows = Integer.parseInt(options.getOrDefault("--rows", "1000000"));
    int page = Integer.parseInt(options.getOrDefault("--page", String.valueOf(DaemonVerticle.HOST_SCAN_PAGE)));
    Path dir = Path.of("target/bench/host-scan-pg");
    EmbeddedDatabase.wipe(dir);
    PrintStream out = System.out;
    Vertx vertx = Vertx.vertx();
    try (EmbeddedDatabase pg = EmbeddedDatabase.start(dir)) {
      DbTarget target = pg.target(SCHEMA);
      long t0 = System.nanoTime();
      try (Connection c = connect(target); Statement s = c.createStatement()) {
        s.execute("CREATE SCHEMA " + HOST);
        s.execute("CREATE TYPE " + HOST + ".unverifyreasons AS ENUM ('spam complaint', 'hard bounce', 'soft bounce', 'domain invalid')");
        s.execute("CREATE TABLE " + HOST + ".user_emails (id serial PRIMARY KEY, user_id uuid NOT NULL DEFAULT gen_random_uuid(),"
            + " email varchar(254) NOT NULL UNIQUE, \"primary\" boolean NOT NULL DEFAULT false, verified boolean NOT NULL,"
            + " public boolean NOT NULL DEFAULT false, unverify_reason " + HOST + ".unverifyreasons, transient_bounces integer NOT NULL DEFAULT 0)");
        s.execute("INSERT INTO " + HOST + ".user_emails (email, verified) SELECT 'user' || i || '@d' || (i % 200000) || '.example.com', i % 10 <> 0"
            + " FROM generate_series(1, " + rows + ") AS i");
      }
      Migrations.migrate(target);
      AppConfig.Host config = new AppConfig.Host(HOST, "user_emails",
          new AppConfig.HostColumns("id", "email", "verified", "unverify_reason"), Map.of(), AppConfig.Capture.POLL, AppConfig.Write.NONE);
      HostTable table = HostSetup.prepare(target, config);
      out.printf("host table: %,d rows in %.1f s%n", rows, seconds(t0));

      Pool pool = Database.attach(vertx, target, 4).pool();
      HostPoll poll = new HostPoll(pool, table, Clock.systemUTC(), Duration.ofMinutes(1), page);
      long t1 = System.nanoTime();
      int queued = await(poll.scan(), Duration.ofHours(1));
      out.printf("first scan (every row new): queued %,d in %.1f s%n", queued, seconds(t1));
      long t2 = System.nanoTime();
      int synced = await(new HostSync(pool, table, null, DaemonVerticle.DISCOVERY_CHUNK).pull(), Duration.ofHours(1));
      out.printf("mirror filled: %,d rows in %.1f s%n", synced, seconds(t2));
      await(pool.close());
      sql(target, "VACUUM (ANALYZE) " + HOST + ".user_emails, " + SCHEMA + ".email_addresses, " + SCHEMA + ".host_changes");

      scanAndReport(vertx, target, table, page, "steady scan (nothing changed)", out);
      sql(target, "UPDATE " + HOST + ".user_emails SET verified = NOT verified WHERE id % 1000 = 7");
      sql(target, "DELETE FROM " + HOST + ".user_emails WHERE id % 10000 = 3");
      scanAndReport(vertx, target, table, page, "scan after 1,000 changes and 100 deletes", out);

      out.println();
      out.println("EXPLAIN (ANALYZE, BUFFERS) of one host page (ids after " + rows / 2 + "):");
      var statements = new HostPoll(null, table, Clock.systemUTC(), Duration.ofMinutes(1), page).pageStatements();
      explain(target, statements.get(0).replace("$1", "'" + rows / 2 + "'").replace("$2", String.valueOf(page)), out);
      out.println("EXPLAIN (ANALYZE, BUFFERS) of one mirror page (mirror ids after " + rows / 2 + "):");
      explain(target, statements.get(1).replace("$1", String.valueOf(rows / 2)).replace("$2", String.valueOf(page)), out);
    } finally {
      await(vertx.close());
    }
  }

  /** One full scan through a pool of its own; the host table's counters are read once its connections have closed (and flushed them). */
  private static void scanAndReport(Vertx vertx, DbTarget target, HostTable table, int page, String label, PrintStream out) throws Exception {
    long[] before = hostCounters(target);
    Pool pool = Database.attach(vertx, target, 4).pool();
    long t = System.nanoTime();
    int queued = await(new HostPoll(pool, table, Clock.systemUTC(), Duration.ofMinutes(1), page).scan(), Duration.ofHours(1));
    double elapsed = seconds(t);
    await(pool.close());
    Thread.sleep(1500);
    long[] after = hostCounters(target);
    out.printf("%s: %.2f s, queued %,d; host table: %,d rows read by index, %,d seq rows, buffers hit %,d read %,d (heap+index)%n",
        label, elapsed, queued, after[0] - before[0], after[1] - before[1], after[2] - before[2], after[3] - before[3]);
  }

  private static long[] hostCounters(DbTarget target) throws SQLException {
    try (Connection c = connect(target); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("""
            SELECT COALESCE(t.idx_tup_fetch, 0), COALESCE(t.seq_tup_read, 0),
                   COALESCE(io.heap_blks_hit, 0) + COALESCE(io.idx_blks_hit, 0), COALESCE(io.heap_blks_read, 0) + COALESCE(io.idx_blks_read, 0)
            FROM pg_stat_user_tables t JOIN pg_statio_user_tables io ON io.relid = t.relid
            WHERE t.schemaname = 'hostbench' AND t.relname = 'user_emails'""")) {
      rs.next();
      return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
    }
  }

  private static void explain(DbTarget target, String sql, PrintStream out) throws SQLException {
    try (Connection c = connect(target); Statement s = c.createStatement()) {
      s.execute("SET search_path TO " + SCHEMA);
      try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
        while (rs.next()) {
          out.println("  " + rs.getString(1));
        }
      }
    }
  }

  private static void sql(DbTarget target, String sql) throws SQLException {
    try (Connection c = connect(target); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static Connection connect(DbTarget target) throws SQLException {
    return DriverManager.getConnection(target.jdbcUrl(), target.user(), target.password());
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
